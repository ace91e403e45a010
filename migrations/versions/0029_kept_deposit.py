"""kept deposits: a payment method for an invoice settled by the kit's deposit withheld ("retenue sur caution")

The invoice of a kept deposit and its line need no column of their own: the line's source
(``kept_deposit``, the booking) says what it is (``app.billing.deposits``).

Revision ID: 0029_kept_deposit
Revises: 0028_report_rollup
Create Date: 2026-12-03 10:00:00

"""

from alembic import op

revision = "0029_kept_deposit"
down_revision = "0028_report_rollup"
branch_labels = None
depends_on = None

OLD_METHODS = "'transfer', 'cheque', 'cash', 'card'"
NEW_METHODS = "'transfer', 'cheque', 'cash', 'card', 'deposit'"


def _methods(values):
    with op.batch_alter_table("invoice_payments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_invoice_payments_payment_method"), type_="check")
        batch_op.create_check_constraint(op.f("ck_invoice_payments_payment_method"), f"method IN ({values})")


def upgrade():
    _methods(NEW_METHODS)


def downgrade():
    # The deposit's payments would break the old constraint: they say "withheld", there is no other word.
    op.execute("DELETE FROM invoice_payments WHERE method = 'deposit'")
    _methods(OLD_METHODS)

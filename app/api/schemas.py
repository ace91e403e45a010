"""The API's marshmallow schemas: what the OpenAPI description says, and how answers are written.

Moments go out as ISO 8601 with their offset, in Europe/Paris time (``2026-12-07T10:00:00+01:00``),
and come in as ISO 8601 (a time without an offset is read as Paris time). Amounts are integer cents.
"""

from __future__ import annotations

from datetime import datetime

from marshmallow import Schema, fields, validate

from app.core.clock import PARIS
from app.models import BookingStatus, ResourceKind

KINDS = [kind.value for kind in ResourceKind]
STATUSES = [status.value for status in BookingStatus]


class Moment(fields.DateTime):
    """An aware moment, written in Paris time with its offset; read as ISO 8601 (Paris if naive)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(PARIS).isoformat(timespec="seconds")

    def _deserialize(self, value, attr, data, **kwargs):
        moment: datetime = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=PARIS)
        return moment


class Strict(Schema):
    class Meta:
        ordered = True


class PageSchema(Strict):
    """One page of a list: its ``items`` (declared by each list's schema), the page, the total, the links."""

    page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    links = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


# --- Errors -------------------------------------------------------------------------------------


class ProblemItemSchema(Strict):
    code = fields.String(required=True, metadata={"description": "stable reason code (e.g. already_booked)"})
    message = fields.String(required=True, metadata={"description": "in the language of Accept-Language"})
    field = fields.String(allow_none=True)
    # "in" is a Python keyword: the attribute is named differently
    location = fields.String(data_key="in")


class ProblemSchema(Strict):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.List(fields.Nested(ProblemItemSchema))


# --- Venues and resources -----------------------------------------------------------------------


class HoursSchema(Strict):
    weekday = fields.Integer(required=True, metadata={"description": "Monday = 0 … Sunday = 6"})
    opens = fields.Time(required=True, format="%H:%M")
    closes = fields.Time(required=True, format="%H:%M")


class ClosureSchema(Strict):
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    reason = fields.String(required=True)


class ThemeSchema(Strict):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class VenueSchema(Strict):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    short_description = fields.String(required=True)
    street = fields.String(required=True)
    postal_code = fields.String(required=True)
    city = fields.String(required=True)
    website = fields.String(required=True)
    themes = fields.List(fields.Nested(ThemeSchema), required=True)
    url = fields.String(required=True, metadata={"description": "this venue in the API"})


class VenueDetailSchema(VenueSchema):
    description = fields.String(required=True)
    opening_hours = fields.List(fields.Nested(HoursSchema), required=True)
    closures = fields.List(
        fields.Nested(ClosureSchema),
        required=True,
        metadata={"description": "closures in force over the next 365 days, public holidays included"},
    )


class TariffSchema(Strict):
    audience = fields.String(required=True)
    hour_cents = fields.Integer(allow_none=True, required=True)
    half_day_cents = fields.Integer(allow_none=True, required=True)
    day_cents = fields.Integer(allow_none=True, required=True)


class ResourceSchema(Strict):
    id = fields.Integer(required=True)
    venue = fields.String(required=True, metadata={"description": "the venue's slug"})
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    short_description = fields.String(required=True)
    capacity = fields.Integer(allow_none=True, required=True)
    units = fields.Integer(required=True)
    requires_training = fields.Boolean(required=True)
    min_duration_minutes = fields.Integer(required=True)
    max_duration_minutes = fields.Integer(allow_none=True, required=True)
    slot_minutes = fields.Integer(required=True)
    notice_minutes = fields.Integer(required=True)
    horizon_days = fields.Integer(required=True)
    deposit_cents = fields.Integer(required=True)
    tariffs = fields.List(fields.Nested(TariffSchema), required=True)
    url = fields.String(required=True)
    availability_url = fields.String(required=True)


class ResourceDetailSchema(ResourceSchema):
    description = fields.String(required=True)
    opening_hours = fields.List(
        fields.Nested(HoursSchema), required=True, metadata={"description": "its own, else its venue's"}
    )


class PageArgs(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class VenuePageSchema(PageSchema):
    items = fields.List(fields.Nested(VenueSchema), required=True)


class ResourcePageSchema(PageSchema):
    items = fields.List(fields.Nested(ResourceSchema), required=True)


# --- Availability and the search ----------------------------------------------------------------


class AvailabilityArgs(Strict):
    start = fields.Date(
        load_default=None, metadata={"description": "first Paris day (default: today)", "example": "2026-12-07"}
    )
    days = fields.Integer(load_default=7, validate=validate.Range(min=1, max=31))


class SlotSchema(Strict):
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    state = fields.String(
        required=True,
        validate=validate.OneOf(["free", "busy", "out_of_service", "past", "out_of_range"]),
        metadata={"description": "closed slots are left out"},
    )
    free_units = fields.Integer(allow_none=True, required=True, metadata={"description": "kits only"})
    pending = fields.Boolean(required=True, metadata={"description": "a request waits for a manager"})


class DaySchema(Strict):
    date = fields.Date(required=True)
    slots = fields.List(fields.Nested(SlotSchema), required=True)


class AvailabilitySchema(Strict):
    resource_id = fields.Integer(required=True)
    start = fields.Date(required=True)
    days = fields.List(fields.Nested(DaySchema), required=True)
    links = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class FreeArgs(Strict):
    starts_at = Moment(required=True, metadata={"example": "2026-12-07T10:00:00+01:00"})
    ends_at = Moment(required=True, metadata={"example": "2026-12-07T12:00:00+01:00"})
    kind = fields.String(validate=validate.OneOf(KINDS))
    venue = fields.String(validate=validate.Length(max=60), metadata={"description": "a venue's slug"})
    quantity = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1000))
    q = fields.String(load_default="", validate=validate.Length(max=200), metadata={"description": "words"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


class FreeItemSchema(Strict):
    resource = fields.Nested(ResourceSchema, required=True)
    free_units = fields.Integer(allow_none=True, required=True)


class FreePageSchema(PageSchema):
    items = fields.List(fields.Nested(FreeItemSchema), required=True)


# --- A member's bookings ------------------------------------------------------------------------


class BookingSchema(Strict):
    id = fields.Integer(required=True)
    resource_id = fields.Integer(required=True)
    resource = fields.String(required=True, metadata={"description": "the resource's name"})
    venue = fields.String(required=True, metadata={"description": "the venue's slug"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    quantity = fields.Integer(required=True)
    attendees = fields.Integer(allow_none=True, required=True)
    purpose = fields.String(required=True)
    price_cents = fields.Integer(required=True)
    deposit_cents = fields.Integer(required=True)
    requester = fields.String(required=True, metadata={"description": "the requester's name"})
    actions = fields.List(fields.String(), required=True, metadata={"description": "what the token's owner may do now"})
    url = fields.String(required=True)


class BookingPageSchema(PageSchema):
    items = fields.List(fields.Nested(BookingSchema), required=True)


class BookingListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))


class NewBookingSchema(Strict):
    resource_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    quantity = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1000))
    attendees = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100_000))
    purpose = fields.String(load_default="", validate=validate.Length(max=2000))


class EditBookingSchema(Strict):
    starts_at = Moment()
    ends_at = Moment()
    quantity = fields.Integer(validate=validate.Range(min=1, max=1000))
    attendees = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=100_000))
    purpose = fields.String(validate=validate.Length(max=2000))
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class ReasonSchema(Strict):
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


# --- A member's agreements and invoices ---------------------------------------------------------


class AgreementSchema(Strict):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    version = fields.Integer(required=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)
    venue = fields.String(required=True)
    issued_at = Moment(required=True)
    accepted_at = Moment(allow_none=True, required=True)
    countersigned_at = Moment(allow_none=True, required=True)
    sha256 = fields.String(allow_none=True, required=True, metadata={"description": "of the issued file"})
    pdf_url = fields.String(required=True)


class AgreementPageSchema(PageSchema):
    items = fields.List(fields.Nested(AgreementSchema), required=True)


class InvoiceSchema(Strict):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["invoice", "credit_note"]))
    venue = fields.String(required=True)
    issued_at = Moment(required=True)
    due_on = fields.Date(required=True)
    total_cents = fields.Integer(required=True)
    due_cents = fields.Integer(required=True, metadata={"description": "what is left to pay"})
    state = fields.String(allow_none=True, required=True, metadata={"description": "unpaid, paid, overdue"})
    pdf_url = fields.String(required=True)


class InvoicePageSchema(PageSchema):
    items = fields.List(fields.Nested(InvoiceSchema), required=True)

"""Property-based tests: random sequences of requests, approvals, edits and cancellations.

Whatever happens, no two bookings holding a space or a machine overlap (buffers
included), a kit never has more units out at once than it has, and every
refusal names its reason. The invariants are checked with a brute-force count,
independent of the engine's sweep. Each example runs in one transaction rolled
back at the end, on the data of a committed small consortium.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.bookings.errors import Code, Refusal
from app.bookings.lifecycle import approve, cancel, edit_booking, reject, request_booking
from app.extensions import db
from app.models import HOLDING_STATUSES, ApprovalPolicy, Booking
from tests.factories.bookings import NOW, build_world, paris

KNOWN_CODES = {value for name, value in vars(Code).items() if name.isupper()}

requests = st.tuples(
    st.just("request"),
    st.integers(0, 2),  # room, laser, kit
    st.integers(0, 3),  # who asks
    st.integers(2, 3),  # day of March 2027 (Tuesday or Wednesday)
    st.integers(0, 9),  # start, in hours from 8:00 (8:00 is before opening)
    st.integers(1, 4),  # length, in hours
    st.integers(1, 3),  # quantity
)
decisions = st.tuples(
    st.sampled_from(["approve", "approve", "reject", "cancel"]), st.integers(0, 40), st.integers(0, 3)
)
edits = st.tuples(st.just("edit"), st.integers(0, 40), st.integers(0, 9), st.integers(1, 4), st.integers(1, 3))
operations = st.lists(st.one_of(requests, requests, decisions, decisions, edits), min_size=3, max_size=25)


def _moment(day: int, hours: int):
    return paris(2027, 3, day, 8) + timedelta(hours=hours)


def _assert_invariants(resources) -> None:
    holding = db.session.scalars(select(Booking).where(Booking.status.in_(HOLDING_STATUSES))).all()
    for resource in resources:
        own = sorted((b for b in holding if b.resource_id == resource.id), key=lambda b: b.starts_at)
        if resource.is_exclusive:
            for before, after in zip(own, own[1:], strict=False):
                assert before.holds_until <= after.starts_at, f"{before} and {after} overlap"
        else:
            for instant in {b.starts_at for b in own}:
                out = sum(b.quantity for b in own if b.starts_at <= instant < b.holds_until)
                assert out <= resource.units, f"{out} units of {resource.units} out at {instant}"


def _assert_names_its_reasons(refusal: Refusal) -> None:
    assert refusal.reasons
    for reason in refusal.reasons:
        assert reason.code in KNOWN_CODES
        message = str(reason.message)
        assert message.strip() and "%(" not in message


def test_random_sequences_keep_every_invariant(app):
    world = build_world()
    world.laser.requires_training = False
    world.laser.approval_policy = ApprovalPolicy.CONSORTIUM  # approved at once for consortium members
    world.kit.approval_policy = ApprovalPolicy.VENUE_MEMBERS  # approved at once for the venue's members
    db.session.commit()
    resources = [world.room, world.laser, world.kit]
    people = [world.member, world.other_member, world.coordinator, world.outsider]
    deciders = [world.manager, world.manager, world.coordinator, world.member]
    seen_codes: set[str] = set()

    # Derandomised: the same examples on every run, so that the suite is reproducible.
    @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(operations)
    # Besides the random sequences, one that surely meets the refusals asserted below (which
    # random examples reach or not depending on the seed, itself drawn from this test's source).
    @example(
        [
            ("request", 0, 0, 2, 2, 2, 1),  # the room, 10:00-12:00 on Tuesday
            ("approve", 0, 0),
            ("request", 0, 1, 2, 2, 2, 1),  # the same slot: already booked
            ("request", 2, 0, 3, 2, 2, 3),  # the kit's three units, approved at once for a venue member
            ("request", 2, 0, 3, 2, 2, 1),  # a fourth: not enough units
            ("request", 0, 0, 2, 0, 1, 1),  # 8:00-9:00: before opening
        ]
    )
    def run(steps):
        bookings: list[Booking] = []
        try:
            for step in steps:
                try:
                    if step[0] == "request":
                        _, which, who, day, start, length, quantity = step
                        resource = resources[which]
                        bookings.append(
                            request_booking(
                                resource,
                                people[who],
                                _moment(day, start),
                                _moment(day, start + length),
                                quantity=quantity if not resource.is_exclusive else 1,
                                now=NOW,
                            )
                        )
                    elif bookings and step[0] == "edit":
                        _, index, start, length, quantity = step
                        booking = bookings[index % len(bookings)]
                        day = booking.starts_at.day
                        edit_booking(
                            booking,
                            booking.requester,
                            starts_at=_moment(day, start),
                            ends_at=_moment(day, start + length),
                            quantity=quantity if not booking.resource.is_exclusive else None,
                            now=NOW,
                        )
                    elif bookings:
                        action, index, who = step
                        booking = bookings[index % len(bookings)]
                        if action == "approve":
                            approve(booking, deciders[who], now=NOW)
                        elif action == "reject":
                            reject(booking, deciders[who], "Motif", now=NOW)
                        else:
                            cancel(booking, deciders[who], "Motif", now=NOW)
                except Refusal as refusal:
                    _assert_names_its_reasons(refusal)
                    seen_codes.update(refusal.codes)
                _assert_invariants(resources)
        finally:
            db.session.rollback()

    with app.test_request_context():
        run()
    # The sequences did reach the refusals that matter.
    assert {Code.ALREADY_BOOKED, Code.NOT_ENOUGH_UNITS, Code.OUTSIDE_HOURS} <= seen_codes

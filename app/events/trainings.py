"""Trainings on the path from a refusal: the fair-use feature shows the next training events for a
machine refused for lack of qualification (``app.fairuse.training.register_training_sessions``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.events.rules import upcoming_trainings
from app.fairuse.training import register_training_sessions
from app.models import Resource
from app.notifications.links import absolute_url


@dataclass(frozen=True)
class TrainingSession:
    title: str
    starts_at: datetime
    ends_at: datetime
    url: str


def training_sessions(resource: Resource, now: datetime) -> list[TrainingSession]:
    return [
        TrainingSession(
            f"{event.title} ({event.venue.name})" if event.venue_id != resource.venue_id else event.title,
            event.starts_at,
            event.ends_at,
            absolute_url("events.show", event_id=event.id),
        )
        for event in upcoming_trainings(resource, now)
    ]


register_training_sessions(training_sessions)

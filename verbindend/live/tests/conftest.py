from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from verbindend.live import services
from verbindend.live.models import LiveSession, Participant, Step
from verbindend.testing.personas import Personas


@dataclass
class Room:
    p: Personas
    session: LiveSession
    step: Step
    participant: Participant

    def phone(self, participant: Participant | None = None) -> Client:
        from verbindend.live.models import cookie_name

        client = Client()
        who = participant or self.participant
        client.cookies[cookie_name(self.session.public_id)] = who.token
        return client


@pytest.fixture
def room(personas: Personas) -> Room:
    """A running network focus group on its first question, with one participant."""
    session = services.create_session(
        creator=personas.facilitator, template="focus_group", network=personas.network
    )
    services.start(session=session)
    session.refresh_from_db()
    participant = services.join(session=session, display_name="Ann")
    assert session.current_step is not None
    return Room(personas, session, session.current_step, participant)

import pytest

from tiepdan.scheduling import demo as scheduling_demo
from tiepdan.scheduling.models import ParticipantKind, ReceptionSession

pytestmark = pytest.mark.django_db


def test_demo_calendar_has_the_coming_sessions_and_an_agenda_from_the_approved_matters(demo):
    from tiepdan.bridges import demo as bridges_demo
    from tiepdan.intake import demo as intake_demo
    from tiepdan.triage import demo as triage_demo

    intake_demo.seed(demo)
    triage_demo.seed(demo)
    bridges_demo.seed(demo)
    scheduling_demo.seed(demo)
    scheduling_demo.seed(demo)  # idempotent
    sessions = list(ReceptionSession.objects.filter(province_committee=demo["committee"]).order_by("date"))
    assert len(sessions) == 3
    first = sessions[0]
    assert first.agenda_items.count() == 4  # the four approved demo matters
    assert first.minute_taker.username == "bantcd"
    assert first.points.filter(participants__kind=ParticipantKind.CITIZEN).exists()
    assert first.central_point is not None

import pytest

from tiepdan.intake import demo as intake_demo
from tiepdan.intake.models import Matter
from tiepdan.triage import demo as triage_demo
from tiepdan.triage.selectors import matters_awaiting_schedule

pytestmark = pytest.mark.django_db


def test_demo_takes_intakes_matters_into_every_state_once(demo):
    intake_demo.seed(demo)
    triage_demo.seed(demo)
    triage_demo.seed(demo)  # idempotent: a triaged matter is left as it is
    states = {s: Matter.objects.filter(state=s).count() for s in ("received", "classified", "proposed", "approved", "declined", "withdrawn")}
    assert Matter.objects.count() == 12
    assert states == {"received": 1, "classified": 2, "proposed": 2, "approved": 4, "declined": 2, "withdrawn": 1}
    assert matters_awaiting_schedule(demo["committee"]).count() == 4

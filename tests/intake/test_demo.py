import pytest

from tiepdan.intake import demo as intake_demo
from tiepdan.intake.models import Matter

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_dozen_matters_in_every_state_once(demo):
    intake_demo.seed(demo)
    intake_demo.seed(demo)  # idempotent
    states = {s: Matter.objects.filter(state=s).count() for s in ("received", "classified", "proposed", "approved", "declined", "withdrawn")}
    assert Matter.objects.count() == 12
    assert states == {"received": 1, "classified": 2, "proposed": 2, "approved": 4, "declined": 2, "withdrawn": 1}
    from tiepdan.triage.selectors import matters_awaiting_schedule

    assert matters_awaiting_schedule(demo["committee"]).count() == 4

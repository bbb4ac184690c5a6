import pytest

from tiepdan.intake import demo as intake_demo
from tiepdan.intake.models import Matter

pytestmark = pytest.mark.django_db


def test_demo_registers_a_dozen_matters_once_and_leaves_their_triage_to_triage(demo):
    intake_demo.seed(demo)
    intake_demo.seed(demo)  # idempotent
    assert Matter.objects.count() == 12
    assert {s: Matter.objects.filter(state=s).count() for s in ("received", "withdrawn")} == {"received": 11, "withdrawn": 1}

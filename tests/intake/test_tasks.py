import datetime as dt

import pytest
from django.utils import timezone

from tiepdan.core.models import AuditEntry
from tiepdan.intake import tasks
from tiepdan.intake.models import Matter, Petition

pytestmark = pytest.mark.django_db


def test_stuck_matters_and_old_petitions_are_surfaced(board_matter, demo, as_board):
    fresh, stuck, old = board_matter(), board_matter(), board_matter()
    Matter.objects.filter(pk=stuck.pk).update(state_due_at=timezone.now() - dt.timedelta(days=1))
    Petition.objects.filter(matter=old).update(received_at=timezone.now() - dt.timedelta(days=40))
    report = tasks.surface_stuck()[demo["committee"].pk]
    assert report["overdue"] == [stuck.pk]
    assert report["nearing_45_days"] == [old.pk]
    assert AuditEntry.objects.filter(action="matter.stuck_report").count() == 1
    page = as_board.get("/vu-viec/qua-han/").content.decode()
    assert f"/vu-viec/{stuck.pk}/" in page and f"/vu-viec/{old.pk}/" in page and f"/vu-viec/{fresh.pk}/" not in page


def test_nothing_stuck_writes_nothing(board_matter):
    board_matter()
    assert tasks.surface_stuck() == {}
    assert not AuditEntry.objects.filter(action="matter.stuck_report").exists()


@pytest.fixture
def as_board(client, official):
    client.force_login(official("bantcd"))
    return client

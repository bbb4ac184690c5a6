import datetime as dt

import pytest
from django.utils import timezone

from tiepdan.core.models import AuditEntry
from tiepdan.intake import tasks
from tiepdan.intake.models import Matter, Petition
from tiepdan.notifications import selectors as notices

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


def test_the_board_is_told_of_what_is_stuck_once_a_day_and_other_provinces_not(board_matter, demo, other_province, make_official, official, django_capture_on_commit_callbacks):
    from django.core import mail

    from tiepdan.core.roles import Role

    elsewhere = make_official(Role.BOARD_OFFICER, other_province["board"])
    Matter.objects.filter(pk=board_matter().pk).update(state_due_at=timezone.now() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.surface_stuck()
        tasks.surface_stuck()  # the job run again the same morning tells nobody twice
    [note] = notices.for_user(official("bantcd"))
    assert "1 vụ việc quá hạn" in note.body and note.link == "/vu-viec/qua-han/"
    assert [m.to for m in mail.outbox] == [[official("bantcd").email]]
    assert not notices.for_user(elsewhere).exists() and not notices.for_user(official("chutich")).exists()


def test_nothing_stuck_writes_nothing(board_matter):
    board_matter()
    assert tasks.surface_stuck() == {}
    assert not AuditEntry.objects.filter(action="matter.stuck_report").exists()


@pytest.fixture
def as_board(client, official):
    client.force_login(official("bantcd"))
    return client

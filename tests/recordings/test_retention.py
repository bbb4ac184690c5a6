"""Nothing is deleted before its retention ends; a deletion after it leaves a tombstone and an audit entry."""
import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from tiepdan.core.models import AuditEntry
from tiepdan.recordings import retention
from tiepdan.recordings.models import DeletedRecording, Recording, RetentionPolicy
from tiepdan.recordings.storage import get_store

from .playback_fixtures import recorded  # noqa: F401


def test_the_rule_refuses_before_the_end_and_allows_after_it():
    until = dt.date(2036, 5, 15)
    assert "15/05/2036" in retention.deletion_refusal(state="finished", retention_until=until, today=until)
    assert retention.deletion_refusal(state="finished", retention_until=until, today=until + dt.timedelta(days=1)) is None
    assert retention.deletion_refusal(state="finishing", retention_until=until, today=until + dt.timedelta(days=9)) is not None
    assert retention.deletion_refusal(state="finished", retention_until=None, today=until) is not None


def test_a_recording_is_not_deleted_before_its_retention_ends(recorded, official):
    built = recorded()
    with pytest.raises(retention.RetentionError, match="phải được lưu trữ đến hết ngày"):
        retention.delete_recording(by=official("quantri"), recording=built.recording, reason="Thử xóa sớm")
    assert Recording.objects.filter(pk=built.recording.pk).exists() and not DeletedRecording.objects.exists()
    call_command("delete_expired_recordings")
    assert Recording.objects.filter(pk=built.recording.pk).exists()


def test_after_its_retention_the_job_deletes_it_keeping_a_tombstone_and_the_audit(recorded, django_capture_on_commit_callbacks):
    built = recorded()
    Recording.objects.filter(pk=built.recording.pk).update(retention_until=timezone.localdate() - dt.timedelta(days=1), manifest_sha256="ab" * 32)
    key = built.point_files[0].file.name
    assert get_store().exists(key)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("delete_expired_recordings")
    assert not Recording.objects.filter(pk=built.recording.pk).exists()
    assert not get_store().exists(key)
    tombstone = DeletedRecording.objects.get()
    assert tombstone.room == built.room and tombstone.manifest_sha256 == "ab" * 32 and tombstone.deleted_by is None
    entry = AuditEntry.objects.get(action="recordings.delete_expired")
    assert entry.actor is None and entry.changes["recording"] == built.recording.pk and "Hết thời hạn lưu trữ" in entry.reason


def test_only_the_system_administrator_deletes_by_hand(recorded, official):
    built = recorded()
    Recording.objects.filter(pk=built.recording.pk).update(retention_until=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(Exception, match="không được xóa bản ghi hình"):
        retention.delete_recording(by=official("cntt"), recording=built.recording, reason="Hết hạn")


def test_the_storage_page_shows_sizes_hours_and_each_retention(recorded, client_as, demo):
    built = recorded()
    RetentionPolicy.objects.create(province_committee=demo["committee"], years=15, basis="Danh mục thời hạn lưu trữ")
    page = client_as("cntt").get("/ghi-hinh/luu-tru/").content.decode()
    assert str(built.session) in page and built.recording.retention_until.strftime("%d/%m/%Y") in page
    assert "15 năm" in page and "1000 byte" in page
    assert client_as("canboxa").get("/ghi-hinh/luu-tru/").status_code == 403

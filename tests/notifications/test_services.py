"""notifications.services: notify (in the app, by e-mail after commit, audited) and mark_read."""
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from tiepdan.core.models import AuditEntry
from tiepdan.core.roles import Role
from tiepdan.notifications import selectors, services
from tiepdan.notifications.models import Notification


def test_an_official_gets_a_row_at_once_and_the_email_only_after_commit(demo, official, django_capture_on_commit_callbacks):
    bantcd = official("bantcd")
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.notify(recipients=[bantcd], subject="Giấy mời số 12/GM-UBND", body="Kính gửi ông/bà,\nmời dự phiên tiếp.", link="/lich-tiep/1/", about=demo["committee"])
        assert selectors.unread_count(bantcd) == 1
        assert mail.outbox == []  # not before the caller's transaction commits
    assert [m.to for m in mail.outbox] == [[bantcd.email]]
    assert mail.outbox[0].subject == "Giấy mời số 12/GM-UBND"
    assert mail.outbox[0].body == "Kính gửi ông/bà,\nmời dự phiên tiếp.\n\n/lich-tiep/1/"
    rows[0].refresh_from_db()
    assert rows[0].emailed and rows[0].about == demo["committee"]


def test_nothing_is_told_when_the_callers_transaction_rolls_back(demo, official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            with transaction.atomic():
                services.notify(recipients=[official("bantcd"), "congdan@example.vn"], subject="Thay đổi lịch", body="Phiên dời sang 16/12.")
                raise ValidationError("the caller's service failed after notifying")
    assert callbacks == [] and mail.outbox == []
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.filter(action="notifications.sent").exists()


def test_an_official_without_an_address_gets_only_the_row(demo, make_official, django_capture_on_commit_callbacks):
    no_mail = make_official(Role.COMMUNE_OFFICER, demo["commune"], email="")
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.notify(recipients=[no_mail], subject="Nhắc kiểm tra kết nối điểm cầu", body="Điểm cầu cần kiểm tra trước 15:00.")
    assert mail.outbox == []
    assert [n.pk for n in selectors.for_user(no_mail)] == [rows[0].pk] and not rows[0].emailed


def test_an_address_without_an_account_gets_only_the_email_without_the_apps_link(demo, official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.notify(recipients=["congdan@example.vn"], subject="Giấy mời", body="Kính gửi ông Hoàng Văn Páo.", link="/lich-tiep/1/")
    assert [m.to for m in mail.outbox] == [["congdan@example.vn"]] and mail.outbox[0].body == "Kính gửi ông Hoàng Văn Páo."
    assert rows[0].recipient is None and rows[0].address == "congdan@example.vn"
    assert selectors.unread_count(official("bantcd")) == 0


def test_an_address_cannot_be_told_in_the_app_only(demo):
    with pytest.raises(ValueError):
        services.notify(recipients=["congdan@example.vn"], subject="Giấy mời", body="...", email=False)


def test_email_false_tells_an_official_in_the_app_only(demo, official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[official("bantcd")], subject="Vụ việc quá hạn", body="3 vụ việc quá hạn.", email=False)
    assert mail.outbox == [] and selectors.unread_count(official("bantcd")) == 1


def test_each_person_is_told_once_however_they_are_listed(demo, official, django_capture_on_commit_callbacks):
    bantcd = official("bantcd")
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.notify(recipients=[bantcd, bantcd, bantcd.email.upper(), "congdan@example.vn", "congdan@example.vn"], subject="Thay đổi lịch", body="...")
    assert len(rows) == 2 and sorted(m.to[0] for m in mail.outbox) == sorted([bantcd.email, "congdan@example.vn"])


def test_a_key_tells_each_person_once_however_often_the_job_runs(demo, official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.notify(recipients=[official("cnttxa")], subject="Nhắc", body="...", key="readiness:s1:7:due")
        again = services.notify(recipients=[official("cnttxa"), official("cntt")], subject="Nhắc", body="...", key="readiness:s1:7:due")
    assert len(first) == 1 and [r.recipient.username for r in again] == ["cntt"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([official("cnttxa").email, official("cntt").email])


def test_each_call_is_audited_naming_the_officials_and_counting_the_addresses(demo, official):
    services.notify(recipients=[official("bantcd"), "congdan@example.vn"], subject="Thay đổi lịch", body="...", about=demo["committee"], by=official("bantcd"))
    entry = AuditEntry.objects.get(action="notifications.sent")
    assert entry.actor == official("bantcd") and entry.object_id == str(demo["committee"].pk)
    assert entry.changes["recipients"] == [official("bantcd").pk] and entry.changes["addresses"] == 1
    assert "congdan@example.vn" not in str(entry.changes)  # a citizen's address stays in the row, not in the log


def test_one_failing_address_neither_stops_the_others_nor_undoes_the_notice(demo, official, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send

    def send(message, *args, **kwargs):
        if message.to == ["sai@example.vn"]:
            raise smtplib.SMTPRecipientsRefused({"sai@example.vn": (550, b"no such user")})
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.notify(recipients=["sai@example.vn", official("bantcd")], subject="Giấy mời", body="...")
    assert [m.to for m in mail.outbox] == [[official("bantcd").email]]
    emailed = dict(Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("address", "emailed"))
    assert emailed == {"sai@example.vn": False, "": True}
    assert selectors.emailed_count(rows) == 1


def test_only_the_recipient_marks_a_notice_read_and_it_is_audited_once(demo, official):
    [note] = services.notify(recipients=[official("bantcd")], subject="Nhắc", body="...")
    with pytest.raises(ValidationError):
        services.mark_read(by=official("chutich"), notification=note)
    services.mark_read(by=official("bantcd"), notification=note)
    services.mark_read(by=official("bantcd"), notification=note)
    note.refresh_from_db()
    assert note.read_at is not None and selectors.unread_count(official("bantcd")) == 0
    assert AuditEntry.objects.filter(action="notifications.read").count() == 1

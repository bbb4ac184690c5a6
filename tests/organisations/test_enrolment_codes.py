"""Enrolling the second factor needs what a password alone does not give: a one-time code an administrator issued.

Production-like settings (second factor required, demo accounts not allowed); every step through the pages.
"""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.organisations.test_second_factor import fully_signed_in, password_only, totp_now
from tiepdan.core.models import AuditEntry
from tiepdan.organisations import services
from tiepdan.organisations.models import EnrolmentCode, User


@pytest.fixture(autouse=True)
def production_auth(settings):
    settings.REQUIRE_SECOND_FACTOR = True
    settings.ALLOW_DEMO_ACCOUNTS = False


@pytest.fixture
def admin_browser(demo):
    """The province's system administrator, fully signed in."""
    return fully_signed_in("quantri")


def issue_through_the_page(admin: Client, person: User, reason: str | None = None) -> str:
    url = reverse("issue_enrolment_code", args=[person.pk])
    assert admin.get(url).status_code == 200
    response = admin.post(url, {"reason": reason} if reason is not None else {})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    return re.search(r"<code>([A-Z0-9-]{14})</code>", response.content.decode()).group(1)


def enter_code(browser: Client, code: str):
    return browser.post(reverse("second_factor"), {"code": code})


def test_a_password_alone_gets_no_qr_code_and_creates_no_authenticator(demo):
    browser = password_only("bantcd")
    page = browser.get(reverse("second_factor")).content.decode()
    assert "Mã kích hoạt" in page and "quét mã QR" not in page.lower() and "<img" not in page
    assert not TOTPDevice.objects.filter(user__username="bantcd").exists()
    # Posting a TOTP code (as the old page took) enrols nothing either.
    browser.post(reverse("second_factor"), {"token": "123456"})
    assert not TOTPDevice.objects.filter(user__username="bantcd").exists()
    assert browser.get(reverse("home")).status_code == 302


def test_an_issued_code_enrols_the_official_once(demo, admin_browser):
    officer = User.objects.get(username="bantcd")
    code = issue_through_the_page(admin_browser, officer)
    stored = EnrolmentCode.objects.get(user=officer)
    assert code.replace("-", "") not in stored.code_sha256 and len(stored.code_sha256) == 64
    assert abs(stored.expires_at - stored.issued_at - dt.timedelta(hours=72)) < dt.timedelta(seconds=5)
    assert AuditEntry.objects.filter(action="people.enrolment_code_issued", actor__username="quantri", object_id=str(officer.pk)).exists()

    browser = password_only("bantcd")
    after_code = enter_code(browser, code.lower().replace("-", " "))  # as typed from paper
    assert after_code.status_code == 302
    qr_page = browser.get(reverse("second_factor")).content.decode()
    assert "quét mã QR" in qr_page
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    confirmed = browser.post(reverse("second_factor") + "?next=/", {"token": totp_now(device)})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/"
    assert browser.get(reverse("home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="auth.enrolment_code_used", actor=officer).exists()
    assert AuditEntry.objects.filter(action="auth.second_factor_enrolled", actor=officer).exists()


def test_a_wrong_code_is_refused_and_audited(demo, admin_browser):
    issue_through_the_page(admin_browser, User.objects.get(username="bantcd"))
    browser = password_only("bantcd")
    response = enter_code(browser, "AAAA-BBBB-CCCC")
    assert "Mã kích hoạt không đúng" in response.content.decode()
    assert not TOTPDevice.objects.filter(user__username="bantcd").exists()
    assert AuditEntry.objects.filter(action="auth.enrolment_code_failed", actor__username="bantcd").exists()


def test_a_code_issued_for_someone_else_is_a_wrong_code(demo, admin_browser):
    code = issue_through_the_page(admin_browser, User.objects.get(username="canboxa"))
    response = enter_code(password_only("bantcd"), code)
    assert "Mã kích hoạt không đúng" in response.content.decode()
    assert EnrolmentCode.objects.get(user__username="canboxa").used_at is None


def test_an_expired_code_is_refused(demo, admin_browser):
    officer = User.objects.get(username="bantcd")
    code = issue_through_the_page(admin_browser, officer)
    EnrolmentCode.objects.filter(user=officer).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = enter_code(password_only("bantcd"), code)
    assert "Mã kích hoạt đã hết hạn" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEntry.objects.filter(action="auth.enrolment_code_failed", actor=officer, reason__contains="hết hạn").exists()


def test_a_used_code_cannot_enrol_a_second_authenticator(demo, admin_browser):
    """The holder of the password who finds the code on the desk after its owner used it gets nothing."""
    officer = User.objects.get(username="bantcd")
    code = issue_through_the_page(admin_browser, officer)
    assert enter_code(password_only("bantcd"), code).status_code == 302
    response = enter_code(password_only("bantcd"), code)
    assert "Mã kích hoạt này đã được dùng" in response.content.decode()
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_an_authenticator_started_in_one_browser_cannot_be_confirmed_from_another(demo, admin_browser):
    officer = User.objects.get(username="bantcd")
    enter_code(password_only("bantcd"), issue_through_the_page(admin_browser, officer))
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    other = password_only("bantcd")
    other.post(reverse("second_factor"), {"token": totp_now(device)})
    device.refresh_from_db()
    assert not device.confirmed and other.get(reverse("home")).status_code == 302


def test_a_newer_code_withdraws_the_older_one(demo, admin_browser):
    officer = User.objects.get(username="bantcd")
    first = issue_through_the_page(admin_browser, officer)
    issue_through_the_page(admin_browser, officer)
    assert "đã được thay bằng một mã cấp sau" in enter_code(password_only("bantcd"), first).content.decode()


def test_a_reset_revokes_the_devices_and_needs_a_reason(demo, admin_browser):
    officer = User.objects.get(username="bantcd")
    old_session = fully_signed_in("bantcd")
    assert old_session.get(reverse("home")).status_code == 200

    refused = admin_browser.post(reverse("issue_enrolment_code", args=[officer.pk]), {"reason": ""})
    assert "Lý do cài đặt lại" in refused.content.decode() and TOTPDevice.objects.filter(user=officer, confirmed=True).exists()

    code = issue_through_the_page(admin_browser, officer, reason="Cán bộ báo mất điện thoại")
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert old_session.get(reverse("home")).status_code == 302  # the lost phone's session no longer counts
    entry = AuditEntry.objects.filter(action="people.enrolment_code_issued", object_id=str(officer.pk)).latest("pk")
    assert entry.reason == "Cán bộ báo mất điện thoại" and entry.changes["devices_revoked"] == 1
    assert enter_code(password_only("bantcd"), code).status_code == 302


def test_only_a_system_administrator_of_that_scope_issues_codes(demo, official, other_province, make_official):
    officer = official("bantcd")
    with pytest.raises(PermissionDenied):
        services.issue_enrolment_code(by=official("chutich"), person=officer)
    stranger = make_official("system_admin", other_province["it_centre"])
    with pytest.raises(PermissionDenied):
        services.issue_enrolment_code(by=stranger, person=officer)
    with pytest.raises(PermissionDenied):
        services.issue_enrolment_code(by=official("quantri"), person=official("quantri"))
    # The page answers 404 for someone outside the administrator's scope, as other objects do.
    foreign = make_official("board_officer", other_province["board"])
    assert fully_signed_in("quantri").get(reverse("issue_enrolment_code", args=[foreign.pk])).status_code == 404


def test_the_people_page_offers_the_administrator_a_code_per_person(demo, admin_browser):
    page = admin_browser.get(reverse("people_list")).content.decode()
    officer = User.objects.get(username="bantcd")
    assert reverse("issue_enrolment_code", args=[officer.pk]) in page
    assert "Cấp mã kích hoạt" in page and "Xác thực hai lớp" in page


def test_the_first_administrator_gets_a_code_from_the_console(demo):
    out = io.StringIO()
    call_command("issue_enrolment_code", "quantri", stdout=out)
    code = re.search(r": ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", out.getvalue()).group(1)
    assert enter_code(password_only("quantri"), code).status_code == 302
    assert AuditEntry.objects.filter(action="people.enrolment_code_issued", actor__isnull=True, object_id=str(User.objects.get(username="quantri").pk)).exists()


# --- Demo accounts in a deployment ------------------------------------------------------------------------
def _deploy_check():
    call_command("check", deploy=True, tags=["security"], stdout=io.StringIO(), stderr=io.StringIO())


def test_check_deploy_fails_while_a_demo_account_is_open(demo):
    with pytest.raises(SystemCheckError, match="tài khoản trình diễn đang mở"):
        _deploy_check()


def test_check_deploy_fails_while_an_account_has_the_demo_password(demo):
    User.objects.filter(is_demo=True).exclude(username="chutich").update(is_active=False)
    User.objects.filter(username="chutich").update(is_demo=False)
    with pytest.raises(SystemCheckError, match="mật khẩu trình diễn đã công bố: chutich"):
        _deploy_check()


def test_check_deploy_passes_once_no_demo_account_is_usable(demo):
    User.objects.filter(is_demo=True).update(is_active=False)
    _deploy_check()


def test_the_demo_password_cannot_be_given_to_a_real_account():
    from django.contrib.auth.password_validation import validate_password

    from tiepdan.organisations.demo import DEMO_PASSWORD

    with pytest.raises(ValidationError, match="mật khẩu trình diễn"):
        validate_password(DEMO_PASSWORD)

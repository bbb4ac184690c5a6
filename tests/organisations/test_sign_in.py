import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiepdan.core.models import AuditEntry
from tiepdan.organisations.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _totp_now(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.fixture
def production_auth(settings):
    settings.REQUIRE_SECOND_FACTOR = True
    settings.ALLOW_DEMO_ACCOUNTS = False


def test_second_factor_is_required_under_production_settings(demo, production_auth):
    client = Client()
    response = client.post(reverse("login"), {"username": "bantcd", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("second_factor"))
    # Enrolling takes the one-time code a system administrator issued (tests/organisations/test_enrolment_codes.py).
    from tiepdan.organisations.models import User
    from tiepdan.organisations.services import issue_enrolment_code

    _, code = issue_enrolment_code(by=User.objects.get(username="quantri"), person=User.objects.get(username="bantcd"))
    assert client.post(reverse("second_factor"), {"code": code}).status_code == 302
    enrol = client.get(reverse("second_factor"))
    assert "quét mã QR" in enrol.content.decode()

    device = TOTPDevice.objects.get(user__username="bantcd", confirmed=False)
    wrong = client.post(reverse("second_factor"), {"token": "000000" if _totp_now(device) != "000000" else "111111"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302

    throttled = client.post(reverse("second_factor"), {"token": _totp_now(device)})
    assert "Hãy đợi vài giây" in throttled.content.decode()  # a wrong code makes the next try wait
    time.sleep(1.1)
    ok = client.post(reverse("second_factor") + "?next=/", {"token": _totp_now(device)})
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="auth.second_factor_enrolled", actor__username="bantcd").exists()


def test_demo_accounts_skip_the_second_factor_only_where_demo_is_allowed(demo, settings):
    settings.REQUIRE_SECOND_FACTOR = True
    settings.ALLOW_DEMO_ACCOUNTS = True
    client = Client()
    client.post(reverse("login"), {"username": "bantcd", "password": DEMO_PASSWORD})
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "Tài khoản trình diễn: đăng nhập không cần xác thực hai lớp" in page.content.decode()


def test_repeated_failed_logins_are_throttled_and_recorded(demo, settings):
    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="127.0.0.5")
    for _ in range(3):
        client.post(reverse("login"), {"username": "bantcd", "password": "sai-mat-khau"})
    locked = client.post(reverse("login"), {"username": "bantcd", "password": DEMO_PASSWORD})
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    assert AccessAttempt.objects.filter(username="bantcd", failures_since_start__gte=3).exists()


def test_successful_login_is_audited(demo):
    client = Client()
    client.post(reverse("login"), {"username": "canboxa", "password": DEMO_PASSWORD})
    assert AuditEntry.objects.filter(action="auth.login", actor__username="canboxa").exists()


def test_deploy_check_reports_nothing_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "TIEPDAN_PRODUCTION": "1",
        "SECRET_KEY": "x" * 20 + "production-secret-for-the-check-only-" + "y" * 20,
        "ALLOWED_HOSTS": "tiepdan.example.gov.vn",
        "TIEPDAN_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the test suite for Playwright, never in deployment
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "TIEPDAN_PRODUCTION": "1", "TIEPDAN_DATA_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY phải được đặt" in result.stderr

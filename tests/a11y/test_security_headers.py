"""Content-Security-Policy without inline script, and camera and microphone only on the pages that need them."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "src" / "tiepdan").rglob("templates/**/*.html"))

PRODUCTION_PROBE = """
import json, django
django.setup()
from django.test import Client
r = Client().get("/dang-nhap/", secure=True)
print(json.dumps({"status": r.status_code, "csp": r.headers.get("Content-Security-Policy"), "pp": r.headers.get("Permissions-Policy")}))
"""


def _directives(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def test_production_sends_a_csp_without_inline_script_and_no_camera_on_the_sign_in_page(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tiepdan.config.settings", "PYTHONPATH": str(ROOT / "src"), "TIEPDAN_DATA_DIR": str(tmp_path),
           "TIEPDAN_PRODUCTION": "1", "SECRET_KEY": "x" * 64, "ALLOWED_HOSTS": "testserver"}
    for key in ("DATABASE_URL", "REDIS_URL", "DEBUG"):
        env.pop(key, None)
    out = subprocess.run([sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["status"] == 200 and got["csp"], got
    csp = _directives(got["csp"])
    assert csp["script-src"] == ["'self'"], csp
    assert "'unsafe-inline'" not in got["csp"] and "'unsafe-eval'" not in got["csp"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert "camera=()" in got["pp"] and "microphone=()" in got["pp"]


@pytest.mark.django_db
def test_camera_and_microphone_are_allowed_on_the_readiness_test_and_not_on_the_home_page(client, official, commune_point):
    client.force_login(official("cnttxa"))
    home = client.get("/")
    assert home.status_code == 200
    assert "camera=()" in home["Permissions-Policy"] and "microphone=()" in home["Permissions-Policy"]
    test_page = client.get(f"/diem-cau/{commune_point.pk}/kiem-tra/")
    assert test_page.status_code == 200, test_page.status_code
    assert "camera=(self)" in test_page["Permissions-Policy"] and "microphone=(self)" in test_page["Permissions-Policy"]
    assert "'unsafe-inline'" not in test_page["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_room_page_may_use_the_camera_and_connect_to_the_sfu(client, official, settings, make_session):
    from tiepdan.live import services

    settings.JANUS_PUBLIC_WS_URL = "wss://sfu.example.vn/janus"
    board = official("bantcd")
    room = services.open_room(by=board, session=make_session(communes=1))
    client.force_login(board)
    page = client.get(f"/phong-truc-tuyen/{room.pk}/diem/{room.central_point().pk}/")
    assert page.status_code == 200, page.status_code
    assert "camera=(self)" in page["Permissions-Policy"] and "microphone=(self)" in page["Permissions-Policy"]
    csp = _directives(page["Content-Security-Policy"])
    assert "wss://sfu.example.vn/janus" in csp["connect-src"] and csp["script-src"] == ["'self'"]
    listing = client.get("/phong-truc-tuyen/")
    assert "camera=()" in listing["Permissions-Policy"]
    client.force_login(official("thanhtra"))  # an inspector is no point's official: the room answers with a refusal
    refused = client.get(f"/phong-truc-tuyen/{room.pk}/diem/{room.central_point().pk}/")
    assert refused.status_code in (403, 404) and "camera=()" in refused["Permissions-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
ALLOWED_INLINE = re.compile(r'type="application/json"', re.I)  # data (json_script), not code
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.I)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "src" / "tiepdan")))
def test_no_template_has_inline_script_handlers_or_style(path):
    text = path.read_text(encoding="utf-8")
    scripts = [m.group(0) for m in INLINE_SCRIPT.finditer(text) if not ALLOWED_INLINE.search(m.group(0))]
    assert not scripts, f"inline <script> (the CSP refuses it): {scripts}"
    assert not HANDLER.findall(text), "an on…= handler attribute (the CSP refuses it): move it to a JS module"
    assert not STYLE_ATTR.findall(text), "a style attribute (the CSP refuses it): use a class in the app's CSS"
    assert "hx-on" not in text, "hx-on needs eval, which the CSP refuses"

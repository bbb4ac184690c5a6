"""Shared fixtures: a demo province built through the real services, officials per role, and a real browser.

On CI (CI=true) a missing Chromium or Janus fails the run instead of skipping.
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Fixtures other apps share: test PKIs for signing (tests/pki/plugin.py: test_signer, signing_pki).
pytest_plugins = ["tests.pki.plugin"]

ON_CI = os.environ.get("CI") == "true"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LANG_SON = 20
BAC_NINH = 24


def _missing(what: str) -> None:
    """What CI requires fails the run there; elsewhere the test is skipped, saying so."""
    if ON_CI:
        pytest.fail(f"{what} is required on CI but is not available")
    pytest.skip(f"{what} not available here; required on CI")


def require_tool(path_or_name: str, what: str) -> str:
    found = shutil.which(path_or_name) or (path_or_name if os.path.exists(path_or_name) else None)
    if found:
        return found
    _missing(f"{what} ({path_or_name})")


def require_service(host: str, port: int, what: str) -> None:
    """A service the test talks to (Redis), listening on loopback."""
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        _missing(f"{what} ({host}:{port})")


# --- Data -------------------------------------------------------------------------
def _seed_base() -> dict:
    """Units of Lạng Sơn and Bắc Ninh, and the Lạng Sơn demo province; idempotent and cheap when present."""
    from tiepdan.organisations import demo as demo_module
    from tiepdan.organisations.models import AdministrativeUnit
    from tiepdan.organisations.services import load_administrative_units

    if not AdministrativeUnit.objects.filter(code=f"{BAC_NINH:02d}").exists():
        load_administrative_units({LANG_SON, BAC_NINH})
    return demo_module.seed(province_code=LANG_SON)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the base data once per run; each test then rolls back to it.

    A transactional (browser) test flushes the database afterwards; the fixtures
    below seed again when they find it empty.
    """
    with django_db_blocker.unblock():
        _seed_base()
    yield
    with django_db_blocker.unblock():
        _release_test_database()


def _release_test_database() -> None:
    """Let the test database be dropped: on PostgreSQL, end the sessions the run's own threads left open.

    Threads of the harness (the in-process server's helpers, Playwright-side calls, concurrency tests,
    benchmark harnesses) end without returning their pooled connections, and DROP DATABASE refuses
    while any is open. The product's paths return theirs: ``manage.py serve`` on PostgreSQL keeps
    its pool's size through hundreds of requests and WebSocket arrivals and departures.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    name = connection.settings_dict["NAME"]
    connection.close_pool()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name])


@pytest.fixture(autouse=True)
def _fresh_room_pushes():
    """Room ids are reused after a transactional test empties the database: forget what was pushed for them."""
    from tiepdan.live.realtime import forget_pushed_state

    forget_pushed_state()
    yield


@pytest.fixture(autouse=True, scope="session")
def _jobs_in_memory():
    """Background jobs in tests: Huey's immediate mode, its queue in memory (REC-FIX).

    Without it every room a test closes queues ``recordings.tasks.finish_recording`` into the developer's
    ``DATA_DIR/jobs.sqlite3``, where ``manage.py run_huey`` later runs it against the developer's own database.
    Immediate mode is what the ``HUEY_IMMEDIATE`` setting says it is for (tests), keeps nothing on disk, and
    changes nothing the tests see: a job queued with a delay (the finishing, after ``RECORDINGS_LATE_SLICE_S``)
    waits in memory and never runs in the test; a test that wants the job runs it (``finishing.finish``,
    ``task.call_local``). Set here, not in the settings: pytest-django loads the settings before this file.
    """
    from huey.contrib.djhuey import HUEY

    was = HUEY.immediate
    HUEY.immediate = True   # the setter swaps in a MemoryStorage
    yield
    HUEY.immediate = was


@pytest.fixture
def units(db):
    """Lạng Sơn and Bắc Ninh with their real communes (the full 34/3,321 load is tested on its own)."""
    _seed_base()


@pytest.fixture
def demo(units):
    """The Lạng Sơn demo province with one account per role (usernames as in organisations.demo)."""
    return _seed_base()


@pytest.fixture
def other_province(demo):
    """Bắc Ninh's tree, for checks that one province never sees another's data."""
    from tiepdan.organisations import demo as demo_module
    from tiepdan.organisations.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.get(code=f"{BAC_NINH:02d}")
    orgs = demo_module.province_tree(unit, demo["central"])
    from tiepdan.organisations.models import Organisation

    orgs["commune"] = Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=orgs["committee"]).order_by("unit__code").first()
    return orgs


@pytest.fixture
def official(demo):
    """``official("bantcd")`` → the demo user with that username."""
    from tiepdan.organisations.models import User

    return lambda username: User.objects.get(username=username)


@pytest.fixture
def client_as(client, official):
    """``client_as("bantcd")`` → Django's test client signed in as that demo official."""

    def sign_in(username):
        client.force_login(official(username))
        return client

    return sign_in


@pytest.fixture
def make_official(db):
    """Create an official with a role in an organisation, through the real service."""
    from tiepdan.organisations.services import create_official

    counter = iter(range(1, 10_000))

    def make(role, organisation, username=None, **extra):
        n = next(counter)
        return create_official(by=None, username=username or f"{role}-{n}", full_name=extra.pop("full_name", f"Cán bộ Thử {n}"), organisation=organisation, role=role, password="mat-khau-thu-2026", **extra)

    return make


# --- A live ASGI server (HTTP + WebSocket) in a thread ------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AsgiServer:
    def __init__(self):
        import uvicorn

        from tiepdan.config.asgi import application

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(application, host="127.0.0.1", port=self.port, log_level="warning", ws="websockets-sansio", ws_per_message_deflate=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self):
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("ASGI test server did not start")
            time.sleep(0.05)
        return self

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server_url(transactional_db, settings):
    """URL of the real ASGI application served on loopback for this test."""
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    server = AsgiServer().start()
    yield server.url
    server.stop()


# --- Chromium through Playwright ------------------------------------------------------------
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]


def pytest_collection_modifyitems(config, items):
    """Run every browser test after all the others.

    Playwright's sync API leaves its event loop running in the main thread for the rest
    of the session, and ``async_to_sync`` (used by the WebSocket tests) refuses to run
    inside a running loop; ordering keeps both kinds in one run without either knowing.
    """
    items.sort(key=lambda item: "playwright_instance" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def browser(playwright_instance):
    path = require_tool(CHROMIUM, "Chromium")
    browser = playwright_instance.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser, live_server_url):
    """``new_page()`` → a fresh page (own cookies) with camera and microphone allowed.

    Every page runs under the product's Content-Security-Policy: anything it refuses (an inline
    script or style, an eval, a connection to an origin it does not name) fails the test at the end.
    """
    contexts, pages = [], []

    def make():
        context = browser.new_context(base_url=live_server_url, locale="vi-VN", permissions=["camera", "microphone"])
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.csp_refusals = []
        page.on("console", lambda m, page=page: "Content Security Policy" in m.text and page.csp_refusals.append(f"{page.url}: {m.text}"))
        pages.append(page)
        return page

    yield make
    refused = [r for page in pages for r in page.csp_refusals]
    for context in contexts:
        context.close()
    if refused:
        pytest.fail("the Content-Security-Policy refused:\n" + "\n".join(refused[:10]))


# --- Accessibility: axe-core in the page --------------------------------------------------------
AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "/__axe-core__/axe.min.js"  # answered by the test itself, never by the server or a CDN
AXE_RUN_JS = """async () => {
  const r = await axe.run(document, { resultTypes: ["violations"] });
  return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${(n.failureSummary || "").split("\\n").slice(1).join(" ")}`) }));
}"""


def check_accessible(page, where: str = "") -> None:
    """Run axe-core (npm, node_modules) on the page as it is now; fail on any serious or critical violation, listing each.

    The script is served to the page from node_modules by Playwright at a same-origin address, so the
    page's CSP (script-src 'self') admits it as it admits our own scripts.
    """
    if not AXE_JS.exists():
        _missing("axe-core (npm install)")
    if not getattr(page, "axe_routed", False):
        page.route(f"**{AXE_URL}", lambda route: route.fulfill(path=str(AXE_JS), content_type="text/javascript"))
        page.axe_routed = True
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_URL)
    violations = [v for v in page.evaluate(AXE_RUN_JS) if v["impact"] in ("serious", "critical")]
    assert not violations, f"axe-core on {where or page.url}:\n" + "\n".join(
        f"- [{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations
    )


@pytest.fixture
def assert_accessible():
    """``assert_accessible(page)``: no serious or critical axe-core violation on the page's current state."""
    return check_accessible


@pytest.fixture
def login():
    """``login(page, "bantcd")`` signs a demo account in through the real login form."""
    from tiepdan.organisations.demo import DEMO_PASSWORD

    def do(page, username, password=DEMO_PASSWORD):
        page.goto("/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state("networkidle")
        return page

    return do

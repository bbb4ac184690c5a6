"""At scale: one room served by several server processes (manage.py serve) over Redis.

Each process's hub hears the room once (live.hub); here the chair's browser is on one process
and the commune hall's on another, as behind a load balancer, and both must see the same room.
"""
import asyncio
import os
import uuid

import pytest
from django.core.management import CommandError, call_command

from benchmarks import _rawws
from benchmarks.live import ServerProcess
from tests.conftest import require_service
from tiepdan.live import services

from .test_consumers import _cookie_for, commune_point  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _session_key(cookie: bytes) -> str:
    return cookie.decode().removeprefix("sessionid=")


def test_a_hall_on_one_server_process_follows_the_chair_on_another(room, commune_point, official):
    require_service("127.0.0.1", 6379, "Redis")
    board = official("bantcd")
    central = room.central_point()
    services.admit(by=board, point=commune_point)
    chair_key = _session_key(_cookie_for(board))
    hall_key = _session_key(_cookie_for(link_token=services.issue_join_link(by=board, point=commune_point)[1]))
    env = {"REDIS_URL": "redis://127.0.0.1:6379/5", "REDIS_CHANNEL_PREFIX": f"tiepdan-test-{uuid.uuid4().hex[:8]}"}
    serve = ["manage.py", "serve", "--no-worker", "--host", "127.0.0.1", "--port", "{port}"]
    path = lambda point: f"/ws/phong-truc-tuyen/{room.pk}/diem/{point.pk}/"  # noqa: E731

    with ServerProcess(serve, env=env) as first, ServerProcess(serve, env=env) as second:
        async def scenario():
            chair = await _rawws.connect("127.0.0.1", first.port, path(central), chair_key)
            hall = await _rawws.connect("127.0.0.1", second.port, path(commune_point), hall_key)
            for browser in (chair, hall):
                assert (await browser.wait_for(("welcome",), timeout=30)) is not None, browser.failure
            # The hall (second process) learns the chair (first process) gave it the floor.
            chair.send({"type": "command", "command": "floor", "point": str(commune_point.pk)})
            floor = await _first(hall, lambda m: m.get("type") in ("room", "delta") and (m.get("room") or {}).get("floor") == str(commune_point.pk))
            assert floor is not None, "the floor given on the first process never reached the hall on the second"
            # Media signalling crosses processes too: the hall's offer reaches the chair's browser.
            hall.send({"type": "signal", "to": str(central.pk), "data": {"sdp": {"type": "offer", "sdp": "v=0"}}})
            offer = await _first(chair, lambda m: m.get("type") == "signal")
            assert offer is not None and offer["from"] == str(commune_point.pk) and offer["data"]["sdp"]["type"] == "offer"
            for browser in (chair, hall):
                browser.close()

        asyncio.run(scenario())


async def _first(browser, match, timeout_s: float = 15.0):
    """The first message (from the start) that ``match``es, or None after ``timeout_s``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while loop.time() < deadline:
        for i in range(len(browser.messages)):
            message = browser.message(i)[1]
            if match(message):
                return message
        browser.arrived.clear()
        try:
            await asyncio.wait_for(browser.arrived.wait(), timeout=max(0.01, deadline - loop.time()))
        except TimeoutError:
            break
    return None


def test_several_server_processes_without_redis_are_refused_with_the_reason(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    with pytest.raises(CommandError, match="cần Redis"):
        call_command("serve", "--processes", "2", "--no-worker")
    with pytest.raises(CommandError, match="từ 1 trở lên"):
        call_command("serve", "--processes", "0", "--no-worker")


def test_the_channel_prefix_comes_from_the_environment():
    """Two deployments sharing one Redis must not hear each other's rooms (REDIS_CHANNEL_PREFIX)."""
    import subprocess
    import sys

    code = "import django; django.setup(); from django.conf import settings; print(settings.CHANNEL_LAYERS['default']['CONFIG']['prefix'])"
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "src")
    env = {**os.environ, "PYTHONPATH": src, "DJANGO_SETTINGS_MODULE": "tiepdan.config.settings", "REDIS_URL": "redis://127.0.0.1:6379/5", "REDIS_CHANNEL_PREFIX": "lang-son"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "lang-son", out.stderr[-500:]

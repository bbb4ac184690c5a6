"""Faults: the app server restarted in the middle of a recorded session.

The server here is the real ASGI application on a fixed loopback port, stopped without waiting for its
connections (as a crash or a restart does) and started again on the same port. While it is away the
browsers keep recording into IndexedDB; once it answers they send what it lacks by themselves.
"""
from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import _free_port
from tests.live.conftest import make_session  # noqa: F401  (fixture)

from tests.recordings.test_browser_recording import SETTLED_JS, assert_whole, close_session, seqs, start_session, three_points, tracks

pytestmark = pytest.mark.browser


class RestartableServer:
    """The app on one port, which can be stopped abruptly and started again there."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = self.thread = None

    def start(self):
        import uvicorn

        from tiepdan.config.asgi import application

        config = uvicorn.Config(application, host="127.0.0.1", port=self.port, log_level="warning", ws="websockets-sansio", ws_per_message_deflate=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the app server did not start")
            time.sleep(0.05)
        return self

    def kill(self):
        self.server.should_exit = True
        self.server.force_exit = True  # no graceful close of the open connections
        self.thread.join(timeout=15)
        assert not self.thread.is_alive(), "the app server did not stop"
        # A real restart is a new process: a new in-memory channel layer, and nothing remembered of what
        # was pushed to the rooms (a push due on the stopped loop would keep its room marked as scheduled,
        # and no later change would reach the pages).
        from channels.layers import channel_layers

        from tiepdan.live.realtime import forget_pushed_state

        channel_layers.backends.clear()
        forget_pushed_state()


@pytest.fixture
def app_server(transactional_db, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    server = RestartableServer().start()
    yield server
    if server.thread.is_alive():
        server.kill()


@pytest.fixture
def live_server_url(app_server):
    """The pages (conftest's ``new_page``) talk to the restartable server."""
    return app_server.url


def test_after_a_server_restart_no_acknowledged_slice_is_lost_and_uploads_resume_by_themselves(app_server, make_session, official, new_page, login):
    from django.db.models import Max

    from tiepdan.recordings.models import Slice, Track

    room, halls, chair, pages = three_points(make_session, official, new_page, login)
    start_session(chair)
    for page in (chair, *pages):
        page.locator("#rec-upload", has_text="Ghi hình: đã gửi").wait_for()
    chair.wait_for_timeout(4000)

    app_server.kill()
    acknowledged = set(Slice.objects.filter(track__recording__room=room).values_list("track_id", "seq", "sha256"))
    assert acknowledged
    for page in (chair, *pages):
        page.locator("#rec-upload", has_text="Mất kết nối ghi hình — đang gửi lại…").wait_for(timeout=15_000)
    # While the room's link is down the chair's commands wait, disabled, and the console says why: a
    # «Kết thúc phiên» clicked then would have gone nowhere (CI saw one lost so).
    chair.locator("#console-offline").wait_for()
    assert chair.get_by_role("button", name="Kết thúc phiên").is_disabled()
    chair.wait_for_timeout(3000)
    app_server.start()
    restarted = time.monotonic()

    # Nobody touches anything: the pages reconnect, the queues send what waited, recording goes on.
    for page in (chair, *pages):
        page.locator("#rec-upload", has_text="Ghi hình: đã gửi").wait_for(timeout=30_000)
    print(f"uploads back {time.monotonic() - restarted:.1f} s after the restart")
    # Recording goes on: every point's own take gains three slices past the last acknowledged before the
    # stop (waited for, bounded, rather than a fixed pause that a loaded machine may not fill).
    last_before = {}
    for track_id, seq, _ in acknowledged:
        last_before[track_id] = max(seq, last_before.get(track_id, -1))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        own = Track.objects.filter(recording__room=room, source="own")
        if all((t.slices.aggregate(m=Max("seq"))["m"] or -1) >= last_before.get(t.pk, -1) + 3 for t in own):
            break
        chair.wait_for_timeout(250)
    close_session(chair)  # Playwright's click waits for the button to be enabled again: the link is back
    assert chair.locator("#console-offline").is_hidden()
    for page in (chair, *pages):
        page.wait_for_function(SETTLED_JS, timeout=40_000)

    after = set(Slice.objects.filter(track__recording__room=room).values_list("track_id", "seq", "sha256"))
    assert acknowledged <= after, acknowledged - after
    for point in [room.central_point(), *halls]:
        own = tracks(room, source="own", point=point)
        assert len(own) == 1, own  # the same take went on through the restart
        acked_before = {seq for track_id, seq, _ in acknowledged if track_id == own[0].pk}
        assert_whole(own[0], at_least=max(acked_before) + 4)
        assert max(seqs(own[0])) > max(acked_before) + 2, "nothing arrived after the restart"

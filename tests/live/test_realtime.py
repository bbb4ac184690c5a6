"""What the room pushes to the browsers: only what changed, and storms merged into one push."""
from __future__ import annotations

import threading
import time

from tiepdan.live import realtime


def _state(points, floor=None, channels=None):
    snapshot = {
        "room": {"id": 1, "state": "live", "floor": floor, "backend": "mesh"},
        "points": [{"id": str(pk), "status": "admitted", "muted": muted, "connected": True} for pk, muted in points],
        "events": [],
    }
    return snapshot, channels if channels is not None else {str(pk): f"ch-{pk}" for pk, _ in points}


def test_a_mute_sends_only_the_muted_point_not_the_whole_room():
    before = _state([(pk, True) for pk in range(1, 1001)])
    after = _state([(pk, pk != 7) for pk in range(1, 1001)])
    delta = realtime.snapshot_delta(before, after)
    assert delta["type"] == "room.delta"
    assert delta["points"] == [{"id": "7", "status": "admitted", "muted": False, "connected": True}]
    assert "room" not in delta and "events" not in delta and delta["channels"] == {}


def test_the_first_push_is_the_whole_room_and_no_change_sends_nothing():
    state = _state([(1, True), (2, True)])
    assert realtime.snapshot_delta(None, state)["type"] == "room.snapshot"
    assert realtime.snapshot_delta(state, _state([(1, True), (2, True)])) is None


def test_a_point_that_left_is_named_with_an_empty_channel_and_the_room_change_is_sent_whole():
    before = _state([(1, True), (2, True)])
    after = _state([(1, True), (2, True)], floor="2", channels={"1": "ch-1"})
    delta = realtime.snapshot_delta(before, after)
    assert delta["channels"] == {"2": ""} and delta["room"]["floor"] == "2" and delta["points"] == []


def test_a_storm_of_changes_is_merged_into_few_pushes_and_the_last_state_arrives(monkeypatch):
    pushed, state = [], {"n": 0}
    lock = threading.Lock()

    def fake_push(room_id):
        with lock:
            pushed.append(state["n"])

    pusher = realtime._Pusher()
    monkeypatch.setattr(pusher, "push", fake_push)
    started = time.monotonic()
    for n in range(1, 501):  # five hundred points arriving at once
        state["n"] = n
        pusher.request(42)
    deadline = time.monotonic() + 5
    while (not pushed or pushed[-1] != 500) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pushed[0] == 1  # the first change goes out at once
    assert pushed[-1] == 500  # and the state after the last one arrives
    assert len(pushed) <= 2 + (time.monotonic() - started) / realtime.COALESCE_S


def test_a_push_that_read_only_the_changed_point_sends_it_and_keeps_the_rest_of_the_room():
    """A mute reads one point, not the thousand others (room_snapshot(only=...)); the pusher patches what it remembers."""
    before = _state([(pk, True) for pk in range(1, 1001)])
    partial = _state([(7, False)], floor="7", channels={"7": "ch-7-new"})
    delta = realtime.snapshot_delta(before, partial, {"7"})
    assert [p["id"] for p in delta["points"]] == ["7"] and delta["channels"] == {"7": "ch-7-new"}
    assert delta["room"]["floor"] == "7"  # the room's own fields are always read
    merged, channels = realtime.merge_partial(before, partial, {"7"})
    assert len(merged["points"]) == 1000 and [p["id"] for p in merged["points"]][:8] == [str(pk) for pk in range(1, 9)]
    assert next(p for p in merged["points"] if p["id"] == "7")["muted"] is False
    assert sum(1 for p in merged["points"] if not p["muted"]) == 1
    assert channels["7"] == "ch-7-new" and channels["8"] == "ch-8" and len(channels) == 1000
    # A point that left: read with an empty channel, it drops out of the channels the room relays to.
    gone = _state([(9, True)], channels={})
    assert realtime.snapshot_delta(before, gone, {"9"})["channels"] == {"9": ""}
    assert "9" not in realtime.merge_partial(before, gone, {"9"})[1]


def test_the_pusher_reads_only_the_points_a_service_named_and_everything_when_none_was_named(transactional_db, demo, official, make_session, monkeypatch):
    from tiepdan.live import selectors, services

    board = official("bantcd")
    room = services.open_room(by=board, session=make_session(communes=3))
    reads = []
    real = selectors.room_snapshot
    monkeypatch.setattr(selectors, "room_snapshot", lambda room_id, only=None: reads.append(only) or real(room_id, only=only))
    monkeypatch.setattr(realtime, "_send", lambda *args: None)
    realtime.forget_pushed_state()
    hall = room.points.exclude(role="central").order_by("pk").first()
    for named in ([hall.pk], [hall.pk], None):  # the first push of a room reads all of it, whatever was named
        realtime._pusher.last_at.clear()  # outside the merge window: each request pushes at once
        realtime._pusher.request(room.pk, named if named is not None else realtime.EVERY_POINT)
    assert reads == [None, {str(hall.pk)}, None]


def _race_two_pushes(monkeypatch, slow_pusher, quick_pusher) -> list:
    """The slow pusher reads the point unmuted and takes its time; meanwhile the chair muted it and the
    quick pusher reads that. Returns the states sent, in the order sent."""
    from tiepdan.live import selectors

    for pusher in (slow_pusher, quick_pusher):
        pusher.last_state[1] = _state([(7, True)])
    reads, first_reading, second_started = iter([_state([(7, False)]), _state([(7, True)])]), threading.Event(), threading.Event()
    sent = []

    def room_snapshot(room_id, only=None):
        state = next(reads)
        if not first_reading.is_set():
            first_reading.set()
            second_started.wait(timeout=5)
            time.sleep(0.2)  # the second push has every chance to read and send first
        return state

    monkeypatch.setattr(selectors, "room_snapshot", room_snapshot)
    monkeypatch.setattr(realtime, "_send", lambda send, group, message: sent.append([p["muted"] for p in message["points"]]))
    slow_pusher.dirty[1] = {"7"}  # what the services name: the point they changed
    slow = threading.Thread(target=slow_pusher.push, args=(1,))
    slow.start()
    assert first_reading.wait(timeout=5)
    second_started.set()
    quick_pusher.dirty[1] = {"7"}
    quick_pusher.push(1)
    slow.join(timeout=15)
    return sent


def test_a_push_whose_read_was_slow_never_sends_its_older_state_after_a_newer_one(monkeypatch, settings):
    """Two pushes of one room in one process: whatever the timing, the last state sent must be the
    newer one, or every browser shows the point unmuted until the next change."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.REDIS_URL = ""
    realtime.forget_pushed_state()
    pusher = realtime._Pusher()
    assert _race_two_pushes(monkeypatch, pusher, pusher) == [[False], [True]]  # the older state first, the newer last
    assert pusher.last_state[1][0]["points"][0]["muted"] is True


def test_two_server_processes_push_one_room_in_turn(monkeypatch, settings):
    """With several server processes (Redis), each has its own pusher: the Redis lock orders their
    pushes of a room from read to send, as the in-process lock does within one."""
    import uuid

    from tests.conftest import require_service

    require_service("127.0.0.1", 6379, "Redis")
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.REDIS_URL, settings.REDIS_CHANNEL_PREFIX = "redis://127.0.0.1:6379/5", f"tiepdan-test-{uuid.uuid4().hex[:8]}"
    realtime.forget_pushed_state()
    first_process, second_process = realtime._Pusher(), realtime._Pusher()
    # The second process last pushed "muted" itself, but the point is named: sent as read, after the first's.
    assert _race_two_pushes(monkeypatch, first_process, second_process) == [[False], [True]]
    realtime.forget_pushed_state()


def test_after_forgetting_a_push_due_on_a_stopped_loop_the_next_change_is_pushed_again(monkeypatch):
    """A push merged into one due on a server loop that then stopped never runs. Forgetting the pushed state
    (what a new server process starts from) must forget that one too, or the room's later changes all wait
    on it and the pages never hear of them (the chair's page missed the close after a server restart)."""
    import asyncio

    pushed = []
    pusher = realtime._Pusher()
    monkeypatch.setattr(pusher, "push", lambda room_id: pushed.append(room_id))
    stopped = asyncio.new_event_loop()  # the old server's loop: it will never run what is handed to it
    monkeypatch.setattr(realtime, "_server_loop", lambda: stopped)
    try:
        pusher.request(9)  # goes out at once
        pusher.request(9)  # inside the window: merged into a push due on the loop
        assert pushed == [9]
        pusher.forget()
        monkeypatch.setattr(realtime, "_server_loop", lambda: None)
        pusher.request(9)
        assert pushed == [9, 9]
    finally:
        stopped.close()

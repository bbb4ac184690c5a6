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

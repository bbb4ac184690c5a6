"""The recording in real Chromium (fake camera and microphone), three points in a mesh.

Each point's browser records its own stream; the central point's browser also records what it receives
from each hall (a second copy). Every slice is kept in the browser's IndexedDB until the server has
stored it (recordings/static/recordings/uploadqueue.js), so a reload costs nothing already recorded,
and a PC switched off without a goodbye costs at most the slice it was recording, which the central
copy covers. Media kept short: Chromium encodes on 2 shared cores.
"""
from __future__ import annotations

import datetime as dt
import time

import pytest

from tests.live.conftest import agenda, make_session  # noqa: F401  (fixtures)
from tests.live.test_browser_room import _admit, _chair_page, _hall_page, _open_room, _wait_decoding

pytestmark = pytest.mark.browser

SLICE_S = 2.0
# Everything this page recorded is acknowledged and nothing is being recorded any more.
SETTLED_JS = "() => { const r = window.tiepdanRoom && window.tiepdanRoom.recorder; return !!r && r.takes.size === 0 && r.stopping.size === 0 && r.queue.isIdle(); }"
STATS_JS = "() => window.tiepdanRoom.recorder.queue.stats()"


def tracks(room, **filters):
    from tiepdan.recordings.models import Track

    return list(Track.objects.filter(recording__room=room, **filters).select_related("point").order_by("point_id", "source", "opened_at", "pk"))


def seqs(track) -> list[int]:
    return list(track.slices.order_by("seq").values_list("seq", flat=True))


def coverage_end_ms(track) -> int:
    """The browser's clock at the end of the last slice the server holds (slices are ~2 s long)."""
    last = track.slices.order_by("-seq").values_list("client_time_ms", flat=True).first()
    return int(last + SLICE_S * 1000)


def assert_whole(track, *, at_least: int):
    """The take is closed, its slices numbered 0..n without a hole, and the server lists no gap."""
    track.refresh_from_db()
    got = seqs(track)
    assert track.closed_at is not None, f"{track} not closed"
    assert got == list(range(len(got))), f"{track}: {got}"
    assert track.gaps == [], f"{track}: gaps {track.gaps}"
    assert track.last_seq == len(got) - 1, (track, track.last_seq, len(got))
    assert len(got) >= at_least, f"{track}: only {len(got)} slices"


def span(track) -> tuple[dt.datetime, dt.datetime]:
    """From the take's first slice to the end of its last, on the browser's clock: browsers and server run
    on this one machine, so it is the server's clock too (the server's own estimate of a browser's offset,
    taken over a request that a loaded machine may hold for seconds, is not what is tested here)."""
    first, last = track.slices.order_by("seq").values_list("client_time_ms", flat=True)[0], coverage_end_ms(track)
    at = lambda ms: dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)  # noqa: E731
    return at(first), at(last)


def assert_covers(takes, room, *, slack_s=5.0):
    """The takes start within a few seconds of the session's start (a page hears of it and starts its
    recorder) and run until it closed; one take ends at most a few seconds before the next begins."""
    spans = sorted(span(t) for t in takes)
    assert (spans[0][0] - room.started_at).total_seconds() < slack_s, (spans[0][0], room.started_at)
    assert (room.closed_at - spans[-1][1]).total_seconds() < slack_s, (spans[-1][1], room.closed_at)
    for (_, end), (begin, _) in zip(spans, spans[1:]):
        assert (begin - end).total_seconds() < slack_s, (end, begin)


def start_session(chair):
    chair.get_by_role("button", name="Bắt đầu phiên").click()
    chair.locator("#room-state", has_text="Đang tiếp công dân").wait_for()


def close_session(chair):
    chair.once("dialog", lambda d: d.accept())
    chair.get_by_role("button", name="Kết thúc phiên").click()
    chair.locator("#room-state", has_text="Đã kết thúc").wait_for()


def wait_settled(pages, timeout_s=40):
    deadline = time.monotonic() + timeout_s
    for page in pages:
        page.wait_for_function(SETTLED_JS, timeout=max(1000, (deadline - time.monotonic()) * 1000))


def three_points(make_session, official, new_page, login):
    room, halls, tokens = _open_room(make_session, official, communes=2)
    assert room.backend == "mesh"
    chair = _chair_page(new_page, login, room)
    pages = [_hall_page(new_page, t) for t in tokens]
    for hall in halls:
        _admit(chair, hall)
    for page in (chair, *pages):
        _wait_decoding(page, peers=2)
        # A slice the server refused is kept aside in the page and said on its console: show why.
        page.on("console", lambda m: m.text.startswith("recording:") and print("page:", m.text[:300]))
    return room, halls, chair, pages


def test_a_thirty_second_session_is_recorded_whole_from_every_point_and_the_central_copy(make_session, official, new_page, login, agenda):
    room, halls, chair, pages = three_points(make_session, official, new_page, login)
    first, second = agenda(room, 2)
    start_session(chair)
    started = time.monotonic()
    for page in (chair, *pages):
        page.locator("#rec", has_text="Đang ghi hình").wait_for()
    chair.wait_for_timeout(3000)
    run_two_matters(chair, (first, second), matter_s=10)
    for page in (chair, *pages):
        page.locator("#rec-upload", has_text="Ghi hình: đã gửi").wait_for()
    chair.wait_for_timeout(3000)
    close_session(chair)
    live_s = time.monotonic() - started
    wait_settled([chair, *pages])

    room.refresh_from_db()
    own, relay = tracks(room, source="own"), tracks(room, source="relay")
    for t in own + relay:
        begin, end = span(t)
        print(f"{t.point.name}/{t.source}: {t.slices_count} slices from {begin - room.started_at} to {end - room.started_at} (server's estimate of the start: {t.started_at - room.started_at})")
    # One take per point, from the session's start to its close, every slice there.
    assert sorted(t.point_id for t in own) == sorted([room.central_point().pk, *[h.pk for h in halls]]), own
    for track in own:
        assert_whole(track, at_least=10)
        assert track.mime_type.startswith("video/webm")
        assert_covers([track], room)
    # The central browser's copy of each hall: whole takes (a new one when the hall's connection was made again).
    assert {t.point_id for t in relay} == {h.pk for h in halls}, relay
    for track in relay:
        assert_whole(track, at_least=3)
    for hall in halls:
        assert_covers([t for t in relay if t.point_id == hall.pk], room)
    for page in (chair, *pages):
        stats = page.evaluate(STATS_JS)
        assert stats["queued"] == 0 and stats["aside"] == 0 and stats["lost"] == 0, stats
    print(f"recorded {live_s:.0f} s: " + ", ".join(f"{t.point.name}/{t.source}: {t.slices_count} slices" for t in own + relay))


def run_two_matters(chair, agenda_items, *, matter_s: float):
    for item in agenda_items:
        chair.get_by_role("button", name="Gọi vụ việc tiếp theo").click()
        chair.locator("#current-matter", has_text=f"Vụ việc số {item.matter_id}:").wait_for()
        chair.wait_for_timeout(matter_s * 1000)
        chair.get_by_role("button", name="Kết thúc vụ việc").click()
        chair.locator("#current-matter", has_text="Chưa tiếp vụ việc").wait_for()


def test_the_finished_files_of_a_recorded_session_play_and_each_chapter_starts_at_its_matter(make_session, official, new_page, login, agenda):
    import json
    import shutil
    import subprocess

    from tiepdan.live.models import EventKind
    from tiepdan.recordings import finishing
    from tiepdan.recordings.models import Recording

    room, _, chair, pages = three_points(make_session, official, new_page, login)
    items = agenda(room, 2)
    start_session(chair)
    chair.wait_for_timeout(2000)
    run_two_matters(chair, items, matter_s=5)
    chair.wait_for_timeout(2000)
    close_session(chair)
    wait_settled([chair, *pages])
    room.refresh_from_db()

    recording = Recording.objects.get(room=room)
    finishing.finish(recording)
    recording.refresh_from_db()
    ffprobe = shutil.which("ffprobe")
    assert ffprobe, "ffprobe missing"
    session_s = (room.closed_at - room.started_at).total_seconds()
    point_files = list(recording.point_files.select_related("point"))
    assert len(point_files) == 3, point_files
    probed = []
    for pf in point_files:
        path = pf.file.storage.path(pf.file.name)
        out = json.loads(subprocess.run([ffprobe, "-v", "error", "-show_streams", "-show_format", "-of", "json", path], capture_output=True, check=True, text=True).stdout)
        probed.append((pf, {s["codec_type"] for s in out["streams"]}, float(out["format"]["duration"])))
        print(f"{pf.point.name}: {probed[-1][2]:.2f} s from {pf.offset_s:.2f} s; session {session_s:.2f} s; sources {pf.sources}")
    # Each file plays picture and sound, as long as the session (within 1 s: its recorder starts when
    # the page hears the session started, and stops when it hears it closed).
    for pf, kinds, duration_s in probed:
        assert {"video", "audio"} <= kinds, (pf, kinds)
        assert abs(duration_s - session_s) <= 1.0, (pf, duration_s, session_s)
    starts = list(room.events.filter(kind=EventKind.MATTER_STARTED).order_by("at").values_list("at", flat=True))
    chapters = list(recording.chapters.order_by("start_s"))
    assert len(chapters) == len(starts) == 2, (chapters, starts)
    for chapter, at in zip(chapters, starts):
        expected_s = (at - recording.started_at).total_seconds()
        assert abs(chapter.start_s - expected_s) <= 1, (chapter, chapter.start_s, expected_s)


def test_a_reloaded_hall_loses_nothing_recorded_and_a_switched_off_hall_loses_at_most_one_slice(make_session, official, new_page, login):
    room, halls, chair, (reloaded, switched_off) = three_points(make_session, official, new_page, login)
    start_session(chair)
    reloaded.locator("#rec-upload", has_text="Ghi hình: đã gửi").wait_for()
    # The hall's link to the server is cut for a while: its slices wait in IndexedDB, and it says so.
    reloaded.route("**/doan/**", lambda route: route.abort("internetdisconnected"))
    reloaded.locator("#rec-upload", has_text="Mất kết nối ghi hình — đang gửi lại…").wait_for(timeout=15_000)
    reloaded.wait_for_timeout(4000)
    waiting = reloaded.evaluate(STATS_JS)["queued"]
    assert waiting >= 2, waiting
    (old_take,) = tracks(room, source="own", point=halls[0])
    held_before = seqs(old_take)
    reloaded.reload()  # the page goes away with its slices unsent, and comes back by itself
    reloaded.wait_for_function("() => window.tiepdanRoom && window.tiepdanRoom.recorder && window.tiepdanRoom.recorder.takes.size > 0", timeout=30_000)
    reloaded.wait_for_timeout(2000)
    reloaded.unroute("**/doan/**")  # the link is back

    switched_off.wait_for_timeout(4000)
    switched_off.context.close()  # no goodbye: the PC is switched off
    closed_at_ms = time.time() * 1000
    chair.wait_for_timeout(6000)
    close_session(chair)
    wait_settled([chair, reloaded])

    # The reloaded hall: its earlier take got every slice it had kept, and is closed without a gap;
    # its new take began after the reload and ran to the end.
    takes = tracks(room, source="own", point=halls[0])
    assert len(takes) == 2, takes
    old, new = takes
    assert old.pk == old_take.pk
    assert_whole(old, at_least=len(held_before) + waiting)
    assert set(held_before) <= set(seqs(old))
    assert_whole(new, at_least=3)
    assert new.started_at >= old.started_at + dt.timedelta(seconds=SLICE_S * len(held_before))

    # The switched-off hall: its own take lacks at most one slice beyond what the central copy covers.
    (own,) = tracks(room, source="own", point=halls[1])
    relays = tracks(room, source="relay", point=halls[1])
    assert relays, "the central browser kept no copy of the hall"
    own.refresh_from_db()
    assert own.gaps == [] and seqs(own) == list(range(own.slices_count)), seqs(own)
    own_end, relay_end = coverage_end_ms(own), max(coverage_end_ms(t) for t in relays)
    print(f"switched off at {closed_at_ms:.0f}: own track covers to {own_end - closed_at_ms:+.0f} ms, the central copy to {relay_end - closed_at_ms:+.0f} ms")
    # What the hall's own take lost is at most the slice being recorded when it went (and a second for
    # the upload in flight), and the central copy covers that stretch. The copy may run on a few seconds
    # past the switch-off (frozen frames until the central browser hears the hall has gone): that is not
    # a loss of the hall's own stream, so it is not held against it.
    assert own_end >= closed_at_ms - SLICE_S * 1000 - 1000, (own_end, closed_at_ms)
    assert relay_end >= closed_at_ms - 500, (relay_end, closed_at_ms)
    for track in relays:
        assert_whole(track, at_least=3)

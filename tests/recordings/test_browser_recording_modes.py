"""The recording in real Chromium (fake camera and microphone) on the other media paths: star and Janus.

Star (no services, the central browser relays): as in a mesh, each point's browser records its own stream and
the central browser records what it receives from each hall. Janus: the server records every publisher, the
browsers upload nothing, and finishing turns Janus's files into each point's file. Three points, media kept
short: Chromium encodes on 2 shared cores.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest

from tests.conftest import require_tool
from tests.live.conftest import agenda, make_session  # noqa: F401  (fixtures)
from tests.live.sfu_fixtures import janus  # noqa: F401  (fixture)
from tests.live.sfu_helpers import wait_until_receiving
from tests.live.test_browser_room import _admit, _chair_page, _hall_page, _open_room, _wait_decoding

from .test_browser_recording import assert_whole, close_session, start_session, tracks, wait_settled

pytestmark = pytest.mark.browser


def _probe(pf) -> tuple[set[str], float]:
    ffprobe = shutil.which("ffprobe")
    assert ffprobe, "ffprobe missing"
    path = pf.file.storage.path(pf.file.name)
    out = json.loads(subprocess.run([ffprobe, "-v", "error", "-show_streams", "-show_format", "-of", "json", path],
                                    capture_output=True, check=True, text=True, timeout=60).stdout)
    return {s["codec_type"] for s in out["streams"]}, float(out["format"]["duration"])


def _run_matter(chair, item, *, matter_s: float, during=None):
    chair.get_by_role("button", name="Gọi vụ việc tiếp theo").click()
    chair.locator("#current-matter", has_text=f"Vụ việc số {item.matter_id}:").wait_for()
    if during:
        during()
    chair.wait_for_timeout(matter_s * 1000)
    chair.get_by_role("button", name="Kết thúc vụ việc").click()
    chair.locator("#current-matter", has_text="Chưa tiếp vụ việc").wait_for()


def _assert_chapters_at_matters(recording, room, n: int):
    from tiepdan.live.models import EventKind

    starts = list(room.events.filter(kind=EventKind.MATTER_STARTED).order_by("at").values_list("at", flat=True))
    chapters = list(recording.chapters.order_by("start_s"))
    assert len(chapters) == len(starts) == n, (chapters, starts)
    for chapter, at in zip(chapters, starts):
        expected_s = (at - recording.started_at).total_seconds()
        assert abs(chapter.start_s - expected_s) <= 1, (chapter, chapter.start_s, expected_s)


def test_a_star_session_is_recorded_whole_by_every_point_and_the_central_relay_and_its_files_play(make_session, official, new_page, login, agenda):
    from tiepdan.live import services
    from tiepdan.recordings import finishing
    from tiepdan.recordings.models import Recording

    room, halls, tokens = _open_room(make_session, official, communes=2)
    # Three points would make a mesh: the room is put on the star (as past four points) before anyone joins.
    room = services.switch_backend(by=official("bantcd"), room=room, backend="star", reason="Kiểm thử mô hình hình sao")
    assert room.backend == "star"
    chair = _chair_page(new_page, login, room)
    pages = [_hall_page(new_page, t) for t in tokens]
    for hall in halls:
        _admit(chair, hall)
    _wait_decoding(chair, peers=2)
    for page in pages:
        _wait_decoding(page, peers=1)  # a hall holds one connection only: to the central browser
        assert page.evaluate("() => window.tiepdanRoom.backend.peerConnections().length") == 1
    for page in (chair, *pages):
        page.on("console", lambda m: m.text.startswith("recording:") and print("page:", m.text[:300]))
    (item,) = agenda(room, 1)

    start_session(chair)
    for page in (chair, *pages):
        page.locator("#rec", has_text="Đang ghi hình").wait_for()
    chair.wait_for_timeout(3000)
    _run_matter(chair, item, matter_s=7)
    for page in (chair, *pages):
        page.locator("#rec-upload", has_text="Ghi hình: đã gửi").wait_for()
    chair.wait_for_timeout(3000)
    close_session(chair)
    wait_settled([chair, *pages])
    room.refresh_from_db()

    own, relay = tracks(room, source="own"), tracks(room, source="relay")
    print("takes: " + ", ".join(f"{t.point.name}/{t.source}: {t.slices_count} slices" for t in own + relay))
    assert sorted(t.point_id for t in own) == sorted([room.central_point().pk, *[h.pk for h in halls]]), own
    for track in own:
        assert_whole(track, at_least=5)
    assert {t.point_id for t in relay} == {h.pk for h in halls}, relay  # the central browser's copy of each hall
    for track in relay:
        assert_whole(track, at_least=3)
    assert not tracks(room, source="server")

    recording = Recording.objects.get(room=room)
    recording = finishing.finish(recording, compose=False)  # the export is not what is tested: spare the 2 cores
    assert recording.state == "finished", recording.problems
    point_files = list(recording.point_files.select_related("point"))
    assert {pf.point_id for pf in point_files} == {t.point_id for t in own}, point_files
    for pf in point_files:
        kinds, duration_s = _probe(pf)
        print(f"{pf.point.name}: {kinds} {duration_s:.2f} s from {pf.offset_s:.2f} s; sources {pf.sources}")
        assert {"video", "audio"} <= kinds, (pf, kinds)
    _assert_chapters_at_matters(recording, room, 1)


@pytest.mark.janus
def test_on_janus_the_server_records_each_publishing_point_and_the_browsers_upload_nothing(janus, make_session, official, new_page, login, agenda, settings, tmp_path):
    from tiepdan.live.models import Backend
    from tiepdan.recordings import finishing
    from tiepdan.recordings.janus_recording import room_rec_dir
    from tiepdan.recordings.models import Recording

    require_tool("janus-pp-rec", "janus-tools")
    room, halls, tokens = _open_room(make_session, official, communes=2)
    assert room.backend == Backend.JANUS
    chair = _chair_page(new_page, login, room)
    pages = [_hall_page(new_page, t) for t in tokens]
    for hall in halls:
        _admit(chair, hall)
    ids = {str(p.pk) for p in room.points.all()}
    everyone = dict(zip([str(room.central_point().pk), *[str(h.pk) for h in halls]], [chair, *pages]))
    for pid, page in everyone.items():
        wait_until_receiving(page, ids - {pid}, backend="janus", timeout_s=90)
    items = agenda(room, 2)

    def floor_to(hall):
        def give():  # its microphone opened: Janus forwards (and records) its sound
            chair.locator(f'#points-table tr[data-point="{hall.pk}"]').get_by_role("button", name="Mời phát biểu").click()
            chair.wait_for_timeout(500)
        return give

    start_session(chair)
    live_from = time.monotonic()
    for page in everyone.values():
        page.locator("#rec", has_text="Đang ghi hình").wait_for()
    chair.wait_for_timeout(1000)
    for item, hall in zip(items, halls):
        _run_matter(chair, item, matter_s=4, during=floor_to(hall))
    chair.wait_for_timeout(1000)
    # Nothing recorded in the browsers: the server does it.
    for page in everyone.values():
        assert page.evaluate("() => { const r = window.tiepdanRoom.recorder; return !!r && r.takes.size === 0; }"), page.url
    close_session(chair)
    live_s = time.monotonic() - live_from
    wait_settled(list(everyone.values()), timeout_s=20)
    for page in everyone.values():
        page.context.close()  # the PCs leave: Janus closes its recorders
    room.refresh_from_db()
    assert not tracks(room, source__in=["own", "relay"]), "a browser uploaded its stream on Janus"

    folder = room_rec_dir(room)
    deadline, sizes = time.monotonic() + 10, None
    while time.monotonic() < deadline:  # Janus has written its last packets
        now = sorted((p.name, p.stat().st_size) for p in folder.iterdir()) if folder.is_dir() else []
        if now and now == sizes:
            break
        sizes = now
        time.sleep(1)
    print("janus files:", sizes)

    recording = Recording.objects.get(room=room)
    recording = finishing.finish(recording, compose=False)  # the export is not what is tested: spare the 2 cores
    assert recording.state == "finished", recording.problems
    server = tracks(room, source="server")
    print("takes: " + ", ".join(f"{t.point.name}/{t.source}: {t.duration_s:.1f} s from {t.started_at}" for t in server))
    assert sorted(t.point_id for t in server) == sorted(int(i) for i in ids), (server, recording.problems)
    point_files = {pf.point_id: pf for pf in recording.point_files.select_related("point")}
    assert set(point_files) == {int(i) for i in ids}, point_files
    for track in server:
        pf = point_files[track.point_id]
        kinds, duration_s = _probe(pf)
        # The point was live on Janus from its first packet until the room closed.
        published_s = (room.closed_at - track.started_at).total_seconds()
        print(f"{pf.point.name}: {kinds} {duration_s:.2f} s, published {published_s:.2f} s, from {pf.offset_s:.2f} s; session {live_s:.1f} s")
        assert {"video", "audio"} <= kinds, (pf, kinds)
        assert abs(duration_s - published_s) <= 1.5, (pf, duration_s, published_s)
        assert duration_s >= live_s - 1.5, (pf, duration_s, live_s)
    _assert_chapters_at_matters(recording, room, 2)

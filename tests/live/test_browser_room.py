"""The room in real Chromium (fake camera and microphone), media over loopback, no services but our server.

Each page is one bridge point: the chair signs in as the Board officer at the central point; the commune
halls open a one-time join link, as a hall's PC would. Pages are few: Chromium on 2 cores is slow.
"""
import time

import pytest

from tiepdan.live import services

from .sfu_helpers import SENT_VIDEO_CAPS_JS

pytestmark = pytest.mark.browser

FRAMES_JS = """async () => {
  const b = window.tiepdanRoom && window.tiepdanRoom.backend;
  if (!b) return null;
  const out = [];
  for (const pc of b.peerConnections()) {
    const r = await pc.getStats();
    const frames = [];
    r.forEach((s) => { if (s.type === "inbound-rtp" && s.kind === "video") frames.push(s.framesDecoded || 0); });
    out.push(frames);
  }
  return out;
}"""


def _open_room(make_session, official, communes):
    board = official("bantcd")
    room = services.open_room(by=board, session=make_session(communes=communes))
    halls = list(room.points.filter(role="component").order_by("pk"))
    tokens = [services.issue_join_link(by=board, point=p)[1] for p in halls]
    return room, halls, tokens


def _chair_page(new_page, login, room):
    page = new_page()
    login(page, "bantcd")
    page.goto(f"/phong-truc-tuyen/{room.pk}/diem/{room.central_point().pk}/")
    page.get_by_role("button", name="Vào phòng").click()
    page.wait_for_function("() => window.tiepdanRoom && window.tiepdanRoom.backend")
    return page


def _hall_page(new_page, token):
    page = new_page()
    page.goto(f"/phong-truc-tuyen/vao/{token}/")
    page.get_by_role("button", name="Vào phòng").click()
    page.get_by_text("Vui lòng chờ người chủ trì cho vào phiên").wait_for()
    return page


def _admit(chair, point):
    chair.locator(f'#points-table tr[data-point="{point.pk}"] button', has_text="Cho vào").click()


def _wait_decoding(page, peers, timeout_s=120, tracks_per_peer=1):
    """Wait until the page holds ``peers`` connections, each decoding ``tracks_per_peer`` videos; return the counts."""
    deadline = time.monotonic() + timeout_s
    frames = None
    while time.monotonic() < deadline:
        frames = page.evaluate(FRAMES_JS)
        if frames is not None and len(frames) == peers and all(len([f for f in pc if f > 0]) >= tracks_per_peer for pc in frames):
            return frames
        page.wait_for_timeout(500)
    raise AssertionError(f"video not decoding on every connection: {frames}")


def test_four_points_each_decode_the_other_three_in_a_mesh(make_session, official, new_page, login):
    room, halls, tokens = _open_room(make_session, official, communes=3)
    assert room.backend == "mesh"
    chair = _chair_page(new_page, login, room)
    pages = [_hall_page(new_page, t) for t in tokens]
    admitted_at = time.monotonic()
    for hall in halls:
        _admit(chair, hall)
    everyone = [chair, *pages]
    first = [_wait_decoding(p, peers=3) for p in everyone]
    print(f"mesh 4 points: admission to every picture decoding on every page: {time.monotonic() - admitted_at:.1f} s")
    chair.wait_for_timeout(2000)
    later = [p.evaluate(FRAMES_JS) for p in everyone]
    for before, after in zip(first, later):
        assert len(after) == 3
        # every incoming picture keeps decoding: framesDecoded grows on each of the three connections
        assert all(max(a) > max(b) for a, b in zip(after, before)), (before, after)
    for page in pages:
        assert page.locator("#tiles .tile video").count() == 4  # three others and itself
    # Each page sends three copies of its picture: each is capped at the room's per-stream rate.
    for page in everyone:
        assert page.evaluate(SENT_VIDEO_CAPS_JS) == [room.max_bitrate_kbps * 1000] * 3


def test_chair_mutes_and_removes_a_point_and_the_others_see_it(make_session, official, new_page, login, assert_accessible):
    room, halls, tokens = _open_room(make_session, official, communes=2)
    chair = _chair_page(new_page, login, room)
    first, second = _hall_page(new_page, tokens[0]), _hall_page(new_page, tokens[1])
    assert_accessible(first, "a hall in the lobby")
    assert_accessible(chair, "the console with points waiting")
    for hall in halls:
        _admit(chair, hall)
    _wait_decoding(second, peers=2)
    row = chair.locator(f'#points-table tr[data-point="{halls[0].pk}"]')
    row.get_by_role("button", name="Mời phát biểu").click()
    tile_on_second = second.locator(f'.tile[data-point="{halls[0].pk}"]')
    tile_on_second.get_by_text("đang mở micro").wait_for()
    assert_accessible(second, "a hall in the room, another point given the floor")
    assert first.evaluate("() => window.tiepdanRoom.localStream.getAudioTracks()[0].enabled") is True
    row.get_by_role("button", name="Tắt micro").click()
    tile_on_second.get_by_text("đã tắt micro").wait_for()
    first.locator("#own-mic", has_text="đã tắt").wait_for()
    assert first.evaluate("() => window.tiepdanRoom.localStream.getAudioTracks()[0].enabled") is False

    chair.once("dialog", lambda d: d.accept("Gây mất trật tự"))
    row.get_by_role("button", name="Mời ra").click()
    first.get_by_text("Người chủ trì đã mời điểm cầu của bạn ra khỏi phiên").wait_for()
    assert_accessible(first, "a removed hall")
    tile_on_second.wait_for(state="detached")
    chair.locator(f'#points-table tr[data-point="{halls[0].pk}"] .status', has_text="Đã bị mời ra").wait_for()
    second.wait_for_function("() => window.tiepdanRoom.backend.peerConnections().length === 1")

    # The chair's override, saying why: the removed hall comes back through the lobby and is admitted again.
    chair.once("dialog", lambda d: d.accept("Công dân cam kết giữ trật tự"))
    chair.locator(f'#points-table tr[data-point="{halls[0].pk}"]').get_by_role("button", name="Cho trở lại phòng chờ").click()
    chair.locator(f'#points-table tr[data-point="{halls[0].pk}"] .status', has_text="Đang chờ được cho vào").wait_for()
    first.reload()  # a page that was in the room joins again by itself
    first.get_by_text("Vui lòng chờ người chủ trì cho vào phiên").wait_for()
    _admit(chair, halls[0])
    _wait_decoding(second, peers=2)


def test_a_reloaded_point_is_back_within_ten_seconds(make_session, official, new_page, login):
    room, halls, tokens = _open_room(make_session, official, communes=1)
    chair = _chair_page(new_page, login, room)
    hall = _hall_page(new_page, tokens[0])
    _admit(chair, halls[0])
    _wait_decoding(hall, peers=1)
    _wait_decoding(chair, peers=1)
    started = time.monotonic()
    hall.reload()
    frames = _wait_decoding(hall, peers=1, timeout_s=10)
    _wait_decoding(chair, peers=1, timeout_s=max(1, 10 - (time.monotonic() - started)))
    elapsed = time.monotonic() - started
    assert elapsed < 10, elapsed
    assert frames[0][0] > 0
    chair.locator(f'#points-table tr[data-point="{halls[0].pk}"]', has_text="kết nối lại 1 lần").wait_for()
    assert room.events.filter(kind="reconnected", point=halls[0]).exists()
    print(f"reload-to-video: {elapsed:.1f} s")


def test_star_with_five_points_each_commune_holds_one_connection(make_session, official, new_page, login):
    room, halls, tokens = _open_room(make_session, official, communes=4)
    assert room.backend == "star"
    chair = _chair_page(new_page, login, room)
    pages = [_hall_page(new_page, t) for t in tokens]
    for hall in halls:
        _admit(chair, hall)
    admitted_at = time.monotonic()
    _wait_decoding(chair, peers=4)
    for page in pages:
        _wait_decoding(page, peers=1)  # the central point's own picture
    print(f"star 5 points: admission to every picture decoding: {time.monotonic() - admitted_at:.1f} s")
    # The chair gives the floor to the first commune: the central browser re-sends its picture to the others.
    chair.locator(f'#points-table tr[data-point="{halls[0].pk}"]').get_by_role("button", name="Mời phát biểu").click()
    for page in pages[1:]:
        frames = _wait_decoding(page, peers=1, tracks_per_peer=2)
        assert len(frames) == 1 and len(frames[0]) == 2
        page.locator("#stage .tile", has_text=halls[0].name).wait_for()
    for page in pages:
        assert page.evaluate("() => window.tiepdanRoom.backend.peerConnections().length") == 1
        assert page.evaluate(SENT_VIDEO_CAPS_JS) == [room.max_bitrate_kbps * 1000]  # one stream up, capped
    chair_caps = chair.evaluate(SENT_VIDEO_CAPS_JS)  # its own picture to each commune, and the speaker re-sent
    assert len(chair_caps) >= 4 and set(chair_caps) == {room.max_bitrate_kbps * 1000}, chair_caps


def test_console_runs_the_agenda_and_minutes_survive_closing_the_browser(make_session, official, new_page, login, agenda, assert_accessible):
    room, halls, tokens = _open_room(make_session, official, communes=1)
    first, second = agenda(room, 2)
    chair = _chair_page(new_page, login, room)
    chair.get_by_role("button", name="Bắt đầu phiên").click()
    chair.locator("#room-state", has_text="Đang tiếp công dân").wait_for()
    chair.get_by_role("button", name="Gọi vụ việc tiếp theo").click()
    chair.locator("#current-matter", has_text=f"Vụ việc số {first.matter_id}:").wait_for()
    chair.locator("#agenda li.current", has_text="Khiếu nại bồi thường đất đai số 1").wait_for()
    chair.locator("#timer", has_text="Đã tiếp").wait_for()
    chair.get_by_label("Nội dung công dân trình bày").fill("Công dân đề nghị xem xét lại giá bồi thường.")
    chair.locator("#minutes-status", has_text="Đã lưu lúc").wait_for()
    assert_accessible(chair, "the console during a matter, minutes saved")
    chair.close()  # the browser closes: nothing typed is lost

    again = new_page()
    login(again, "bantcd")
    again.goto(f"/phong-truc-tuyen/{room.pk}/diem/{room.central_point().pk}/")
    assert_accessible(again, "the device check before joining")
    again.get_by_role("button", name="Vào phòng").click()
    again.wait_for_function("() => document.querySelector('#minutes textarea[name=citizen_presentation]').value.length > 0")
    assert again.get_by_label("Nội dung công dân trình bày").input_value() == "Công dân đề nghị xem xét lại giá bồi thường."
    again.get_by_role("button", name="Kết thúc vụ việc").click()
    again.locator("#agenda li.done", has_text="Khiếu nại bồi thường đất đai số 1").wait_for()
    assert room.events.filter(kind="matter_closed", agenda_item=first).exists()


def _chair_and_one_hall_in_video(make_session, official, new_page, login):
    """A room with one commune hall admitted and decoding the chair's picture; returns the hall's connection id too."""
    room, halls, tokens = _open_room(make_session, official, communes=1)
    chair = _chair_page(new_page, login, room)
    hall = _hall_page(new_page, tokens[0])
    _admit(chair, halls[0])
    _wait_decoding(hall, peers=1)
    return halls, chair, hall, hall.evaluate("() => window.tiepdanRoom.conn")


def test_a_point_whose_connection_drops_rejoins_by_itself_and_the_chair_sees_it(make_session, official, new_page, login):
    halls, chair, hall, old_conn = _chair_and_one_hall_in_video(make_session, official, new_page, login)
    started = time.monotonic()
    hall.evaluate("() => window.tiepdanRoom.signalling.ws.close()")  # the network drops the socket
    hall.wait_for_function(f"() => window.tiepdanRoom.conn && window.tiepdanRoom.conn !== '{old_conn}'", timeout=10_000)
    _wait_decoding(hall, peers=1, timeout_s=10)
    print(f"drop-to-video: {time.monotonic() - started:.1f} s")
    chair.locator(f'#points-table tr[data-point="{halls[0].pk}"]', has_text="kết nối lại 1 lần").wait_for()
    chair.locator("#events li", has_text="Kết nối lại").first.wait_for()


def test_a_point_whose_link_goes_silent_without_closing_reconnects_by_its_heartbeat(make_session, official, new_page, login, settings):
    """A proxy or NAT can drop a WebSocket without either end seeing a close: the browser's heartbeat
    (signalling.js) notices that nothing came back and opens a new one; the chair sees the reconnection."""
    settings.LIVE_HEARTBEAT_S = 1
    halls, chair, hall, old_conn = _chair_and_one_hall_in_video(make_session, official, new_page, login)
    # From now on this socket carries nothing either way, as a dead link would (the socket stays open).
    hall.evaluate("""() => { const ws = window.tiepdanRoom.signalling.ws;
      ws.send = () => {}; ws.onmessage = () => {}; }""")
    hall.wait_for_function(f"() => window.tiepdanRoom.conn && window.tiepdanRoom.conn !== '{old_conn}'", timeout=15_000)
    _wait_decoding(hall, peers=1, timeout_s=30)
    chair.locator(f'#points-table tr[data-point="{halls[0].pk}"]', has_text="kết nối lại 1 lần").wait_for()

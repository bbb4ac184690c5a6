"""The central hall's several PCs, and the console by keyboard and screen reader, in real Chromium.

A real central hall runs the chair's console, the minute-taker's PC and often a PC for the hall's
camera: each is its own device at the point, and none cuts another off.
"""
import pytest

from tiepdan.live import services
from tiepdan.live.models import RoomPoint

from .test_browser_room import _hall_page, _open_room

pytestmark = pytest.mark.browser

FINAL_JS = "() => window.tiepdanRoom.signalling.final"


def _enter_central(new_page, login, room, username):
    page = new_page()
    login(page, username)
    page.goto(f"/phong-truc-tuyen/{room.pk}/diem/{room.central_point().pk}/")
    return page


def test_chair_minute_taker_and_an_it_operator_share_the_central_point_and_the_chair_sees_every_device(make_session, official, demo, new_page, login):
    board = official("bantcd")
    room = services.open_room(by=board, session=make_session(communes=1, minute_taker="thanhtra"))
    # The Chairman's committee hosts the session: every provincial unit's official may sit there.
    RoomPoint.objects.filter(pk=room.central_point().pk).update(organisation=demo["committee"])

    chair = _enter_central(new_page, login, room, "bantcd")
    chair.get_by_role("button", name="Vào phòng").click()
    chair.wait_for_function("() => window.tiepdanRoom.backend")

    taker = _enter_central(new_page, login, room, "thanhtra")
    assert taker.get_by_label("Máy này dùng để").input_value() == "minutes"
    taker.get_by_role("button", name="Vào phòng").click()
    taker.wait_for_function("() => window.tiepdanRoom.device && window.tiepdanRoom.device.role === 'minutes'")
    taker.get_by_role("heading", name="Biên bản vụ việc đang tiếp").wait_for()

    # An IT operator may not chair: the console is not offered, and its camera would only wait for the chair.
    operator = _enter_central(new_page, login, room, "cntt")
    offered = operator.get_by_label("Máy này dùng để").locator("option").all_inner_texts()
    assert "Bàn điều hành" not in offered
    operator.get_by_role("button", name="Vào phòng").click()
    operator.locator("#notice", has_text="Đã gửi đề nghị tới người chủ trì").wait_for()
    assert operator.locator("#console").count() == 0

    devices = chair.locator("#devices-table tbody tr")
    chair.wait_for_function("() => document.querySelectorAll('#devices-table tbody tr').length === 3")
    rows = devices.all_inner_texts()
    assert any("Bàn điều hành" in r and board.get_full_name() in r for r in rows), rows
    assert any("Máy ghi biên bản" in r and official("thanhtra").get_full_name() in r for r in rows), rows
    waiting = chair.locator("#devices-table tbody tr", has_text="đề nghị truyền hình ảnh")
    waiting.get_by_role("button", name="Không cho").click()
    operator.locator("#notice", has_text="chưa cho máy này truyền hình ảnh").wait_for()

    # Nobody was cut off: each browser still holds its place, and the chair still commands the session.
    for page in (chair, taker, operator):
        assert page.evaluate(FINAL_JS) is False
    chair.get_by_role("button", name="Bắt đầu phiên").click()
    taker.locator("#room-state", has_text="Đang tiếp công dân").wait_for()
    assert chair.evaluate("() => window.tiepdanRoom.device.role") == "console"


def test_the_console_keeps_focus_announces_the_lobby_and_fits_320_px(make_session, official, new_page, login):
    room, halls, tokens = _open_room(make_session, official, communes=1)
    chair = _enter_central(new_page, login, room, "bantcd")
    chair.get_by_role("button", name="Vào phòng").click()
    chair.wait_for_function("() => window.tiepdanRoom.backend")
    # After joining, focus is on the console, not lost on <body>.
    assert chair.evaluate("() => document.activeElement.closest('#console') !== null")

    _hall_page(new_page, tokens[0])
    chair.wait_for_function("() => document.getElementById('announcer').textContent.includes('đang chờ trong phòng chờ')")
    assert halls[0].name in chair.locator("#announcer").text_content()
    assert chair.locator("#announcer").get_attribute("aria-live") == "polite"

    # By keyboard: the command's button keeps focus although the table is rebuilt.
    row = chair.locator(f'#points-table tr[data-point="{halls[0].pk}"]')
    row.get_by_role("button", name="Cho vào").focus()
    chair.keyboard.press("Enter")
    row.locator(".status", has_text="Đã vào phiên").wait_for()
    assert chair.evaluate(f"() => document.activeElement.closest('tr[data-point=\"{halls[0].pk}\"]') !== null")
    row.get_by_role("button", name="Mở micro").focus()
    chair.keyboard.press("Enter")
    row.get_by_role("button", name="Tắt micro").wait_for()
    assert chair.evaluate("() => [document.activeElement.dataset.key, document.activeElement.textContent]") == [f"mute:{halls[0].pk}::", "Tắt micro"]

    chair.get_by_role("button", name="Bắt đầu phiên").focus()
    chair.keyboard.press("Enter")
    chair.wait_for_function("() => document.getElementById('announcer').textContent.includes('Trạng thái phòng: Đang tiếp công dân')")
    assert chair.evaluate("() => document.activeElement.textContent") == "Bắt đầu phiên"

    # The event list scrolls, so the keyboard can reach it.
    events = chair.locator(".events")
    assert events.get_attribute("tabindex") == "0" and events.get_attribute("role") == "region"

    # 320 px wide (WCAG 1.4.10): nothing scrolls sideways, no console button is cut.
    chair.set_viewport_size({"width": 320, "height": 800})
    chair.wait_for_timeout(200)
    assert chair.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), chair.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    cut = chair.evaluate("""() => [...document.querySelectorAll('#console button')]
      .filter((b) => b.offsetParent !== null)
      .filter((b) => { const r = b.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth; })
      .map((b) => b.textContent)""")
    assert cut == []


def test_the_recording_indicator_stays_still_under_reduced_motion(make_session, official, new_page, login):
    room, _, _ = _open_room(make_session, official, communes=1)
    services.set_recording(by=official("bantcd"), room=room, on=True)
    chair = _enter_central(new_page, login, room, "bantcd")
    chair.emulate_media(reduced_motion="reduce")
    chair.get_by_role("button", name="Vào phòng").click()
    chair.locator("#rec.on").wait_for()
    # Only the dot blinks (the words keep their contrast), so the animation is the ::before's.
    assert chair.evaluate("() => getComputedStyle(document.getElementById('rec'), '::before').animationName") == "none"
    chair.emulate_media(reduced_motion="no-preference")
    assert chair.evaluate("() => getComputedStyle(document.getElementById('rec'), '::before').animationName") == "rec-blink"

"""The Board builds a session's agenda, moves a delegation up with htmx (a reason is required), and issues the invitations: real pages in Chromium."""
import datetime as dt

import pytest

from tiepdan.organisations.models import AdministrativeUnit
from tiepdan.scheduling.models import SessionStatus
from tiepdan.scheduling.rules import VN_TZ


@pytest.mark.browser
def test_board_fills_reorders_with_a_reason_and_sends_invitations(demo, sessions, approved_matter, new_page, login, assert_accessible):
    unit = AdministrativeUnit.objects.filter(parent=demo["committee"].unit).order_by("code").first()
    approved_matter(unit, dt.datetime(2026, 11, 3, 9, tzinfo=VN_TZ), name="Hoàng Văn Páo")
    approved_matter(unit, dt.datetime(2026, 11, 3, 10, tzinfo=VN_TZ), name="Nông Thị Lụa", members=12, representatives=2)
    session = sessions[1]

    page = login(new_page(), "bantcd")
    page.goto(f"/lich-tiep/{session.pk}/")
    assert_accessible(page, "a session before its agenda")
    page.get_by_role("button", name="Xếp vụ việc đã được phê duyệt (theo thứ tự đăng ký)").click()
    assert page.get_by_text("Đã xếp 2 vụ việc vào chương trình.").is_visible()
    rows = page.locator("#agenda tbody tr")
    assert "Hoàng Văn Páo" in rows.nth(0).inner_text() and "Nông Thị Lụa" in rows.nth(1).inner_text()
    assert_accessible(page, "a filled agenda")

    page.get_by_label("Thứ tự mới của vụ việc 2").fill("1")
    page.get_by_label("Thứ tự mới của vụ việc 2").press("Enter")  # htmx swaps the panel; no reason given
    page.get_by_role("alert").wait_for()
    assert "Cần nêu lý do thay đổi thứ tự" in page.get_by_role("alert").inner_text()
    assert_accessible(page, "a move refused without a reason (htmx)")
    page.get_by_label("Thứ tự mới của vụ việc 2").fill("1")
    page.get_by_label("Lý do đổi thứ tự vụ việc 2").fill("Ưu tiên đoàn đông người")
    url_before = page.url
    page.get_by_label("Lý do đổi thứ tự vụ việc 2").press("Enter")
    page.locator("#agenda tbody tr").nth(0).get_by_text("Nông Thị Lụa").wait_for()
    assert page.url == url_before  # swapped in place, no navigation
    assert "Ưu tiên đoàn đông người" in page.locator("#agenda tbody tr").nth(0).inner_text()

    page.get_by_role("button", name="Ban hành thông báo lịch và giấy mời").click()
    assert page.get_by_text("Đã ban hành thông báo lịch và").is_visible()
    assert page.locator("#documents tbody tr").count() >= 3
    assert_accessible(page, "invitations issued")
    session.refresh_from_db()
    assert session.status == SessionStatus.INVITATIONS_SENT

"""The list in Chromium: a notice with its link, marked read from the keyboard, and axe-core finds nothing serious."""
import pytest
from playwright.sync_api import expect

from tiepdan.notifications import services

pytestmark = pytest.mark.browser


def test_an_official_reads_a_notice_and_marks_it_read_by_keyboard(demo, official, new_page, login, assert_accessible):
    services.notify(recipients=[official("bantcd")], subject="Giấy mời số 12/GM-UBND", body="Phiên tiếp công dân ngày 15/12/2026.", link="/lich-tiep/")
    page = login(new_page(), "bantcd")
    page.goto("/diem-cau/thong-bao/")
    assert page.get_by_role("link", name="xem chi tiết").get_attribute("href") == "/lich-tiep/"
    assert_accessible(page, "a notice unread")
    page.get_by_role("button", name="Đánh dấu đã đọc").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Đánh dấu đã đọc")).to_have_count(0)  # waits for the page after the post
    expect(page.get_by_text("Phiên tiếp công dân ngày 15/12/2026.")).to_be_visible()
    assert_accessible(page, "the notice read")

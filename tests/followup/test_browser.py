"""An agency reports its task done with an attachment; the Board sees it reported and accepts it: real pages in Chromium.

The issued notice is built as in the other follow-up tests (outcomes' rows, followup's hook called as the issue calls it).
"""
import datetime as dt

import pytest
from django.utils import timezone

from tiepdan.followup.models import TaskState

from .test_services import PDF


@pytest.mark.browser
def test_an_agency_reports_its_task_with_an_attachment_and_the_board_accepts_it(demo, issued_notice, new_page, login, assert_accessible, tmp_path):
    _, (task,) = issued_notice(timezone.localdate() - dt.timedelta(days=1), [(demo["Sở NN&MT"], "Kiểm tra, đo đạc lại thửa đất của hộ dân", 10)])
    scan = tmp_path / "bien-ban-do-dac.pdf"
    scan.write_bytes(PDF)

    agency = login(new_page(), "sonnmt")
    agency.goto("/theo-doi/")
    assert_accessible(agency, "the agency's tasks")
    agency.get_by_role("link", name="Kiểm tra, đo đạc lại thửa đất của hộ dân").first.click()
    agency.get_by_role("radio", name="Báo cáo kết quả").check()
    agency.get_by_label("Nội dung báo cáo").fill("Đã đo đạc lại thửa đất cùng hộ dân và UBND xã.")
    agency.get_by_label("Trả lời công dân", exact=False).fill("Diện tích được bồi thường là 120 m², bổ sung 15 m² so với quyết định trước.")
    agency.get_by_label("Tài liệu kèm theo", exact=False).set_input_files(str(scan))
    agency.get_by_role("button", name="Gửi báo cáo").click()
    assert agency.get_by_text("Đã gửi báo cáo kết quả").is_visible()
    assert agency.get_by_role("link", name="bien-ban-do-dac.pdf").is_visible()
    assert_accessible(agency, "a reported task")

    board = login(new_page(), "bantcd")
    board.goto("/theo-doi/")
    reported = board.locator("section", has_text="chờ Ban ghi nhận")
    assert reported.get_by_role("link", name="Kiểm tra, đo đạc lại thửa đất của hộ dân").is_visible()
    assert_accessible(board, "the Board's follow-up")
    reported.get_by_role("link", name="Kiểm tra, đo đạc lại thửa đất của hộ dân").click()
    assert board.locator("#task-state").inner_text() == "Đã báo cáo kết quả"
    board.get_by_role("button", name="Ghi nhận hoàn thành").click()
    assert board.get_by_text("Đã ghi nhận nhiệm vụ hoàn thành.").is_visible()
    assert board.locator("#task-state").inner_text() == "Đã hoàn thành"
    task.refresh_from_db()
    assert task.state == TaskState.ACCEPTED

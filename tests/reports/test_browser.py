"""In Chromium: the Board opens the month's statistics, switches to the quarter, and downloads the month's report."""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_board_opens_the_month_switches_to_the_quarter_and_downloads_the_report(month, new_page, login, assert_accessible):
    page = login(new_page(), "bantcd")
    page.goto("/bao-cao/thong-ke/?ky=month&nam=2026&thang=11")
    expect(page.get_by_role("heading", name="Số liệu tiếp công dân tháng 11 năm 2026")).to_be_visible()
    expect(page.get_by_text("Chủ tịch UBND tỉnh tiếp định kỳ 01 kỳ / 05 lượt / 07 lượt công dân", exact=False)).to_be_visible()
    expect(page.get_by_role("img", name="Lượt công dân theo xã, phường")).to_be_visible()
    assert_accessible(page, "the month's statistics")

    page.get_by_label("Kỳ báo cáo").select_option("quarter")
    page.get_by_label("Quý (khi chọn quý)").select_option("4")
    page.get_by_role("button", name="Xem số liệu").click()
    expect(page.get_by_role("heading", name="Số liệu tiếp công dân quý IV năm 2026")).to_be_visible()
    assert_accessible(page, "the quarter's statistics")
    with page.expect_download() as figures:
        page.get_by_role("link", name="Excel").first.click()
    assert figures.value.suggested_filename == "so-lieu-tiep-cong-dan-20261001-20261231.xlsx"

    page.get_by_role("link", name="Báo cáo tháng").click()
    page.get_by_label("Tháng", exact=True).fill("11")
    page.get_by_label("Năm", exact=True).fill("2026")
    page.get_by_role("button", name="Lập dự thảo báo cáo tháng").click()
    expect(page.get_by_role("heading", name="Báo cáo tháng của Ban Tiếp công dân tỉnh tháng 11 năm 2026")).to_be_visible()
    assert_accessible(page, "the month's draft")
    page.get_by_role("button", name="Ban hành báo cáo").click()
    expect(page.get_by_text("Đã ban hành báo cáo số", exact=False)).to_be_visible()
    with page.expect_download() as report:
        page.get_by_role("link", name="PDF").click()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(open(report.value.path(), "rb").read())).pages)
    assert "tháng 11 năm 2026" in " ".join(text.split())

"""The statistics page, its pickers, its charts and tables, and the audited downloads with their documented columns."""
from __future__ import annotations

import csv
import io
import json

import pytest

from tiepdan.core.models import AuditEntry
from tiepdan.reports import exports

pytestmark = pytest.mark.django_db

NOVEMBER = {"ky": "month", "nam": "2026", "thang": "11"}


def test_the_board_sees_the_months_figures_with_each_chart_beside_its_table(month, client_as):
    page = client_as("bantcd").get("/bao-cao/thong-ke/", NOVEMBER).content.decode()
    assert "Số liệu tiếp công dân tháng 11 năm 2026" in page
    assert "Chủ tịch UBND tỉnh tiếp định kỳ 01 kỳ / 05 lượt / 07 lượt công dân" in page
    assert page.count('<svg class="chart"') == 3 and 'role="img"' in page and "<desc" in page
    assert "55,6%" in page and "<script" not in page.split("<main", 1)[1]


def test_a_quarter_and_a_print_view(month, client_as):
    client = client_as("bantcd")
    quarter = client.get("/bao-cao/thong-ke/", {"ky": "quarter", "nam": "2026", "quy": "4"}).content.decode()
    assert "Số liệu tiếp công dân quý IV năm 2026" in quarter
    printed = client.get("/bao-cao/thong-ke/", {**NOVEMBER, "ban_in": "1"}).content.decode()
    assert 'class="print-view"' in printed and "mainnav" not in printed


def test_a_wrong_period_says_so_in_vietnamese(month, client_as):
    page = client_as("bantcd").get("/bao-cao/thong-ke/", {"ky": "dates", "tu": "2026-11-30", "den": "2026-11-01"}).content.decode()
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in page


def test_a_commune_cannot_ask_for_another_communes_figures(month, client_as):
    client = client_as("canboxa")
    assert client.get("/bao-cao/thong-ke/", {**NOVEMBER, "pham_vi": str(month.communes[1].pk)}).status_code == 404
    page = client.get("/bao-cao/thong-ke/", NOVEMBER).content.decode()
    assert month.communes[0].name in page and month.communes[1].unit.name not in page


def test_the_figures_download_in_three_formats_with_the_documented_columns_and_each_is_audited(month, client_as):
    client = client_as("thanhtra")
    response = client.get("/bao-cao/thong-ke/tai/csv/", NOVEMBER)
    assert response["Content-Type"].startswith("text/csv") and response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == [k for k, _ in exports.FIGURE_COLUMNS]
    total = next(r for r in rows if r["key"] == "total.visits")
    assert (total["count"], total["citizens"]) == ("7", "9")
    data = json.loads(client.get("/bao-cao/thong-ke/tai/json/", NOVEMBER).content)
    assert data["columns"] == [k for k, _ in exports.FIGURE_COLUMNS] and data["figures"]["totals"]["delegation_members"] == 12
    assert client.get("/bao-cao/thong-ke/tai/xlsx/", NOVEMBER)["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action="reports.export_figures").count() == 3
    assert client.get("/bao-cao/thong-ke/tai/pdf/", NOVEMBER).status_code == 404


def test_the_register_book_exports_form_03s_twelve_columns(month, client_as):
    client = client_as("bantcd")
    rows = list(csv.reader(io.StringIO(client.get("/bao-cao/so-tiep-cong-dan/tai/csv/", NOVEMBER).content.decode("utf-8-sig"))))
    assert rows[0] == exports.REGISTER_COLUMNS and len(rows[0]) == 12
    assert len(rows) == 1 + 8  # the eight petitions received in November
    data = json.loads(client.get("/bao-cao/so-tiep-cong-dan/tai/json/", NOVEMBER).content)
    assert data["form"] == "Mẫu số 03/TCD" and data["rows"][0]["received_on"].startswith("2026-11-02")
    assert client.get("/bao-cao/so-tiep-cong-dan/tai/xlsx/", NOVEMBER).status_code == 200
    entry = AuditEntry.objects.filter(action="reports.export_register").latest("id")
    assert entry.changes["rows"] == 8 and entry.changes["format"] == "xlsx"
    assert client_as("canboxa").get("/bao-cao/so-tiep-cong-dan/tai/csv/", NOVEMBER).status_code == 403


def test_column_12_of_the_register_book_says_the_same_in_csv_json_and_xlsx(month, official, client_as, clock):
    import datetime as dt

    from openpyxl import load_workbook

    from tiepdan.outcomes import services as outcomes

    board, chairman = official("bantcd"), official("chutich")
    clock.set(dt.date(2026, 11, 25))
    notice = outcomes.draft_notice(session=month.periodic, by=board)
    items = list(notice.items.order_by("position"))
    for n, item in enumerate(items):
        outcomes.save_item(by=board, item=item, conclusion=f"Kết luận số {n}", answered_at_once=n > 0, time_limit="10 ngày làm việc", contact_person="Bà Lương Thị Hạnh")
    outcomes.add_directive(by=board, item=items[0], agency=official("sonnmt").organisation, content="Kiểm tra hồ sơ, trả lời công dân.", working_days=10)
    outcomes.submit(by=board, notice=notice)
    outcomes.approve(by=chairman, notice=notice)
    outcomes.issue(by=board, notice=notice)
    client = client_as("bantcd")
    in_csv = [r[11] for r in csv.reader(io.StringIO(client.get("/bao-cao/so-tiep-cong-dan/tai/csv/", NOVEMBER).content.decode("utf-8-sig")))][1:]
    in_json = [r["follow_up"] for r in json.loads(client.get("/bao-cao/so-tiep-cong-dan/tai/json/", NOVEMBER).content)["rows"]]
    sheet = load_workbook(io.BytesIO(client.get("/bao-cao/so-tiep-cong-dan/tai/xlsx/", NOVEMBER).content)).active
    in_xlsx = [sheet.cell(row=r, column=12).value or "" for r in range(9, sheet.max_row + 1)]
    assert in_csv == in_json == in_xlsx and len(in_csv) == 8
    directed = [v for v in in_csv if "Sở NN&MT" in v]
    assert len(directed) == 1 and "hạn " in directed[0]  # the agency given the task and its due day, from followup
    assert all(v for v in in_csv)  # every row at least says the matter's state


def test_the_board_drafts_edits_and_issues_from_the_pages(month, client_as, demo):
    client = client_as("bantcd")
    response = client.post("/bao-cao/du-thao/lap/", {"thang": "11", "nam": "2026"})
    assert response.status_code == 302
    url = response["Location"]
    page = client.get(url).content.decode()
    assert "Trong tháng, Chủ tịch UBND tỉnh tiếp định kỳ 01 kỳ" in page
    client.post(url, {"action": "save", "notes": "Đánh giá của Ban.", "version": "1"})
    client.post(url, {"action": "issue"})
    page = client.get(url).content.decode()
    assert "Đã ban hành" in page and "/BC-BTCD" in page
    assert client.get(url.rstrip("/") + "/so-lieu.xlsx").status_code == 200
    assert client_as("canboxa").get(url).status_code == 404

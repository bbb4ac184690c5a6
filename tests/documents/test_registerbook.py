"""Form 03/TCD, the register book, read back from the XLSX."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tiepdan.documents.registerbook import COLUMNS, export_xlsx


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_register_book_has_the_title_the_twelve_columns_and_their_numbers():
    ws = _sheet(export_xlsx([], organisation="Ban Tiếp công dân tỉnh Lạng Sơn", parent_body="UBND tỉnh Lạng Sơn", period="Tháng 7 năm 2026"))
    assert ws["A4"].value == "SỔ TIẾP CÔNG DÂN"
    assert ws["A2"].value == "BAN TIẾP CÔNG DÂN TỈNH LẠNG SƠN" and ws["A2"].font.bold
    assert ws["K1"].value == "Mẫu số 03/TCD"
    assert ws["A5"].value == "Tháng 7 năm 2026"
    headings = [ws.cell(row=7, column=c).value for c in range(1, 13)]
    assert headings[0] == "STT" and headings[1] == "Ngày tiếp" and headings[2] == "Họ và tên, địa chỉ"
    assert "CCCD" in headings[3] and "khiếu nại, tố cáo, kiến nghị, phản ánh" in headings[5]
    assert "Hướng dẫn" in headings[9] and "Chuyển đơn" in headings[10] and "kết quả" in headings[11]
    assert [ws.cell(row=8, column=c).value for c in range(1, 13)] == [f"({n})" for n in range(1, 13)]
    assert ws.cell(row=7, column=1).font.name == "Times New Roman"
    assert ws.freeze_panes == "A9"


def test_register_book_rows_from_dicts_and_from_sequences():
    rows = [
        {
            "received_on": dt.datetime(2026, 7, 15, 14, 20),
            "name": "Nguyễn Văn Bình",
            "address": "xã Hoàng Văn Thụ, tỉnh Lạng Sơn",
            "id_number": "020085001234",
            "summary": "Khiếu nại việc thu hồi đất",
            "kind": "Khiếu nại",
            "people_count": 1,
            "settled_by": "UBND xã Hoàng Văn Thụ",
            "within_competence": True,
            "guided_to": "",
            "forwarded_to": "",
            "follow_up": "Giao Sở NN&MT kiểm tra, báo cáo trước 30/7/2026",
        },
        (dt.date(2026, 7, 15), "Đoàn 12 người, xã Tân Đoàn", "020190004321", "Kiến nghị bồi thường", "Kiến nghị", 12, "", False, "Hướng dẫn đến UBND xã, văn bản 45/BTCD", "", ""),
    ]
    ws = _sheet(export_xlsx(rows))
    first = [ws.cell(row=9, column=c).value for c in range(1, 13)]
    assert first[0] == 1 and first[1].date() == dt.date(2026, 7, 15)
    assert first[2] == "Nguyễn Văn Bình\nxã Hoàng Văn Thụ, tỉnh Lạng Sơn"
    assert first[3] == "020085001234"  # kept as text: a leading 0 must survive
    assert first[8] == "x" and first[6] == 1
    assert ws.cell(row=9, column=2).number_format == "DD/MM/YYYY"
    second = [ws.cell(row=10, column=c).value for c in range(1, 13)]
    assert second[0] == 2 and second[6] == 12 and second[8] is None and second[9].startswith("Hướng dẫn đến UBND xã")


def test_register_book_refuses_a_row_with_the_wrong_number_of_columns():
    with pytest.raises(ValueError, match="Dòng 1 .*mẫu 03/TCD cần 12 cột"):
        export_xlsx([("2026-07-15", "Nguyễn Văn Bình")])


def test_column_keys_are_unique_and_twelve():
    assert len({key for key, _, _ in COLUMNS}) == 12

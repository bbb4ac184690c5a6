"""A commune's household list from Excel: the template, every row checked like the form, all rows or none."""
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError

from tiepdan.intake import household_import
from tiepdan.intake.household_import import COLUMNS, FIRST_DATA_ROW, HEADING_ROW
from tiepdan.intake.models import Citizen, CommuneBatch, Matter

pytestmark = pytest.mark.django_db

GOOD = [
    ["Hoàng Văn Páo", "020058004711", dt.date(1958, 4, 2), "Thôn Nà Lầu", "0912345678", "Khiếu nại quyết định thu hồi đất làm đường tránh, giá bồi thường thấp.", "Khiếu nại", "Đất đai", 1, "Đề nghị xem xét lại giá bồi thường", "có"],
    ["Lý Thị Mỷ", "020162003311", "15/08/1962", "Bản Khòn Phổ", "", "Phản ánh việc cấp giấy chứng nhận quyền sử dụng đất chậm trễ.", "Phản ánh", "Đất đai", 1, "", "không"],
    ["Nông Văn Sình", 20070001234, dt.date(1970, 1, 9), "Thôn Pò Mã", 988123456, "Kiến nghị sửa chữa kênh mương nội đồng bị sạt lở.", "Kiến nghị", "Lĩnh vực khác", 1, "", ""],
]


def filled(rows, template=None) -> bytes:
    """The downloaded template with ``rows`` typed in from its first data row."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template or household_import.template_xlsx(commune_name="UBND xã Thử")))
    ws = wb[household_import.SHEET_TITLE]
    for offset, row in enumerate(rows):
        for col, value in enumerate([offset + 1, *row], start=1):
            ws.cell(row=FIRST_DATA_ROW + offset, column=col, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_template_has_form_03s_columns_that_a_commune_fills():
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(household_import.template_xlsx(commune_name="UBND xã Thử")))[household_import.SHEET_TITLE]
    headings = [ws.cell(row=HEADING_ROW, column=i + 1).value for i in range(len(COLUMNS))]
    for heading in ("Họ và tên", "Số CCCD", "Địa chỉ (thôn, bản, số nhà)", "Nội dung vụ việc", "Phân loại đơn", "Số người cùng nội dung"):
        assert heading in headings
    assert ws.data_validations.dataValidation  # kind, area and consent chosen from lists


def test_every_row_of_a_good_list_goes_into_the_communes_list(official):
    officer = official("canboxa")
    matters = household_import.import_households(by=officer, data=filled(GOOD))
    assert len(matters) == 3 and len({m.batch_id for m in matters}) == 1
    batch = CommuneBatch.objects.get()
    assert batch.commune_committee == officer.organisation and batch.state == CommuneBatch.State.DRAFT
    paos = Matter.objects.get(citizen__full_name="Hoàng Văn Páo")
    assert (paos.kind, paos.subject_area, paos.wants_online, paos.channel) == ("complaint", "land", True, "commune_list")
    assert Citizen.objects.get(full_name="Nông Văn Sình").id_number == "020070001234"  # the leading zero Excel dropped
    assert Citizen.objects.get(full_name="Nông Văn Sình").phone == "0988123456"
    assert Citizen.objects.get(full_name="Lý Thị Mỷ").date_of_birth == dt.date(1962, 8, 15)


def test_one_bad_row_names_its_row_and_column_and_nothing_is_saved(official):
    rows = [list(r) for r in GOOD]
    rows[1][1] = "02016200331"  # 11 digits, on Excel row 7
    rows[2][5] = "Ngắn"  # too short a summary, row 8
    rows[2][6] = "Khiếu kiện"  # not one of the four kinds
    with pytest.raises(ValidationError) as exc:
        household_import.import_households(by=official("canboxa"), data=filled(rows))
    problems = exc.value.message_dict["file"]
    assert any(p.startswith("Dòng 7, cột «Số CCCD»: Số CCCD phải gồm đúng 12 chữ số") for p in problems)
    assert any(p.startswith("Dòng 8, cột «Phân loại đơn»:") for p in problems)
    assert not any(p.startswith("Dòng 6") for p in problems)
    assert Matter.objects.count() == 0 and Citizen.objects.count() == 0 and CommuneBatch.objects.count() == 0


def test_a_row_refused_by_the_service_is_named_too_and_takes_the_others_back(official):
    rows = [list(r) for r in GOOD]
    rows[1][5] = "\u200b" * 12  # row 7: a summary of invisible characters only
    rows[2][0], rows[2][1], rows[2][2] = "Hoàng Văn Pao Khác", "020058004711", dt.date(1958, 4, 2)  # row 8: Páo's CCCD (row 6) under another name
    with pytest.raises(ValidationError) as exc:
        household_import.import_households(by=official("canboxa"), data=filled(rows))
    problems = exc.value.message_dict["file"]
    assert any(p.startswith("Dòng 7, cột «Nội dung vụ việc»:") and "vô hình" in p for p in problems)
    assert any(p.startswith("Dòng 8, cột «Số CCCD»:") and "họ tên khác" in p for p in problems)
    assert Matter.objects.count() == 0 and Citizen.objects.count() == 0  # row 6 was good, and went back with the others


def test_a_list_over_the_row_limit_or_not_a_workbook_is_refused(official, monkeypatch):
    monkeypatch.setattr(household_import, "MAX_IMPORT_ROWS", 2)
    with pytest.raises(ValidationError) as exc:
        household_import.import_households(by=official("canboxa"), data=filled(GOOD))
    assert "hơn 2 hộ dân" in exc.value.message_dict["file"][0]
    with pytest.raises(ValidationError) as exc:
        household_import.import_households(by=official("canboxa"), data=b"%PDF-1.4 not a workbook")
    assert "không phải bảng tính Excel" in exc.value.message_dict["file"][0]
    assert Matter.objects.count() == 0


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read(official):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (household_import.MAX_IMPORT_UNPACKED_BYTES + 1))
    with pytest.raises(ValidationError) as exc:
        household_import.import_households(by=official("canboxa"), data=out.getvalue())
    assert "khi giải nén" in exc.value.message_dict["file"][0]


def test_a_sheet_not_from_the_template_is_refused_naming_the_heading(official):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.cell(row=HEADING_ROW, column=1, value="STT")
    wb.active.cell(row=HEADING_ROW, column=2, value="Tên")
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ValidationError) as exc:
        household_import.import_households(by=official("canboxa"), data=out.getvalue())
    assert "cột 2 phải là «Họ và tên»" in exc.value.message_dict["file"][0]


def test_only_a_commune_officer_imports(official):
    from django.core.exceptions import PermissionDenied

    with pytest.raises((PermissionDenied, ValidationError)):
        household_import.import_households(by=official("bantcd"), data=filled(GOOD))
    assert Matter.objects.count() == 0

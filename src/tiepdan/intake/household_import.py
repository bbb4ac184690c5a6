"""A commune's household list from Excel: the template to fill, and the import of a filled one.

The columns are those of Form 03/TCD (Decree 154/2026, Appendix) that a commune fills for its list (name,
address, ID number, summary, kind, people with the same content), plus what registration needs besides
(date of birth, subject area, the citizen's consent to be received online). Every row goes through the same
form and the same service as a household typed on the page (``RegistrationForm``, ``services.record_household``),
so no rule is written twice; each problem is named by its row and column; the rows go in together or not at all.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from tiepdan.core import audit, policy
from tiepdan.organisations.models import AdministrativeUnit

from . import services
from .forms import RegistrationForm
from .models import Matter, MatterKind, SubjectArea

MAX_IMPORT_BYTES = 2 * 1024 * 1024  # a list of 500 households is about 60 KB
MAX_IMPORT_UNPACKED_BYTES = 20 * 1024 * 1024  # an XLSX is a zip: what it unpacks to is bounded too
MAX_IMPORT_ROWS = 500
SHEET_TITLE = "Danh sach ho dan"
HEADING_ROW = 4
FIRST_DATA_ROW = 6  # row 5 numbers the columns, as the paper forms do


@dataclass(frozen=True)
class Column:
    field: str  # the RegistrationForm field it fills ("" for the row number)
    heading: str
    width: int
    note: str = ""


COLUMNS: list[Column] = [
    Column("", "STT", 6),
    Column("full_name", "Họ và tên", 24),
    Column("id_number", "Số CCCD", 16, "12 chữ số, nhập dạng chữ để giữ số 0 đầu"),
    Column("date_of_birth", "Ngày sinh", 12, "ngày/tháng/năm"),
    Column("address", "Địa chỉ (thôn, bản, số nhà)", 26),
    Column("phone", "Điện thoại", 14),
    Column("summary", "Nội dung vụ việc", 44, "tóm tắt, từ 10 ký tự"),
    Column("kind", "Phân loại đơn", 14, "khiếu nại, tố cáo, kiến nghị, phản ánh"),
    Column("subject_area", "Lĩnh vực", 18),
    Column("members_count", "Số người cùng nội dung", 10, "từ 5 người là đoàn đông người"),
    Column("request", "Yêu cầu của công dân", 30),
    Column("wants_online", "Đồng ý tiếp trực tuyến", 12, "có / không"),
]
_BY_FIELD = {c.field: c for c in COLUMNS if c.field}
_KINDS = {label.lower(): value for value, label in MatterKind.choices}
_AREAS = {label.lower(): value for value, label in SubjectArea.choices}
_YES = {"có", "co", "x", "đồng ý", "dong y", "yes", "1", "true"}
_NO = {"", "không", "khong", "no", "0", "false"}


def template_xlsx(*, commune_name: str) -> bytes:
    """The workbook a commune fills: title, headings, column numbers, lists to choose kind, area and consent from."""
    # Here, not at the top: openpyxl takes ~70 ms to import and only the spreadsheet downloads and uploads need it.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    last = get_column_letter(len(COLUMNS))
    ws["A1"] = "DANH SÁCH HỘ DÂN ĐĂNG KÝ TIẾP CÔNG DÂN"
    ws["A1"].font = Font(name="Times New Roman", size=14, bold=True)
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = f"{commune_name} · nhập từ dòng {FIRST_DATA_ROW}, mỗi dòng một hộ dân; không đổi tên, thứ tự các cột; tối đa {MAX_IMPORT_ROWS} dòng."
    ws["A2"].font = Font(name="Times New Roman", size=11, italic=True)
    ws.merge_cells(f"A2:{last}2")
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        heading = ws.cell(row=HEADING_ROW, column=index, value=column.heading)
        heading.font = Font(name="Times New Roman", size=11, bold=True)
        heading.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        heading.border = box
        number = ws.cell(row=HEADING_ROW + 1, column=index, value=f"({index})" + (f" {column.note}" if column.note else ""))
        number.font = Font(name="Times New Roman", size=9, italic=True)
        number.alignment = Alignment(horizontal="center", wrap_text=True)
        number.border = box
        if column.field in ("id_number", "phone"):
            for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + MAX_IMPORT_ROWS):
                ws.cell(row=row, column=index).number_format = "@"  # text: Excel would drop a CCCD's leading zero
    ws.row_dimensions[HEADING_ROW].height = 45
    ws.row_dimensions[HEADING_ROW + 1].height = 30
    choices = {
        "kind": [label for _, label in MatterKind.choices],
        "subject_area": [label for _, label in SubjectArea.choices],
        "wants_online": ["có", "không"],
    }
    lists = wb.create_sheet("Danh muc")
    for offset, (field, values) in enumerate(choices.items()):
        letter = get_column_letter(offset + 1)
        lists.cell(row=1, column=offset + 1, value=_BY_FIELD[field].heading)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=offset + 1, value=value)
        column = get_column_letter(COLUMNS.index(_BY_FIELD[field]) + 1)
        rule = DataValidation(type="list", formula1=f"='Danh muc'!${letter}$2:${letter}${len(values) + 1}", allow_blank=True, showErrorMessage=True, errorTitle=_BY_FIELD[field].heading, error="Hãy chọn trong danh sách.")
        rule.add(f"{column}{FIRST_DATA_ROW}:{column}{FIRST_DATA_ROW + MAX_IMPORT_ROWS - 1}")
        ws.add_data_validation(rule)
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=1)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _refuse(message: str):
    raise ValidationError({"file": [message]})


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """(Excel row number, {field: cell value}) for each filled row; the file's size, what it unpacks to, its
    headings and its number of rows are checked first."""
    if len(data) > MAX_IMPORT_BYTES:
        _refuse(f"Tệp Excel dung lượng {len(data) / 1024 / 1024:.1f} MB, vượt quá {MAX_IMPORT_BYTES // 1024 // 1024} MB. Hãy tách danh sách thành nhiều tệp.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        _refuse("Tệp không phải bảng tính Excel (.xlsx). Hãy tải mẫu trên trang này, nhập danh sách rồi lưu dạng .xlsx.")
    if unpacked > MAX_IMPORT_UNPACKED_BYTES:
        _refuse(f"Tệp Excel khi giải nén lớn hơn {MAX_IMPORT_UNPACKED_BYTES // 1024 // 1024} MB. Hãy dùng mẫu trên trang này, chỉ nhập danh sách hộ dân.")
    # Here, not at the top: openpyxl takes ~70 ms to import and only the spreadsheet downloads and uploads need it.
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook; the advice is the same
        _refuse("Không đọc được tệp Excel (tệp hỏng hoặc không phải .xlsx). Hãy tải mẫu trên trang này, nhập danh sách rồi lưu lại.")
    ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
    try:
        rows = ws.iter_rows(min_row=HEADING_ROW, max_col=len(COLUMNS), values_only=True)
        headings = next(rows, ())
        for index, column in enumerate(COLUMNS):
            found = str(headings[index] or "").strip() if index < len(headings) else ""
            if found != column.heading:
                _refuse(f"Tệp không theo mẫu: dòng {HEADING_ROW}, cột {index + 1} phải là «{column.heading}» (đang là «{found}»). Hãy tải mẫu trên trang này và nhập lại.")
        next(rows, None)  # the column numbers
        filled: list[tuple[int, dict]] = []
        for number, values in enumerate(rows, start=FIRST_DATA_ROW):
            cells = {c.field: v for c, v in zip(COLUMNS, values) if c.field}
            if all(v is None or str(v).strip() == "" for v in cells.values()):
                continue
            if len(filled) == MAX_IMPORT_ROWS:
                _refuse(f"Danh sách có hơn {MAX_IMPORT_ROWS} hộ dân. Hãy tách thành nhiều tệp, mỗi tệp tối đa {MAX_IMPORT_ROWS} dòng.")
            filled.append((number, cells))
    finally:
        wb.close()
    if not filled:
        _refuse(f"Tệp chưa có hộ dân nào (từ dòng {FIRST_DATA_ROW}). Hãy nhập danh sách vào mẫu rồi tải lên.")
    return filled


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def form_data(cells: dict, *, commune_id: int) -> dict:
    """A row as the registration form would receive it from the page: the same parsing, the same messages."""
    data = {field: _text(cells.get(field)) for field in _BY_FIELD}
    number = cells.get("id_number")
    if isinstance(number, (int, float)) and not isinstance(number, bool):
        data["id_number"] = f"{int(number):012d}"  # typed as a number, Excel dropped the leading zero
    phone = cells.get("phone")
    if isinstance(phone, (int, float)) and not isinstance(phone, bool):
        data["phone"] = f"0{int(phone)}"
    born = cells.get("date_of_birth")
    if isinstance(born, dt.datetime):
        data["date_of_birth"] = born.date().isoformat()
    elif isinstance(born, dt.date):
        data["date_of_birth"] = born.isoformat()
    else:
        try:
            data["date_of_birth"] = dt.datetime.strptime(data["date_of_birth"], "%d/%m/%Y").date().isoformat()
        except ValueError:
            pass  # left as typed: the form says what is wrong with it
    data["kind"] = _KINDS.get(data["kind"].lower(), data["kind"])
    data["subject_area"] = _AREAS.get(data["subject_area"].lower(), data["subject_area"] or SubjectArea.OTHER)
    data["members_count"] = data["members_count"] or "1"
    consent = data.pop("wants_online").lower()
    if consent in _YES:
        data["wants_online"] = "on"
    elif consent not in _NO:
        data["wants_online"] = consent  # neither: reported below
    data["commune"] = str(commune_id)
    return data


def _where(row: int, field: str | None) -> str:
    column = _BY_FIELD.get(field or "")
    return f"Dòng {row}, cột «{column.heading}»" if column else f"Dòng {row}"


def _row_problems(row: int, errors: dict) -> list[str]:
    problems = []
    for field, messages in errors.items():
        for message in messages:
            problems.append(f"{_where(row, None if field == '__all__' else field)}: {message}")
    return problems


@transaction.atomic
def import_households(*, by, data: bytes) -> list[Matter]:
    """Record every household of a filled template into the commune's list, or none: a ``ValidationError``
    lists each problem as "Dòng 7, cột «Số CCCD»: ..." and nothing is stored."""
    commune = services._commune_of(by)
    policy.require(by, "intake.register_household", commune)
    problems: list[str] = []
    matters: list[Matter] = []
    for row, cells in read_rows(data):
        fields = form_data(cells, commune_id=commune.unit_id)
        consent = fields.get("wants_online", "on")
        if consent != "on":
            problems.append(f"{_where(row, 'wants_online')}: ghi «có» hoặc «không» (đang là «{consent}»).")
            continue
        form = RegistrationForm(fields, communes=AdministrativeUnit.objects.filter(pk=commune.unit_id))
        if not form.is_valid():
            problems.extend(_row_problems(row, {field: list(messages) for field, messages in form.errors.items()}))
            continue
        citizen, matter = form.to_data()
        try:
            with transaction.atomic():  # a savepoint: a refused row leaves nothing, and the next rows are still checked
                matters.append(services.record_household(by=by, citizen=citizen, matter=matter))
        except ValidationError as exc:
            problems.extend(_row_problems(row, exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}))
    if problems:
        raise ValidationError({"file": problems})
    audit.record(actor=by, action="batch.import", obj=matters[0].batch, changes={"households": len(matters), "matters": [m.pk for m in matters]})
    return matters

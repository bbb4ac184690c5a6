"""Form 03/TCD, the register book (Sổ tiếp công dân), as an Excel workbook.

Decree 154/2026, Art. 27: the book may be kept on paper or electronically. Its
twelve columns are those of the form; ``rows`` are plain dicts (keys below) or
sequences in column order, so intake can feed it from a queryset's ``values()``
without this module importing intake.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping, Sequence

# (key, heading, width in characters)
COLUMNS: list[tuple[str, str, int]] = [
    ("number", "STT", 6),
    ("received_on", "Ngày tiếp", 12),
    ("name_address", "Họ và tên, địa chỉ", 28),
    ("id_number", "Số CCCD/Hộ chiếu hoặc giấy tờ tùy thân", 16),
    ("summary", "Nội dung vụ việc", 40),
    ("kind", "Phân loại đơn (khiếu nại, tố cáo, kiến nghị, phản ánh)", 14),
    ("people_count", "Số người cùng nội dung", 9),
    ("settled_by", "Cơ quan đã giải quyết đến cùng thẩm quyền", 20),
    ("within_competence", "Thuộc thẩm quyền (đánh dấu x)", 10),
    ("guided_to", "Hướng dẫn (cơ quan, số văn bản hướng dẫn)", 22),
    ("forwarded_to", "Chuyển đơn (cơ quan có thẩm quyền, số văn bản chuyển)", 22),
    ("follow_up", "Theo dõi quá trình giải quyết và kết quả", 24),
]
# Column 12 («Theo dõi quá trình giải quyết và kết quả») is written by the stages that follow a matter up, which sit
# above documents: each registers, in its AppConfig.ready(), a callable ``(matter_ids) -> {matter_id: text}`` (followup:
# each task's agency, due date, state and result document). A row names its matter by ``matter_id``.
COLUMN_12_PROVIDERS: list[Callable[[list[int]], Mapping[int, str]]] = []
TITLE = "SỔ TIẾP CÔNG DÂN"
FORM_CODE = "Mẫu số 03/TCD"
FONT = "Times New Roman"


def fill_follow_up(rows: list) -> list:
    """Column 12 of each dict row: the matter's state as the row gave it, then what each provider says of its matter.

    Idempotent (the row's own text is kept under ``follow_up_state``), so a view and the export may both call it."""
    ids = sorted({row["matter_id"] for row in rows if isinstance(row, dict) and row.get("matter_id")})
    said: dict[int, list[str]] = {}
    for provider in COLUMN_12_PROVIDERS if ids else ():
        for matter_id, text in provider(ids).items():
            if text:
                said.setdefault(matter_id, []).append(text)
    for row in rows:
        if isinstance(row, dict) and row.get("matter_id"):
            own = row.setdefault("follow_up_state", row.get("follow_up", ""))
            row["follow_up"] = "\n".join(t for t in (own, *said.get(row["matter_id"], ())) if t)
    return rows


def _cells(row: Mapping | Sequence, number: int) -> list:
    """The 12 values of one row; a dict may give name and address apart, a sequence may omit the number."""
    if isinstance(row, Mapping):
        values = dict(row)
        if "name_address" not in values:
            values["name_address"] = "\n".join(str(v) for v in (values.get("name"), values.get("address")) if v)
        values.setdefault("number", number)
        cells = [values.get(key, "") for key, _, _ in COLUMNS]
    else:
        cells = list(row)
        if len(cells) == len(COLUMNS) - 1:
            cells.insert(0, number)
        if len(cells) != len(COLUMNS):
            raise ValueError(f"Dòng {number} của sổ tiếp công dân có {len(cells)} cột; mẫu 03/TCD cần {len(COLUMNS)} cột (hoặc {len(COLUMNS) - 1} cột không kể STT).")
    competence = cells[8]
    if isinstance(competence, bool) or competence is None:
        cells[8] = "x" if competence else ""
    if isinstance(cells[1], dt.datetime):
        cells[1] = cells[1].date()
    return ["" if v is None else v for v in cells]


def export_xlsx(rows: Iterable[Mapping | Sequence], *, organisation: str = "", parent_body: str = "", period: str = "") -> bytes:
    """The register book with the form's title, headings, column numbers (1)-(12) and one line per reception;
    column 12 filled by ``COLUMN_12_PROVIDERS`` for rows that name their matter."""
    # Here, not at the top: openpyxl takes ~70 ms to import and only the spreadsheet downloads and uploads need it.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "So tiep cong dan"
    last = get_column_letter(len(COLUMNS))
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    ws["A1"] = (parent_body or "").upper()
    ws["A1"].font = Font(name=FONT, size=12)
    ws["A2"] = (organisation or "").upper()
    ws["A2"].font = Font(name=FONT, size=12, bold=True)
    ws.merge_cells("A1:E1")
    ws.merge_cells("A2:E2")
    ws[f"{get_column_letter(len(COLUMNS) - 1)}1"] = FORM_CODE
    ws[f"{get_column_letter(len(COLUMNS) - 1)}1"].font = Font(name=FONT, size=12, bold=True)
    ws["A4"] = TITLE
    ws["A4"].font = Font(name=FONT, size=16, bold=True)
    ws["A4"].alignment = centre
    ws.merge_cells(f"A4:{last}4")
    if period:
        ws["A5"] = period
        ws["A5"].font = Font(name=FONT, size=13, italic=True)
        ws["A5"].alignment = centre
        ws.merge_cells(f"A5:{last}5")

    heading_row, number_row = 7, 8
    for index, (_, heading, width) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = width
        for row, value, bold in ((heading_row, heading, True), (number_row, f"({index})", False)):
            cell = ws.cell(row=row, column=index, value=value)
            cell.font = Font(name=FONT, size=11, bold=bold, italic=not bold)
            cell.alignment = centre
            cell.border = box
    ws.row_dimensions[heading_row].height = 62

    body_font = Font(name=FONT, size=11)
    wrap = Alignment(vertical="top", wrap_text=True)
    row_index = number_row
    rows = fill_follow_up(list(rows))
    for number, row in enumerate(rows, start=1):
        row_index += 1
        for column, value in enumerate(_cells(row, number), start=1):
            cell = ws.cell(row=row_index, column=column, value=value)
            cell.font = body_font
            cell.border = box
            cell.alignment = centre if column in (1, 2, 7, 9) else wrap
            if isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"

    ws.freeze_panes = ws.cell(row=number_row + 1, column=1)
    ws.print_title_rows = f"{heading_row}:{number_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

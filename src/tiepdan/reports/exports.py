"""Exports of the figures and of the register book (Form 03/TCD) as CSV, XLSX and JSON.

The columns are fixed and documented (docs/EXPORTS.md) so that the national database of citizen reception
can take them as they are: UTF-8 (the CSV with a byte-order mark, which Excel needs to read Vietnamese),
dates ISO 8601 in JSON and CSV, shares as the report prints them («64,8%») beside a number (64.8).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

from django.utils import timezone

from tiepdan.documents import registerbook

from .statistics import CHAIRS, KIND_LABELS, Statistics

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
# The figures' flat table: one row per figure. section: sessions | visits | kind | subject | locality |
# registrations | declined | carried | readiness | hours | outcomes.
FIGURE_COLUMNS = [
    ("section", "Mục"),
    ("key", "Mã"),
    ("label", "Nội dung"),
    ("count", "Số lượt (số lượng)"),
    ("citizens", "Số lượt công dân"),
    ("share", "Tỷ lệ (%)"),
]
REGISTER_COLUMNS = [key for key, _, _ in registerbook.COLUMNS]


def figure_rows(stats: Statistics | dict) -> list[dict]:
    """The figures (the object, or its ``as_dict()`` snapshot) as one flat list of rows with ``FIGURE_COLUMNS``' keys."""
    f = stats if isinstance(stats, dict) else stats.as_dict()
    rows = []

    def add(section, key, label, count, citizens="", share=""):
        rows.append({"section": section, "key": key, "label": label, "count": count, "citizens": citizens, "share": share})

    for key, value in f["sessions"].items():
        add("sessions", key, _SESSION_LABELS.get(key, key), value)
    for line in f["lines"]:
        key = f"{line['chair']}.{line['kind']}"
        label = f"{CHAIRS[line['chair']]} tiếp {KIND_LABELS.get(line['kind'], line['kind'])}"
        add("visits", f"{key}.sessions", f"{label}: số kỳ", line["sessions"])
        add("visits", f"{key}.visits", f"{label}: số lượt", line["visits"], line["citizens"])
        add("visits", f"{key}.delegations", f"{label}: đoàn đông người", line["delegations"], line["delegation_citizens"])
    t = f["totals"]
    add("visits", "total.visits", "Tổng số lượt tiếp", t["visits"], t["citizens"])
    add("visits", "total.delegations", "Tổng số lượt đoàn đông người", t["delegations"], t["delegation_citizens"])
    add("visits", "total.delegation_members", "Số người các đoàn đại diện", t["delegation_members"])
    for section in ("kind", "subject", "locality"):
        for row in f[f"by_{section}"]:
            add(section, row["key"], row["label"], row["count"], row["citizens"], row["share"])
    for key, value in f["registrations"].items():
        if isinstance(value, dict):
            for label, n in value.items():
                add("registrations", f"{key}.{label}", label, n)
        else:
            add("registrations", key, _REGISTRATION_LABELS.get(key, key), value)
    for row in f["declined"]:
        add("declined", "reason", row["label"], row["count"])
    add("carried", "matters", "Vụ việc phải chuyển sang phiên sau", f["carried"].get("matters", 0))
    for entry in f["carried"].get("times", []):
        add("carried", f"times.{entry['times']}", f"Chuyển {entry['times']} lần", entry["matters"])
    for key, value in f["readiness"].items():
        add("readiness", key, _READINESS_LABELS.get(key, key), value)
    for key, value in f["hours"].items():
        add("hours", key, _HOURS_LABELS.get(key, key), "" if value is None else value)
    for key, value in f["outcomes"].items():
        add("outcomes", key, _OUTCOME_LABELS.get(key, key), "" if value is None else value)
    return rows


_SESSION_LABELS = {"held": "Số kỳ tiếp đã tổ chức", "periodic": "Kỳ định kỳ", "ad_hoc": "Kỳ đột xuất", "online": "Kỳ trực tuyến", "in_person": "Kỳ chỉ tiếp trực tiếp",
                   "chairman": "Kỳ Chủ tịch UBND tỉnh trực tiếp chủ trì", "deputy": "Kỳ Phó Chủ tịch được ủy quyền chủ trì", "other": "Kỳ người khác chủ trì / chưa ghi nhận", "cancelled": "Kỳ đã hủy"}
_REGISTRATION_LABELS = {"matters": "Vụ việc đăng ký", "people": "Số người của các vụ việc đăng ký", "delegations": "Đoàn đông người đăng ký", "petitions": "Lượt đơn tiếp nhận",
                        "proposed": "Vụ việc được đề xuất tiếp trực tuyến", "declined": "Vụ việc không tiếp (có văn bản trả lời)", "declined_by_board": "Ban không đề xuất",
                        "declined_by_chair": "Chủ tịch (Phó Chủ tịch) không tiếp", "refused_form_01": "Thông báo từ chối tiếp (Mẫu 01/TCD)"}
_READINESS_LABELS = {"points": "Điểm cầu của các kỳ đã tổ chức", "tested": "Điểm cầu đã kiểm tra kết nối", "first_try": "Đạt ngay lần kiểm tra đầu", "share": "Tỷ lệ đạt lần đầu"}
_HOURS_LABELS = {"live_h": "Số giờ tiếp trực tuyến", "recorded_h": "Số giờ ghi hình"}
_OUTCOME_LABELS = {"answered_at_once": "Trả lời ngay tại buổi tiếp", "directed": "Chỉ đạo cơ quan giải quyết", "tasks_done": "Nhiệm vụ đã hoàn thành", "tasks_overdue": "Nhiệm vụ quá hạn", "tasks_open": "Nhiệm vụ chưa hoàn thành"}


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def figures_csv(stats: Statistics | dict) -> bytes:
    keys = [k for k, _ in FIGURE_COLUMNS]
    return _csv(keys, [[_plain(r[k]) for k in keys] for r in figure_rows(stats)])


def figures_json(stats: Statistics | dict) -> bytes:
    figures = stats if isinstance(stats, dict) else stats.as_dict()
    return json.dumps({"columns": [k for k, _ in FIGURE_COLUMNS], "rows": figure_rows(figures), "figures": figures}, ensure_ascii=False, indent=1, default=_plain).encode("utf-8")


def figures_xlsx(stats: Statistics | dict, *, title: str = "") -> bytes:
    # Here, not at the top: openpyxl takes ~70 ms to import and only the spreadsheet downloads need it.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "So lieu"
    figures = stats if isinstance(stats, dict) else stats.as_dict()
    ws.append([title or f"SỐ LIỆU TIẾP CÔNG DÂN {figures['period']['label'].upper()}"])
    ws["A1"].font = Font(name=registerbook.FONT, size=13, bold=True)
    ws.append([figures["scope"]["label"]])
    ws.append([heading for _, heading in FIGURE_COLUMNS])
    for cell in ws[3]:
        cell.font = Font(name=registerbook.FONT, bold=True)
    for row in figure_rows(figures):
        ws.append([_plain(row[k]) for k, _ in FIGURE_COLUMNS])
    for letter, width in zip("ABCDEF", (14, 26, 60, 16, 16, 12)):
        ws.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def register_cells(rows: list[dict]) -> list[list]:
    """Form 03/TCD's twelve values of each row, the one table the CSV, the JSON and the workbook all write:
    column 12 from ``registerbook.fill_follow_up`` (the matter's state, then what followup says of its tasks:
    the agency, the due day, the state, the answer), the day received a local calendar day, name and address in
    one cell, «x» where the matter is within the competence."""
    cells = []
    for number, row in enumerate(registerbook.fill_follow_up([dict(r) for r in rows]), start=1):
        values = dict(row)
        values.setdefault("number", number)
        values.setdefault("name_address", "\n".join(str(v) for v in (values.get("name"), values.get("address")) if v))
        values["within_competence"] = "x" if values.get("within_competence") else ""
        if isinstance(values.get("received_on"), dt.datetime):
            values["received_on"] = timezone.localtime(values["received_on"]).date()
        cells.append(["" if values.get(k) is None else values.get(k, "") for k in REGISTER_COLUMNS])
    return cells


def register_csv(rows: list[dict]) -> bytes:
    return _csv(REGISTER_COLUMNS, [[_plain(v) for v in c] for c in register_cells(rows)])


def register_json(rows: list[dict]) -> bytes:
    cells = [dict(zip(REGISTER_COLUMNS, c)) for c in register_cells(rows)]
    return json.dumps({"form": registerbook.FORM_CODE, "columns": REGISTER_COLUMNS, "rows": cells}, ensure_ascii=False, indent=1, default=_plain).encode("utf-8")


def register_xlsx(rows: list[dict], *, organisation: str, parent_body: str, period: str) -> bytes:
    """The register book's own workbook (``registerbook.export_xlsx``), given the same twelve cells as the CSV."""
    return registerbook.export_xlsx(register_cells(rows), organisation=organisation, parent_body=parent_body, period=period)

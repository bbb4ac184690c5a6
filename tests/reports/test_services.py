"""The monthly report: drafted with its figures on the first working day, edited, issued through the register."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from pypdf import PdfReader

from tiepdan.core.models import AuditEntry
from tiepdan.reports import rules, services
from tiepdan.reports.models import ReportDraft, ReportState

pytestmark = pytest.mark.django_db


def _paragraph(document, text):
    for paragraph in document.paragraphs + [p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]:
        if paragraph.text == text:
            return paragraph
    raise AssertionError(f"no paragraph {text!r}")


@pytest.fixture
def issued(month, official, demo, clock):
    draft, created = services.draft_monthly_report(by=official("bantcd"), province_committee=demo["committee"], year=2026, month=11)
    assert created
    draft = services.edit_draft(by=official("bantcd"), draft=draft, notes="Các kỳ tiếp diễn ra đúng kế hoạch.\nĐề nghị tăng cường đường truyền tại xã.", version=draft.version)
    return services.issue_report(by=official("bantcd"), draft=draft)


def test_the_issued_report_reads_like_the_plans_figures(issued, month):
    document = issued.document
    assert document.number.endswith("/BC-BTCD") and document.title.startswith("Báo cáo Kết quả tiếp công dân trực tuyến tháng 11 năm 2026")
    assert document.kind == "monthly_report" and document.get_kind_display() == "Báo cáo tháng về công tác tiếp công dân"
    text = "\n".join(p.text for p in Document(io.BytesIO(document.docx.read())).paragraphs)
    assert "Trong tháng, Chủ tịch UBND tỉnh tiếp định kỳ 01 kỳ / 05 lượt / 07 lượt công dân (tiếp 01 lượt đoàn đông người / 03 lượt công dân)" in text
    a, b = (c.unit.name for c in month.communes)
    assert f"{a} 05 lượt công dân, chiếm 55,6%; {b} 04 lượt công dân, chiếm 44,4%" in text
    assert "Đề nghị tăng cường đường truyền tại xã." in text


def test_the_reports_docx_meets_the_decree_30_format(issued, demo):
    document = Document(io.BytesIO(issued.document.docx.read()))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.left_margin - Mm(30)) < Mm(0.5) and abs(section.right_margin - Mm(15)) < Mm(0.5)
    assert document.styles["Normal"].font.name == "Times New Roman"
    kind = _paragraph(document, "BÁO CÁO")
    assert kind.runs[0].bold and Pt(13) <= kind.runs[0].font.size <= Pt(14) and kind.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _paragraph(document, demo["board"].name.upper()).runs[0].bold
    assert _paragraph(document, f"Kính gửi: Chủ tịch {demo['committee'].name}")
    body = next(p for p in document.paragraphs if p.text.startswith("Trong tháng,"))
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY and Pt(13) <= body.runs[0].font.size <= Pt(14)


def test_the_reports_pdf_keeps_every_diacritic(issued, month):
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(issued.document.pdf.read())).pages)
    flat = " ".join(text.split())
    for phrase in ("BÁO CÁO", "Kết quả tiếp công dân trực tuyến tháng 11 năm 2026", "lượt đoàn đông người", "Phó Chủ tịch UBND tỉnh được Chủ tịch ủy quyền tiếp đột xuất",
                   "chiếm 55,6%", month.communes[0].unit.name):
        assert phrase in flat, phrase


def test_the_report_is_issued_once_with_its_figures_as_a_workbook(issued, official):
    from openpyxl import load_workbook

    assert issued.state == ReportState.ISSUED and issued.issued_by == official("bantcd")
    sheet = load_workbook(io.BytesIO(issued.figures_xlsx.read())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0] == ["Mục", "Mã", "Nội dung", "Số lượt (số lượng)", "Số lượt công dân", "Tỷ lệ (%)"]
    assert ["visits", "total.visits", "Tổng số lượt tiếp", 7, 9, None] in rows
    with pytest.raises(ValidationError):
        services.edit_draft(by=official("bantcd"), draft=issued, notes="Sửa sau khi ban hành", version=issued.version)
    assert AuditEntry.objects.filter(action="reports.issue", object_id=str(issued.pk)).count() == 1


def test_a_stale_edit_is_refused_and_only_the_board_drafts(month, official, demo):
    draft, _ = services.draft_monthly_report(by=official("bantcd"), province_committee=demo["committee"], year=2026, month=11)
    services.edit_draft(by=official("bantcd"), draft=draft, notes="Bản một", version=1)
    with pytest.raises(ValidationError, match="vừa lưu"):
        services.edit_draft(by=official("bantcd"), draft=draft, notes="Bản hai cũ", version=1)
    with pytest.raises(PermissionDenied):
        services.edit_draft(by=official("thanhtra"), draft=draft, notes="Thanh tra sửa", version=2)


def test_the_job_drafts_on_the_first_working_day_and_reminds_the_board_once(month, official, demo, clock):
    from tiepdan.notifications.models import Notification

    assert rules.monthly_report_day(2026, 12) == dt.date(2026, 12, 1)
    assert services.draft_due_monthly_reports(today=dt.date(2026, 12, 2)) == {}
    made = services.draft_due_monthly_reports(today=dt.date(2026, 12, 1))
    draft = ReportDraft.objects.get(pk=made[demo["committee"].pk])
    assert draft.period_label == "tháng 11 năm 2026" and draft.drafted_by is None and draft.figures["totals"]["citizens"] == 9
    assert draft.due_on > dt.date(2026, 12, 1)
    assert services.draft_due_monthly_reports(today=dt.date(2026, 12, 1)) == made  # run again: same draft, no second notice
    notices = Notification.objects.filter(recipient=official("bantcd"), key=f"reports.monthly_draft.{draft.pk}")
    assert notices.count() == 1 and "tháng 11 năm 2026" in notices.get().subject


def test_a_commune_reports_the_citizens_of_its_area_who_registered(month, official, clock):
    period = rules.month_period(2026, 11)
    draft = services.draft_commune_report(by=official("canboxa"), commune_committee=month.communes[0], period=period)
    assert draft.figures["registrations"]["matters"] == 5 and draft.figures["totals"]["visits"] == 5
    with pytest.raises(PermissionDenied):
        services.issue_report(by=official("canboxa"), draft=draft)  # the commune's chairman signs it
    issued = services.issue_report(by=official("chutichxa"), draft=draft)
    assert issued.document.kind == "other"  # the commune's report of who registered is not the Board's monthly report
    text = "\n".join(p.text for p in Document(io.BytesIO(issued.document.docx.read())).paragraphs)
    assert f"trên địa bàn {month.communes[0].name} có 05 vụ việc của công dân đăng ký tiếp" in text
    with pytest.raises(PermissionDenied):
        services.draft_commune_report(by=official("canboxa"), commune_committee=month.communes[1], period=period)

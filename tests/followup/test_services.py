"""Tasks from an issued notice, the agency's reports, the Board's acceptance (Decree 154/2026 Art. 25(2))."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tiepdan.core.audit import AuditEntry
from tiepdan.followup import services
from tiepdan.followup.models import ReportAttachment, Task, TaskState
from tiepdan.intake.models import MatterState

def _pdf() -> bytes:
    import io

    import pypdf

    writer, out = pypdf.PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


PDF = _pdf()


def _result(by, task, **extra):
    return services.report(by=by, task=task, kind="result", text="Đã kiểm tra hiện trường, đo đạc lại thửa đất.", answer="Sở trả lời: diện tích bồi thường được tính lại là 120 m².", **extra)


def test_each_directive_becomes_a_task_due_in_working_days_after_the_issue_over_tet(issued_notice, department, other_department):
    # Issued Friday 13 Feb 2026; Tết is 16-20 Feb.
    notice, tasks = issued_notice(dt.date(2026, 2, 13), [(department, "Kiểm tra, đo đạc lại thửa đất", 3), (other_department, "Rà soát giấy phép xây dựng", 10)])
    by_agency = {t.agency: t for t in tasks}
    assert by_agency[department].due_on == dt.date(2026, 2, 25)
    assert by_agency[other_department].due_on == dt.date(2026, 3, 6)  # 23 Feb - 6 Mar: ten working days
    task = by_agency[department]
    assert task.state == TaskState.ASSIGNED and task.owner == "department_officer" and task.state_due_on == task.due_on
    assert task.matter.state == MatterState.SETTLING
    assert AuditEntry.objects.filter(action="task.assigned", object_id=str(task.pk)).exists()
    # The hook is idempotent: issuing twice never gives an agency the same task twice.
    assert services.create_tasks_for_notice(notice) == [] and Task.objects.filter(matter=task.matter).count() == 2


def test_the_agency_reports_progress_then_its_result_with_an_attachment_and_an_answer_in_the_register(issued_notice, department, official):
    _, (task,) = issued_notice(dt.date(2026, 11, 2), [(department, "Kiểm tra, đo đạc lại thửa đất", 5)])
    officer = official("sonnmt")
    services.report(by=officer, task=task, kind="progress", text="Đã lập đoàn kiểm tra.")
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS
    row = _result(officer, task, files=[services.Upload(name="bien-ban-do-dac.pdf", data=PDF)])
    task.refresh_from_db()
    assert task.state == TaskState.REPORTED and task.owner == "board_officer" and task.state_due_on > dt.date(2026, 11, 2)
    attachment = ReportAttachment.objects.get(report=row)
    assert attachment.original_name == "bien-ban-do-dac.pdf" and attachment.sha256[:32] in attachment.file.name  # stored under its hash
    assert row.answer_document.organisation == department and row.answer_document.number.endswith("/TB-SONNMT")
    assert row.answer_document.get_kind_display() == "Văn bản trả lời kết quả giải quyết cho công dân"
    assert services.open_attachment(by=official("bantcd"), attachment=attachment) == PDF


def test_an_attachment_that_is_not_what_it_says_is_refused_in_vietnamese_and_nothing_is_kept(issued_notice, department, official):
    _, (task,) = issued_notice(dt.date(2026, 11, 2), [(department, "Kiểm tra", 5)])
    with pytest.raises(ValidationError, match="không phải PDF, JPEG hay PNG"):
        _result(official("sonnmt"), task, files=[services.Upload(name="ket-qua.pdf", data=b"<html>not a pdf</html>")])
    with pytest.raises(ValidationError, match="rỗng"):
        _result(official("sonnmt"), task, files=[services.Upload(name="ket-qua.pdf", data=b"")])
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED and not task.reports.exists()


def test_a_result_without_an_answer_to_the_citizen_is_refused(issued_notice, department, official):
    _, (task,) = issued_notice(dt.date(2026, 11, 2), [(department, "Kiểm tra", 5)])
    with pytest.raises(ValidationError, match="Trả lời công dân"):
        services.report(by=official("sonnmt"), task=task, kind="result", text="Xong.", answer="")


def test_another_agency_and_the_board_cannot_report_on_the_task(issued_notice, department, other_department, make_official, official):
    _, (task,) = issued_notice(dt.date(2026, 11, 2), [(department, "Kiểm tra", 5)])
    stranger = make_official("department_officer", other_department)
    with pytest.raises(PermissionDenied, match="ngoài phạm vi"):
        _result(stranger, task)
    with pytest.raises(PermissionDenied, match="Vai trò"):
        _result(official("bantcd"), task)


def test_the_board_returns_with_a_reason_then_accepts_and_the_matter_is_settled_when_all_are(issued_notice, department, other_department, official, make_official):
    _, tasks = issued_notice(dt.date(2026, 11, 2), [(department, "Kiểm tra", 5), (other_department, "Rà soát", 5)])
    first, second = sorted(tasks, key=lambda t: t.agency_id != department.pk)
    board = official("bantcd")
    _result(official("sonnmt"), first)
    with pytest.raises(ValidationError, match="lý do"):
        services.return_result(by=board, task=first, reason=" ")
    services.return_result(by=board, task=first, reason="Thiếu biên bản đo đạc có chữ ký của hộ liền kề.")
    first.refresh_from_db()
    assert first.state == TaskState.RETURNED and first.owner == "department_officer"
    assert first.transitions.last().reason.startswith("Thiếu biên bản")
    _result(official("sonnmt"), first)
    services.accept_result(by=board, task=first)
    first.refresh_from_db()
    assert first.state == TaskState.ACCEPTED and first.closed_at and first.owner == ""
    assert first.matter.__class__.objects.get(pk=first.matter_id).state == MatterState.SETTLING  # the other agency has not finished
    _result(make_official("department_officer", other_department), second)
    services.accept_result(by=board, task=second)
    assert second.matter.__class__.objects.get(pk=second.matter_id).state == MatterState.SETTLED


def test_the_board_cannot_accept_what_was_not_reported_and_an_inspector_cannot_accept(issued_notice, department, official):
    _, (task,) = issued_notice(dt.date(2026, 11, 2), [(department, "Kiểm tra", 5)])
    with pytest.raises(ValidationError, match="báo cáo kết quả trước"):
        services.accept_result(by=official("bantcd"), task=task)
    _result(official("sonnmt"), task)
    with pytest.raises(PermissionDenied):
        services.accept_result(by=official("thanhtra"), task=task)

"""The verbs of the follow-up: tasks from an issued notice, the agency's reports, the Board's acceptance.

Decree 154/2026, Art. 25(2): the conclusion notice sends each matter to the agencies concerned with a time for
settlement, and the agency that settles sends its result to the citizen. Each verb is one transaction, checks the
policy, moves a task only through ``workflow.TASK`` and is audited; the matter's own state moves through intake's
machine (settling → settled once every task of it is accepted).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tiepdan.core import audit, policy
from tiepdan.core.text import fold, normalise
from tiepdan.documents import forms as doc_forms
from tiepdan.documents.models import DocumentKind, IssuedDocument
from tiepdan.documents.official import Signature
from tiepdan.documents.services import issue_document
from tiepdan.intake import rules as intake_rules
from tiepdan.intake import workflow as intake_workflow
from tiepdan.intake.models import MatterState
from tiepdan.notifications.services import notify
from tiepdan.organisations.models import Organisation, User
from tiepdan.outcomes.models import ConclusionNotice

from . import rules, workflow
from .models import AGENCY_STATES, ReportAttachment, Task, TaskReport, TaskState, TaskTransition

MAX_REPORT_CHARS = 10_000
MAX_FILES_PER_REPORT = 10


@dataclass(frozen=True)
class Upload:
    """A file as the view received it: its name and bytes."""

    name: str
    data: bytes


def _issued_on(notice: ConclusionNotice):
    issued_at = notice.document.issued_at if notice.document_id else timezone.now()
    return issued_at, timezone.localdate(issued_at)


def agency_people(agency: Organisation, action: str = "followup.report") -> list[User]:
    """The agency's officials who may take ``action`` on its tasks (its officers, a commune's chairman)."""
    people = User.objects.filter(is_active=True, role__in=policy.PERMISSIONS[action], organisation__path__startswith=agency.path)
    return list(people.select_related("organisation"))


def board_people(province_committee: Organisation) -> list[User]:
    """The province's Board officers: they follow up and accept the results."""
    return list(User.objects.filter(is_active=True, role="board_officer", organisation__path__startswith=province_committee.path).select_related("organisation"))


def create_tasks_for_notice(notice: ConclusionNotice) -> list[Task]:
    """One task per directive of an issued notice, due ``working_days`` working days after its issue (rules.task_due_on),
    owned by the agency. Registered on ``outcomes.hooks.notice_issued``: runs inside the issue's transaction, so a task
    that cannot be created undoes the issue. Idempotent: a directive that already has its task is left alone."""
    issued_at, issued_on = _issued_on(notice)
    actor = notice.document.issued_by if notice.document_id else notice.approver
    committee = notice.session.province_committee
    created = []
    for item in notice.items.select_related("matter").prefetch_related("directives__agency"):
        for directive in item.directives.all():
            if Task.objects.filter(directive=directive).exists():
                continue
            due_on = rules.task_due_on(issued_on, directive.working_days)
            task = Task(directive=directive, matter=item.matter, province_committee=committee, agency=directive.agency, content=directive.content,
                        assigned_at=issued_at, due_on=due_on, state=TaskState.ASSIGNED, owner=workflow.agency_owner(directive.agency),
                        state_changed_at=issued_at, state_due_on=due_on)
            task.full_clean(exclude=["directive", "matter", "province_committee", "agency"])
            task.save()
            TaskTransition.objects.create(task=task, from_state="", to_state=TaskState.ASSIGNED, by=actor, at=issued_at, reason=f"Theo thông báo kết luận {notice.document.number if notice.document_id else ''}".strip())
            audit.record(actor=actor, action="task.assigned", obj=task, changes={"directive": directive.pk, "agency": directive.agency_id, "due_on": due_on.isoformat(), "working_days": directive.working_days})
            notify(recipients=agency_people(directive.agency), subject=f"Nhiệm vụ mới theo thông báo kết luận: hạn {due_on:%d/%m/%Y}",
                   body=f"{directive.agency} được giao: {directive.content}\nHạn giải quyết: {due_on:%d/%m/%Y} ({directive.working_days} ngày làm việc). Báo cáo kết quả trên trang «Theo dõi kết luận».",
                   link=reverse("followup:task_detail", args=[task.pk]), about=task, key=f"followup.task.{task.pk}.assigned", by=actor)
            created.append(task)
    return created


def _text_problem(label: str, value: str, required: bool = True) -> str | None:
    if required and not (value or "").strip():
        return f"{label}: hãy nhập nội dung."
    return intake_rules.text_problem(label, value, MAX_REPORT_CHARS)


def _check_uploads(files: list[Upload]) -> None:
    """The same checks as a petition's attachments (intake.rules): type by the bytes, size, the file opened."""
    if len(files) > MAX_FILES_PER_REPORT:
        raise ValidationError({"files": f"Tài liệu kèm theo: tối đa {MAX_FILES_PER_REPORT} tệp mỗi lần báo cáo; hãy gộp hoặc gửi ở lần báo cáo sau."})
    for upload in files:
        content_type = intake_rules.sniff_content_type(upload.data[:16])
        problem = (intake_rules.attachment_problem(upload.name, len(upload.data), upload.data[:16]) or intake_rules.text_problem("Tên tệp", upload.name, 255)
                   or intake_rules.attachment_content_problem(upload.name, content_type, upload.data))
        if problem:
            raise ValidationError({"files": problem})


def _store(report: TaskReport, files: list[Upload]) -> list[ReportAttachment]:
    stored = []
    for upload in files:
        digest = hashlib.sha256(upload.data).hexdigest()
        attachment = ReportAttachment(report=report, original_name=normalise(upload.name)[:255], content_type=intake_rules.sniff_content_type(upload.data[:16]), size_bytes=len(upload.data), sha256=digest)
        # Stored under its hash, never under the name the uploader chose.
        attachment.file.save(f"{digest}.{upload.name.rsplit('.', 1)[-1].lower()}", ContentFile(upload.data), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update(of=("self",)).select_related("agency", "province_committee", "matter", "matter__citizen", "matter__commune", "directive__item__notice__document").get(pk=task.pk)


def _agency_code(agency: Organisation) -> str:
    """The code after the type in the answer's symbol (Decree 30/2020, Appendix III): «UBND» for a commune, else the
    agency's short name without diacritics or signs («Sở NN&MT» → «SONNMT»)."""
    if agency.kind == Organisation.Kind.COMMUNE_COMMITTEE:
        return "UBND"
    code = "".join(ch for ch in fold(agency.short_name or agency.name).upper() if ch.isalnum())
    return code[:20] or "CQ"


def _answer_document(*, by, task: Task, answer: str) -> IssuedDocument:
    """The agency's answer to the citizen, issued in the agency's name through the register (its own numbers)."""
    agency, matter = task.agency, task.matter
    citizen = matter.citizen
    committee = task.province_committee
    notice_document = task.directive.item.notice.document
    issuer = doc_forms.Issuer(issuing_body=agency.name, parent_body=committee.name if agency.kind != Organisation.Kind.COMMUNE_COMMITTEE else "",
                              place=committee.unit.name if committee.unit_id else "", agency_code=_agency_code(agency),
                              signature=Signature(title=by.position or "Thủ trưởng cơ quan", signer_name=by.full_name))
    person = doc_forms.Person(full_name=citizen.full_name, address=f"{citizen.address}, {matter.commune}" if citizen.address else str(matter.commune))
    doc = doc_forms.settlement_answer(issuer=issuer, on=timezone.localdate(), person=person, matter_summary=matter.summary, directive=task.content, answer=answer,
                                      notice_number=notice_document.number if notice_document else "", notice_date=timezone.localdate(notice_document.issued_at) if notice_document else None)
    return issue_document(by=by, kind=DocumentKind.SETTLEMENT_ANSWER, doc=doc, about=task, organisation=agency, identity_protected=matter.identity_protected)


@transaction.atomic
def report(*, by, task: Task, kind: str, text: str, files: list[Upload] | tuple = (), answer: str = "") -> TaskReport:
    """The agency reports on its task: ``progress`` (the task is then «Đang thực hiện») or its ``result`` (then «Đã báo cáo
    kết quả», waiting on the Board), with attachments checked as intake checks a petition's; a result carries the
    agency's answer to the citizen (``answer``), issued as a document through the register and linked to the report."""
    task = _locked(task)
    policy.require(by, "followup.report", task)
    files = list(files)
    errors = {}
    if kind not in TaskReport.Kind.values:
        errors["kind"] = "Loại báo cáo: chọn báo cáo tiến độ hoặc báo cáo kết quả."
    if task.state not in AGENCY_STATES:
        errors["kind"] = f"Nhiệm vụ đang ở trạng thái «{task.get_state_display()}», cơ quan không báo cáo thêm được. " + ("Hãy chờ Ban Tiếp công dân xem xét." if task.state == TaskState.REPORTED else "")
    problem = _text_problem("Nội dung báo cáo", text)
    if problem:
        errors["text"] = problem
    if kind == TaskReport.Kind.RESULT:
        problem = _text_problem("Trả lời công dân", answer)
        if problem:
            errors["answer"] = problem + " Kết quả giải quyết phải được cơ quan trả lời cho công dân (Nghị định 154/2026, Điều 25(2))."
    if errors:
        raise ValidationError(errors)
    _check_uploads(files)
    row = TaskReport(task=task, kind=kind, text=normalise(text), by=by, at=timezone.now())
    if kind == TaskReport.Kind.RESULT:
        row.answer_document = _answer_document(by=by, task=task, answer=normalise(answer))
    row.save()
    stored = _store(row, files)
    audit.record(actor=by, action=f"task.report_{kind}", obj=task, changes={"report": row.pk, "files": [{"name": a.original_name, "sha256": a.sha256, "size_bytes": a.size_bytes} for a in stored], "answer_document": row.answer_document.number if row.answer_document else ""})
    target = TaskState.REPORTED if kind == TaskReport.Kind.RESULT else TaskState.IN_PROGRESS
    if task.state != target:
        task = workflow.transition(task, target, by=by, changes={"report": row.pk})
    if target == TaskState.REPORTED:
        notify(recipients=board_people(task.province_committee), subject=f"{task.agency} đã báo cáo kết quả nhiệm vụ",
               body=f"{task.agency} đã báo cáo kết quả: {task.content}\nHãy xem và ghi nhận hoàn thành hoặc yêu cầu bổ sung trước ngày {task.state_due_on:%d/%m/%Y}.",
               link=reverse("followup:task_detail", args=[task.pk]), about=task, by=by)
    return row


def _settle_matter_when_done(*, by, task: Task) -> None:
    """Every task of the matter accepted: the matter has its result (intake's machine, settling → settled)."""
    matter = task.matter
    if matter.state != MatterState.SETTLING or Task.objects.filter(matter=matter).exclude(state=TaskState.ACCEPTED).exists():
        return
    intake_workflow.transition(matter, MatterState.SETTLED, by=by, reason="Các cơ quan được giao đã có kết quả giải quyết, Ban Tiếp công dân đã ghi nhận.",
                               changes={"tasks": list(Task.objects.filter(matter=matter).values_list("pk", flat=True))})


@transaction.atomic
def accept_result(*, by, task: Task, note: str = "") -> Task:
    """The Board records the agency's result as done («Đã hoàn thành»); the last task of a matter settles the matter."""
    problem = intake_rules.text_problem("Ghi chú", note, MAX_REPORT_CHARS)
    if problem:
        raise ValidationError({"note": problem})
    task = workflow.transition(task, TaskState.ACCEPTED, by=by, reason=note.strip())
    _settle_matter_when_done(by=by, task=task)
    notify(recipients=agency_people(task.agency), subject="Ban Tiếp công dân đã ghi nhận hoàn thành nhiệm vụ", body=f"Nhiệm vụ: {task.content}",
           link=reverse("followup:task_detail", args=[task.pk]), about=task, by=by)
    return task


@transaction.atomic
def return_result(*, by, task: Task, reason: str) -> Task:
    """The Board asks for more («Yêu cầu bổ sung»), saying what is missing; the agency completes it by a new deadline."""
    problem = intake_rules.text_problem("Lý do", reason, MAX_REPORT_CHARS)
    if problem:
        raise ValidationError({"reason": problem})
    task = workflow.transition(task, TaskState.RETURNED, by=by, reason=reason)
    notify(recipients=agency_people(task.agency), subject=f"Yêu cầu bổ sung kết quả nhiệm vụ, hạn {task.state_due_on:%d/%m/%Y}",
           body=f"Nhiệm vụ: {task.content}\nLý do: {reason.strip()}", link=reverse("followup:task_detail", args=[task.pk]), about=task, by=by)
    return task


@transaction.atomic
def open_attachment(*, by, attachment: ReportAttachment) -> bytes:
    """A report's attachment for someone who sees its task; the read is audited and the hash checked."""
    task = attachment.report.task
    policy.require(by, "followup.view", task)
    with attachment.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise ValidationError("Tệp đã bị thay đổi sau khi tải lên (mã băm SHA-256 không khớp). Hãy báo quản trị hệ thống.")
    audit.record(actor=by, action="task.attachment_read", obj=task, changes={"attachment": attachment.pk, "sha256": attachment.sha256})
    return data

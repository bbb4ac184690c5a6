"""The verbs of reports: draft a report with its figures, edit it, issue it through the document register, and
record each download of figures or of the register book (they carry citizens' names and numbers)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit, policy, workdays
from tiepdan.core.roles import Role
from tiepdan.documents import forms as doc_forms
from tiepdan.documents.models import DocumentKind
from tiepdan.documents.official import Signature, Table
from tiepdan.documents.services import issue_document
from tiepdan.intake.rules import text_problem
from tiepdan.notifications.services import notify
from tiepdan.organisations.models import Organisation, User

from . import exports, rules, statistics, wording
from .models import ReportDraft, ReportKind, ReportState

# No plan fixes how long the Board has to issue its monthly report; the product's default, one number to change.
ISSUE_WITHIN_WORKING_DAYS = 5
MAX_NOTES_CHARS = 20_000
K = Organisation.Kind


def _scope_of(draft: ReportDraft) -> statistics.Scope:
    org = draft.scope_organisation
    return statistics.province_scope(org) if org.kind == K.PROVINCE_COMMITTEE else statistics.commune_scope(org)


def _period_of(draft: ReportDraft) -> rules.Period:
    if draft.kind == ReportKind.MONTHLY:
        return rules.month_period(draft.period_start.year, draft.period_start.month)
    return rules.dates_period(draft.period_start, draft.period_last_day)


def board_of(province_committee: Organisation) -> Organisation:
    board = Organisation.objects.filter(parent=province_committee, kind=K.PROVINCE_BOARD, is_active=True).order_by("pk").first()
    if board is None:
        raise ValidationError(f"{province_committee} chưa có Ban Tiếp công dân trong danh mục cơ quan; hãy thêm trước khi lập báo cáo tháng.")
    return board


def _snapshot(draft: ReportDraft) -> None:
    draft.figures = statistics.compute(_scope_of(draft), _period_of(draft)).as_dict()
    draft.figures_at = timezone.now()


@transaction.atomic
def draft_monthly_report(*, by: User | None, province_committee: Organisation, year: int, month: int, today: dt.date | None = None) -> tuple[ReportDraft, bool]:
    """The Board's report of ``month`` to the Chairman (Lạng Sơn plan §V.2), drafted with its figures; the same
    month asked again returns the draft already made (the periodic job may run more than once). ``by`` None: the job."""
    if by is not None:
        policy.require(by, "reports.draft", province_committee)
    period = rules.month_period(year, month)
    existing = ReportDraft.objects.filter(kind=ReportKind.MONTHLY, scope_organisation=province_committee, period_start=period.start, period_last_day=period.last_day).first()
    if existing is not None:
        return existing, False
    today = today or timezone.localdate()
    draft = ReportDraft(kind=ReportKind.MONTHLY, organisation=board_of(province_committee), scope_organisation=province_committee, period_start=period.start,
                        period_last_day=period.last_day, period_label=period.label, drafted_by=by,
                        due_on=workdays.working_days_after(max(today, rules.monthly_report_day(period.end.year, period.end.month)), ISSUE_WITHIN_WORKING_DAYS))
    _snapshot(draft)
    draft.full_clean()
    draft.save()
    audit.record(actor=by, action="reports.draft", obj=draft, changes={"kind": draft.kind, "period": period.label, "visits": draft.figures["totals"]["visits"], "citizens": draft.figures["totals"]["citizens"]})
    return draft, True


@transaction.atomic
def draft_commune_report(*, by: User, commune_committee: Organisation, period: rules.Period) -> ReportDraft:
    """A commune's report to the Chairman of the citizens in its area who registered (Bắc Ninh plan §III.6)."""
    policy.require(by, "reports.draft_commune", commune_committee)
    if commune_committee.kind != K.COMMUNE_COMMITTEE:
        raise ValidationError("Báo cáo của xã chỉ lập cho một UBND xã, phường.")
    existing = ReportDraft.objects.filter(kind=ReportKind.COMMUNE, scope_organisation=commune_committee, period_start=period.start, period_last_day=period.last_day).first()
    if existing is not None:
        return existing
    draft = ReportDraft(kind=ReportKind.COMMUNE, organisation=commune_committee, scope_organisation=commune_committee, period_start=period.start,
                        period_last_day=period.last_day, period_label=period.label, drafted_by=by,
                        due_on=workdays.working_days_after(timezone.localdate(), ISSUE_WITHIN_WORKING_DAYS))
    _snapshot(draft)
    draft.full_clean()
    draft.save()
    audit.record(actor=by, action="reports.draft", obj=draft, changes={"kind": draft.kind, "period": period.label})
    return draft


def _locked(draft: ReportDraft) -> ReportDraft:
    return ReportDraft.objects.select_for_update().select_related("organisation", "scope_organisation").get(pk=draft.pk)


def _editable(by: User, draft: ReportDraft) -> ReportDraft:
    policy.require(by, "reports.draft" if draft.kind == ReportKind.MONTHLY else "reports.draft_commune", draft)
    draft = _locked(draft)
    if draft.state != ReportState.DRAFT:
        raise ValidationError("Báo cáo đã ban hành, không sửa được nữa; nếu cần, hãy lập văn bản đính chính.")
    return draft


@transaction.atomic
def edit_draft(*, by: User, draft: ReportDraft, notes: str, version: int) -> ReportDraft:
    """The Board writes its assessment and proposals; a stale version (someone saved in between) is refused."""
    draft = _editable(by, draft)
    if draft.version != version:
        raise ValidationError("Người khác vừa lưu báo cáo này; hãy tải lại trang để xem bản mới trước khi sửa.")
    problem = text_problem("Đánh giá, kiến nghị", notes, MAX_NOTES_CHARS)
    if problem:
        raise ValidationError({"notes": [problem]})
    draft.notes, draft.version = notes.strip(), draft.version + 1
    draft.save(update_fields=["notes", "version"])
    audit.record(actor=by, action="reports.edit", obj=draft, changes={"version": draft.version, "notes_chars": len(draft.notes)})
    return draft


@transaction.atomic
def refresh_figures(*, by: User, draft: ReportDraft) -> ReportDraft:
    """Take the figures again (a late entry in the register): the draft is not yet issued."""
    draft = _editable(by, draft)
    before = draft.figures.get("totals", {})
    _snapshot(draft)
    draft.version += 1
    draft.save(update_fields=["figures", "figures_at", "version"])
    audit.record(actor=by, action="reports.refresh", obj=draft, changes={"visits": [before.get("visits"), draft.figures["totals"]["visits"]], "citizens": [before.get("citizens"), draft.figures["totals"]["citizens"]]})
    return draft


def _issuer(draft: ReportDraft, by: User) -> doc_forms.Issuer:
    org = draft.organisation
    province = draft.scope_organisation if draft.kind == ReportKind.MONTHLY else draft.scope_organisation.parent
    place = province.unit.name if province is not None and province.unit_id else ""
    if draft.kind == ReportKind.MONTHLY:
        return doc_forms.Issuer(issuing_body=org.name, parent_body=province.name if province else "", place=place, agency_code="BTCD",
                                signature=Signature(title=by.position or "Trưởng ban", signer_name=by.full_name or by.username))
    title = "Chủ tịch" if by.role == Role.COMMUNE_CHAIRMAN else (by.position or "Chủ tịch")
    return doc_forms.Issuer(issuing_body=org.name, place=place, signature=Signature(title=title, signer_name=by.full_name or by.username, authority="TM. Ủy ban nhân dân"))


def _locality_table(figures: dict) -> Table:
    rows = [[str(n), r["label"], rules.format_count(r["count"]), rules.format_count(r["citizens"]), r["share"]] for n, r in enumerate(figures["by_locality"], start=1)]
    t = figures["totals"]
    rows.append(["", "Tổng cộng", rules.format_count(t["visits"]), rules.format_count(t["citizens"]), "100,0%" if t["citizens"] else "0,0%"])
    return Table(["STT", "Xã, phường", "Số lượt", "Số lượt công dân", "Tỷ lệ"], rows, widths_mm=[15, 62, 28, 32, 28])


def build_document(draft: ReportDraft, *, by: User, on: dt.date | None = None):
    """The report as an ``OfficialDocument`` (Decree 30 format), in the plans' wording."""
    f = draft.figures
    province = draft.scope_organisation if draft.kind == ReportKind.MONTHLY else draft.scope_organisation.parent
    chairman = f"Chủ tịch {province.name}" if province is not None else "Chủ tịch Ủy ban nhân dân tỉnh"
    notes = [line.strip() for line in draft.notes.splitlines() if line.strip()]
    if draft.kind == ReportKind.MONTHLY:
        outcomes = f["outcomes"]
        outcome_text = ("Kết quả thực hiện kết luận: chưa có số liệu trên hệ thống." if outcomes.get("answered_at_once") is None else
                        f"Trả lời ngay tại buổi tiếp {rules.format_count(outcomes['answered_at_once'])} vụ việc; chỉ đạo cơ quan giải quyết {rules.format_count(outcomes['directed'] or 0)} vụ việc; "
                        f"nhiệm vụ đã hoàn thành {rules.format_count(outcomes['tasks_done'] or 0)}, quá hạn {rules.format_count(outcomes['tasks_overdue'] or 0)}.")
        sections = [
            doc_forms.ReportSection("Kết quả tiếp công dân", [wording.reception_paragraph(f), wording.localities_paragraph(f), _locality_table(f), *filter(None, [wording.kinds_paragraph(f)])]),
            doc_forms.ReportSection("Tiếp nhận, phân loại, đề xuất", [wording.registrations_paragraph(f)]),
            doc_forms.ReportSection("Kết quả giải quyết sau tiếp công dân", [outcome_text]),
            doc_forms.ReportSection("Đánh giá, kiến nghị", notes or [f"{draft.organisation.name} kính báo cáo {chairman} xem xét, chỉ đạo."]),
        ]
        summary = f"Kết quả tiếp công dân trực tuyến {draft.period_label}"
        recipients = ["Như trên", "Thanh tra tỉnh", "Ban Tiếp công dân Trung ương", "Lưu: VT"]
    else:
        sections = [
            doc_forms.ReportSection("Công dân trên địa bàn đăng ký tiếp", [wording.commune_paragraph(f, draft.scope_organisation.name), wording.localities_paragraph(f)]),
            doc_forms.ReportSection("Kiến nghị", notes or [f"{draft.organisation.name} kính báo cáo {chairman}."]),
        ]
        summary = f"Công dân trên địa bàn đăng ký tiếp công dân {draft.period_label}"
        recipients = ["Như trên", "Ban Tiếp công dân tỉnh", "Lưu: VT"]
    return doc_forms.report(issuer=_issuer(draft, by), on=on or timezone.localdate(), summary=summary, addressees=[chairman], sections=sections, recipients=recipients)


@transaction.atomic
def issue_report(*, by: User, draft: ReportDraft) -> ReportDraft:
    """Issue the report through the one register of outgoing documents (its number, DOCX and PDF), with its
    figures as a workbook beside it; the draft can no longer change."""
    draft = _editable(by, draft)
    policy.require(by, "reports.issue" if draft.kind == ReportKind.MONTHLY else "reports.issue_commune", draft)
    # The commune's report of the citizens who registered is not the Board's monthly report: «Văn bản khác».
    kind = DocumentKind.MONTHLY_REPORT if draft.kind == ReportKind.MONTHLY else DocumentKind.OTHER
    issued = issue_document(by=by, kind=kind, doc=build_document(draft, by=by), about=draft, organisation=draft.organisation)
    workbook = exports.figures_xlsx(draft.figures, title=f"SỐ LIỆU KÈM BÁO CÁO SỐ {issued.number}")
    draft.figures_xlsx.save(f"bao-cao-{draft.pk}-{issued.sequence:04d}.xlsx", ContentFile(workbook), save=False)
    draft.state, draft.document, draft.issued_at, draft.issued_by = ReportState.ISSUED, issued, timezone.now(), by
    draft.save(update_fields=["state", "document", "issued_at", "issued_by", "figures_xlsx"])
    audit.record(actor=by, action="reports.issue", obj=draft, changes={"document": issued.number, "version": draft.version})
    return draft


def remind_board(*, draft: ReportDraft) -> list:
    """Tell the Board's officials the month's draft is waiting for them (once per draft: the key)."""
    officers = User.objects.filter(organisation=draft.organisation, role=Role.BOARD_OFFICER, is_active=True)
    return notify(recipients=list(officers), subject=f"Dự thảo báo cáo tiếp công dân {draft.period_label} đã lập",
                  body=(f"Hệ thống đã lập dự thảo báo cáo {draft.period_label} với số liệu đến {timezone.localtime(draft.figures_at):%H:%M %d/%m/%Y}. "
                        f"Hãy xem lại số liệu, viết đánh giá, kiến nghị và ban hành trước ngày {draft.due_on:%d/%m/%Y}."),
                  link=f"/bao-cao/du-thao/{draft.pk}/", about=draft, key=f"reports.monthly_draft.{draft.pk}")


@transaction.atomic
def record_download(*, by: User, what: str, fmt: str, scope: statistics.Scope, period: rules.Period, rows: int) -> None:
    """Audit a download of the figures or of the register book (the book carries names and ID numbers)."""
    if fmt not in exports.FORMATS:
        raise ValidationError(f"Định dạng «{fmt}» không được hỗ trợ; chọn csv, xlsx hoặc json.")
    action = "reports.export_register" if what == "register" else "reports.export_figures"
    if not policy.can(by, action):
        raise PermissionDenied(f"Vai trò của bạn không được {policy.ACTION_LABELS[action]}.")
    audit.record(actor=by, action=action, obj=scope.organisation, object_type="" if scope.organisation else "reports.scope", object_repr="" if scope.organisation else scope.label,
                 changes={"format": fmt, "period": period.label, "scope": scope.label, "rows": rows})


def draft_due_monthly_reports(*, today: dt.date | None = None) -> dict[int, int]:
    """On the first working day of a month (``rules.monthly_report_day``), each province's draft of the month
    before, and a reminder to its Board; idempotent (the draft is found again, the reminder keyed per draft).
    Returns {province committee id: draft id} for the drafts it made or found that day."""
    today = today or timezone.localdate()
    if today != rules.monthly_report_day(today.year, today.month):
        return {}
    period = rules.previous_month(today)
    made = {}
    for committee in Organisation.objects.filter(kind=K.PROVINCE_COMMITTEE, is_active=True, children__kind=K.PROVINCE_BOARD).distinct():
        draft, _ = draft_monthly_report(by=None, province_committee=committee, year=period.start.year, month=period.start.month, today=today)
        with transaction.atomic():
            remind_board(draft=draft)
        made[committee.pk] = draft.pk
    return made

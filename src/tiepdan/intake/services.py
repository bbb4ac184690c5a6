"""The verbs of registration. Each is one transaction and writes the audit log; bad input raises a
``ValidationError`` whose keys name the field, and nothing is stored."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit, policy
from tiepdan.core.text import fold, normalise
from tiepdan.organisations.models import AdministrativeUnit, Organisation

from . import receipts, rules, workflow
from .models import Attachment, Channel, Citizen, CommuneBatch, Contact, Delegation, Matter, MatterKind, MatterState, MatterTransition, Petition, Representative, SubjectArea


@dataclass
class CitizenData:
    """What identifies a citizen at registration (Decree 154/2026 Art. 12)."""

    full_name: str
    id_number: str
    date_of_birth: dt.date | None
    commune: AdministrativeUnit | None
    address: str
    phone: str = ""
    email: str = ""
    representative_name: str = ""
    representative_document: str = ""


@dataclass
class RepresentativeData:
    """A delegation's representative besides the citizen registered (Law 2013 Art. 29; Decree 154/2026 Art. 12, 14(3)).
    A ``CitizenData`` serves as well (its extra fields are not kept)."""

    full_name: str
    id_number: str
    address: str
    record_signed_on: dt.date | None = None  # the day they signed the record of what they presented


@dataclass
class MatterData:
    kind: str
    summary: str
    request: str = ""
    content: str = ""  # the petition's text, or what the citizen said, read back and signed (Art. 14(1))
    subject_area: str = SubjectArea.OTHER
    arose_at: str = ""
    papers: list[dict] = field(default_factory=list)  # Form 02/TCD: {"name", "pages", "state"}
    identity_protected: bool = False
    wants_online: bool = False
    # A delegation (Law Art. 29): how many people, and the representatives beyond the first citizen.
    members_count: int = 1
    members_note: str = ""
    other_representatives: list[RepresentativeData] = field(default_factory=list)
    record_signed_on: dt.date | None = None  # the first representative's signature of the record (Decree 154 Art. 14(3))
    written_on: dt.date | None = None  # the date on a letter, if it bears one
    # Form 03/TCD column 10: the body the citizen was guided to at reception, and the guidance document's number
    guided_to: str = ""
    guidance_document: str = ""


PAPER_STATES = {"bản chính", "bản sao", "bản sao có chứng thực", "bản chụp"}


# --- Validation shared by the verbs ----------------------------------------------------------------------
def _text_problems(errors: dict, pairs: list[tuple]) -> None:
    """``pairs``: (field, label, value[, max characters]). Adds the first of ``rules.text_problem``'s refusals
    (control characters, bidirectional controls, invisible-only text, length, markup) for each text field."""
    for name, label, value, *limit in pairs:
        problem = rules.text_problem(label, value, limit[0] if limit else None)
        if problem:
            errors.setdefault(name, []).append(problem)


def _citizen_problems(errors: dict, data: CitizenData, prefix: str = "") -> None:
    today = timezone.localdate()
    who = f" ({prefix.strip('_')})" if prefix else ""
    if not normalise(data.full_name):
        errors.setdefault(f"{prefix}full_name", []).append(f"Họ và tên{who}: chưa nhập. Hãy nhập họ và tên theo thẻ căn cước.")
    dob_problem = rules.date_of_birth_problem(data.date_of_birth, today)
    if dob_problem:
        errors.setdefault(f"{prefix}date_of_birth", []).append(dob_problem)
    cccd = rules.cccd_problem(data.id_number, None if dob_problem else data.date_of_birth)
    if cccd:
        errors.setdefault(f"{prefix}id_number", []).append(cccd)
    if data.commune is None or data.commune.level != AdministrativeUnit.Level.COMMUNE:
        errors.setdefault(f"{prefix}commune", []).append("Xã, phường nơi cư trú: hãy chọn một xã, phường, đặc khu có thật trong danh mục.")
    if not normalise(data.address):
        errors.setdefault(f"{prefix}address", []).append("Địa chỉ: chưa nhập. Hãy nhập số nhà, thôn, bản nơi công dân cư trú.")
    _text_problems(errors, [
        (f"{prefix}full_name", "Họ và tên", data.full_name, 150), (f"{prefix}address", "Địa chỉ", data.address, 255),
        (f"{prefix}phone", "Điện thoại", data.phone, 20), (f"{prefix}representative_name", "Người đại diện", data.representative_name, 150),
        (f"{prefix}representative_document", "Giấy ủy quyền", data.representative_document, 150),
    ])


def _representative_problems(errors: dict, data: MatterData, first_id_number: str) -> None:
    """Law 2013 Art. 29's cap, and each other representative's name, identity paper and address (Decree 154 Art. 12)."""
    problem = rules.representatives_problem(data.members_count, 1 + len(data.other_representatives))
    if problem:
        errors.setdefault("members_count" if data.members_count < 5 else "representatives", []).append(problem)
    today = timezone.localdate()
    seen = {(first_id_number or "").strip()}
    for i, rep in enumerate(data.other_representatives, start=2):
        who = f"Người đại diện thứ {i}"
        if not normalise(rep.full_name):
            errors.setdefault("representatives", []).append(f"{who}: chưa nhập họ và tên.")
        cccd = rules.cccd_problem(rep.id_number, None)
        if cccd:
            errors.setdefault("representatives", []).append(f"{who}: {cccd}")
        elif rep.id_number.strip() in seen:
            errors.setdefault("representatives", []).append(f"{who}: số CCCD {rep.id_number.strip()} đã có trong đoàn. Mỗi người đại diện ghi một lần.")
        seen.add(rep.id_number.strip())
        if not normalise(rep.address):
            errors.setdefault("representatives", []).append(f"{who}: chưa nhập địa chỉ.")
        signed = getattr(rep, "record_signed_on", None)
        if signed is not None and signed > today:
            errors.setdefault("representatives", []).append(f"{who}: ngày ký biên bản không được ở tương lai.")
        _text_problems(errors, [("representatives", f"{who}, họ và tên", rep.full_name, 150), ("representatives", f"{who}, địa chỉ", rep.address, 255)])
    if data.record_signed_on is not None and data.record_signed_on > today:
        errors.setdefault("record_signed_on", []).append("Ngày ký biên bản ghi nội dung trình bày không được ở tương lai.")


def _matter_problems(errors: dict, data: MatterData) -> None:
    if data.kind not in MatterKind.values:
        errors.setdefault("kind", []).append("Loại vụ việc: hãy chọn khiếu nại, tố cáo, kiến nghị hoặc phản ánh.")
    if data.subject_area not in SubjectArea.values:
        errors.setdefault("subject_area", []).append("Lĩnh vực: hãy chọn một lĩnh vực trong danh sách.")
    people = rules.people_count_problem(data.members_count)
    if people:
        errors.setdefault("members_count", []).append(people)
    if len(normalise(data.summary)) < 10:
        errors.setdefault("summary", []).append("Tóm tắt nội dung: cần ít nhất một câu nêu công dân đề nghị việc gì (từ 10 ký tự).")
    if data.identity_protected and data.kind != MatterKind.DENUNCIATION:
        errors.setdefault("identity_protected", []).append("Giữ bí mật danh tính chỉ áp dụng cho người tố cáo. Hãy bỏ chọn, hoặc chọn loại «Tố cáo».")
    _text_problems(errors, [
        ("summary", "Tóm tắt nội dung", data.summary, rules.MAX_SUMMARY_CHARS), ("request", "Yêu cầu của công dân", data.request, rules.MAX_SUMMARY_CHARS),
        ("content", "Nội dung đơn", data.content, rules.MAX_CONTENT_CHARS), ("arose_at", "Nơi phát sinh", data.arose_at, 255),
        ("members_note", "Danh sách thành viên", data.members_note, rules.MAX_NOTE_CHARS),
        ("guided_to", "Hướng dẫn đến cơ quan", data.guided_to, 255), ("guidance_document", "Số văn bản hướng dẫn", data.guidance_document, 60),
    ])
    if len(data.papers) > rules.MAX_PAPERS:
        errors.setdefault("papers", []).append(f"Giấy tờ kèm theo: {len(data.papers)} dòng, tối đa {rules.MAX_PAPERS} dòng. Hãy gộp các giấy tờ cùng loại.")
    for i, paper in enumerate(data.papers[: rules.MAX_PAPERS], start=1):
        name = normalise(str(paper.get("name", "")))
        if not name:
            errors.setdefault("papers", []).append(f"Giấy tờ kèm theo, dòng {i}: chưa có tên giấy tờ.")
        _text_problems(errors, [("papers", f"Giấy tờ kèm theo, dòng {i}", str(paper.get("name", "")), 255)])
        try:
            if not 1 <= int(paper.get("pages", 1)) <= rules.MAX_PAPER_PAGES:
                raise ValueError
        except (TypeError, ValueError):
            errors.setdefault("papers", []).append(f"Giấy tờ kèm theo, dòng {i}: số trang phải là số nguyên từ 1 đến {rules.MAX_PAPER_PAGES}.")
        if paper.get("state", "bản chụp") not in PAPER_STATES:
            errors.setdefault("papers", []).append(f"Giấy tờ kèm theo, dòng {i}: tình trạng phải là bản chính, bản sao, bản sao có chứng thực hoặc bản chụp.")


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _citizen(data: CitizenData) -> Citizen:
    """The citizen with this ID number (their contact details brought up to date), or a new one."""
    existing = Citizen.objects.filter(id_number=data.id_number.strip()).first()
    if existing is not None:
        if existing.full_name_folded != fold(data.full_name):
            raise ValidationError({"id_number": "Số CCCD này đã được đăng ký với một họ tên khác. Hãy kiểm tra lại họ tên hoặc số CCCD với giấy tờ của công dân."})
        for name in ("address", "phone", "email", "representative_name", "representative_document"):
            if getattr(data, name):
                setattr(existing, name, normalise(getattr(data, name)))
        existing.commune = data.commune
        existing.full_clean()
        existing.save()
        return existing
    citizen = Citizen(
        full_name=normalise(data.full_name), id_number=data.id_number.strip(), date_of_birth=data.date_of_birth, commune=data.commune,
        address=normalise(data.address), phone=data.phone.strip(), email=data.email.strip(),
        representative_name=normalise(data.representative_name), representative_document=normalise(data.representative_document),
    )
    citizen.full_clean()
    citizen.save()
    return citizen


def commune_committee_for(unit: AdministrativeUnit, province_committee: Organisation) -> Organisation | None:
    return Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, unit=unit, path__startswith=province_committee.path).first()


def _create_matter(*, by, channel: str, citizen_data: CitizenData, data: MatterData, province_committee: Organisation, batch: CommuneBatch | None, received_at: dt.datetime | None) -> Matter:
    errors: dict = {}
    _citizen_problems(errors, citizen_data)
    _matter_problems(errors, data)
    if data.members_count > 1 or data.other_representatives:
        _representative_problems(errors, data, citizen_data.id_number)
    written = rules.written_on_problem(data.written_on, timezone.localdate())
    if written:
        errors.setdefault("written_on", []).append(written)
    elif received_at is not None:
        received = rules.received_on_problem(timezone.localtime(received_at).date(), timezone.localdate(), data.written_on)
        if received:
            errors.setdefault("received_on", []).append(received)
    _raise(errors)
    citizen = _citizen(citizen_data)
    delegation = None
    if data.members_count >= 5:
        delegation = Delegation(province_committee=province_committee, members_count=data.members_count, members_note=data.members_note.strip())
        delegation.full_clean()
        delegation.save()
        first = Representative(delegation=delegation, position=1, citizen=citizen, full_name=citizen.full_name, id_number=citizen.id_number, address=citizen.address, record_signed_on=data.record_signed_on)
        others = [
            Representative(delegation=delegation, position=i, full_name=normalise(rep.full_name), id_number=rep.id_number.strip(), address=normalise(rep.address), record_signed_on=getattr(rep, "record_signed_on", None))
            for i, rep in enumerate(data.other_representatives, start=2)
        ]
        for rep in (first, *others):
            rep.full_clean()
            rep.save()
    now = received_at or timezone.now()
    matter = Matter(
        kind=data.kind, subject_area=data.subject_area, citizen=citizen, delegation=delegation, commune=citizen_data.commune,
        province_committee=province_committee, commune_committee=commune_committee_for(citizen_data.commune, province_committee),
        batch=batch, channel=channel, registered_at=now, registered_by=by, summary=normalise(data.summary), request=data.request.strip(),
        arose_at=normalise(data.arose_at), people_count=max(1, data.members_count), representatives_count=1 + len(data.other_representatives) if delegation else 1,
        identity_protected=data.identity_protected, state=MatterState.RECEIVED, state_changed_at=now, state_due_at=workflow.deadline_for(MatterState.RECEIVED, now),
    )
    if data.wants_online:
        matter.wants_online, matter.online_consent_recorded_by, matter.online_consent_at = True, by, timezone.now()
    matter.full_clean(exclude=["citizen_name_folded", "citizen_id_number", "summary_folded"])
    matter.save()
    papers = [_paper(p) for p in data.papers]
    petition = Petition(
        matter=matter, province_committee=province_committee, channel=channel, received_at=now, written_on=data.written_on, received_by=by,
        content=(data.content or data.summary).strip(), papers=papers, guided_to=normalise(data.guided_to), guidance_document=normalise(data.guidance_document),
    )
    petition.full_clean()
    petition.save()
    MatterTransition.objects.create(matter=matter, from_state="", to_state=MatterState.RECEIVED, by=by, reason=Channel(channel).label, at=now)
    audit.record(actor=by, action="matter.register", obj=matter, changes={"channel": channel, "kind": data.kind, "people_count": matter.people_count, "representatives": matter.representatives_count, "received_at": now.isoformat(), "citizen": citizen.pk, "batch": batch.pk if batch else None})
    if data.wants_online:
        audit.record(actor=by, action="matter.online_consent", obj=matter, changes={"wants_online": True})
    if papers:
        receipts.issue_receipt(by=by, petition=petition, papers=papers)
    return matter


def _paper(paper: dict) -> dict:
    """One paper as stored on the petition (Form 02/TCD's name, page count, state)."""
    return {"name": normalise(str(paper["name"])), "pages": int(paper.get("pages", 1)), "state": paper.get("state", "bản chụp")}


def received_moment(received_on: dt.date | None) -> dt.datetime | None:
    """When a letter received on ``received_on`` counts as received: now if that is today, else that day's
    opening of the office (08:00); the day is what the 45 days and the register book count from."""
    if received_on is None or received_on == timezone.localdate():
        return None
    return timezone.make_aware(dt.datetime.combine(received_on, dt.time(8, 0)))


# --- Board officer -------------------------------------------------------------------------------------
@transaction.atomic
def register_at_board(*, by, citizen: CitizenData, matter: MatterData, channel: str = Channel.IN_PERSON, received_at: dt.datetime | None = None) -> Matter:
    """A citizen who comes to the provincial Board, or a letter addressed to the Chairman (plan 004 §3.1)."""
    province = by.province_committee
    if province is None:
        raise ValidationError("Tài khoản của bạn không thuộc UBND tỉnh nào. Hãy liên hệ quản trị hệ thống.")
    policy.require(by, "intake.register", province)
    if channel not in (Channel.IN_PERSON, Channel.LETTER):
        raise ValidationError({"channel": "Hình thức đăng ký: chỉ nhận trực tiếp tại Ban hoặc đơn gửi Chủ tịch. Điện thoại, thư điện tử hãy ghi là liên hệ và hướng dẫn gửi đơn."})
    return _create_matter(by=by, channel=channel, citizen_data=citizen, data=matter, province_committee=province, batch=None, received_at=received_at)


@transaction.atomic
def log_contact(*, by, medium: str, person_name: str, reach: str, content: str, guided_to_write: bool, guidance_note: str = "") -> Contact:
    """A phone call or e-mail is not a registration: log it and record that the citizen was guided to write (plan 004 §3.1.a)."""
    province = by.province_committee
    policy.require(by, "intake.log_contact", province)
    errors: dict = {}
    if medium not in Contact.Medium.values:
        errors["medium"] = ["Hình thức liên hệ: chọn điện thoại hoặc thư điện tử."]
    if not normalise(person_name):
        errors["person_name"] = ["Người liên hệ: chưa nhập họ tên."]
    if not normalise(content):
        errors["content"] = ["Nội dung: hãy ghi tóm tắt công dân đã trình bày."]
    _text_problems(errors, [("person_name", "Người liên hệ", person_name, 150), ("reach", "Số điện thoại / thư điện tử", reach, 150), ("content", "Nội dung", content, rules.MAX_SUMMARY_CHARS), ("guidance_note", "Nội dung hướng dẫn", guidance_note, 255)])
    _raise(errors)
    contact = Contact(province_committee=province, medium=medium, person_name=normalise(person_name), reach=reach.strip(), content=content.strip(), guided_to_write=guided_to_write, guidance_note=normalise(guidance_note), at=timezone.now(), recorded_by=by)
    contact.full_clean()
    contact.save()
    audit.record(actor=by, action="contact.log", obj=contact, changes={"medium": medium, "guided_to_write": guided_to_write})
    return contact


# --- Commune officer ------------------------------------------------------------------------------------
def _commune_of(by) -> Organisation:
    org = by.organisation
    if org is None or org.kind != Organisation.Kind.COMMUNE_COMMITTEE:
        raise ValidationError("Chỉ cán bộ UBND xã, phường lập được danh sách hộ dân đăng ký.")
    return org


def current_batch(by) -> CommuneBatch | None:
    """The commune's list being drawn up or completed (one at a time), if any."""
    return CommuneBatch.objects.filter(commune_committee=_commune_of(by), state__in=[CommuneBatch.State.DRAFT, CommuneBatch.State.RETURNED]).order_by("created_at").first()


def open_batch_for(by) -> CommuneBatch:
    """The commune's list being drawn up, created with its first household."""
    commune = _commune_of(by)
    batch = current_batch(by)
    if batch is None:
        batch = CommuneBatch(commune_committee=commune, province_committee=commune.province_committee, created_by=by)
        batch.save()
        audit.record(actor=by, action="batch.create", obj=batch)
    return batch


@transaction.atomic
def record_household(*, by, citizen: CitizenData, matter: MatterData) -> Matter:
    """A commune officer records a household asking to be received by the provincial Chairman (plan 002 §III.10)."""
    commune = _commune_of(by)
    policy.require(by, "intake.register_household", commune)
    if citizen.commune is not None and citizen.commune.pk != commune.unit_id:
        raise ValidationError({"commune": f"Xã, phường nơi cư trú: cán bộ {commune.name} chỉ lập danh sách hộ dân cư trú tại xã mình. Hộ dân ở xã khác đăng ký tại UBND xã đó."})
    batch = open_batch_for(by)
    return _create_matter(by=by, channel=Channel.COMMUNE_LIST, citizen_data=citizen, data=matter, province_committee=commune.province_committee, batch=batch, received_at=None)


@transaction.atomic
def submit_batch(*, by, batch: CommuneBatch) -> CommuneBatch:
    """Send the commune's list to the provincial Board as one batch; a returned list goes back with its completed matters."""
    matters = list(batch.matters.exclude(state=MatterState.WITHDRAWN))
    if not matters and batch.state in (CommuneBatch.State.DRAFT, CommuneBatch.State.RETURNED):
        raise ValidationError("Danh sách chưa có hộ dân nào. Hãy ghi nhận ít nhất một hộ dân trước khi gửi.")
    resubmitting = batch.state == CommuneBatch.State.RETURNED
    batch = workflow.BATCH.apply(batch, CommuneBatch.State.SUBMITTED, by=by, changes={"matters": [m.pk for m in matters], "resubmitted": resubmitting})
    for m in matters:
        if m.state == MatterState.RETURNED:
            workflow.transition(m, MatterState.RECEIVED, by=by, reason="Xã đã bổ sung và gửi lại")
    return batch


@transaction.atomic
def return_batch(*, by, batch: CommuneBatch, reason: str) -> CommuneBatch:
    """The Board returns a commune's list for completion, with the reason; its open matters go back with it."""
    reason = (reason or "").strip()
    errors: dict = {}
    if not reason:
        errors["reason"] = ["Lý do trả lại: hãy nêu xã cần bổ sung gì để cán bộ xã làm tiếp được."]
    _text_problems(errors, [("reason", "Lý do trả lại", reason, rules.MAX_NOTE_CHARS)])
    _raise(errors)
    batch = workflow.BATCH.apply(batch, CommuneBatch.State.RETURNED, by=by, reason=reason)
    for m in batch.matters.filter(state__in=[MatterState.RECEIVED, MatterState.CLASSIFIED]):
        workflow.transition(m, MatterState.RETURNED, by=by, reason=reason)
    return batch


@transaction.atomic
def complete_matter(*, by, matter: Matter, summary: str, request: str = "", papers: list[dict] | None = None) -> Matter:
    """Complete a returned matter (summary, request, papers) before the list is sent again."""
    matter = Matter.objects.select_for_update(of=("self",)).select_related("province_committee", "commune_committee", "citizen").get(pk=matter.pk)
    policy.require(by, "intake.resubmit", matter)
    if matter.state != MatterState.RETURNED:
        raise ValidationError("Chỉ bổ sung được vụ việc đang bị trả lại.")
    data = MatterData(kind=matter.kind, summary=summary, request=request, papers=papers or [], subject_area=matter.subject_area)
    errors: dict = {}
    _matter_problems(errors, data)
    _raise(errors)
    old = {"summary": matter.summary, "request": matter.request}
    matter.summary, matter.request = normalise(summary), request.strip()
    matter.save()
    audit.record(actor=by, action="matter.complete", obj=matter, changes={"before": old, "papers_added": len(papers or [])})
    if papers:
        petition = matter.petitions.order_by("-received_at").first()
        added = [_paper(p) for p in papers]
        petition.papers = [*petition.papers, *added]
        petition.save(update_fields=["papers"])
        receipts.issue_receipt(by=by, petition=petition, papers=added)
    return matter


# --- Both ---------------------------------------------------------------------------------------------
@transaction.atomic
def withdraw(*, by, matter: Matter, reason: str) -> Matter:
    return workflow.transition(matter, MatterState.WITHDRAWN, by=by, reason=reason)


@transaction.atomic
def record_online_consent(*, by, matter: Matter, consent: bool) -> Matter:
    """Whether the citizen agrees to be received online, with who recorded it and when."""
    matter = Matter.objects.select_for_update(of=("self",)).select_related("province_committee", "commune_committee").get(pk=matter.pk)
    policy.require(by, "intake.record_consent", matter)
    if matter.state in (MatterState.DECLINED, MatterState.WITHDRAWN):
        raise ValidationError("Vụ việc đã kết thúc; không cần ghi nhận đồng ý tiếp trực tuyến.")
    matter.wants_online, matter.online_consent_recorded_by, matter.online_consent_at = consent, by, timezone.now()
    matter.save(update_fields=["wants_online", "online_consent_recorded_by", "online_consent_at"])
    audit.record(actor=by, action="matter.online_consent", obj=matter, changes={"wants_online": consent})
    return matter


# --- What triage records on a matter: triage decides, intake keeps the row -----------------------------
def _locked_matter(matter: Matter) -> Matter:
    return Matter.objects.select_for_update(of=("self",)).select_related("province_committee", "commune_committee", "citizen", "delegation").get(pk=matter.pk)


@transaction.atomic
def record_classification(*, by, matter: Matter, kind: str, subject_area: str, arose_at: str = "", agencies_involved=(), already_settled: bool = False,
                          settled_by: str = "", decision_in_force: bool = False, pm_directed: bool = False, within_competence: bool = True,
                          identity_protected: bool | None = None, reason: str = "") -> Matter:
    """Phân loại (``triage.classify``): kind, subject area, where it arose, agencies involved, and its history.

    The first classification moves the matter to «Đã phân loại»; a later one is audited as a reclassification.
    """
    matter = _locked_matter(matter)
    policy.require(by, "triage.classify", matter)
    errors: dict = {}
    if kind not in MatterKind.values:
        errors["kind"] = ["Loại vụ việc: hãy chọn khiếu nại, tố cáo, kiến nghị hoặc phản ánh."]
    if subject_area not in SubjectArea.values:
        errors["subject_area"] = ["Lĩnh vực: hãy chọn một lĩnh vực trong danh sách."]
    protected = matter.identity_protected if identity_protected is None else identity_protected
    if protected and kind != MatterKind.DENUNCIATION:
        errors["identity_protected"] = ["Giữ bí mật danh tính chỉ áp dụng cho người tố cáo."]
    if already_settled and not settled_by.strip():
        errors["settled_by"] = ["Cơ quan đã giải quyết: vụ việc đã được giải quyết thì cần ghi cơ quan đã giải quyết (cột 8 sổ tiếp công dân)."]
    outside = [a for a in agencies_involved if not a.path.startswith(matter.province_committee.path)]
    if outside:
        errors["agencies_involved"] = [f"Cơ quan liên quan: «{outside[0]}» không thuộc tỉnh này."]
    _raise(errors)
    for name, label, value in (("arose_at", "Nơi phát sinh", arose_at), ("settled_by", "Cơ quan đã giải quyết", settled_by), ("reason", "Ghi chú", reason)):
        problem = rules.text_problem(label, value, rules.MAX_NOTE_CHARS)
        if problem:
            errors[name] = [problem]
    _raise(errors)
    before = {"kind": matter.kind, "subject_area": matter.subject_area}
    matter.kind, matter.subject_area, matter.arose_at = kind, subject_area, arose_at.strip()
    matter.already_settled, matter.settled_by, matter.decision_in_force = already_settled, settled_by.strip(), decision_in_force
    matter.pm_directed, matter.within_competence, matter.identity_protected = pm_directed, within_competence, protected
    matter.full_clean(exclude=["citizen_name_folded", "citizen_id_number", "summary_folded"])
    matter.save()
    matter.agencies_involved.set(agencies_involved)
    changes = {"before": before, "kind": kind, "subject_area": subject_area, "agencies_involved": [a.pk for a in agencies_involved], "already_settled": already_settled, "decision_in_force": decision_in_force, "pm_directed": pm_directed}
    if matter.state == MatterState.CLASSIFIED:
        audit.record(actor=by, action="matter.reclassify", obj=matter, reason=reason, changes=changes)
        return matter
    return workflow.transition(matter, MatterState.CLASSIFIED, by=by, reason=reason, changes=changes)


@transaction.atomic
def record_repeat(*, by, matter: Matter, original: Matter, reason: str = "", changes: dict | None = None) -> Matter:
    """Record that ``matter`` repeats ``original`` (``triage.link_repeat``; triage's finding is in ``changes``)."""
    matter = _locked_matter(matter)
    policy.require(by, "triage.link_repeat", matter)
    matter.repeat_of = original
    matter.save(update_fields=["repeat_of"])
    audit.record(actor=by, action="matter.link_repeat", obj=matter, reason=reason, changes={"repeat_of": original.pk, **(changes or {})})
    return matter


def set_waiting_deadline(*, matter: Matter, due_at: dt.datetime | None = None) -> Matter:
    """The deadline of the matter's current wait: ``due_at`` (a refusal notice due sooner, Decree 154 Art. 4(3)),
    or None for the state's own (``workflow.WAITING``). Part of the caller's audited verb, which records the due date."""
    matter.state_due_at = due_at or (workflow.deadline_for(matter.state, matter.state_changed_at) if matter.state_changed_at else None)
    Matter.objects.filter(pk=matter.pk).update(state_due_at=matter.state_due_at)
    return matter


@transaction.atomic
def approve(*, by, matter: Matter, reason: str, agencies_required=()) -> Matter:
    """The Chairman's approval (``triage.decide``): the matter will be received, with the agencies that must attend."""
    matter = workflow.transition(matter, MatterState.APPROVED, by=by, reason=reason, changes={"agencies_required": [a.pk for a in agencies_required]})
    matter.agencies_required.set(agencies_required)
    return matter


@transaction.atomic
def reveal_identity(*, by, matter: Matter) -> Citizen:
    """The identity of a denouncer who asked for protection: only the roles that must see it, every read audited."""
    policy.require(by, "intake.view_protected_identity", matter)
    audit.record(actor=by, action="matter.identity_read", obj=matter, reason="Xem danh tính người tố cáo được giữ bí mật")
    return matter.citizen


@transaction.atomic
def add_attachment(*, by, petition: Petition, name: str, data: bytes, paper_name: str = "", paper_state: str = "bản chụp") -> Attachment:
    """Store a PDF, JPEG or PNG, its type sniffed from the bytes and the file opened (pypdf, Pillow) before it is
    kept, its SHA-256 recorded; the paper it carries is added to the petition with its Form 02/TCD receipt."""
    policy.require(by, "intake.attach", petition.matter)
    content_type = rules.sniff_content_type(data[:16])
    problem = (
        rules.attachment_problem(name, len(data), data[:16]) or rules.text_problem("Tên tệp", name, 255)
        or rules.text_problem("Tên giấy tờ", paper_name, 255) or rules.attachment_content_problem(name, content_type, data)
    )
    if paper_state not in PAPER_STATES:
        problem = problem or "Tình trạng giấy tờ: chọn bản chính, bản sao, bản sao có chứng thực hoặc bản chụp."
    if problem:
        raise ValidationError({"attachment": problem})
    digest = hashlib.sha256(data).hexdigest()
    attachment = Attachment(petition=petition, original_name=name[:255], content_type=content_type, size_bytes=len(data), sha256=digest)
    attachment.file.save(f"{digest}{'.' + name.rsplit('.', 1)[-1].lower()}", ContentFile(data), save=False)
    attachment.save()
    paper = {"name": normalise(paper_name) or normalise(name), "pages": rules.pdf_pages(data) if content_type == "application/pdf" else 1, "state": paper_state}
    petition.papers = [*petition.papers, paper]
    petition.save(update_fields=["papers"])
    audit.record(actor=by, action="attachment.add", obj=petition.matter, changes={"name": name, "sha256": digest, "size_bytes": len(data), "pages": paper["pages"]})
    receipts.issue_receipt(by=by, petition=petition, papers=[paper])
    return attachment

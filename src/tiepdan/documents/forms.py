"""Builders for the documents the reception process issues, each returning an ``OfficialDocument``.

Plain functions of plain values (names, dates, reasons): they import no model of
intake, triage or scheduling, so any stage can call them with what it holds.

- ``refusal_notice``: Form 01/TCD, notice refusing to receive (Decree 154/2026, Art. 4(3));
- ``receipt_of_papers``: Form 02/TCD, receipt of information, papers and evidence (Art. 15);
- ``reply_not_received``: written reply to a citizen whose request was not proposed (plan 004 §3.1);
- ``invitation``: invitation letter (giấy mời) to a citizen or an agency for a session (Art. 23(1));
- ``session_notice``: notice of the reception schedule (thông báo lịch tiếp công dân);
- ``change_notice``: notice that a session is moved or cancelled (plan 002);
- ``conclusion_notice``: the notice of the head's conclusions after a session (Decree 154/2026, Art. 25(2)-(3));
- ``citizen_extract``: the letter telling one citizen the conclusion on their own matter;
- ``matter_minutes``: the minutes (biên bản) of one matter received at a session (Art. 26).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from .official import OfficialDocument, Para, Signature, Table, format_date, format_time

# Document-type codes of Decree 30/2020, Appendix III (receipt: the forms' own usage), each with the
# type's name, which the document prints as its title: the code decides the title.
NOTICE, INVITATION, RECEIPT, MINUTES = "TB", "GM", "GBN", "BB"
TYPE_TITLES = {NOTICE: "Thông báo", INVITATION: "Giấy mời", RECEIPT: "Giấy biên nhận", MINUTES: "Biên bản"}


@dataclass
class Issuer:
    """Who issues: the body, its parent, where, the signature and the code after the type in the symbol."""

    issuing_body: str
    place: str
    signature: Signature
    parent_body: str = ""
    agency_code: str = "UBND"

    def symbol(self, type_code: str) -> str:
        return f"{type_code}-{self.agency_code}"


@dataclass
class Person:
    """A citizen as a document names them: identity paper per Decree 154/2026, Art. 12(1)."""

    full_name: str
    id_number: str = ""
    id_paper: str = "Căn cước"  # căn cước, giấy chứng nhận căn cước, số định danh cá nhân, hộ chiếu
    id_issued_on: dt.date | None = None
    id_issued_by: str = ""
    address: str = ""
    salutation: str = "Ông (bà)"

    @property
    def addressee(self) -> str:
        """'Ông (bà) Nguyễn Văn Bình': as a letter to the person is addressed and sent."""
        return f"{self.salutation} {self.full_name}"

    @property
    def identity_line(self) -> str:
        parts = [f"{self.id_paper} số: {self.id_number or '..........'}"]
        parts.append(f"ngày cấp: {self.id_issued_on:%d/%m/%Y}" if self.id_issued_on else "ngày cấp: ..........")
        parts.append(f"nơi cấp: {self.id_issued_by or '..........'}")
        return "; ".join(parts)

    @property
    def particulars(self) -> str:
        """Name, identity paper and address, as Forms 01 and 02 write them after the salutation."""
        return f"{self.full_name}. {self.identity_line}." + (f" Địa chỉ: {self.address}." if self.address else "")


def _document(issuer: Issuer, *, type_code: str, summary: str, on: dt.date, body, recipients, addressees=(), form_code: str = "", signature=None, counter_signature=None) -> OfficialDocument:
    return OfficialDocument(
        issuing_body=issuer.issuing_body,
        parent_body=issuer.parent_body,
        type_title=TYPE_TITLES[type_code],
        summary=summary,
        place=issuer.place,
        date=on,
        signature=signature or issuer.signature,
        body=list(body),
        symbol=issuer.symbol(type_code),
        addressees=list(addressees),
        recipients=list(recipients),
        form_code=form_code,
        counter_signature=counter_signature,
    )


def _required(**values) -> None:
    missing = [name for name, value in values.items() if not (value.strip() if isinstance(value, str) else value)]
    if missing:
        raise ValueError(f"Thiếu thông tin bắt buộc của văn bản: {', '.join(missing)}. Hãy nhập đủ rồi tạo lại văn bản.")


# --- Form 01/TCD ---------------------------------------------------------------------------------
def refusal_notice(*, issuer: Issuer, on: dt.date, person: Person, reason: str, legal_basis: str, content_refused: str, grounds_on: dt.date | None = None, recipients: list[str] | None = None) -> OfficialDocument:
    """Mẫu số 01/TCD: Thông báo về việc từ chối tiếp công dân (Decree 154/2026, Art. 4(3)).

    Issued by the head of the agency, within 3 working days of having the grounds
    (``documents.rules.refusal_notice_due``), only for Law 2013 Art. 9(3) and Decree
    154 Art. 4(1)(h). Carries the person's name and identity paper, the reason,
    the legal basis and the content refused.
    """
    _required(person=person.full_name, reason=reason, legal_basis=legal_basis, content_refused=content_refused)
    body = [
        f"{person.salutation}: {person.particulars}",
        f"Nội dung đề nghị được tiếp: {content_refused}",
        f"Căn cứ {legal_basis}, {issuer.issuing_body} thông báo từ chối tiếp {person.salutation.lower()} {person.full_name}"
        + (f" (từ ngày {grounds_on:%d/%m/%Y})" if grounds_on else "")
        + f" về nội dung nêu trên với lý do: {reason}",
        f"{issuer.issuing_body} thông báo để {person.salutation.lower()} {person.full_name} được biết và thực hiện.",
    ]
    return _document(
        issuer,
        type_code=NOTICE,
        summary="Về việc từ chối tiếp công dân",
        on=on,
        body=body,
        addressees=[person.addressee],
        recipients=recipients or [person.addressee, "Ban Tiếp công dân tỉnh", "Lưu: VT"],
        form_code="Mẫu số 01/TCD",
    )


# --- Form 02/TCD ---------------------------------------------------------------------------------
PHOTOCOPY = "Bản phô tô"
CERTIFIED_COPY = "Bản sao có chứng thực"
ORIGINAL = "Bản chính"
PAPER_STATES = (PHOTOCOPY, CERTIFIED_COPY, ORIGINAL)


@dataclass
class Paper:
    """One item received: its name, page count and state (Decree 154/2026, Art. 15)."""

    name: str
    pages: int
    state: str = PHOTOCOPY


def receipt_of_papers(*, issuer: Issuer, received_at: dt.datetime, place: str, officer_name: str, officer_position: str, person: Person, papers: list[Paper], copies: int = 2) -> OfficialDocument:
    """Mẫu số 02/TCD: Giấy biên nhận thông tin, tài liệu, bằng chứng (Decree 154/2026, Art. 15).

    Time and place, the receiving officer, the person, each item with its name,
    page count and state (photocopy or certified copy), the copies made, and both signatures.
    """
    _required(officer=officer_name, person=person.full_name, papers=papers)
    for number, paper in enumerate(papers, start=1):
        if paper.state not in PAPER_STATES:
            raise ValueError(f"Tài liệu số {number} («{paper.name}»): tình trạng «{paper.state}» không hợp lệ; chọn một trong: {', '.join(PAPER_STATES)}.")
        if paper.pages < 1:
            raise ValueError(f"Tài liệu số {number} («{paper.name}»): số trang phải từ 1 trở lên.")
    rows = [[str(n), p.name, str(p.pages), p.state] for n, p in enumerate(papers, start=1)]
    body = [
        f"Vào hồi {format_time(received_at)}, {format_date(received_at.date())}, tại {place}.",
        f"Tôi là: {officer_name}, chức vụ: {officer_position}.",
        f"Đã nhận của {person.salutation.lower()}: {person.particulars}",
        "Các thông tin, tài liệu, bằng chứng sau:",
        Table(["STT", "Tên thông tin, tài liệu, bằng chứng", "Số trang", "Tình trạng"], rows, widths_mm=[14, 91, 20, 40]),
        f"Tổng cộng: {len(papers)} tài liệu, {sum(p.pages for p in papers)} trang.",
        f"Giấy biên nhận được lập thành {copies:02d} bản, mỗi bên giữ 01 bản.",
    ]
    return _document(
        issuer,
        type_code=RECEIPT,
        summary="Thông tin, tài liệu, bằng chứng",
        on=received_at.date(),
        body=body,
        recipients=[],
        form_code="Mẫu số 02/TCD",
        signature=Signature(title="Người nhận", signer_name=officer_name),
        counter_signature=Signature(title="Người nộp", signer_name=person.full_name),
    )


# --- Reply to a citizen not received ---------------------------------------------------------------
def reply_not_received(*, issuer: Issuer, on: dt.date, person: Person, registered_on: dt.date, request_summary: str, reason: str, alternatives: list[str], recipients: list[str] | None = None) -> OfficialDocument:
    """Written reply, with the reason, to a citizen whose request to be received was not proposed (plan 004 §3.1).

    Says what the citizen can do instead (``alternatives``: where to send the
    petition, which reception they may attend), so the refusal is never a dead end.
    """
    _required(person=person.full_name, reason=reason, alternatives=alternatives)
    body = [
        f"Ngày {registered_on:%d/%m/%Y}, {issuer.issuing_body} nhận được đề nghị được tiếp công dân của {person.salutation.lower()} {person.full_name}"
        + (f", địa chỉ: {person.address}" if person.address else "")
        + f", về nội dung: {request_summary}",
        f"Sau khi xem xét, {issuer.issuing_body} trả lời: {person.salutation.lower()} chưa được bố trí tiếp trong kỳ này, vì lý do: {reason}",
        f"Để nội dung của mình được xem xét, {person.salutation.lower()} có thể:",
        *[Para(f"- {step}") for step in alternatives],
        f"{issuer.issuing_body} trả lời để {person.salutation.lower()} {person.full_name} được biết.",
    ]
    return _document(
        issuer,
        type_code=NOTICE,
        summary="Về việc trả lời đề nghị được tiếp công dân",
        on=on,
        body=body,
        addressees=[person.addressee],
        recipients=recipients or [person.addressee, "Lưu: VT"],
    )


# --- Invitation, session notice, change notice --------------------------------------------------------
@dataclass
class SessionInfo:
    """A reception session as documents describe it."""

    chair_title: str  # "Chủ tịch UBND tỉnh", "Phó Chủ tịch UBND tỉnh (được Chủ tịch ủy quyền)"
    chair_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    central_point: str  # name and address of the central bridge point
    online: bool = True
    periodic: bool = True


def _session_when(session: SessionInfo) -> str:
    return f"từ {format_time(session.starts_at)} đến {format_time(session.ends_at)}, {format_date(session.starts_at.date())}"


def invitation(*, issuer: Issuer, on: dt.date, invitee: str, session: SessionInfo, attend_at: str, purpose: str, requests: list[str] | None = None, contact: str = "", recipients: list[str] | None = None) -> OfficialDocument:
    """Giấy mời: a citizen (or a delegation's representatives) or an agency to a reception session.

    Sent at least 5 working days before an online session (Decree 154/2026, Art. 23(1)):
    the caller checks the date (scheduling's rules); this builder writes the letter.
    """
    _required(invitee=invitee, attend_at=attend_at, purpose=purpose)
    form = "trực tuyến" if session.online else "trực tiếp"
    body = [
        f"{issuer.issuing_body} trân trọng kính mời {invitee} tham dự buổi tiếp công dân {form} do {session.chair_title} {session.chair_name} chủ trì.",
        f"Thời gian: {_session_when(session)}.",
        f"Địa điểm tham dự: {attend_at}." + (f" Điểm cầu trung tâm: {session.central_point}." if session.online else ""),
        f"Nội dung: {purpose}",
    ]
    if requests:
        body.append("Đề nghị:")
        body += [Para(f"- {line}") for line in requests]
    if contact:
        body.append(f"Thông tin liên hệ: {contact}.")
    return _document(issuer, type_code=INVITATION, summary=f"Tham dự buổi tiếp công dân {form}", on=on, body=body, addressees=[invitee], recipients=recipients or ["Như trên", "Lưu: VT"])


@dataclass
class AgendaLine:
    """One matter on a session notice; a delegation appears by its representatives' count, not by names alone."""

    citizen: str
    address: str
    summary: str
    bridge_point: str
    agencies: str = ""


def session_notice(*, issuer: Issuer, on: dt.date, session: SessionInfo, agenda: list[AgendaLine], participants: list[str], component_points: list[str] | None = None, recipients: list[str] | None = None) -> OfficialDocument:
    """Thông báo lịch tiếp công dân: when, who chairs, where, which matters, who must attend."""
    kind = "định kỳ" if session.periodic else "đột xuất"
    form = "trực tuyến" if session.online else "trực tiếp"
    body = [
        f"{issuer.issuing_body} thông báo lịch tiếp công dân {kind} {form} của {session.chair_title} như sau:",
        Para("1. Thời gian, người chủ trì", bold=True),
        f"{session.chair_title} {session.chair_name} chủ trì tiếp công dân {_session_when(session)}.",
        Para("2. Địa điểm", bold=True),
        f"Điểm cầu trung tâm: {session.central_point}." if session.online else f"Tại {session.central_point}.",
    ]
    if component_points:
        body.append("Các điểm cầu thành phần: " + "; ".join(component_points) + ".")
    body.append(Para("3. Nội dung tiếp", bold=True))
    if agenda:
        rows = [[str(n), f"{line.citizen}\n{line.address}", line.summary, line.bridge_point, line.agencies] for n, line in enumerate(agenda, start=1)]
        body.append(Table(["STT", "Công dân, địa chỉ", "Nội dung", "Điểm cầu", "Cơ quan liên quan"], rows, widths_mm=[15, 39, 54, 30, 27]))  # STT needs 15 mm, with the cell's padding, not to wrap
    else:
        body.append("Không có công dân đăng ký trong kỳ này.")
    body.append(Para("4. Thành phần tham dự", bold=True))
    body += [Para(f"- {p}") for p in participants]
    body.append(f"{issuer.issuing_body} thông báo để các cơ quan, đơn vị, cá nhân liên quan biết, chuẩn bị và tham dự đúng thời gian.")
    return _document(issuer, type_code=NOTICE, summary=f"Lịch tiếp công dân {kind} {format_date(session.starts_at.date())}", on=on, body=body, recipients=recipients or ["Các cơ quan, đơn vị liên quan", "Lưu: VT"])


def change_notice(*, issuer: Issuer, on: dt.date, original: SessionInfo, reason: str, new: SessionInfo | None = None, recipients: list[str] | None = None) -> OfficialDocument:
    """Thông báo thay đổi lịch tiếp công dân: the session moves to ``new``, or is cancelled when ``new`` is None."""
    _required(reason=reason)
    body = [f"{issuer.issuing_body} đã thông báo lịch tiếp công dân {_session_when(original)}, tại {original.central_point}."]
    if new is None:
        body.append(f"Vì lý do: {reason}, buổi tiếp công dân nêu trên không tổ chức. Lịch tiếp tiếp theo sẽ được thông báo sau.")
        summary = "Về việc hủy lịch tiếp công dân"
    else:
        body.append(f"Vì lý do: {reason}, buổi tiếp công dân được chuyển sang {_session_when(new)}, tại {new.central_point}, do {new.chair_title} {new.chair_name} chủ trì.")
        summary = "Về việc thay đổi lịch tiếp công dân"
    body.append(f"{issuer.issuing_body} thông báo để các cơ quan, đơn vị, công dân liên quan biết và thực hiện.")
    return _document(issuer, type_code=NOTICE, summary=summary, on=on, body=body, recipients=recipients or ["Các cơ quan, đơn vị, công dân liên quan", "Lưu: VT"])


# --- After the session: conclusion notice, citizen's letter, minutes (Decree 154/2026, Art. 25-26) -------
@dataclass
class DirectiveLine:
    """A task the conclusion gives an agency, with its time in working days from the notice's issue."""

    agency: str
    content: str
    working_days: int


@dataclass
class ConcludedMatter:
    """One matter as the conclusion notice states it (Art. 25(3): answered at once, or a time limit and a contact)."""

    citizen: str  # "Ông (bà) Nguyễn Văn A, thôn X, xã Y"
    request: str
    agencies_opinions: str
    conclusion: str
    answered_at_once: bool
    time_limit: str = ""
    contact_person: str = ""
    directives: list[DirectiveLine] = field(default_factory=list)


def _matter_paragraphs(number: str, matter: ConcludedMatter) -> list:
    lines: list = [Para(f"{number}. {matter.citizen}", bold=True)]
    lines.append(f"Nội dung công dân trình bày, đề nghị: {matter.request or '(không ghi)'}")
    if matter.agencies_opinions:
        lines.append(f"Ý kiến của các cơ quan: {matter.agencies_opinions}")
    lines.append(f"Kết luận của người chủ trì: {matter.conclusion}")
    if matter.answered_at_once:
        lines.append("Vụ việc đã được trả lời ngay tại buổi tiếp.")
    else:
        lines.append(f"Thời hạn giải quyết: {matter.time_limit}. Người liên hệ với công dân: {matter.contact_person}.")
    for d in matter.directives:
        lines.append(Para(f"- Giao {d.agency}: {d.content} Thời hạn: {d.working_days} ngày làm việc kể từ ngày ban hành Thông báo này."))
    return lines


def conclusion_notice(*, issuer: Issuer, on: dt.date, session: SessionInfo, matters: list[ConcludedMatter], recipients: list[str]) -> OfficialDocument:
    """Thông báo kết luận việc tiếp công dân (Decree 154/2026, Art. 25(2)): the head's conclusions on each
    matter received, sent to the agencies concerned with the time for settlement."""
    if not matters:
        raise ValueError("Thông báo kết luận cần ít nhất một vụ việc đã tiếp. Hãy kiểm tra chương trình của phiên.")
    form = "trực tuyến" if session.online else "trực tiếp"
    body: list = [
        f"Ngày {session.starts_at:%d/%m/%Y}, {session.chair_title} {session.chair_name} đã chủ trì tiếp công dân {form} "
        f"tại {session.central_point}. Sau khi nghe công dân trình bày và ý kiến của các cơ quan liên quan, "
        f"{session.chair_title} kết luận như sau:",
    ]
    for n, matter in enumerate(matters, start=1):
        body += _matter_paragraphs(str(n), matter)
    body.append(f"{issuer.issuing_body} thông báo để các cơ quan, đơn vị, công dân liên quan biết và thực hiện.")
    return _document(issuer, type_code=NOTICE, summary=f"Kết luận của {session.chair_title} tại buổi tiếp công dân {format_date(session.starts_at.date())}", on=on, body=body, recipients=recipients)


def citizen_extract(*, issuer: Issuer, on: dt.date, session: SessionInfo, person: Person, matter: ConcludedMatter, notice_number: str) -> OfficialDocument:
    """Văn bản thông báo kết quả cho công dân: the conclusion on this citizen's matter only, addressed to them
    (Decree 154/2026, Art. 25(2)-(3)); it names no other citizen received at the session."""
    _required(person=person.full_name, conclusion=matter.conclusion)
    body: list = [
        f"Ngày {session.starts_at:%d/%m/%Y}, {session.chair_title} {session.chair_name} đã tiếp {person.salutation.lower()} {person.full_name}"
        + (f" ({person.address})" if person.address else "") + ".",
        f"Thực hiện Thông báo số {notice_number}, {issuer.issuing_body} thông báo kết quả như sau:",
    ]
    body += _matter_paragraphs("1", replace(matter, citizen=person.addressee))[1:]
    body.append(f"{issuer.issuing_body} thông báo để {person.salutation.lower()} {person.full_name} được biết.")
    return _document(issuer, type_code=NOTICE, summary="Về kết quả tiếp công dân", on=on, body=body, addressees=[person.addressee], recipients=[person.addressee, "Lưu: VT"])


def matter_minutes(*, issuer: Issuer, on: dt.date, session: SessionInfo, matter: ConcludedMatter, minute_taker: str, minute_taker_position: str = "", present: list[str] | None = None) -> OfficialDocument:
    """Biên bản tiếp công dân of one matter (Decree 154/2026, Art. 26): who chaired, who took the minutes,
    what the citizen said, the agencies' opinions and the conclusion; signed by the chair and the minute-taker."""
    _required(minute_taker=minute_taker, chair=session.chair_name)
    body: list = [
        f"Thời gian: {_session_when(session)}.",
        f"Địa điểm: {session.central_point}.",
        f"Người chủ trì: {session.chair_title} {session.chair_name}.",
        f"Người ghi biên bản: {minute_taker}" + (f", {minute_taker_position}" if minute_taker_position else "") + ".",
        f"Công dân: {matter.citizen}.",
    ]
    if present:
        body.append("Thành phần tham dự: " + "; ".join(present) + ".")
    body += _matter_paragraphs("", matter)[1:]
    body.append("Biên bản được lập xong vào cuối buổi tiếp, đã đọc lại cho những người có mặt cùng nghe.")
    chair_signature = Signature(title="Người chủ trì", signer_name=session.chair_name)
    taker_signature = Signature(title="Người ghi biên bản", signer_name=minute_taker)
    return _document(issuer, type_code=MINUTES, summary="Tiếp công dân", on=on, body=body, recipients=[], signature=chair_signature, counter_signature=taker_signature)


# --- Reports (reports app: the Board's monthly report, a commune's report) -------------------------
REPORT = "BC"  # Decree 30/2020, Appendix III: Báo cáo
TYPE_TITLES[REPORT] = "Báo cáo"


@dataclass
class ReportSection:
    """A numbered heading of a report and its paragraphs (a ``Table`` may stand among them)."""

    heading: str
    paragraphs: list = field(default_factory=list)


def report(*, issuer: Issuer, on: dt.date, summary: str, addressees: list[str], sections: list[ReportSection], recipients: list[str] | None = None) -> OfficialDocument:
    """Báo cáo: the Board's monthly report to the Chairman (Lạng Sơn plan §V.2), or a commune's report of the
    citizens of its area who registered (Bắc Ninh plan §III.6); the sentences are the caller's, in the plans' wording."""
    _required(summary=summary)
    if not sections:
        raise ValueError("Báo cáo cần ít nhất một mục.")
    body: list = []
    for number, section in enumerate(sections, start=1):
        body.append(Para(f"{_ROMAN[number]}. {section.heading}", bold=True, indent=False, align="left"))
        body += list(section.paragraphs)
    return _document(issuer, type_code=REPORT, summary=summary, on=on, body=body, addressees=addressees, recipients=recipients or ["Như trên", "Lưu: VT"])


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII"}


# --- The agency's answer to the citizen (followup: a task of the conclusion notice) ------------------------
def settlement_answer(*, issuer: Issuer, on: dt.date, person: Person, matter_summary: str, notice_number: str, notice_date: dt.date | None,
                      directive: str, answer: str, recipients: list[str] | None = None) -> OfficialDocument:
    """The agency's answer to the citizen on what the conclusion notice gave it to settle (Decree 154/2026, Art. 25(2):
    "the agency that settles sends its result to the citizen"): the notice it answers, what it was asked, its answer."""
    _required(person=person.full_name, answer=answer, directive=directive)
    notice = f"Thông báo kết luận việc tiếp công dân số {notice_number}" + (f" ngày {notice_date:%d/%m/%Y}" if notice_date else "") if notice_number else "Thông báo kết luận việc tiếp công dân"
    body = [
        f"Thực hiện {notice} của Chủ tịch Ủy ban nhân dân tỉnh về vụ việc của {person.salutation.lower()} {person.full_name}"
        + (f", địa chỉ: {person.address}" if person.address else "") + f", nội dung: {matter_summary}",
        f"{issuer.issuing_body} được giao: {directive}",
        f"Kết quả giải quyết, {issuer.issuing_body} trả lời như sau:",
        *[Para(line) for line in answer.splitlines() if line.strip()],
        f"{issuer.issuing_body} trả lời để {person.salutation.lower()} {person.full_name} được biết.",
    ]
    return _document(issuer, type_code=NOTICE, summary="Về việc trả lời kết quả giải quyết theo thông báo kết luận việc tiếp công dân", on=on, body=body,
                     addressees=[person.addressee], recipients=recipients or [person.addressee, "Ban Tiếp công dân tỉnh", "Lưu: VT"])

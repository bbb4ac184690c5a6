"""The conclusion notice's state machine: a declared table for ``core.statemachine``, and who waits on each state.

draft → submitted (the Board sends it for approval) → approved (the Chairman, or a deputy on the Chairman's
authority) → issued (the register gives it its number); submitted → returned (with the approver's comment)
→ submitted again. Every waiting state has an owner and a deadline in working days (``WAITING``);
``tasks.surface_stuck_notices`` tells the owner when it has passed.
"""
from __future__ import annotations

import datetime as dt


from tiepdan.core.roles import Role
from tiepdan.core.statemachine import Change, Machine, Move, Waiting, deadline_in
from tiepdan.organisations.models import User

from .models import ConclusionNotice, NoticeState, SignedAs

N = NoticeState

TRANSITIONS: dict[tuple[str, str], Move] = {
    (N.DRAFT, N.SUBMITTED): Move("outcomes.draft"),
    (N.RETURNED, N.SUBMITTED): Move("outcomes.draft"),
    (N.SUBMITTED, N.RETURNED): Move("outcomes.approve", reason_hint="Cần ghi ý kiến khi trả lại dự thảo (người soạn sẽ đọc để sửa)."),
    (N.SUBMITTED, N.APPROVED): Move("outcomes.approve"),
    (N.APPROVED, N.ISSUED): Move("outcomes.issue"),
}


# House targets: the notice goes out within the week of the session.
WAITING: dict[str, Waiting] = {
    N.DRAFT: Waiting(Role.BOARD_OFFICER, 2),
    N.RETURNED: Waiting(Role.BOARD_OFFICER, 1),
    N.SUBMITTED: Waiting(Role.PROVINCE_CHAIRMAN, 2),
    N.APPROVED: Waiting(Role.BOARD_OFFICER, 1),
}

_WHY_NOT = {
    (N.DRAFT, N.APPROVED): "cần Ban Tiếp công dân trình dự thảo trước.",
    (N.DRAFT, N.ISSUED): "cần trình và được duyệt trước.",
    (N.SUBMITTED, N.ISSUED): "cần được Chủ tịch (hoặc Phó Chủ tịch được ủy quyền) duyệt trước.",
    (N.RETURNED, N.APPROVED): "cần sửa theo ý kiến và trình lại trước.",
    (N.RETURNED, N.ISSUED): "cần sửa theo ý kiến, trình lại và được duyệt trước.",
}


def deadline_for(state: str, since: dt.datetime) -> dt.datetime | None:
    return deadline_in(WAITING, state, since)


def owner_for(notice: ConclusionNotice, state: str, *, by=None) -> User | None:
    """Who must act next: the session's chair (or the province's Chairman) to approve; the one who drafted
    (or the session's minute-taker) to edit and register."""
    if state == N.SUBMITTED:
        chair = notice.session.chair
        if chair is not None and chair.role in (Role.PROVINCE_CHAIRMAN, Role.PROVINCE_DEPUTY):
            return chair
        return User.objects.filter(is_active=True, role=Role.PROVINCE_CHAIRMAN, organisation=notice.session.province_committee).first()
    if state in WAITING:
        drafter = notice.drafted_by or notice.session.minute_taker
        return drafter if drafter is not None and drafter.role == Role.BOARD_OFFICER else None
    return None


def set_waiting(notice: ConclusionNotice, state: str, at: dt.datetime) -> list[str]:
    """Each state starts its own wait: its owner, role and deadline (``WAITING``)."""
    waiting = WAITING.get(state)
    notice.owner = owner_for(notice, state)
    notice.owner_role = waiting.owner if waiting else ""
    notice.due_at = deadline_for(state, at)
    notice.state_changed_at = at
    return ["owner", "owner_role", "due_at", "state_changed_at"]


def _moved(change: Change) -> list[str]:
    """The state's wait; on approval who signs and in what capacity; on issue the document the register gave."""
    notice, fields = change.obj, []
    if change.to_state == N.APPROVED:
        notice.signed_as = SignedAs.DEPUTY if change.by.role == Role.PROVINCE_DEPUTY else SignedAs.CHAIRMAN
        notice.approver, notice.approved_at = change.by, change.at
        change.changes["signed_as"] = notice.signed_as
        fields += ["signed_as", "approver", "approved_at"]
    if change.to_state == N.ISSUED:
        notice.document_id = change.changes["document_id"]
        fields.append("document")
    return fields + set_waiting(notice, change.to_state, change.at)


NOTICE = Machine(
    model=ConclusionNotice, moves=TRANSITIONS, noun="thông báo kết luận", audit_action="outcomes.notice.{to}", why_not=_WHY_NOT,
    final={N.ISSUED}, prepare=_moved, lock_related=("session__province_committee", "session__chair", "session__minute_taker"),
)

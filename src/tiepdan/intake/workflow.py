"""The matter's state machine and the commune list's: declared tables for ``core.statemachine``.

Matter: received → classified → proposed → approved / declined, with returned-for-completion
(back to the commune or the registering officer) and withdrawn (the citizen withdraws).
Commune list: draft → submitted → accepted (the Board has taken every household on it) or returned.
Each move names the policy action that allows it, so who may move a matter is in ``core.policy``
and what moves are possible is here; ``Machine.apply`` is the only code that changes either state.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from tiepdan.core.roles import Role
from tiepdan.core.statemachine import Change, Machine, Move, Waiting, deadline_in

from .models import CommuneBatch, Matter, MatterState, MatterTransition

S = MatterState

# (from, to) → the policy action that takes it (or the actions, any one of which does), and whether
# it must say why (the citizen or the commune reads the reason).
TRANSITIONS: dict[tuple[str, str], Move] = {
    (S.RECEIVED, S.CLASSIFIED): Move("triage.classify"),
    (S.RECEIVED, S.RETURNED): Move("triage.return", needs_reason=True),
    (S.CLASSIFIED, S.RETURNED): Move("triage.return", needs_reason=True),
    (S.RETURNED, S.RECEIVED): Move("intake.resubmit"),
    (S.CLASSIFIED, S.PROPOSED): Move("triage.propose", needs_reason=True),
    # The Board declines with a reply; the head refuses with Form 01/TCD (Decree 154 Art. 4(3)).
    (S.CLASSIFIED, S.DECLINED): Move("triage.decline", "triage.refuse", needs_reason=True),
    (S.PROPOSED, S.APPROVED): Move("triage.decide"),
    (S.PROPOSED, S.DECLINED): Move("triage.decide", needs_reason=True),
    (S.RECEIVED, S.WITHDRAWN): Move("intake.withdraw", needs_reason=True),
    (S.CLASSIFIED, S.WITHDRAWN): Move("intake.withdraw", needs_reason=True),
    (S.PROPOSED, S.WITHDRAWN): Move("intake.withdraw", needs_reason=True),
    (S.RETURNED, S.WITHDRAWN): Move("intake.withdraw", needs_reason=True),
    (S.APPROVED, S.WITHDRAWN): Move("intake.withdraw", needs_reason=True),
    # The session's conclusion notice is issued (outcomes, Decree 154 Art. 25(3)): answered at once closes
    # the matter; a conclusion that directs agencies leaves it being settled until followup accepts the result.
    (S.APPROVED, S.ANSWERED): Move("outcomes.issue"),
    (S.APPROVED, S.SETTLING): Move("outcomes.issue"),
    (S.SETTLING, S.SETTLED): Move("followup.accept_result"),
}


# Every waiting state has an owner and a deadline; ``tasks.surface_stuck_matters`` lists the overdue ones.
WAITING: dict[str, Waiting] = {
    S.RECEIVED: Waiting(Role.BOARD_OFFICER, 5),
    S.CLASSIFIED: Waiting(Role.BOARD_OFFICER, 5),
    S.PROPOSED: Waiting(Role.PROVINCE_CHAIRMAN, 5),
    S.RETURNED: Waiting(Role.COMMUNE_OFFICER, 10),
    # Being settled: each directive has its own deadline (followup's tasks); the matter waits on the Board
    # to accept the agencies' results, within Decree 154 Art. 41(3)(b)'s 45 days.
    S.SETTLING: Waiting(Role.BOARD_OFFICER, 45),
}

# Why a change is impossible, in words a user understands (the helper's generic sentence covers the rest).
_WHY_NOT = {
    (S.RECEIVED, S.APPROVED): "cần phân loại và đề xuất trước.",
    (S.CLASSIFIED, S.APPROVED): "cần Ban Tiếp công dân đề xuất trước.",
    (S.RECEIVED, S.PROPOSED): "cần phân loại trước.",
    (S.RETURNED, S.CLASSIFIED): "xã cần bổ sung và gửi lại trước.",
    (S.RETURNED, S.PROPOSED): "xã cần bổ sung và gửi lại trước.",
    (S.RETURNED, S.APPROVED): "xã cần bổ sung và gửi lại, Ban cần phân loại và đề xuất trước.",
}


def deadline_for(state: str, since: dt.datetime) -> dt.datetime | None:
    return deadline_in(WAITING, state, since)


def _matter_moved(change: Change) -> list[str]:
    """Each state starts its own wait: the time it began and the deadline of its owner (``WAITING``)."""
    matter = change.obj
    matter.state_changed_at = change.at
    matter.state_due_at = deadline_for(change.to_state, change.at)
    return ["state_changed_at", "state_due_at"]


def _matter_history(change: Change) -> None:
    MatterTransition.objects.create(matter=change.obj, from_state=change.from_state, to_state=change.to_state, by=change.by, reason=change.reason, at=change.at)


MATTER = Machine(
    model=Matter, moves=TRANSITIONS, noun="vụ việc", audit_action="matter.{to}", why_not=_WHY_NOT, final={S.DECLINED, S.WITHDRAWN, S.ANSWERED, S.SETTLED},
    prepare=_matter_moved, history=_matter_history, lock_related=("province_committee", "commune_committee"),
)
refusal_reason = MATTER.refusal


@transaction.atomic
def transition(matter: Matter, to: str, *, by, reason: str = "", changes: dict | None = None) -> Matter:
    """Move ``matter`` to ``to`` if the table and the policy allow it; record who and why.

    A commune's list is accepted by the move that leaves none of its households waiting for the Board.
    """
    locked = MATTER.apply(matter, to, by=by, reason=reason, changes=changes)
    if locked.batch_id:
        accept_batch_when_taken(batch=CommuneBatch.objects.get(pk=locked.batch_id), by=by)
    return locked


# --- The commune's list --------------------------------------------------------------------
B = CommuneBatch.State

BATCH_TRANSITIONS: dict[tuple[str, str], Move] = {
    (B.DRAFT, B.SUBMITTED): Move("intake.submit_batch"),
    (B.RETURNED, B.SUBMITTED): Move("intake.submit_batch"),
    (B.SUBMITTED, B.RETURNED): Move("triage.return", needs_reason=True),
    # The Board has taken every household on the list (each matter classified or further).
    (B.SUBMITTED, B.ACCEPTED): Move("triage.classify", system=True),
}


def _batch_moved(change: Change) -> list[str]:
    """The list's wait: with the Board once submitted (the matters' own deadline), with the commune once returned."""
    batch = change.obj
    if change.to_state == B.SUBMITTED:
        batch.submitted_at, batch.due_at = change.at, deadline_for(S.RECEIVED, change.at)
        return ["submitted_at", "due_at"]
    if change.to_state == B.RETURNED:
        batch.returned_at, batch.returned_reason, batch.due_at = change.at, change.reason, deadline_for(S.RETURNED, change.at)
        return ["returned_at", "returned_reason", "due_at"]
    batch.due_at = None
    return ["due_at"]


BATCH = Machine(
    model=CommuneBatch, moves=BATCH_TRANSITIONS, noun="danh sách của xã", audit_action="batch.{to}", final={B.ACCEPTED},
    why_not={(B.DRAFT, B.ACCEPTED): "xã cần gửi danh sách trước.", (B.RETURNED, B.ACCEPTED): "xã cần bổ sung và gửi lại trước."},
    prepare=_batch_moved, lock_related=("commune_committee",),
)


def batch_taken(batch: CommuneBatch) -> bool:
    """The Board has taken the list: it has households, and none still waits to be classified or completed."""
    matters = batch.matters.exclude(state=S.WITHDRAWN)
    return matters.exists() and not matters.filter(state__in=[S.RECEIVED, S.RETURNED]).exists()


def accept_batch_when_taken(*, batch: CommuneBatch, by) -> CommuneBatch:
    """«Ban đã nhận»: a submitted list whose every household the Board has classified (or answered).

    Taken as the Board officer whose classification completed it; when the last move was someone
    else's (the commune recorded a withdrawal), the system records it.
    """
    if batch.state != B.SUBMITTED or not batch_taken(batch):
        return batch
    actor = by if by is not None and BATCH.may(by, batch, B.ACCEPTED) else None
    return BATCH.apply(batch, B.ACCEPTED, by=actor)

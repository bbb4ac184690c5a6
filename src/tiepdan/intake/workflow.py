"""The matter's state machine: one table of allowed changes, one function that applies them.

received → classified → proposed → approved / declined, with returned-for-completion
(back to the commune or the registering officer) and withdrawn (the citizen withdraws).
Each change names the policy action that allows it, so who may move a matter is in
``core.policy`` and what moves are possible is here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tiepdan.core import audit, policy
from tiepdan.core.roles import Role

from .models import Matter, MatterState, MatterTransition
from tiepdan.core.workdays import working_days_after as add_working_days

S = MatterState

# (from, to) → the policy action that takes it (or the actions, any one of which does).
TRANSITIONS: dict[tuple[str, str], str | tuple[str, ...]] = {
    (S.RECEIVED, S.CLASSIFIED): "triage.classify",
    (S.RECEIVED, S.RETURNED): "triage.return",
    (S.CLASSIFIED, S.RETURNED): "triage.return",
    (S.RETURNED, S.RECEIVED): "intake.resubmit",
    (S.CLASSIFIED, S.PROPOSED): "triage.propose",
    # The Board declines with a reply; the head refuses with Form 01/TCD (Decree 154 Art. 4(3)).
    (S.CLASSIFIED, S.DECLINED): ("triage.decline", "triage.refuse"),
    (S.PROPOSED, S.APPROVED): "triage.decide",
    (S.PROPOSED, S.DECLINED): "triage.decide",
    (S.RECEIVED, S.WITHDRAWN): "intake.withdraw",
    (S.CLASSIFIED, S.WITHDRAWN): "intake.withdraw",
    (S.PROPOSED, S.WITHDRAWN): "intake.withdraw",
    (S.RETURNED, S.WITHDRAWN): "intake.withdraw",
    (S.APPROVED, S.WITHDRAWN): "intake.withdraw",
}

# Changes that must say why (the citizen or the commune reads the reason).
REASON_REQUIRED = {S.RETURNED, S.DECLINED, S.WITHDRAWN, S.PROPOSED}


@dataclass(frozen=True)
class Waiting:
    owner: str  # the role that must act next
    working_days: int  # how long it may wait (house targets inside Decree 154 Art. 41(3)(b)'s 45 days)


# Every waiting state has an owner and a deadline; ``tasks.surface_stuck_matters`` lists the overdue ones.
WAITING: dict[str, Waiting] = {
    S.RECEIVED: Waiting(Role.BOARD_OFFICER, 5),
    S.CLASSIFIED: Waiting(Role.BOARD_OFFICER, 5),
    S.PROPOSED: Waiting(Role.PROVINCE_CHAIRMAN, 5),
    S.RETURNED: Waiting(Role.COMMUNE_OFFICER, 10),
}

# Why a change is impossible, in words a user understands (the generic message covers the rest).
_WHY_NOT = {
    (S.RECEIVED, S.APPROVED): "cần phân loại và đề xuất trước.",
    (S.CLASSIFIED, S.APPROVED): "cần Ban Tiếp công dân đề xuất trước.",
    (S.RECEIVED, S.PROPOSED): "cần phân loại trước.",
    (S.RETURNED, S.CLASSIFIED): "xã cần bổ sung và gửi lại trước.",
    (S.RETURNED, S.PROPOSED): "xã cần bổ sung và gửi lại trước.",
    (S.RETURNED, S.APPROVED): "xã cần bổ sung và gửi lại, Ban cần phân loại và đề xuất trước.",
}
_VERBS = {
    S.RECEIVED: "tiếp nhận lại", S.CLASSIFIED: "phân loại", S.PROPOSED: "đề xuất", S.APPROVED: "phê duyệt",
    S.DECLINED: "từ chối", S.RETURNED: "trả lại", S.WITHDRAWN: "rút",
}


def refusal_reason(from_state: str, to_state: str) -> str | None:
    """None if the table allows the change; otherwise a Vietnamese sentence saying why not."""
    if (from_state, to_state) in TRANSITIONS:
        return None
    head = f"Không thể {_VERBS[to_state]} vụ việc đang ở trạng thái «{MatterState(from_state).label}»"
    if from_state in (S.DECLINED, S.WITHDRAWN):
        return f"{head}: vụ việc đã kết thúc, không thay đổi được nữa."
    if from_state == to_state:
        return f"{head}: vụ việc đã ở trạng thái này."
    return f"{head}: {_WHY_NOT.get((from_state, to_state), 'bước này không có trong quy trình.')}"


def deadline_for(state: str, since: dt.datetime) -> dt.datetime | None:
    waiting = WAITING.get(state)
    if waiting is None:
        return None
    local = timezone.localtime(since)
    day = add_working_days(local.date(), waiting.working_days)
    return local.replace(year=day.year, month=day.month, day=day.day, hour=17, minute=0, second=0, microsecond=0)


@transaction.atomic
def transition(matter: Matter, to: str, *, by, reason: str = "", changes: dict | None = None) -> Matter:
    """Move ``matter`` to ``to`` if the table and the policy allow it; record who and why."""
    locked = Matter.objects.select_for_update(of=("self",)).select_related("province_committee", "commune_committee").get(pk=matter.pk)
    why_not = refusal_reason(locked.state, to)
    if why_not:
        raise ValidationError(why_not)
    actions = TRANSITIONS[(locked.state, to)]
    actions = (actions,) if isinstance(actions, str) else actions
    if not any(policy.can(by, action, locked) for action in actions):
        policy.require(by, actions[0], locked)
    reason = (reason or "").strip()
    if to in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": f"Cần nêu lý do khi {_VERBS[to]} vụ việc (người nhận sẽ đọc lý do này)."})
    now = timezone.now()
    from_state = locked.state
    locked.state = to
    locked.state_changed_at = now
    locked.state_due_at = deadline_for(to, now)
    locked.save(update_fields=["state", "state_changed_at", "state_due_at"])
    MatterTransition.objects.create(matter=locked, from_state=from_state, to_state=to, by=by, reason=reason, at=now)
    audit.record(actor=by, action=f"matter.{to}", obj=locked, reason=reason, changes={"state": [from_state, to], **(changes or {})})
    matter.state, matter.state_changed_at, matter.state_due_at = locked.state, now, locked.state_due_at
    return locked

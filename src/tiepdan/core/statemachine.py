"""One way to move a state: a declared table of moves and one function that applies them.

Every state machine in the product (a matter, a commune's list, a reception session, a room and a point
in it) is a ``Machine``: its table maps ``(from, to)`` to a ``Move`` naming the policy action(s) that
allow it and whether it must say why. ``Machine.apply`` is the only code that changes the state field:

1. lock the row (``select_for_update``), so two officials cannot move the same object at once;
2. refuse a move the table does not list, in Vietnamese, naming both states by their labels;
3. check the policy (any one of the move's actions), then the reason the move needs;
4. run the machine's own preparation (a guard such as "every point has passed its test", or the
   fields that go with the state: the deadline, the cancel reason), save;
5. write the machine's history row, the audit entry (``core.audit.record``), and queue the events
   that must wait for the commit (``transaction.on_commit``: a notification, a push to a room).

An override (the chair opening a session the Board has not marked ready) is a row of the table that
needs a reason, never a second path that skips the table. The design follows Signalen's workflow
(one declared table, a reason demanded where a change must say why, events after commit).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from . import audit, policy
from .workdays import working_days_after


@dataclass(frozen=True)
class Waiting:
    """A state in which someone must act: the role that owns it and how many working days it may wait.

    Each machine declares a table ``{state: Waiting}``; its deadline is the end of the working day
    (17:00, local) ``working_days`` after the wait began, counted on ``core.workdays``.
    """

    owner: str
    working_days: int

    def deadline(self, since: dt.datetime) -> dt.datetime:
        local = timezone.localtime(since)
        day = working_days_after(local.date(), self.working_days)
        return local.replace(year=day.year, month=day.month, day=day.day, hour=17, minute=0, second=0, microsecond=0)


def deadline_in(table: Mapping[str, Waiting], state: str, since: dt.datetime) -> dt.datetime | None:
    """The deadline of ``state`` begun at ``since`` per ``table``, or None when nobody waits in that state."""
    waiting = table.get(state)
    return waiting.deadline(since) if waiting else None


@dataclass(frozen=True)
class Move:
    """One row of a machine's table: who may take it (any one of ``actions``) and whether it must say why.

    ``system`` moves may also be taken by the system itself (``by=None``: a periodic job).
    ``reason_hint`` replaces the generic "give a reason" refusal where the move needs its own words
    (an override says what it overrides).
    """

    actions: tuple[str, ...]
    needs_reason: bool = False
    system: bool = False
    reason_hint: str = ""

    def __init__(self, *actions: str, needs_reason: bool = False, system: bool = False, reason_hint: str = ""):
        if not actions:
            raise ValueError("A move names at least one policy action")
        object.__setattr__(self, "actions", tuple(actions))
        object.__setattr__(self, "needs_reason", needs_reason or bool(reason_hint))
        object.__setattr__(self, "system", system)
        object.__setattr__(self, "reason_hint", reason_hint)


@dataclass
class Change:
    """What one applied move did; handed to the machine's callbacks."""

    obj: models.Model  # the locked row, already carrying the new state
    from_state: str
    to_state: str
    by: object  # the user, or None for the system
    reason: str
    at: dt.datetime
    changes: dict = field(default_factory=dict)  # extra audited changes; ``prepare`` may add to them


class Machine:
    """A declared state machine over one model's state field.

    ``moves``: ``{(from, to): Move(...)}``, the whole table.
    ``noun``: what the refusal calls the object ("vụ việc", "phiên").
    ``why_not``: ``{(from, to): "..."}``, a sentence saying what must happen first, for moves that are
    not in the table but a user might try; the rest are told the step is not in the process.
    ``final``: states nothing leaves (a refusal from them says the object is finished).
    ``audit_action``: the audit action, formatted with ``to`` (e.g. ``"matter.{to}"``).
    ``prepare(change) -> fields``: runs after every check and before the save; may raise
    ``ValidationError`` (a guard), set fields on ``change.obj`` and return their names to save.
    ``history(change)``: writes the machine's history row (e.g. ``MatterTransition``).
    ``after_commit(change)``: runs once the transaction commits (never if it rolls back).
    ``lock_related``: ``select_related`` of the locked row (what the policy and the callbacks read).
    """

    def __init__(
        self,
        *,
        model: type[models.Model],
        moves: Mapping[tuple[str, str], Move],
        noun: str,
        audit_action: str,
        field: str = "state",
        why_not: Mapping[tuple[str, str], str] | None = None,
        final: Iterable[str] = (),
        prepare: Callable[[Change], Iterable[str]] | None = None,
        history: Callable[[Change], None] | None = None,
        after_commit: Callable[[Change], None] | None = None,
        lock_related: Iterable[str] = (),
    ):
        self.model = model
        self.field = field
        self.moves = dict(moves)
        self.noun = noun
        self.audit_action = audit_action
        self.why_not = dict(why_not or {})
        self.final = frozenset(final)
        self.prepare = prepare
        self.history = history
        self.after_commit = after_commit
        self.lock_related = tuple(lock_related)
        labels = dict(model._meta.get_field(field).choices)
        unknown = {s for pair in self.moves for s in pair} - set(labels)
        if unknown:
            raise ValueError(f"{model.__name__}.{field} has no state {sorted(unknown)}")
        self._labels = labels

    # --- Reading the table ------------------------------------------------------------
    def label(self, state: str) -> str:
        return str(self._labels.get(state, state))

    def targets(self, from_state: str) -> list[str]:
        """The states the table lets ``from_state`` move to, in the table's order."""
        return [to for (frm, to) in self.moves if frm == from_state]

    def refusal(self, from_state: str, to_state: str) -> str | None:
        """None if the table lists the move; otherwise a Vietnamese sentence saying why not."""
        if (from_state, to_state) in self.moves:
            return None
        if to_state not in self._labels:
            return f"Trạng thái «{to_state}» không có trong quy trình của {self.noun}."
        head = f"Không thể chuyển {self.noun} từ «{self.label(from_state)}» sang «{self.label(to_state)}»"
        if from_state == to_state:
            return f"{head}: {self.noun} đã ở trạng thái này."
        if from_state in self.final:
            return f"{head}: {self.noun} đã kết thúc, không thay đổi được nữa."
        return f"{head}: {self.why_not.get((from_state, to_state), 'bước này không có trong quy trình.')}"

    def reason_missing(self, to_state: str) -> str:
        return f"Cần nêu lý do khi chuyển {self.noun} sang «{self.label(to_state)}» (lý do được ghi lại và người liên quan sẽ đọc)."

    def may(self, user, obj, to_state: str) -> bool:
        """Whether ``user`` may move ``obj`` to ``to_state`` now (table and policy; not the reason or guards)."""
        move = self.moves.get((getattr(obj, self.field), to_state))
        return move is not None and any(policy.can(user, a, obj) for a in move.actions)

    # --- The one function that moves a state -----------------------------------------
    def apply(self, obj: models.Model, to: str, *, by, reason: str = "", changes: dict | None = None) -> models.Model:
        """Move ``obj`` to ``to`` if the table, the policy and the move's reason allow it.

        Returns the locked row; ``obj`` is updated with what was saved. Raises ``ValidationError``
        (not in the table, a missing reason, a guard) or ``PermissionDenied`` (the policy).
        """
        with transaction.atomic():
            locked = self.model.objects.select_for_update(of=("self",)).select_related(*self.lock_related).get(pk=obj.pk)
            from_state = getattr(locked, self.field)
            why_not = self.refusal(from_state, to)
            if why_not:
                raise ValidationError(why_not)
            move = self.moves[(from_state, to)]
            if by is None:
                if not move.system:
                    raise PermissionDenied("Bạn cần đăng nhập.")
            elif not any(policy.can(by, action, locked) for action in move.actions):
                policy.require(by, move.actions[0], locked)  # raises with the first action's reason
            reason = (reason or "").strip()
            if move.needs_reason and not reason:
                raise ValidationError({"reason": move.reason_hint or self.reason_missing(to)})
            setattr(locked, self.field, to)
            change = Change(obj=locked, from_state=from_state, to_state=to, by=by, reason=reason, at=timezone.now(), changes=dict(changes or {}))
            fields = [self.field, *(self.prepare(change) if self.prepare else ())]
            locked.save(update_fields=fields)
            if self.history:
                self.history(change)
            audit.record(actor=by, action=self.audit_action.format(to=to), obj=locked, reason=reason,
                         changes={self.field: [from_state, to], **change.changes})
            if self.after_commit:
                transaction.on_commit(lambda: self.after_commit(change))
        for name in fields:
            setattr(obj, name, getattr(locked, name))
        return locked

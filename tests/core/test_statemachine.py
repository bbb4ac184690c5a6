"""The one helper every state machine goes through: each refusal, and what an accepted move writes.

The machine here is declared by the test over intake's ``Matter`` (a real row, a real history model),
so what is checked is the helper, not intake's own table.
"""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tiepdan.core.models import AuditEntry
from tiepdan.core.statemachine import Machine, Move
from tiepdan.intake.models import Matter, MatterState as S, MatterTransition

pytestmark = pytest.mark.django_db


@pytest.fixture
def matter(official):
    from tiepdan.intake import services
    from tiepdan.organisations.models import Organisation

    commune = Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE).order_by("unit__code").first()
    citizen = services.CitizenData(full_name="Nguyễn Văn Bình", id_number="020068100001", date_of_birth=dt.date(1968, 3, 12),
                                   commune=commune.unit, address="Thôn Bản Chắt", phone="0912345678")
    data = services.MatterData(kind="complaint", subject_area="land", summary="Khiếu nại quyết định thu hồi đất đai làm đường tỉnh lộ 226.",
                               request="Đề nghị xem xét lại.", papers=[])
    return services.register_at_board(by=official("bantcd"), citizen=citizen, matter=data)


@pytest.fixture
def events():
    return []


@pytest.fixture
def machine(events):
    def history(change):
        MatterTransition.objects.create(matter=change.obj, from_state=change.from_state, to_state=change.to_state, by=change.by, reason=change.reason, at=change.at)

    def prepare(change):
        change.obj.state_changed_at = change.at
        change.changes["note"] = "prepared"
        return ["state_changed_at"]

    return Machine(
        model=Matter, noun="vụ việc", audit_action="test.matter.{to}", final={S.WITHDRAWN},
        moves={
            (S.RECEIVED, S.CLASSIFIED): Move("triage.classify"),
            (S.RECEIVED, S.RETURNED): Move("triage.return", needs_reason=True),
            (S.RECEIVED, S.WITHDRAWN): Move("intake.withdraw", "triage.decide"),
        },
        why_not={(S.RECEIVED, S.APPROVED): "cần phân loại và đề xuất trước."},
        prepare=prepare, history=history, after_commit=events.append,
    )


def _nothing_written(matter):
    matter.refresh_from_db()
    return matter.state == S.RECEIVED and not matter.transitions.exclude(from_state="").exists()  # registering writes the first row and not AuditEntry.objects.filter(action__startswith="test.matter.").exists()


def test_a_move_not_in_the_table_is_refused_naming_both_states_and_what_must_come_first(machine, matter, official):
    with pytest.raises(ValidationError) as exc:
        machine.apply(matter, S.APPROVED, by=official("chutich"))
    assert exc.value.messages == ["Không thể chuyển vụ việc từ «Đã tiếp nhận» sang «Được duyệt tiếp»: cần phân loại và đề xuất trước."]
    assert _nothing_written(matter)


def test_a_move_the_table_does_not_explain_says_it_is_not_in_the_process(machine, matter, official):
    with pytest.raises(ValidationError) as exc:
        machine.apply(matter, S.PROPOSED, by=official("bantcd"))
    assert "«Đã tiếp nhận» sang «Đã đề xuất tiếp trực tuyến»: bước này không có trong quy trình." in exc.value.messages[0]
    assert _nothing_written(matter)


def test_a_move_from_a_final_state_says_the_object_is_finished(machine, matter, official):
    machine.apply(matter, S.WITHDRAWN, by=official("bantcd"))
    with pytest.raises(ValidationError) as exc:
        machine.apply(matter, S.CLASSIFIED, by=official("bantcd"))
    assert "vụ việc đã kết thúc, không thay đổi được nữa" in exc.value.messages[0]


def test_a_role_the_move_does_not_name_is_refused_with_the_policy_reason(machine, matter, official):
    with pytest.raises(PermissionDenied) as exc:
        machine.apply(matter, S.CLASSIFIED, by=official("canboxa"))
    assert str(exc.value) == "Vai trò của bạn không được phân loại vụ việc."
    assert _nothing_written(matter)


def test_any_one_of_the_moves_actions_allows_it(machine, matter, official):
    machine.apply(matter, S.WITHDRAWN, by=official("chutich"))  # triage.decide, the second action
    assert matter.state == S.WITHDRAWN


def test_the_system_takes_only_moves_marked_for_it(machine, matter):
    with pytest.raises(PermissionDenied):
        machine.apply(matter, S.CLASSIFIED, by=None)
    assert _nothing_written(matter)


def test_a_move_that_needs_a_reason_is_refused_without_one(machine, matter, official):
    with pytest.raises(ValidationError) as exc:
        machine.apply(matter, S.RETURNED, by=official("bantcd"), reason="   ")
    assert exc.value.message_dict["reason"] == ["Cần nêu lý do khi chuyển vụ việc sang «Trả lại để bổ sung» (lý do được ghi lại và người liên quan sẽ đọc)."]
    assert _nothing_written(matter)


def test_a_move_may_say_in_its_own_words_why_it_needs_a_reason(matter, official):
    machine = Machine(model=Matter, noun="vụ việc", audit_action="test.matter.{to}",
                      moves={(S.RECEIVED, S.CLASSIFIED): Move("triage.classify", reason_hint="Vụ việc chưa đủ hồ sơ: cần nêu lý do vẫn phân loại.")})
    with pytest.raises(ValidationError) as exc:
        machine.apply(matter, S.CLASSIFIED, by=official("bantcd"))
    assert exc.value.message_dict["reason"] == ["Vụ việc chưa đủ hồ sơ: cần nêu lý do vẫn phân loại."]
    assert _nothing_written(matter)


def test_a_guard_that_refuses_leaves_nothing_written(events, matter, official):
    def guard(change):
        raise ValidationError("Chưa đủ điều kiện.")

    machine = Machine(model=Matter, noun="vụ việc", audit_action="test.matter.{to}", moves={(S.RECEIVED, S.CLASSIFIED): Move("triage.classify")},
                      prepare=guard, after_commit=events.append)
    with pytest.raises(ValidationError):
        machine.apply(matter, S.CLASSIFIED, by=official("bantcd"))
    assert _nothing_written(matter) and events == []


def test_an_accepted_move_saves_writes_history_and_audit_and_sends_its_event_after_commit(machine, matter, official, events, django_capture_on_commit_callbacks):
    board = official("bantcd")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        locked = machine.apply(matter, S.RETURNED, by=board, reason="Thiếu bản chụp quyết định")
    assert events == []  # nothing is told before the commit
    assert matter.state == S.RETURNED and matter.state_changed_at == locked.state_changed_at
    assert Matter.objects.get(pk=matter.pk).state == S.RETURNED
    row = matter.transitions.exclude(from_state="").get()
    assert (row.from_state, row.to_state, row.by, row.reason) == (S.RECEIVED, S.RETURNED, board, "Thiếu bản chụp quyết định")
    entry = AuditEntry.objects.get(action="test.matter.returned", object_id=str(matter.pk))
    assert entry.actor == board and entry.reason == "Thiếu bản chụp quyết định"
    assert entry.changes == {"state": [S.RECEIVED, S.RETURNED], "note": "prepared"}
    for callback in callbacks:
        callback()
    assert [(e.obj.pk, e.from_state, e.to_state, e.by) for e in events] == [(matter.pk, S.RECEIVED, S.RETURNED, board)]


def test_a_table_naming_a_state_the_model_lacks_is_refused_when_declared():
    with pytest.raises(ValueError):
        Machine(model=Matter, noun="vụ việc", audit_action="x", moves={(S.RECEIVED, "archived"): Move("triage.classify")})

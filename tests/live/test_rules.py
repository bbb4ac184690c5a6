import pytest

from tiepdan.live import rules


def test_four_points_use_a_full_mesh():
    assert rules.topology_for(4) == "mesh"
    assert rules.topology_for(2) == "mesh"


def test_five_points_use_a_star_on_the_central_browser():
    assert rules.topology_for(5) == "star"


def test_component_microphones_start_muted_the_central_one_open():
    assert rules.microphone_starts_muted("component") is True
    assert rules.microphone_starts_muted("observer") is True
    assert rules.microphone_starts_muted("central") is False


def test_central_point_and_returning_points_skip_the_lobby():
    assert rules.admitted_on_arrival("central", False) is True
    assert rules.admitted_on_arrival("component", True) is True
    assert rules.admitted_on_arrival("component", False) is False


def test_only_participating_component_points_take_the_floor():
    assert rules.may_take_floor(True, "component") is True
    assert rules.may_take_floor(False, "observer") is False
    assert rules.may_take_floor(True, "central") is False


def test_minutes_of_a_complex_matter_need_time_limit_and_contact():
    gaps = rules.minutes_gaps(conclusion="Giao Sở NN&MT kiểm tra", answered_at_once=False, settlement_time_limit="", contact_person="")
    assert gaps == ["thời hạn giải quyết", "người liên hệ"]


def test_minutes_answered_at_once_need_only_the_conclusion():
    assert rules.minutes_gaps(conclusion="Đã trả lời", answered_at_once=True, settlement_time_limit="", contact_person="") == []
    assert rules.minutes_gaps(conclusion=" ", answered_at_once=True, settlement_time_limit="", contact_person="") == ["kết luận của người chủ trì"]


def test_only_the_named_minute_taker_takes_minutes():
    assert rules.may_take_minutes(user_id=3, minute_taker_id=3) is True
    assert rules.may_take_minutes(user_id=3, minute_taker_id=4) is False
    assert rules.may_take_minutes(user_id=3, minute_taker_id=None) is False


@pytest.mark.parametrize("asks, may_chair, minute_taker, media_taken, expected", [
    ("console", True, False, False, ("console", True, False)),    # the chair's console publishes the hall when nothing else does
    ("console", True, False, True, ("console", False, False)),    # a hall camera PC already does: the console only
    ("console", False, False, False, ("observer", False, False)), # an inspector, an IT operator: never the console
    ("minutes", False, True, True, ("minutes", False, False)),
    ("minutes", True, False, False, ("observer", False, False)),  # the chair is not the named minute-taker
    ("media", False, False, False, ("media", True, False)),
    ("media", False, False, True, ("observer", False, True)),     # a second camera waits for the chair
    ("observer", True, True, False, ("observer", False, False)),
])
def test_device_role_gives_each_browser_its_place_without_cutting_another_off(asks, may_chair, minute_taker, media_taken, expected):
    decision = rules.device_role(asks=asks, may_chair_here=may_chair, is_minute_taker_here=minute_taker, media_taken=media_taken)
    assert (decision.role, decision.media, decision.requests_media) == expected
    assert bool(decision.note) == (decision.role != asks)  # less than asked is always said


def test_a_browser_is_the_console_for_the_chair_minutes_for_the_minute_taker_else_the_camera():
    assert rules.default_device_role(may_chair_here=True, is_minute_taker_here=True) == "console"
    assert rules.default_device_role(may_chair_here=False, is_minute_taker_here=True) == "minutes"
    assert rules.default_device_role(may_chair_here=False, is_minute_taker_here=False) == "media"

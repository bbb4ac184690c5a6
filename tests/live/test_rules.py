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

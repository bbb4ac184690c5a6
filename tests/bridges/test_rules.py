"""bridges.rules: one test per branch of each rule."""
import datetime as dt

import pytest

from tiepdan.bridges import rules
from tiepdan.scheduling import rules as calendar_rules
from tiepdan.bridges.rules import VN_TZ, LinkRequirement, Measurement, judge_readiness

COMPONENT = LinkRequirement(uplink_kbps=5000, downlink_kbps=5000)
GOOD = dict(camera_ok=True, microphone_ok=True, connected=True, uplink_kbps=9000, downlink_kbps=12000, rtt_ms=40, packet_loss_pct=0.0)


def test_central_point_needs_30_mbps_and_component_5_mbps():
    assert rules.required_link(is_central_point=True) == LinkRequirement(30_000, 30_000)
    assert rules.required_link(is_central_point=False) == LinkRequirement(5_000, 5_000)


def test_good_measurement_passes_with_plain_verdict():
    verdict = judge_readiness(Measurement(**GOOD), COMPONENT)
    assert verdict.passed and verdict.text == "Đạt"


def test_slow_uplink_fails_with_vietnamese_decimal_comma():
    verdict = judge_readiness(Measurement(**{**GOOD, "uplink_kbps": 2100}), COMPONENT)
    assert not verdict.passed
    assert verdict.text == "Không đạt: tốc độ tải lên 2,1 Mbps < 5 Mbps"


def test_slow_downlink_fails():
    verdict = judge_readiness(Measurement(**{**GOOD, "downlink_kbps": 4990}), COMPONENT)
    # Rounded down: a value just below the limit never reads "5 Mbps < 5 Mbps".
    assert verdict.text == "Không đạt: tốc độ tải xuống 4,9 Mbps < 5 Mbps"


def test_requirement_met_exactly_passes():
    assert judge_readiness(Measurement(**{**GOOD, "uplink_kbps": 5000, "downlink_kbps": 5000}), COMPONENT).passed


def test_unmeasured_bitrates_fail():
    verdict = judge_readiness(Measurement(**{**GOOD, "uplink_kbps": None, "downlink_kbps": None}), COMPONENT)
    assert verdict.problems == ("không đo được tốc độ tải lên", "không đo được tốc độ tải xuống")


def test_high_round_trip_time_fails():
    verdict = judge_readiness(Measurement(**{**GOOD, "rtt_ms": 412.4}), COMPONENT)
    assert verdict.text == "Không đạt: độ trễ khứ hồi 412 ms > 300 ms"


def test_packet_loss_above_limit_fails():
    verdict = judge_readiness(Measurement(**{**GOOD, "packet_loss_pct": 4.5}), COMPONENT)
    assert verdict.text == "Không đạt: mất gói 4,5 % > 3 %"


def test_unknown_rtt_and_loss_do_not_fail_on_their_own():
    assert judge_readiness(Measurement(**{**GOOD, "rtt_ms": None, "packet_loss_pct": None}), COMPONENT).passed


def test_camera_and_microphone_failures_are_both_named():
    verdict = judge_readiness(Measurement(**{**GOOD, "camera_ok": False, "microphone_ok": False}), COMPONENT)
    assert not verdict.passed
    assert verdict.problems[0].startswith("camera không hoạt động") and verdict.problems[1].startswith("micro không thu được")


def test_no_connection_fails_without_judging_speeds():
    verdict = judge_readiness(Measurement(camera_ok=True, microphone_ok=True, connected=False), COMPONENT)
    assert verdict.problems == ("không kết nối được tới máy chủ (kiểm tra mạng, tường lửa cho kết nối WebRTC)",)


def test_several_failures_listed_together():
    verdict = judge_readiness(Measurement(**{**GOOD, "uplink_kbps": 2100, "downlink_kbps": 3000}), COMPONENT)
    assert verdict.text == "Không đạt: tốc độ tải lên 2,1 Mbps < 5 Mbps; tốc độ tải xuống 3 Mbps < 5 Mbps"


def test_format_number_vi_uses_dot_for_thousands_and_comma_for_decimals():
    assert rules.format_number_vi(1234.56) == "1.234,6"
    assert rules.format_number_vi(30.0) == "30"
    assert rules.format_mbps(30_000) == "30 Mbps"


# --- Deadlines ----------------------------------------------------------------------------------
def at(y, m, d, h=14, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=VN_TZ)


def deadline_for(session_start, **kwargs):
    """The one test-deadline rule (scheduling.rules), as seen from a session's start."""
    return calendar_rules.test_deadline(session_start.astimezone(VN_TZ).date(), **kwargs)


def test_deadline_is_end_of_previous_working_day():
    # Tuesday 15 Dec 2026 → by the end of Monday 14 Dec.
    assert deadline_for(at(2026, 12, 15)) == at(2026, 12, 15, 0, 0)


def test_deadline_skips_the_weekend():
    # Monday 16 Nov 2026 → by the end of Friday 13 Nov.
    assert deadline_for(at(2026, 11, 16)) == at(2026, 11, 14, 0, 0)


def test_deadline_skips_public_holidays_from_the_holidays_package():
    # Thursday 3 Sep 2026: 31 Aug (day off), 1-2 Sep (National Day) are not working days → Friday 28 Aug.
    assert deadline_for(at(2026, 9, 3)) == at(2026, 8, 29, 0, 0)


def test_deadline_counts_a_saturday_worked_in_exchange():
    # Monday 24 Aug 2026: Saturday 22 Aug is worked in exchange for 31 Aug.
    assert deadline_for(at(2026, 8, 24)) == at(2026, 8, 23, 0, 0)


def test_deadline_with_hung_yen_cutoff_at_15_00():
    assert deadline_for(at(2026, 12, 15), hour=15) == at(2026, 12, 14, 15, 0)


def test_deadline_several_working_days_before_but_never_fewer_than_one():
    assert deadline_for(at(2026, 12, 15), working_days=2) == at(2026, 12, 12, 0, 0)
    assert deadline_for(at(2026, 12, 15), working_days=0) == at(2026, 12, 15, 0, 0)


def test_session_start_in_utc_uses_vietnam_date():
    # 20:00 UTC on 14 Dec is 03:00 on 15 Dec in Vietnam.
    start = dt.datetime(2026, 12, 14, 20, 0, tzinfo=dt.timezone.utc)
    assert deadline_for(start) == at(2026, 12, 15, 0, 0)


def test_working_days_before_refuses_zero():
    with pytest.raises(ValueError):
        rules.working_days_before(dt.date(2026, 12, 15), 0)


def test_test_window_starts_five_working_days_before():
    assert rules.test_window_start(at(2026, 12, 15)) == at(2026, 12, 8, 0, 0)

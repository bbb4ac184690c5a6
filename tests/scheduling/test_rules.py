"""The calendar rules on real 2026 dates (Vietnam's holidays from the `holidays` package)."""
import datetime as dt

import holidays
import pytest

from tiepdan.scheduling import rules

D = dt.date


def test_reception_day_moves_past_tet_to_next_working_day():
    # 15 Feb 2026 is a Sunday; 16-20 Feb are the Tết holidays; 21-22 Feb a weekend.
    assert D(2026, 2, 15).weekday() == 6
    assert rules.periodic_reception_day(2026, 2, 15) == D(2026, 2, 23)


def test_reception_day_on_a_sunday_moves_to_monday():
    assert rules.periodic_reception_day(2026, 11, 15) == D(2026, 11, 16)


def test_reception_day_on_a_working_day_stays():
    assert rules.periodic_reception_day(2026, 12, 15) == D(2026, 12, 15)  # a Tuesday


def test_day_31_in_a_30_day_month_uses_the_last_day():
    assert rules.nominal_reception_day(2026, 11, 31) == D(2026, 11, 30)
    assert rules.periodic_reception_day(2026, 11, 31) == D(2026, 11, 30)  # a Monday
    assert rules.nominal_reception_day(2026, 2, 31) == D(2026, 2, 28)


def test_day_31_in_april_falls_on_liberation_day_and_moves_into_may():
    # 30 Apr (Liberation Day) and 1 May (Labour Day) are holidays, then a weekend.
    assert rules.periodic_reception_day(2026, 4, 31) == D(2026, 5, 4)


def test_a_holiday_added_to_the_calendar_moves_the_day_without_code_change(monkeypatch):
    assert rules.periodic_reception_day(2026, 12, 15) == D(2026, 12, 15)
    real = holidays.country_holidays

    def with_an_extra_holiday(*args, **kwargs):
        cal = real(*args, **kwargs)
        cal.update({D(2026, 12, 15): "Ngày nghỉ mới (giả định)"})
        return cal

    # A new release of the package is read when the process starts (the calendar is cached per process).
    from tiepdan.core import workdays

    monkeypatch.setattr(holidays, "country_holidays", with_an_extra_holiday)
    workdays.forget_calendars()
    try:
        assert rules.periodic_reception_day(2026, 12, 15) == D(2026, 12, 16)
    finally:
        monkeypatch.undo()
        workdays.forget_calendars()


def test_substitute_saturday_worked_in_exchange_is_a_working_day():
    # The `holidays` calendar gives 31 Aug 2026 off in exchange for Saturday 22 Aug.
    assert rules.is_working_day(D(2026, 8, 22))
    assert not rules.is_working_day(D(2026, 8, 31))
    assert rules.periodic_reception_day(2026, 8, 31) == D(2026, 9, 3)  # 1-2 Sep National Day


def test_online_window_is_aware_in_vietnam_time():
    starts, ends = rules.online_window(D(2026, 12, 15), dt.time(14), dt.time(17))
    assert starts.utcoffset() == dt.timedelta(hours=7)
    assert (starts.hour, ends.hour) == (14, 17)
    with pytest.raises(ValueError):
        rules.online_window(D(2026, 12, 15), dt.time(17), dt.time(14))


def test_notice_deadline_is_five_working_days_before():
    # Session Monday 23 Feb 2026: five working days back skips Tết (16-20 Feb) and the weekends.
    assert rules.notice_deadline(D(2026, 2, 23)) == D(2026, 2, 9)
    # Session Tuesday 15 Dec 2026: Tue 8 Dec.
    assert rules.notice_deadline(D(2026, 12, 15)) == D(2026, 12, 8)


def test_notice_timely_on_the_deadline_and_late_after_it():
    assert rules.notice_is_timely(D(2026, 12, 8), D(2026, 12, 15))
    assert not rules.notice_is_timely(D(2026, 12, 9), D(2026, 12, 15))


def test_a_province_may_not_ask_for_fewer_notice_days_than_the_decree():
    assert rules.notice_deadline(D(2026, 12, 15), working_days=2) == D(2026, 12, 8)
    assert rules.notice_deadline(D(2026, 12, 15), working_days=7) == D(2026, 12, 4)


def test_test_deadline_is_the_previous_working_day_at_the_provinces_hour():
    deadline = rules.test_deadline(D(2026, 11, 16), 15)  # Monday → Friday 13 Nov, 15:00
    assert deadline == dt.datetime(2026, 11, 13, 15, 0, tzinfo=rules.VN_TZ)


def test_connect_by_is_one_hour_before():
    starts, _ = rules.online_window(D(2026, 12, 15), dt.time(14), dt.time(17))
    assert rules.connect_by(starts) == dt.datetime(2026, 12, 15, 13, 0, tzinfo=rules.VN_TZ)


def test_a_delegation_takes_its_representatives_seats():
    assert rules.seats_taken(1) == 1
    assert rules.seats_taken(3) == 3
    assert rules.seats_taken(0) == 1


def test_fill_to_capacity_keeps_registration_order():
    assert rules.fill_to_capacity([1] * 28, 15) == 15
    # A delegation of 3 representatives with 2 places left closes the day: nobody later overtakes it.
    assert rules.fill_to_capacity([1] * 13 + [3, 1], 15) == 13
    assert rules.fill_to_capacity([1, 1], 15) == 2


def test_in_person_only_when_nobody_registered_online():
    assert rules.is_in_person_only([False, False])
    assert rules.is_in_person_only([])
    assert not rules.is_in_person_only([False, True])


def test_carry_over_fills_each_next_session_up_to_its_free_seats_then_the_next():
    # 16 matters a full day could not take; the next session has 15 free seats, none after it exists yet.
    assert rules.carry_over_plan([1] * 16, [15], 15) == [0] * 15 + [1]
    # The next session already holds 10: 5 fit there, the rest go on to the one after.
    assert rules.carry_over_plan([1] * 8, [5, 15], 15) == [0] * 5 + [1] * 3
    # Strict order: a delegation of 3 that does not fit in 2 free seats moves on, and so does everyone after it.
    assert rules.carry_over_plan([1, 3, 1], [3], 15) == [0, 1, 1]


def test_carry_over_refuses_a_matter_larger_than_a_whole_session():
    with pytest.raises(ValueError, match="nhiều hơn số công dân tối đa"):
        rules.carry_over_plan([5], [], 3)

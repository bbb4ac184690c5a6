"""The rules of reports: periods, shares that add up to 100 %, the plans' number format, the report's day."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tiepdan.reports import charts, rules


def test_a_month_a_quarter_a_year_and_dates_cover_their_days():
    assert rules.month_period(2026, 2) == rules.Period("month", dt.date(2026, 2, 1), dt.date(2026, 3, 1), "tháng 2 năm 2026")
    q4 = rules.quarter_period(2026, 4)
    assert (q4.start, q4.end, q4.label) == (dt.date(2026, 10, 1), dt.date(2027, 1, 1), "quý IV năm 2026")
    assert rules.year_period(2026).last_day == dt.date(2026, 12, 31)
    days = rules.dates_period(dt.date(2026, 11, 1), dt.date(2026, 11, 15))
    assert days.end == dt.date(2026, 11, 16) and days.label == "từ ngày 01/11/2026 đến ngày 15/11/2026"


def test_the_period_comes_from_the_pages_parameters_or_is_this_month():
    today = dt.date(2026, 11, 20)
    assert rules.period_from({}, today) == rules.month_period(2026, 11)
    assert rules.period_from({"ky": "quarter", "nam": "2026", "quy": "3"}, today) == rules.quarter_period(2026, 3)
    assert rules.period_from(rules.quarter_period(2026, 3).query, today) == rules.quarter_period(2026, 3)
    with pytest.raises(ValueError, match="Kỳ báo cáo không hợp lệ"):
        rules.period_from({"ky": "month", "thang": "mười"}, today)
    with pytest.raises(ValueError, match="Ngày kết thúc phải sau"):
        rules.period_from({"ky": "dates", "tu": "2026-11-30", "den": "2026-11-01"}, today)
    assert rules.previous_month(dt.date(2027, 1, 4)) == rules.month_period(2026, 12)


def test_shares_add_up_to_one_hundred_by_the_largest_remainder():
    # 136/210 is the plan's 64,8 %; thirds round to 33,3 + 33,3 + 33,4
    assert rules.largest_remainder_shares([136, 74]) == [Decimal("64.8"), Decimal("35.2")]
    assert rules.largest_remainder_shares([1, 1, 1]) == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]
    shares = rules.largest_remainder_shares([4, 1, 1, 1])
    assert shares == [Decimal("57.1"), Decimal("14.3"), Decimal("14.3"), Decimal("14.3")] and sum(shares) == 100
    assert rules.largest_remainder_shares([0, 0]) == [Decimal("0.0"), Decimal("0.0")]
    assert sum(rules.largest_remainder_shares([7, 13, 29, 31, 3, 11, 6])) == 100


def test_shares_and_counts_are_written_the_vietnamese_way():
    assert rules.format_share(Decimal("64.8")) == "64,8%"
    assert rules.format_share(0) == "0,0%"
    assert rules.format_count(1) == "01" and rules.format_count(15) == "15" and rules.format_count(1234) == "1.234"


def test_the_monthly_report_is_drafted_on_the_first_working_day():
    assert rules.monthly_report_day(2026, 12) == dt.date(2026, 12, 1)  # a Tuesday
    assert rules.monthly_report_day(2026, 11) == dt.date(2026, 11, 2)  # the 1st is a Sunday
    assert rules.monthly_report_day(2027, 1) == dt.date(2027, 1, 4)  # New Year's Day, then the weekend


def test_a_chart_is_an_svg_with_a_title_and_a_description_of_its_figures():
    svg = charts.bar_chart(chart_id="c", title="Theo xã", rows=[("Xã A", 5, "55,6%"), ("Xã <B>", 4, "44,4%")], unit="lượt công dân")
    assert svg.startswith('<svg class="chart" id="c" role="img" aria-labelledby="c-t c-d"')
    assert "<desc id=\"c-d\">Xã A: 05 lượt công dân, chiếm 55,6%; Xã &lt;B&gt;: 04 lượt công dân, chiếm 44,4%</desc>" in svg
    assert svg.count("<rect") == 2 and "<script" not in svg and "style=" not in svg
    assert "Không có số liệu" in charts.bar_chart(chart_id="e", title="Trống", rows=[], unit="lượt")


def test_hours_round_a_half_up_as_a_reader_does():
    assert (rules.hours(4500), rules.hours(900), rules.hours(0), rules.hours(9720)) == (1.3, 0.3, 0.0, 2.7)

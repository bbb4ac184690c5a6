"""The rules of the Board's reports: which days a period covers, how a share is rounded, when the monthly report is due.

Pure functions of plain values (dates, counts); ``statistics`` and ``services`` call them.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tiepdan.core import workdays

QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}
PERIOD_KINDS = {"month": "Tháng", "quarter": "Quý", "year": "Năm", "dates": "Khoảng ngày"}
MAX_PERIOD_DAYS = 366 * 5  # a dates period longer than five years is a typing mistake, not a report


@dataclass(frozen=True)
class Period:
    """Days ``start`` to ``end`` (exclusive) and how a report names them («tháng 11 năm 2026»)."""

    kind: str
    start: dt.date
    end: dt.date
    label: str

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def query(self) -> dict[str, str]:
        """The GET parameters that give this period back (links, exports)."""
        if self.kind == "month":
            return {"ky": "month", "nam": str(self.start.year), "thang": str(self.start.month)}
        if self.kind == "quarter":
            return {"ky": "quarter", "nam": str(self.start.year), "quy": str((self.start.month - 1) // 3 + 1)}
        if self.kind == "year":
            return {"ky": "year", "nam": str(self.start.year)}
        return {"ky": "dates", "tu": self.start.isoformat(), "den": self.last_day.isoformat()}


def month_period(year: int, month: int) -> Period:
    """Lạng Sơn plan §V.2: the Board reports every month; the month is its calendar days, 1st to last."""
    if not 1 <= month <= 12:
        raise ValueError("Tháng phải từ 1 đến 12.")
    last = calendar.monthrange(year, month)[1]
    return Period("month", dt.date(year, month, 1), dt.date(year, month, last) + dt.timedelta(days=1), f"tháng {month} năm {year}")


def quarter_period(year: int, quarter: int) -> Period:
    """Thanh Hóa plan Part IV.2: the Inspectorate's quarterly compilation; quarter I is January to March."""
    if quarter not in QUARTER_NAMES:
        raise ValueError("Quý phải từ 1 đến 4.")
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return Period("quarter", start, end, f"quý {QUARTER_NAMES[quarter]} năm {year}")


def year_period(year: int) -> Period:
    """The year's report: 1 January to 31 December."""
    return Period("year", dt.date(year, 1, 1), dt.date(year + 1, 1, 1), f"năm {year}")


def dates_period(first: dt.date, last: dt.date) -> Period:
    """Any days from ``first`` to ``last``, both included («từ ngày 01/11/2026 đến ngày 15/11/2026»)."""
    if last < first:
        raise ValueError("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
    if (last - first).days > MAX_PERIOD_DAYS:
        raise ValueError("Khoảng ngày dài quá 5 năm; hãy chọn khoảng ngắn hơn.")
    return Period("dates", first, last + dt.timedelta(days=1), f"từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}")


def period_from(params, today: dt.date) -> Period:
    """The period a page's GET parameters ask for (``ky`` = month | quarter | year | dates); the current month
    when none is given. Raises ``ValueError`` with a Vietnamese message when a value is not a date or a number."""
    kind = params.get("ky") or "month"
    try:
        year = int(params.get("nam") or today.year)
        if not 2000 <= year <= 2100:
            raise ValueError
        if kind == "month":
            return month_period(year, int(params.get("thang") or today.month))
        if kind == "quarter":
            return quarter_period(year, int(params.get("quy") or (today.month - 1) // 3 + 1))
        if kind == "year":
            return year_period(year)
        if kind == "dates":
            return dates_period(dt.date.fromisoformat(params.get("tu") or ""), dt.date.fromisoformat(params.get("den") or ""))
    except ValueError as exc:
        message = str(exc) if str(exc) and not str(exc).startswith(("invalid", "Invalid", "year", "month", "day")) else ""
        raise ValueError(message or "Kỳ báo cáo không hợp lệ: hãy chọn tháng, quý, năm (2000-2100) hoặc ngày theo dạng dd/mm/yyyy.") from exc
    raise ValueError("Kỳ báo cáo phải là tháng, quý, năm hoặc khoảng ngày.")


def previous_month(today: dt.date) -> Period:
    """The month before ``today``'s: what the report drafted on the 1st working day covers."""
    first = today.replace(day=1) - dt.timedelta(days=1)
    return month_period(first.year, first.month)


def largest_remainder_shares(counts: list[int], *, decimals: int = 1) -> list[Decimal]:
    """Shares in percent, rounded to ``decimals`` places, that add up to exactly 100 (largest remainder method).

    The plans print each locality with its share («Thành phố 136 lượt công dân, chiếm 64,8%») and their shares sum
    to 100 %. Rounding each share on its own can give 99,9 % or 100,1 %; here each share is first cut down to
    its place, then the units still missing go, one each, to the shares whose cut-off part was largest
    (ties: the larger count, then the earlier row), so the printed figures always add up. All zero: all 0.
    """
    total = sum(counts)
    if total <= 0:
        return [Decimal(0).quantize(Decimal(1).scaleb(-decimals)) for _ in counts]
    scale = 10 ** decimals
    units = 100 * scale
    exact = [Decimal(c) * units / total for c in counts]
    floors = [int(e) for e in exact]
    missing = units - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - floors[i]), -counts[i], i))
    for i in order[:missing]:
        floors[i] += 1
    return [(Decimal(f) / scale).quantize(Decimal(1).scaleb(-decimals)) for f in floors]


def format_share(share: Decimal | float, *, decimals: int = 1) -> str:
    """«64,8%»: one decimal, a comma for the decimal point, as Vietnamese documents write it (TCVN, Decree 30)."""
    value = Decimal(str(share)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{value}".replace(".", ",") + "%"


def hours(seconds: float | Decimal) -> float:
    """Seconds as hours to one decimal, a half rounded up as a reader does (1 h 15 min: 1,3 h), not to even."""
    return float((Decimal(str(seconds)) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def format_count(n: int) -> str:
    """«01 kỳ», «09 lượt công dân»: counts below 10 take a leading zero, as the plans' reports write them; «1.234» above."""
    return f"{n:02d}" if 0 <= n < 10 else f"{n:,}".replace(",", ".")


def monthly_report_day(year: int, month: int) -> dt.date:
    """Lạng Sơn plan §V.2: the Board reports every month; the draft is made on the month's first working day
    (the ``holidays`` calendar, Saturdays worked in exchange included) for the month before."""
    return workdays.working_day_on_or_after(dt.date(year, month, 1))

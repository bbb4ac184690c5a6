"""Where the law or a plan decides something about bridge points: one small pure function per rule.

Each docstring cites its source; a correction to a figure is a change here, and
its test, and nowhere else.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from tiepdan.core.workdays import VN_TZ, is_working_day, working_days_before  # noqa: F401 (the one calendar, for callers of these rules)

CENTRAL_LINK_KBPS = 30_000
COMPONENT_LINK_KBPS = 5_000
# ITU-T G.114: one-way delay under 150 ms is good for conversation, so a round trip under 300 ms.
MAX_RTT_MS = 300.0
# Above a few per cent of lost packets, video freezes and speech breaks up; 3 % is the product's line.
MAX_PACKET_LOSS_PCT = 3.0


@dataclass(frozen=True)
class LinkRequirement:
    uplink_kbps: int
    downlink_kbps: int
    max_rtt_ms: float = MAX_RTT_MS
    max_packet_loss_pct: float = MAX_PACKET_LOSS_PCT


def required_link(*, is_central_point: bool) -> LinkRequirement:
    """Kế hoạch tỉnh Thanh Hóa (plan 001; docs/LEGAL.md), Phần I.2.b: "điểm cầu trung tâm sử dụng đường truyền
    riêng tốc độ khoảng 30Mb, điểm cầu thành phần sử dụng đường truyền tốc độ khoảng 5Mb".

    The plan gives one figure per point; we require it in both directions, since a
    component point both sends its picture and receives the chair's.
    """
    kbps = CENTRAL_LINK_KBPS if is_central_point else COMPONENT_LINK_KBPS
    return LinkRequirement(uplink_kbps=kbps, downlink_kbps=kbps)


@dataclass(frozen=True)
class Measurement:
    """What one readiness test measured. ``None`` means "could not be measured"."""

    camera_ok: bool
    microphone_ok: bool
    connected: bool
    uplink_kbps: float | None = None
    downlink_kbps: float | None = None
    rtt_ms: float | None = None
    packet_loss_pct: float | None = None


@dataclass(frozen=True)
class Verdict:
    passed: bool
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        return "Đạt" if self.passed else "Không đạt: " + "; ".join(self.problems)


def format_number_vi(value: float, decimals: int = 1) -> str:
    """1234.5 → "1.234,5": Vietnamese writes a decimal comma and a dot between thousands; ",0" is dropped."""
    text = f"{value:,.{decimals}f}".replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    if decimals and text.endswith("," + "0" * decimals):
        text = text[: -(decimals + 1)]
    return text


def format_mbps(kbps: float, *, round_down: bool = False) -> str:
    """5000 → "5 Mbps". ``round_down`` for a measured value below a limit: 4,99 Mbps shows as "4,9", never "5 < 5"."""
    mbps = kbps / 1000
    if round_down:
        mbps = math.floor(mbps * 10) / 10
    return f"{format_number_vi(mbps)} Mbps"


def judge_readiness(measurement: Measurement, requirement: LinkRequirement) -> Verdict:
    """Nghị định 154/2026, Điều 18(2): the connection must carry data, sound and picture stably and
    continuously, with equipment for direct interaction; Điều 23: a successful test connection
    before each session. Thanh Hóa Part I.2.b sets the link speed (``required_link``).

    Every failing condition is named, so the IT operator knows all that must be fixed at once.
    """
    problems: list[str] = []
    if not measurement.camera_ok:
        problems.append("camera không hoạt động (kiểm tra dây cắm và quyền dùng camera của trình duyệt)")
    if not measurement.microphone_ok:
        problems.append("micro không thu được âm thanh (kiểm tra micro và quyền dùng micro)")
    if not measurement.connected:
        problems.append("không kết nối được tới máy chủ (kiểm tra mạng, tường lửa cho kết nối WebRTC)")
        return Verdict(False, tuple(problems))
    if measurement.uplink_kbps is None:
        problems.append("không đo được tốc độ tải lên")
    elif measurement.uplink_kbps < requirement.uplink_kbps:
        problems.append(f"tốc độ tải lên {format_mbps(measurement.uplink_kbps, round_down=True)} < {format_mbps(requirement.uplink_kbps)}")
    if measurement.downlink_kbps is None:
        problems.append("không đo được tốc độ tải xuống")
    elif measurement.downlink_kbps < requirement.downlink_kbps:
        problems.append(f"tốc độ tải xuống {format_mbps(measurement.downlink_kbps, round_down=True)} < {format_mbps(requirement.downlink_kbps)}")
    if measurement.rtt_ms is not None and measurement.rtt_ms > requirement.max_rtt_ms:
        problems.append(f"độ trễ khứ hồi {format_number_vi(measurement.rtt_ms, 0)} ms > {format_number_vi(requirement.max_rtt_ms, 0)} ms")
    if measurement.packet_loss_pct is not None and measurement.packet_loss_pct > requirement.max_packet_loss_pct:
        problems.append(f"mất gói {format_number_vi(measurement.packet_loss_pct)} % > {format_number_vi(requirement.max_packet_loss_pct)} %")
    return Verdict(not problems, tuple(problems))


# --- Dates (the test deadline itself is scheduling.rules.test_deadline: one rule, one place) ---
def test_window_start(session_start: dt.datetime, *, working_days: int = 5) -> dt.datetime:
    """Nghị định 154/2026, Điều 23: preparation starts **at least 5 working days before** (notices to the
    citizen and agencies, the system and the points made ready). A test run from that day on counts for
    the session; an older one says nothing about the link on the day.
    """
    session_day = session_start.astimezone(VN_TZ).date()
    day = working_days_before(session_day, working_days)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=VN_TZ)

"""What decides how a recording is taken in and kept: small pure functions, each citing why.

Decree 154/2026 Art. 24 asks that the session be recorded, sound and picture, and kept under the
archives law; the product's own promise (docs/MEDIA.md "Recording") is that nothing acknowledged is
lost and a gap is reported, never filled in silently.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

# What MediaRecorder produces in Chromium and Firefox (and Safari's MP4); the file name's extension follows.
EXTENSIONS = {"video/webm": "webm", "audio/webm": "webm", "video/x-matroska": "mkv", "video/mp4": "mp4", "audio/mp4": "m4a", "audio/ogg": "ogg"}


def missing_ranges(present: Iterable[int], last_seq: int | None) -> list[list[int]]:
    """Decree 154/2026 Art. 24 (the whole session is recorded): the slice numbers from 0 to ``last_seq`` not received.

    Returned as inclusive ``[from, to]`` ranges, in order, so that a gap is named, never hidden by
    joining what is on either side. ``last_seq`` None (nothing known yet): no gap.
    """
    if last_seq is None or last_seq < 0:
        return []
    have = sorted({s for s in present if 0 <= s <= last_seq})
    gaps, expected = [], 0
    for seq in have:
        if seq > expected:
            gaps.append([expected, seq - 1])
        expected = seq + 1
    if expected <= last_seq:
        gaps.append([expected, last_seq])
    return gaps


def seq_problem(seq: int, *, highest: int | None, max_ahead: int) -> str | None:
    """Why slice number ``seq`` is not accepted (None: it is): numbers start at 0 and do not leap far ahead.

    A browser that lost its link for an hour still counts on from where it was; a number further
    than ``max_ahead`` beyond the highest one received is a broken or hostile client, and accepting
    it would report a gap of thousands of slices that never existed.
    """
    if seq < 0:
        return "Số thứ tự đoạn ghi hình phải từ 0 trở lên."
    if seq > (highest if highest is not None else 0) + max_ahead:
        return f"Số thứ tự đoạn ghi hình {seq} vượt quá xa đoạn đã nhận ({highest if highest is not None else 'chưa có'}); vui lòng tải lại trang để bắt đầu lượt ghi mới."
    return None


def slice_size_problem(size_bytes: int, *, limit_bytes: int) -> str | None:
    """Why a slice of ``size_bytes`` is refused (None: accepted): not empty, not beyond the configured limit."""
    if size_bytes <= 0:
        return "Đoạn ghi hình rỗng."
    if size_bytes > limit_bytes:
        return f"Đoạn ghi hình {size_bytes:,} byte vượt quá giới hạn {limit_bytes:,} byte.".replace(",", ".")
    return None


def slice_extension(mime_type: str) -> str:
    """The file extension for a take's ``mime_type`` (``video/webm;codecs=vp8,opus`` → ``webm``); unknown → ``bin``."""
    return EXTENSIONS.get(mime_type.split(";", 1)[0].strip().lower(), "bin")


def late_slice_accepted(*, closed_at: dt.datetime | None, now: dt.datetime, grace_s: float) -> bool:
    """Decree 154/2026 Art. 24 (the session recorded from its beginning to its end): a slice of a take already open,
    arriving up to ``grace_s`` seconds after the room closed, still belongs to the session and is taken in.

    Why: every point's last slice is in flight when the chair closes the room (the recorder cuts it on the
    close, and its upload takes seconds under load), so it reaches the server after the close committed. The
    same window holds for a point's own takes and for the central point's relay copies, and whether the room
    still looked live or already closed when the request began; the room's checks of who is connected all say
    «ended» once it is closed, so the window is asked instead of them. No new take opens in it.
    ``closed_at`` None (the room has not closed): False.
    """
    return closed_at is not None and now - closed_at <= dt.timedelta(seconds=grace_s)


# A clock exchange whose round trip took longer than this says little about the clocks (the page was frozen,
# the link stalled): it is not used, and the take keeps the offset measured when it opened.
MAX_CLOCK_ROUND_TRIP_MS = 30_000


def clock_offset_ms(*, sent_ms: int, server_ms: int, received_ms: int, max_round_trip_ms: int = MAX_CLOCK_ROUND_TRIP_MS) -> int | None:
    """Decree 154/2026 Art. 24 (the whole session recorded) and docs/MEDIA.md «Recording»: each take is placed on the
    recording's timeline by the server's clock, so points, chapters and fill-ins line up; how far the browser's clock
    is from the server's (server − browser, in ms), measured over one round trip.

    The browser read its clock just before the request (``sent_ms``) and just after the answer (``received_ms``);
    the server read its own (``server_ms``) in between. The server's reading happened somewhere in that round trip,
    so taking its middle errs by at most half the round trip; counting from ``sent_ms`` alone (the server's
    receipt minus the browser's clock) puts every take late by the request's delay, 0.5–3 s under load.
    None when the exchange cannot tell: a round trip negative (the browser's clock was set back) or longer than
    ``max_round_trip_ms``.
    """
    round_trip = received_ms - sent_ms
    if round_trip < 0 or round_trip > max_round_trip_ms:
        return None
    return round(server_ms - (sent_ms + received_ms) / 2)


def retention_until(started_on: dt.date, years: int) -> dt.date:
    """The archives law (Luật Lưu trữ 2024 and its retention lists; docs/LEGAL.md, verify): kept ``years`` years.

    Counted from the day the recording started; a start on 29 February ends on 1 March, never a day early.
    """
    try:
        return started_on.replace(year=started_on.year + years)
    except ValueError:  # 29 February into a common year
        return dt.date(started_on.year + years, 3, 1)


# --- Finishing: which take fills which stretch of a point's file (REC-FINISH) -----------------------

# Clocks of two takes agree to about this much (a browser's clock offset is measured once per take):
# an uncovered stretch shorter than this between two takes is the clocks, not a missing picture, and a
# fill-in shorter than this would be a fraction of a picture group, cut where no keyframe lies.
TOLERANCE_S = 0.5
# Which copy of a point's stream is the better evidence, best first: what the point's own browser
# recorded (before any network), what the SFU received from it, what the central browser received
# and re-encoded (docs/MEDIA.md, «Recording»).
SOURCE_PREFERENCE = ("own", "server", "relay")


class Span(NamedTuple):
    """A take's coverage on the recording's timeline (seconds after the recording started): from ``start_s`` to
    ``end_s``, less its ``holes`` (stretches whose slices never arrived)."""

    take: str
    source: str
    start_s: float
    end_s: float
    holes: tuple = ()


class Stretch(NamedTuple):
    """One stretch of a point's file and the take that gives it."""

    take: str
    source: str
    start_s: float
    end_s: float


class PointTimeline(NamedTuple):
    """A point's file: its stretches in time order (not overlapping), and its gaps ``(start_s, end_s)``."""

    stretches: list
    gaps: list


def _covered(span: Span) -> list[tuple[float, float]]:
    pieces, at = [], span.start_s
    for a, b in sorted(span.holes):
        if a > at:
            pieces.append((at, min(a, span.end_s)))
        at = max(at, b)
    if at < span.end_s:
        pieces.append((at, span.end_s))
    return [(a, b) for a, b in pieces if b > a]


def point_timeline(spans: list[Span], *, tolerance_s: float = TOLERANCE_S) -> PointTimeline:
    """Nghị định 154/2026, Điều 24 (the whole session recorded, sound and picture) and docs/MEDIA.md «Recording»
    (a gap is reported, never filled in silently): which take gives each moment of one point's file.

    At each moment the best source that holds it wins (``SOURCE_PREFERENCE``: the point's own recording, then
    the SFU's, then the central point's copy), and among takes of one source the one that started first; so
    the central point's copy fills exactly the stretches the point's own takes lack. A moment no take holds,
    between the point's first and last recorded moment, is a gap: it stays empty on the file's timeline and is
    reported. A gap or a fill-in shorter than ``tolerance_s`` is clock jitter between takes: not reported,
    not filled."""
    rank = {source: i for i, source in enumerate(SOURCE_PREFERENCE)}
    pieces = [(a, b, span) for span in spans for a, b in _covered(span)]
    if not pieces:
        return PointTimeline([], [])
    edges = sorted({t for a, b, _ in pieces for t in (a, b)})
    chosen: list[Stretch] = []
    for a, b in zip(edges, edges[1:]):
        holders = [span for pa, pb, span in pieces if pa <= a and pb >= b]
        if not holders:
            continue
        best = min(holders, key=lambda s: (rank.get(s.source, len(rank)), s.start_s, s.take))
        if chosen and chosen[-1].take == best.take and abs(chosen[-1].end_s - a) < 1e-9:
            chosen[-1] = chosen[-1]._replace(end_s=b)
        else:
            chosen.append(Stretch(best.take, best.source, a, b))
    # A fill-in too short to carry a picture is dropped (its neighbours' jitter), unless it is all there is.
    kept = [s for s in chosen if s.end_s - s.start_s >= tolerance_s] or chosen
    merged: list[Stretch] = []
    for s in kept:
        if merged and merged[-1].take == s.take and s.start_s - merged[-1].end_s < tolerance_s:
            merged[-1] = merged[-1]._replace(end_s=s.end_s)
        else:
            merged.append(s)
    gaps = [(prev.end_s, nxt.start_s) for prev, nxt in zip(merged, merged[1:]) if nxt.start_s - prev.end_s >= tolerance_s]
    return PointTimeline(merged, gaps)

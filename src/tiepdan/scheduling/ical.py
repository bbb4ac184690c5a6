"""An iCalendar (RFC 5545) feed of reception sessions, written by hand: a few properties, folded lines, CRLF."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from .models import ReceptionSession, SessionStatus

PRODID = "-//tiepdan//Lich tiep cong dan//VI"


def _escape(text: str) -> str:
    """RFC 5545 §3.3.11: backslash, semicolon, comma and newline are escaped in TEXT values."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 character."""
    out, current = [], b""
    for ch in line:
        encoded = ch.encode()
        limit = 75 if not out else 74
        if len(current) + len(encoded) > limit:
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _utc(value) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def event_lines(session: ReceptionSession, host: str) -> list[str]:
    summary = f"Tiếp công dân {session.get_kind_display().lower()}: {session.province_committee}"
    chair = f"Chủ trì: {session.chair}" if session.chair_id else "Chưa phân công người chủ trì"
    description = f"{session}. {chair}. Trạng thái: {session.get_status_display()}."
    if session.in_person_only:
        description += " Chỉ tiếp trực tiếp (không có công dân đăng ký tiếp trực tuyến)."
    return [
        "BEGIN:VEVENT",
        f"UID:reception-session-{session.pk}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(session.online_starts_at)}",
        f"DTEND:{_utc(session.online_ends_at)}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(session.location)}",
        f"DESCRIPTION:{_escape(description)}",
        f"STATUS:{'CANCELLED' if session.status == SessionStatus.CANCELLED else 'CONFIRMED'}",
        # A moved session must replace the old entry in calendar apps: the sequence grows with each change notice.
        f"SEQUENCE:{session.change_notices.count()}",
        "END:VEVENT",
    ]


def render_feed(sessions: Iterable[ReceptionSession], *, name: str, host: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}", "X-WR-TIMEZONE:Asia/Ho_Chi_Minh"]
    for session in sessions:
        lines.extend(event_lines(session, host))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()

"""The few pieces a statement written as SQL needs to read alike on PostgreSQL and SQLite.

The ORM builds nearly every statement; a page that runs the same aggregates on every view (the statistics,
with followup's task counts) has them as text instead, since building them as querysets cost more Python than
the database spent answering (docs/REPORTS.md, «Measured»). Parameters go through Django's cursor (``%s``
on both), adapted as the ORM adapts them; what differs between the two databases is here, in one place.
"""
from __future__ import annotations

import datetime as dt
import json

from django.db import connection


def rows(sql: str, params: list) -> list[tuple]:
    """Every row of ``sql`` run with ``params``."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def marks(values) -> str:
    """``%s, %s, ...``: one placeholder per value of an ``IN`` list."""
    return ", ".join(["%s"] * len(values))


def at(moment: dt.datetime):
    """A timestamp parameter as the ORM would pass it (SQLite: text in UTC)."""
    return connection.ops.adapt_datetimefield_value(moment)


def on(day: dt.date):
    """A day parameter as the ORM would pass it."""
    return connection.ops.adapt_datefield_value(day)


def starts_with(prefix: str) -> str:
    """The pattern for ``LIKE %s ESCAPE '\\'``: ``prefix`` itself, then anything."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def has_key(column: str, key: str) -> tuple[str, list]:
    """A JSON column's test for a top-level key, and its parameter."""
    if connection.vendor == "postgresql":
        return f"({column} ? %s)", [key]
    return f"JSON_TYPE({column}, %s) IS NOT NULL", [f'$."{key}"']


def seconds_between(start: str, end: str) -> str:
    """The seconds from one timestamp column to another, as a number."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({end} - {start}))"
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


def moment(value):
    """A timestamp read back, aware: SQLite's driver hands back a naive one in UTC, PostgreSQL's an aware one."""
    if connection.vendor == "sqlite" and value is not None:
        return connection.ops.convert_datetimefield_value(value, None, connection)
    return value


def json_value(value) -> dict:
    """A JSON column read back (Django has both drivers hand it over as text)."""
    return json.loads(value) if isinstance(value, str) else (value or {})

"""``core.sql``: what a statement written as SQL needs said differently on PostgreSQL and SQLite."""
from __future__ import annotations

import datetime as dt

import pytest

from tiepdan.core import sql

VN = dt.timezone(dt.timedelta(hours=7))


def test_a_prefix_matches_itself_literally_then_anything():
    assert sql.starts_with("/1_2%/") == "/1\\_2\\%/%"
    assert sql.starts_with("") == "%"


@pytest.mark.django_db
def test_timestamps_go_in_as_the_orm_passes_them_come_back_aware_and_subtract_to_seconds():
    from django.contrib.sessions.models import Session

    start = dt.datetime(2026, 11, 16, 14, 5, tzinfo=VN)
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=start)
    Session.objects.create(session_key="b" * 32, session_data="", expire_date=start + dt.timedelta(hours=2, minutes=42))
    found = sql.rows("SELECT session_key, expire_date FROM django_session WHERE expire_date >= %s AND expire_date < %s",
                     [sql.at(start), sql.at(start + dt.timedelta(hours=1))])
    assert [(key, sql.moment(moment)) for key, moment in found] == [("a" * 32, start)]
    (seconds,) = sql.rows(f"SELECT {sql.seconds_between('a.expire_date', 'b.expire_date')} FROM django_session a, django_session b"
                          " WHERE a.session_key = %s AND b.session_key = %s", ["a" * 32, "b" * 32])[0]
    assert float(seconds) == pytest.approx(9720, abs=0.01)


@pytest.mark.django_db
def test_a_json_key_is_found_only_where_it_is():
    from django.db import connection

    value = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    test, params = sql.has_key(value, "moved_to_session")
    asked = [bool(sql.rows(f"SELECT {test}", [text, *params])[0][0]) for text in ('{"moved_to_session": 3}', '{"moved": 3}')]
    assert asked == [True, False]

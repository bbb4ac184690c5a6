"""A province's monthly statistics at scale: through the real page, beside the same aggregates run as raw SQL.

    BENCH_DB=postgresql make bench ONLY=reports     # PostgreSQL, its own database (tiepdan_bench_reports)
    make bench ONLY=reports                         # SQLite (var/bench)
    BENCH_PETITIONS=100000 make bench ONLY=reports  # smaller

The rows are written by SQL alone (``INSERT ... SELECT`` over ``generate_series`` on PostgreSQL, a recursive
CTE on SQLite), in batches of at most BENCH_BATCH rows, into a database of its own on PostgreSQL (the search
benchmark's data, made by ``intake.generator``, stays as it is): one citizen, one matter and one petition per
row, spread over the three years before today, 3 % delegations, 5 % proposed and 2 % declined, and one
periodic session a month, held, with 15 matters on its agenda. A database that already holds BENCH_PETITIONS
petitions of the demo province is reused; the table ``bench_reports_data`` marks it (generator version, petitions).

Measured BENCH_REPEAT times (after 3 warm-ups), alternating: the statistics page of the last full month for
the province's Board (``/bao-cao/thong-ke/``, Django's test Client: routing, middleware, session, policy,
selectors, template, the SVG charts), and, as its reference, the SQL statements ``statistics.compute`` issued
for that page executed raw on the same connection. Metric ``reports_month_p95_ms``; target under 500 ms and
within 1.5 times the raw SQL.
"""
from __future__ import annotations

import os
import statistics as stats_module
import time

from benchmarks._beside import page_beside_raw, percentile

OWN_DATABASE = "tiepdan_bench_reports"
MARKER = "bench_reports_data"
GENERATOR = 1  # bump when generate() writes other rows: a database made by another version is refused
SESSION_ITEMS = 15


def use_own_database() -> None:
    """On PostgreSQL, move the default connection to a database of its own (created when missing)."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.settings_dict["NAME"] == OWN_DATABASE:
        return
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [OWN_DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{OWN_DATABASE}"')
    connection.close()
    if hasattr(connection, "close_pool"):
        connection.close_pool()
    connection.settings_dict["NAME"] = OWN_DATABASE


# --- Writing rows with SQL alone ----------------------------------------------------------------
def _literal(value, vendor: str) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if vendor == "postgresql" else ("1" if value else "0")
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dict, list)):
        import json

        value = json.dumps(value)
    return "'" + str(value).replace("'", "''") + "'"


def _insert_select(model, values: dict[str, str], source: str, vendor: str) -> str:
    """``INSERT INTO <table> (every column) SELECT <expression per column> <source>``: a column not in ``values``
    takes its field's default (or NULL where it may), so the statement follows the model as it changes."""
    from django.db.models import NOT_PROVIDED

    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        columns.append(field.column)
        if field.name in values:
            expressions.append(values[field.name])
        elif field.default is not NOT_PROVIDED:
            expressions.append(_literal(field.default() if callable(field.default) else field.default, vendor))
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            expressions.append("CURRENT_TIMESTAMP")
        elif field.null:
            expressions.append("NULL")
        elif field.blank:
            expressions.append("''")
        else:
            raise RuntimeError(f"{model.__name__}.{field.name}: no value for the generated rows")
    return f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(expressions)} {source}"


def _series(first: int, last: int, vendor: str) -> tuple[str, str]:
    """(a WITH prefix, a FROM clause) giving the integers ``first``..``last`` as ``s.i``."""
    if vendor == "postgresql":
        return "", f"FROM generate_series({first}, {last}) AS s(i)"
    return f"WITH RECURSIVE s(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM s WHERE i < {last}) ", "FROM s"


def _moment(seconds_expr: str, start_iso: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"(TIMESTAMPTZ '{start_iso}' + ({seconds_expr}) * INTERVAL '1 second')"
    return f"strftime('%Y-%m-%d %H:%M:%S', '{start_iso}', '+' || ({seconds_expr}) || ' seconds')"


def generate(*, petitions: int, orgs: dict, batch: int, emit=None) -> float:
    """Write ``petitions`` citizens, matters and petitions (and their delegations, proposals, declines) with SQL."""
    import datetime as dt

    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from tiepdan.core.roles import Role
    from tiepdan.intake.models import Citizen, Delegation, Matter, Petition
    from tiepdan.organisations.models import Organisation, User
    from tiepdan.triage.models import Decision, Proposal

    vendor = connection.vendor
    committee = orgs["committee"]
    board = User.objects.get(username="bantcd")
    communes = list(Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=committee).values_list("unit_id", "pk"))
    span_s = 3 * 365 * 86400
    start = timezone.now() - dt.timedelta(seconds=span_s)
    start_iso = start.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S+00:00" if vendor == "postgresql" else "%Y-%m-%d %H:%M:%S")
    step = max(1, span_s // max(1, petitions))
    base = {m: (m.objects.aggregate(x=Max("id"))["x"] or 0) for m in (Citizen, Delegation, Matter, Petition, Proposal, Decision)}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_reports_communes")
        cursor.execute("CREATE TABLE bench_reports_communes (n integer PRIMARY KEY, unit_id integer NOT NULL, committee_id integer NOT NULL)")
        for n, (unit_id, committee_id) in enumerate(communes):
            cursor.execute("INSERT INTO bench_reports_communes VALUES (%s, %s, %s)", [n, unit_id, committee_id])
        k = len(communes)
        for first in range(1, petitions + 1, batch):
            last = min(petitions, first + batch - 1)
            with_, from_ = _series(first, last, vendor)
            join = f"{from_} JOIN bench_reports_communes c ON c.n = s.i % {k}"
            at = _moment(f"s.i * {step}", start_iso, vendor)
            statements = [
                _insert_select(Citizen, {
                    "id": f"{base[Citizen]} + s.i", "full_name": "'Nguyễn Văn Bình'", "full_name_folded": "'nguyen van binh'",
                    "id_number": f"'020068' || substr('000000' || (s.i % 1000000), -6, 6)" if vendor == "sqlite" else "'020068' || lpad((s.i % 1000000)::text, 6, '0')",
                    "date_of_birth": "'1968-03-12'", "commune": "c.unit_id", "address": "'Thôn Bản Chắt'", "created_at": at,
                }, join, vendor),
                _insert_select(Delegation, {
                    "id": f"{base[Delegation]} + s.i / 33", "province_committee": str(committee.pk), "members_count": "5 + s.i % 20", "created_at": at,
                }, f"{from_} WHERE s.i % 33 = 0", vendor),
                _insert_select(Matter, {
                    "id": f"{base[Matter]} + s.i", "kind": "CASE s.i % 4 WHEN 0 THEN 'complaint' WHEN 1 THEN 'denunciation' WHEN 2 THEN 'recommendation' ELSE 'reflection' END",
                    "state": "CASE WHEN s.i % 50 = 1 THEN 'declined' WHEN s.i % 20 = 2 THEN 'approved' ELSE 'received' END",
                    "subject_area": "CASE s.i % 3 WHEN 0 THEN 'land' WHEN 1 THEN 'policy' ELSE 'other' END",
                    "citizen": f"{base[Citizen]} + s.i", "delegation": f"CASE WHEN s.i % 33 = 0 THEN {base[Delegation]} + s.i / 33 ELSE NULL END",
                    "commune": "c.unit_id", "province_committee": str(committee.pk), "commune_committee": "c.committee_id",
                    "channel": "'in_person'", "registered_at": at, "registered_by": str(board.pk), "summary": "'Khiếu nại về bồi thường đất đai'",
                    "people_count": "CASE WHEN s.i % 33 = 0 THEN 5 + s.i % 20 ELSE 1 END", "citizen_name_folded": "'nguyen van binh'",
                    "summary_folded": "'khieu nai ve boi thuong dat dai'",
                }, join, vendor),
                _insert_select(Petition, {
                    "id": f"{base[Petition]} + s.i", "matter": f"{base[Matter]} + s.i", "province_committee": str(committee.pk), "channel": "'in_person'",
                    "received_at": at, "received_by": str(board.pk), "content": "'Đơn khiếu nại'", "content_folded": "'don khieu nai'",
                }, from_, vendor),
                _insert_select(Proposal, {
                    "id": f"{base[Proposal]} + s.i", "matter": f"{base[Matter]} + s.i", "ground": "'art20_5'", "reason": "'Cần đối thoại trực tiếp'",
                    "proposed_by": str(board.pk), "proposed_at": _moment(f"s.i * {step} + 86400", start_iso, vendor),
                }, f"{from_} WHERE s.i % 20 = 2", vendor),
                _insert_select(Decision, {
                    "id": f"{base[Decision]} + s.i", "matter": f"{base[Matter]} + s.i", "outcome": "'declined'", "reason": "CASE s.i % 3 WHEN 0 THEN 'Không thuộc thẩm quyền' ELSE 'Đã được giải quyết' END",
                    "decided_by": str(board.pk), "decided_at": _moment(f"s.i * {step} + 172800", start_iso, vendor), "advice": "'Liên hệ UBND xã'",
                }, f"{from_} WHERE s.i % 50 = 1", vendor),
            ]
            with transaction.atomic():
                for sql in statements:
                    cursor.execute(with_ + sql)
        cursor.execute("DROP TABLE bench_reports_communes")
    _sessions(orgs, chair=User.objects.filter(role=Role.PROVINCE_CHAIRMAN, organisation=committee).first())
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if emit:
        emit("reports_generate_s", seconds, petitions=petitions)
        emit("reports_generate_rows_per_s", 3 * petitions / seconds if seconds else 0, rows=3 * petitions)
    return seconds


def _sessions(orgs: dict, *, chair) -> None:
    """One held periodic session on the 15th of each of the last 36 months, 15 of its month's matters on the agenda."""
    import datetime as dt

    from django.utils import timezone

    from tiepdan.intake.models import Matter
    from tiepdan.scheduling.models import AgendaItem, ReceptionSession, SessionKind, SessionStatus

    committee = orgs["committee"]
    today = timezone.localdate()
    month = today.replace(day=1)
    for _ in range(36):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        if ReceptionSession.objects.filter(province_committee=committee, kind=SessionKind.PERIODIC, period_month=month).exists():
            continue
        day = month.replace(day=15)
        starts = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))
        session = ReceptionSession.objects.create(
            province_committee=committee, kind=SessionKind.PERIODIC, date=day, period_month=month, online_starts_at=starts,
            online_ends_at=starts + dt.timedelta(hours=3), location="Trụ sở Ban Tiếp công dân tỉnh", status=SessionStatus.CLOSED,
            chair=chair, capacity_seats=SESSION_ITEMS,
        )
        chosen = list(Matter.objects.filter(province_committee=committee, registered_at__gte=timezone.make_aware(dt.datetime.combine(month, dt.time.min)), registered_at__lt=starts)
                      .order_by("id").values_list("id", "representatives_count")[:SESSION_ITEMS])
        AgendaItem.objects.bulk_create([AgendaItem(session=session, matter_id=m, position=n, seats=max(1, r)) for n, (m, r) in enumerate(chosen, start=1)])


def _marker() -> dict | None:
    """What the marker table says of the rows already generated here (None: no marker)."""
    from django.db import connection

    if MARKER not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT generator, petitions FROM {MARKER}")
        row = cursor.fetchone()
    return {"generator": row[0], "petitions": row[1]} if row else None


def _mark(petitions: int) -> None:
    """Write the marker once the rows are whole (an interrupted run leaves the old marker, or none)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if MARKER not in connection.introspection.table_names():
            cursor.execute(f"CREATE TABLE {MARKER} (generator integer NOT NULL, petitions integer NOT NULL, marked_at varchar(40) NOT NULL)")
        cursor.execute(f"DELETE FROM {MARKER}")
        cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, %s, %s)", [GENERATOR, petitions, time.strftime("%Y-%m-%dT%H:%M:%S%z")])


def prepare(*, petitions: int, migrate: bool = True, emit=None, batch: int = 100_000) -> dict:
    """The demo province with at least ``petitions`` petitions: generated once, then reused.

    The marker table (``bench_reports_data``: the generator's version and the petitions it wrote) is written
    when the rows are whole; a database it marks, whose petitions are still there, is reused as it is (a rerun
    starts in seconds, not the minutes 3,000,000 rows take). Rows from another version of ``generate`` are
    refused: drop the database (``dropdb tiepdan_bench_reports``) to make them again."""
    from django.core.management import call_command

    from tiepdan.intake.models import Petition
    from tiepdan.organisations import demo
    from tiepdan.organisations.services import load_administrative_units

    if migrate:
        call_command("migrate", verbosity=0, interactive=False)
    load_administrative_units({20})
    orgs = demo.seed(province_code=20)
    marker = _marker()
    if marker is not None and marker["generator"] != GENERATOR:
        raise RuntimeError(f"{MARKER}: rows of generator {marker['generator']}, this is {GENERATOR}; drop the benchmark's database to make them again")
    existing = Petition.objects.filter(province_committee=orgs["committee"]).count()
    if existing < petitions:
        generate(petitions=petitions - existing, orgs=orgs, batch=batch, emit=emit)
        existing = petitions
    if marker is None or marker["petitions"] != existing:
        _mark(existing)
    if emit:
        emit("reports_data_reused", 1 if marker is not None and marker["petitions"] >= petitions else 0, petitions=existing)
    return orgs


def _compute_sql(user, scope, period) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tiepdan.reports import selectors

    with CaptureQueriesContext(connection) as captured:
        selectors.statistics_for(user, scope=scope, period=period)
    return [q["sql"] for q in captured.captured_queries]


def measure(emit, *, repeat: int, warmup: int = 3) -> tuple[float, float]:
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from tiepdan.organisations.models import User
    from tiepdan.reports import rules, selectors

    officer = User.objects.get(username="bantcd")
    client = Client()
    client.force_login(officer)
    period = rules.previous_month(timezone.localdate())
    scope = selectors.resolve_scope(officer, None)
    statements = _compute_sql(officer, scope, period)
    # As the server runs for users: DEBUG off. With it on, Django keeps a copy of every statement the page
    # runs (the reference, on the bare DB-API cursor, never pays for that).
    with override_settings(DEBUG=False):
        view_ms, raw_ms, _ = page_beside_raw(lambda: client.get("/bao-cao/thong-ke/", period.query), statements, warmup=warmup, repeat=repeat, what="the statistics page")
    figures = selectors.statistics_for(officer, scope=scope, period=period)
    extra = {"repeat": repeat, "statements": len(statements), "month_matters": figures.registrations["matters"], "month_visits": figures.totals.visits}
    emit("reports_month_p50_ms", percentile(view_ms, 0.5), percentile(raw_ms, 0.5), **extra)
    emit("reports_month_p95_ms", percentile(view_ms, 0.95), percentile(raw_ms, 0.95), **extra)
    emit("reports_month_mean_ms", stats_module.fmean(view_ms), stats_module.fmean(raw_ms), repeat=repeat)
    return percentile(view_ms, 0.95), percentile(raw_ms, 0.95)


def run(emit, *, migrate: bool = True, own_database: bool = True) -> None:
    from tiepdan.intake.models import Petition

    if own_database:
        use_own_database()
    petitions = int(os.environ.get("BENCH_PETITIONS", "1000000"))
    # 100 rounds (6 s): the p95 of 30 is their second slowest, which one pause of the machine moves by a tenth.
    repeat = int(os.environ.get("BENCH_REPEAT", "100"))
    batch = int(os.environ.get("BENCH_BATCH", "100000"))
    orgs = prepare(petitions=petitions, migrate=migrate, emit=emit, batch=batch)
    emit("reports_petitions", Petition.objects.filter(province_committee=orgs["committee"]).count())
    measure(emit, repeat=repeat)

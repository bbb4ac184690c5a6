"""Matter search at scale: through the real list view, beside the same SQL run raw.

    make bench ONLY=search                          # SQLite (var/bench), 1,000,000 petitions
    BENCH_DB=postgresql make bench ONLY=search      # PostgreSQL (tiepdan_bench)
    BENCH_PETITIONS=20000 make bench ONLY=search    # smaller

The data (``intake.generator``) is generated once and reused: a database that already
holds at least BENCH_PETITIONS petitions of the demo province is not topped up again.

Three searches a Board officer makes, each measured BENCH_REPEAT times:
- ``search_name``: a name typed without diacritics ("nguyen van binh");
- ``search_id``: a 12-digit CCCD number;
- ``search_list``: the list filtered by kind and state, page 3.
Each figure is the p50/p95 of the full request through Django's test Client (URL routing,
middleware, session, policy, selector, template), with, as its reference, the p50/p95 of the
SQL statements the selector issued for that request executed raw on the same connection.
Targets: p95 under 100 ms on PostgreSQL; the view under 2x its raw query.
"""
from __future__ import annotations

import os
import statistics

from benchmarks._beside import page_beside_raw, percentile

NAME_QUERY = "nguyen van binh"


def prepare(*, petitions: int, migrate: bool = True, emit=None) -> dict:
    """Schema, the demo province, and at least ``petitions`` petitions in it. Returns the demo orgs."""
    from django.core.management import call_command
    from django.db import connection

    from tiepdan.intake.generator import generate
    from tiepdan.intake.models import Petition
    from tiepdan.organisations import demo
    from tiepdan.organisations.services import load_administrative_units

    if migrate:
        call_command("migrate", verbosity=0, interactive=False)
    province = 20
    load_administrative_units({province})
    orgs = demo.seed(province_code=province)
    existing = Petition.objects.filter(province_committee=orgs["committee"]).count()
    if existing < petitions:
        report = generate(petitions=petitions - existing, province_code=province, seed=existing)
        if emit:
            emit("generate_rows_per_s", report.rows_per_second, rows=report.rows, petitions=report.petitions)
            emit("generate_s", report.seconds, petitions=report.petitions)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics for the planner, on both databases
    return orgs


def _selector_sql(user, **search) -> list[str]:
    """The statements ``search_matters`` issues for these arguments, parameters inlined as the backend quotes them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tiepdan.intake.selectors import search_matters

    with CaptureQueriesContext(connection) as captured:
        search_matters(user, **search)
    return [q["sql"] for q in captured.captured_queries]


def measure(emit, *, repeat: int, warmup: int = 3) -> dict[str, tuple[float, float]]:
    from django.test import Client

    from tiepdan.intake.models import Matter, MatterKind, MatterState
    from tiepdan.organisations.models import User

    officer = User.objects.get(username="bantcd")
    client = Client()
    client.force_login(officer)
    sample = Matter.objects.filter(province_committee=officer.province_committee, identity_protected=False).order_by("id").values_list("citizen_id_number", flat=True).first()
    if not sample:
        raise RuntimeError("Không có vụ việc nào để đo; hãy tạo dữ liệu trước (BENCH_PETITIONS).")
    cases = {
        "search_name": ({"q": NAME_QUERY}, {"q": NAME_QUERY}),
        "search_id": ({"q": sample}, {"q": sample}),
        "search_list": ({"kind": MatterKind.COMPLAINT, "state": MatterState.DECLINED, "page": "3"}, {"kind": MatterKind.COMPLAINT, "state": MatterState.DECLINED, "page": 3}),
    }
    results = {}
    for name, (params, search) in cases.items():
        statements = _selector_sql(officer, **search)
        view_ms, raw_ms, response = page_beside_raw(lambda: client.get("/vu-viec/", params), statements, warmup=warmup, repeat=repeat, what=f"{name}: the view")
        if name == "search_id" and sample not in response.content.decode():
            raise RuntimeError("search_id: the matter searched for is not on the page")
        for share, label in ((0.5, "p50"), (0.95, "p95")):
            emit(f"{name}_{label}_ms", percentile(view_ms, share), percentile(raw_ms, share), repeat=repeat, statements=len(statements))
        results[name] = (percentile(view_ms, 0.95), percentile(raw_ms, 0.95))
        emit(f"{name}_mean_ms", statistics.fmean(view_ms), statistics.fmean(raw_ms), repeat=repeat)
    return results


def run(emit, *, migrate: bool = True) -> None:
    from tiepdan.intake.models import Petition

    petitions = int(os.environ.get("BENCH_PETITIONS", "1000000"))
    repeat = int(os.environ.get("BENCH_REPEAT", "30"))
    orgs = prepare(petitions=petitions, migrate=migrate, emit=emit)
    emit("petitions", Petition.objects.filter(province_committee=orgs["committee"]).count())
    measure(emit, repeat=repeat)

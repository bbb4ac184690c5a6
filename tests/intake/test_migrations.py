"""Migration 0003 keeps the representatives that the old many-to-many held."""
import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_old_delegation_links_become_representative_rows_the_matters_citizen_first(demo):
    before, after = [("intake", "0002_trigram_search")], [("intake", "0003_representatives_and_bounds")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Citizen, Delegation, Matter = (old.get_model("intake", name) for name in ("Citizen", "Delegation", "Matter"))
    committee = old.get_model("organisations", "Organisation").objects.get(pk=demo["committee"].pk)
    user = old.get_model("organisations", "User").objects.get(username="bantcd")
    unit = old.get_model("organisations", "AdministrativeUnit").objects.filter(level="commune").first()
    other = Citizen.objects.create(full_name="Hà Thị Mai", full_name_folded="ha thi mai", id_number="020172000101", date_of_birth=dt.date(1972, 1, 1), commune=unit, address="Thôn Nà Pàn")
    first = Citizen.objects.create(full_name="Lộc Văn Thắng", full_name_folded="loc van thang", id_number="020068123456", date_of_birth=dt.date(1968, 1, 1), commune=unit, address="Thôn Nà Pàn")
    delegation = Delegation.objects.create(province_committee=committee, members_count=12)
    delegation.representatives.set([other, first])
    Matter.objects.create(kind="complaint", citizen=first, delegation=delegation, commune=unit, province_committee=committee, channel="in_person", registered_at=dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc), registered_by=user, summary="Khiếu nại thu hồi đất", people_count=12, representatives_count=2)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from tiepdan.intake.models import Representative

    rows = list(Representative.objects.filter(delegation_id=delegation.pk).values_list("position", "full_name", "citizen_id"))
    assert rows == [(1, "Lộc Văn Thắng", first.pk), (2, "Hà Thị Mai", other.pk)]

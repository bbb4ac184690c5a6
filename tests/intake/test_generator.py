"""The demo data generator (intake.generator): realistic, consistent with the rules, and found by the real search."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tiepdan.core.models import AuditEntry
from tiepdan.core.text import fold
from tiepdan.intake import generator
from tiepdan.intake.models import Citizen, Delegation, Matter, MatterKind, MatterState, Petition
from tiepdan.intake.rules import cccd_problem, representatives_range

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(demo):
    report = generator.generate(petitions=400, province_code=20, seed=7, batch_size=150)
    return demo, report


def test_generates_the_petitions_asked_for_with_their_matters_and_citizens(generated):
    demo, report = generated
    assert report.petitions == Petition.objects.count() == 400
    assert report.matters == Matter.objects.count() and 300 <= report.matters <= 400
    assert report.citizens == Citizen.objects.count()
    assert report.rows_per_second > 0
    entry = AuditEntry.objects.get(action="intake.generate_demo_data")  # one entry for the run, not one per row
    assert "400 đơn" in entry.object_repr


def test_citizens_have_valid_unique_cccd_matching_birth_and_live_in_the_provinces_communes(generated):
    demo, _ = generated
    citizens = list(Citizen.objects.select_related("commune"))
    assert all(cccd_problem(c.id_number, c.date_of_birth) is None for c in citizens)
    assert len({c.id_number for c in citizens}) == len(citizens)
    assert sum(c.id_number.startswith("020") for c in citizens) > len(citizens) * 0.7  # most born in Lạng Sơn
    assert {c.commune.parent_id for c in citizens} == {demo["committee"].unit_id}
    assert all(c.commune.name in c.address and c.address.endswith("tỉnh Lạng Sơn") for c in citizens)
    assert all(len(c.full_name.split()) >= 3 and c.full_name_folded == fold(c.full_name) for c in citizens)
    surnames = [c.full_name.split()[0] for c in citizens]
    assert surnames.count("Nguyễn") > len(surnames) * 0.15  # the commonest surname is common


def test_matters_fill_every_search_column_the_save_method_would(generated):
    demo, _ = generated
    for m in Matter.objects.select_related("citizen", "commune_committee"):
        assert m.citizen_name_folded == fold(m.citizen.full_name)
        assert m.citizen_id_number == m.citizen.id_number
        assert m.summary_folded == fold(m.summary)
        assert m.commune_committee.unit_id == m.commune_id and m.commune_committee.parent_id == demo["committee"].pk
    assert all(p.content_folded == fold(p.content) and p.papers and {"name", "pages", "state"} <= set(p.papers[0]) for p in Petition.objects.all())


def test_matters_spread_over_kinds_states_and_office_hours_with_deadlines_on_waiting_states(generated):
    matters = list(Matter.objects.all())
    assert {m.kind for m in matters} == set(MatterKind.values)
    assert len({m.state for m in matters}) >= 4 and len({m.subject_area for m in matters}) >= 5
    waiting = {MatterState.RECEIVED, MatterState.CLASSIFIED, MatterState.PROPOSED, MatterState.RETURNED}
    assert all((m.state_due_at is not None) == (m.state in waiting) for m in matters)
    assert all(not m.identity_protected or m.kind == MatterKind.DENUNCIATION for m in matters)
    local = [timezone.localtime(m.registered_at) for m in matters]
    assert all(t.weekday() < 5 and dt.time(7, 30) <= t.time() < dt.time(17, 0) for t in local)
    assert all(t <= timezone.localtime() for t in local)


def test_delegations_follow_article_29(generated):
    for delegation in Delegation.objects.prefetch_related("representatives", "matters"):
        low, high = representatives_range(delegation.members_count)
        assert delegation.members_count >= 5
        assert low <= delegation.representatives.count() <= high
        matter = delegation.matters.get()
        assert matter.people_count == delegation.members_count and matter.representatives_count == delegation.representatives.count()


def test_generated_citizens_are_found_by_the_real_search_without_diacritics(generated, official):
    from tiepdan.intake.selectors import search_matters

    matter = Matter.objects.filter(identity_protected=False).select_related("citizen").first()
    page = search_matters(official("bantcd"), fold(matter.citizen.full_name))
    assert matter.pk in {m.pk for m in page} or page.has_next
    assert matter.pk in {m.pk for m in search_matters(official("bantcd"), matter.citizen.id_number)}


def test_rows_created_afterwards_get_fresh_ids(generated, demo):
    """Ids were given by the generator: the database's own numbering must continue after them (PostgreSQL sequences)."""
    last = Citizen.objects.order_by("-pk").first()
    citizen = Citizen.objects.create(full_name="Trần Thị Lụa", id_number="020185000001", date_of_birth=dt.date(1985, 5, 1), commune_id=last.commune_id, address="Thôn Mới")
    assert citizen.pk > last.pk


def test_a_province_without_communes_is_refused_with_what_to_do(db):
    from tiepdan.organisations.models import AdministrativeUnit

    AdministrativeUnit.objects.create(code="99", name="Thử", division_type="tỉnh", codename="thu", level="province")
    with pytest.raises(ValueError, match="load_units"):
        generator.generate(petitions=5, province_code=99)


def test_rows_are_written_in_the_order_they_were_registered(generated):
    """As in real use, a later registration has a higher id (and sits later in the table)."""
    times = list(Matter.objects.order_by("id").values_list("registered_at", flat=True))
    in_order = sum(a <= b for a, b in zip(times, times[1:]))
    assert in_order >= 0.9 * (len(times) - 1)

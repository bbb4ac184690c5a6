import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tiepdan.core import policy
from tiepdan.core.models import AuditEntry
from tiepdan.core.roles import Role
from tiepdan.organisations import services
from tiepdan.organisations.models import DelegationOfAuthority, Organisation, User


def test_demo_seed_is_idempotent_and_builds_the_tree(demo):
    from tiepdan.organisations import demo as demo_module

    count = Organisation.objects.count()
    demo_module.seed(province_code=20)
    assert Organisation.objects.count() == count
    committee = demo["committee"]
    communes = Organisation.objects.filter(parent=committee, kind=Organisation.Kind.COMMUNE_COMMITTEE)
    assert communes.count() == committee.unit.children.count()
    assert demo["board"].path.startswith(committee.path)
    assert User.objects.filter(is_demo=True).count() == len(demo_module.DEMO_ACCOUNTS)


def test_role_must_fit_the_organisation(demo):
    with pytest.raises(ValidationError, match="không thuộc loại đơn vị"):
        services.create_official(by=None, username="sai", full_name="Sai Vai Trò", organisation=demo["commune"], role=Role.BOARD_OFFICER)
    assert not User.objects.filter(username="sai").exists()


def test_only_system_admin_creates_accounts(demo, official):
    with pytest.raises(PermissionDenied):
        services.create_official(by=official("bantcd"), username="moi", full_name="Người Mới", organisation=demo["board"], role=Role.BOARD_OFFICER)
    user = services.create_official(by=official("quantri"), username="moi", full_name="Người Mới", organisation=demo["board"], role=Role.BOARD_OFFICER)
    assert AuditEntry.objects.filter(action="people.create", object_id=str(user.pk), actor=official("quantri")).exists()


def test_chairman_authorises_deputy_for_a_period_and_it_is_audited(demo, official):
    chairman, deputy = official("chutich"), official("phochutich")
    DelegationOfAuthority.objects.all().delete()
    today = timezone.localdate()
    grant = services.authorise_deputy(by=chairman, deputy=deputy, valid_from=today, valid_until=today + dt.timedelta(days=30), document_number="02/GUQ")
    assert grant.is_in_force(today)
    assert not grant.is_in_force(today + dt.timedelta(days=31))
    assert AuditEntry.objects.filter(action="delegation_of_authority.grant", object_id=str(grant.pk)).exists()


def test_authorisation_refuses_a_board_officer_and_a_past_period(demo, official):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="Phó Chủ tịch"):
        services.authorise_deputy(by=official("chutich"), deputy=official("bantcd"), valid_from=today, valid_until=today)
    with pytest.raises(ValidationError, match="đã qua"):
        services.authorise_deputy(by=official("chutich"), deputy=official("phochutich"), valid_from=today - dt.timedelta(days=10), valid_until=today - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.authorise_deputy(by=official("phochutich"), deputy=official("phochutich"), valid_from=today, valid_until=today)


def test_deputy_acts_on_chairmans_authority_only_within_the_period(demo, official, monkeypatch):
    deputy = official("phochutich")
    action = "test.decide"
    monkeypatch.setitem(policy.PERMISSIONS, action, frozenset({Role.PROVINCE_CHAIRMAN, Role.PROVINCE_DEPUTY}))
    monkeypatch.setitem(policy.ACTION_LABELS, action, "quyết định")
    from tiepdan.organisations.policy_checks import deputy_needs_authorisation_in_force

    monkeypatch.setitem(policy._CHECKS, action, [deputy_needs_authorisation_in_force])
    assert policy.can(deputy, action)  # the demo grants 90 days from today
    grant = DelegationOfAuthority.objects.get(deputy=deputy)
    services.revoke_authorisation(by=official("chutich"), grant=grant, reason="Hết nhiệm vụ")
    assert not policy.can(deputy, action)
    with pytest.raises(PermissionDenied, match="thời gian được Chủ tịch UBND tỉnh ủy quyền"):
        policy.require(deputy, action)
    assert policy.can(official("chutich"), action)


def test_revoking_needs_a_reason(demo, official):
    grant = DelegationOfAuthority.objects.get(deputy=official("phochutich"))
    with pytest.raises(ValidationError, match="lý do"):
        services.revoke_authorisation(by=official("chutich"), grant=grant, reason="  ")


def test_system_admin_creates_an_account_through_the_page_with_clear_errors(demo, official):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(official("quantri"))
    bad = client.post(reverse("official_create"), {"username": "Cán Bộ", "full_name": "Lê Văn Tám", "organisation": demo["commune"].pk, "role": Role.BOARD_OFFICER, "password": "ngan"})
    html = bad.content.decode()
    assert "chữ thường không dấu" in html and "không thuộc loại đơn vị" not in html
    assert not User.objects.filter(full_name="Lê Văn Tám").exists()
    wrong_role = client.post(reverse("official_create"), {"username": "levantam", "full_name": "Lê Văn Tám", "organisation": demo["commune"].pk, "role": Role.BOARD_OFFICER, "password": "mat-khau-dai-2026"})
    assert "không thuộc loại đơn vị" in wrong_role.content.decode()
    ok = client.post(reverse("official_create"), {"username": "levantam", "full_name": "Lê Văn Tám", "organisation": demo["commune"].pk, "role": Role.COMMUNE_OFFICER, "password": "mat-khau-dai-2026"})
    assert ok.status_code == 302
    assert User.objects.get(username="levantam").check_password("mat-khau-dai-2026")

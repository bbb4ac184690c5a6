"""Every role against every protected view and service of the house: allowed or refused.

The expectations are written out here by hand, from the roles' duties, not derived
from the policy table: a change to the table that breaks a duty fails this test.
"""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tiepdan.core.roles import Role
from tiepdan.organisations import services
from tiepdan.organisations.models import DelegationOfAuthority, Organisation, User

USERS = ["chutich", "phochutich", "bantcd", "sonnmt", "thanhtra", "cntt", "chutichxa", "canboxa", "cnttxa", "trunguong", "quantri"]
PROVINCE_WIDE = {"chutich", "phochutich", "bantcd", "thanhtra", "cntt", "quantri", "trunguong"}

ALLOWED = {
    "home": set(USERS),
    "organisation_list": set(USERS),
    "own_board_detail": PROVINCE_WIDE,
    "second_commune_detail": PROVINCE_WIDE,
    "own_commune_detail": PROVINCE_WIDE | {"chutichxa", "canboxa", "cnttxa"},
    "other_province_detail": {"trunguong"},
    "people_list": {"quantri", "bantcd", "chutich", "phochutich", "chutichxa"},
    "authorisations": {"chutich"},
    "audit_log": {"quantri", "thanhtra"},
    "audit_verify": {"quantri", "thanhtra"},
    "other_commune_point": PROVINCE_WIDE,
    "other_province_session": {"trunguong"},
    "other_province_room": set(),
    "province_document": {"chutich", "phochutich", "bantcd", "thanhtra"},
}
# An object outside one's scope does not exist for them (404, as for a matter or a session); a role that
# may not act on an object inside the scope is refused (403).
OUT_OF_SCOPE = {
    "own_board_detail": {"sonnmt", "chutichxa", "canboxa", "cnttxa"},
    "second_commune_detail": {"sonnmt", "chutichxa", "canboxa", "cnttxa"},
    "own_commune_detail": {"sonnmt"},
    "other_province_detail": set(USERS) - {"trunguong"},
    "other_commune_point": {"sonnmt", "chutichxa", "canboxa", "cnttxa"},
    "other_province_session": set(USERS) - {"trunguong"},
    "other_province_room": set(USERS) - {"trunguong"},
    "province_document": {"sonnmt", "chutichxa", "canboxa", "cnttxa"},
}


def _expected(name: str, username: str) -> int:
    if username in ALLOWED[name]:
        return 200
    return 404 if username in OUT_OF_SCOPE.get(name, ()) else 403


def _out_of_scope_objects(demo, other_province, make_official):
    """A second commune's bridge point, a Bắc Ninh session with its room, and a document of Lạng Sơn's committee."""
    from tiepdan.bridges import services as bridges
    from tiepdan.bridges.models import BridgePoint
    from tiepdan.documents import forms as doc_forms
    from tiepdan.documents.models import DocumentKind
    from tiepdan.documents.official import Signature
    from tiepdan.documents.services import issue_document
    from tiepdan.live import services as live
    from tiepdan.scheduling import services as scheduling

    bridges.create_commune_points(province_committee=demo["committee"], by=None)
    point = BridgePoint.objects.filter(kind="commune", province_committee=demo["committee"]).exclude(organisation=demo["commune"]).order_by("unit__code").first()
    session = scheduling.generate_periodic_sessions(by=None, province_committee=other_province["committee"], months=1)[0]
    room = live.open_room(by=make_official(Role.BOARD_OFFICER, other_province["board"]), session=session)
    issuer = doc_forms.Issuer(issuing_body=demo["committee"].name, place="Lạng Sơn", signature=Signature(title="Chủ tịch", signer_name="Hồ Tiến Thiệu", authority="TM. Ủy ban nhân dân"))
    document = issue_document(by=User.objects.get(username="bantcd"), kind=DocumentKind.INVITATION, organisation=demo["committee"], doc=doc_forms.change_notice(
        issuer=issuer, on=timezone.localdate(), original=doc_forms.SessionInfo(chair_title="Chủ tịch UBND tỉnh", chair_name="Hồ Tiến Thiệu", starts_at=timezone.localtime(), ends_at=timezone.localtime() + dt.timedelta(hours=3), central_point="Trụ sở Ban Tiếp công dân tỉnh", online=True, periodic=True),
        reason="Kiểm thử phạm vi"))
    return point, session, room, document


@pytest.fixture
def targets(demo, other_province, make_official):
    communes = Organisation.objects.filter(parent=demo["committee"], kind=Organisation.Kind.COMMUNE_COMMITTEE).order_by("unit__code")
    point, session, room, document = _out_of_scope_objects(demo, other_province, make_official)
    return {
        "other_commune_point": ("get", reverse("bridges:point_detail", args=[point.pk])),
        "other_province_session": ("get", reverse("scheduling_session", args=[session.pk])),
        "other_province_room": ("get", reverse("live:room", args=[room.pk])),
        "province_document": ("get", reverse("documents:download", args=[document.pk, "pdf"])),
        "home": ("get", reverse("home")),
        "organisation_list": ("get", reverse("organisation_list")),
        "own_board_detail": ("get", reverse("organisation_detail", args=[demo["board"].pk])),
        "own_commune_detail": ("get", reverse("organisation_detail", args=[demo["commune"].pk])),
        "second_commune_detail": ("get", reverse("organisation_detail", args=[communes[1].pk])),
        "other_province_detail": ("get", reverse("organisation_detail", args=[other_province["committee"].pk])),
        "people_list": ("get", reverse("people_list")),
        "authorisations": ("get", reverse("authorisations")),
        "audit_log": ("get", reverse("audit_log")),
        "audit_verify": ("post", reverse("audit_verify")),
    }


@pytest.mark.parametrize("username", USERS)
def test_every_role_against_every_view(targets, official, username):
    client = Client()
    client.force_login(official(username))
    outcomes = {}
    for name, (method, url) in targets.items():
        outcomes[name] = getattr(client, method)(url).status_code
    expected = {name: _expected(name, username) for name in targets}
    assert outcomes == expected


def test_anonymous_is_sent_to_login_everywhere(targets):
    client = Client()
    for method, url in targets.values():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_refusal_page_explains_why_in_vietnamese(targets, official):
    client = Client()
    client.force_login(official("canboxa"))
    response = client.get(targets["people_list"][1])
    assert response.status_code == 403
    assert "Vai trò của bạn không được xem danh sách cán bộ" in response.content.decode()
    # Out of scope, the object is simply not found, in Vietnamese too.
    missing = client.get(targets["second_commune_detail"][1])
    assert missing.status_code == 404 and "Không tìm thấy" in missing.content.decode()


def test_commune_officer_lists_only_their_own_commune(demo, official):
    client = Client()
    client.force_login(official("canboxa"))
    html = client.get(reverse("organisation_list"), {"kind": "commune_committee"}).content.decode()
    assert demo["commune"].name in html
    others = Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=demo["committee"]).exclude(pk=demo["commune"].pk)
    assert not any(o.name in html for o in others[:20])


def test_commune_chairman_sees_only_their_communes_people(demo, official):
    client = Client()
    client.force_login(official("chutichxa"))
    html = client.get(reverse("people_list")).content.decode()
    assert "Triệu Thị Mai" in html  # canboxa, same commune
    assert "Hoàng Văn Bình" not in html  # bantcd, provincial Board


def test_organisation_search_matches_without_diacritics(demo, official):
    client = Client()
    client.force_login(official("bantcd"))
    commune = demo["commune"]
    from tiepdan.core.text import fold

    html = client.get(reverse("organisation_list"), {"q": fold(commune.unit.name)}).content.decode()
    assert commune.name in html


SERVICE_CASES = {
    "create_official": {"quantri"},
    "authorise_deputy": {"chutich"},
    "revoke_authorisation": {"chutich", "quantri"},
}


def _call(service, user, demo, official):
    today = timezone.localdate()
    if service == "create_official":
        return services.create_official(by=user, username=f"moi-{user.username}", full_name="Cán Bộ Mới", organisation=demo["board"], role=Role.BOARD_OFFICER)
    if service == "authorise_deputy":
        return services.authorise_deputy(by=user, deputy=official("phochutich"), valid_from=today, valid_until=today + dt.timedelta(days=5))
    grant = DelegationOfAuthority.objects.filter(revoked_at__isnull=True).first()
    return services.revoke_authorisation(by=user, grant=grant, reason="Kiểm thử")


@pytest.mark.parametrize("service", sorted(SERVICE_CASES))
@pytest.mark.parametrize("username", USERS)
def test_every_role_against_every_service(demo, official, service, username):
    user = official(username)
    if username in SERVICE_CASES[service]:
        assert _call(service, user, demo, official) is not None
    else:
        with pytest.raises(PermissionDenied):
            _call(service, user, demo, official)


def test_system_admin_of_one_province_cannot_create_accounts_in_another(demo, other_province, official):
    with pytest.raises(PermissionDenied, match="ngoài phạm vi"):
        services.create_official(by=official("quantri"), username="x", full_name="X", organisation=other_province["board"], role=Role.BOARD_OFFICER)


def test_the_audit_log_shows_each_reader_only_their_provinces_entries(demo, other_province, official, make_official):
    """The audit page answers 200 to its readers (above) and lists only what lies in their subtree."""
    from tiepdan.core import audit

    audit.record(actor=official("bantcd"), action="matrix.audit", obj=demo["commune"], reason="Việc của Lạng Sơn")
    audit.record(actor=None, action="matrix.audit", obj=other_province["commune"], reason="Việc của Bắc Ninh")
    readers = {username: official(username) for username in ALLOWED["audit_log"]}
    readers["thanhtra-bac-ninh"] = make_official(Role.INSPECTOR, other_province["inspectorate"])
    seen = {}
    for name, user in readers.items():
        client = Client()
        client.force_login(user)
        html = client.get(reverse("audit_log"), {"action": "matrix."}).content.decode()
        seen[name] = {place for place in ("Lạng Sơn", "Bắc Ninh") if f"Việc của {place}" in html}
    assert seen == {"quantri": {"Lạng Sơn"}, "thanhtra": {"Lạng Sơn"}, "thanhtra-bac-ninh": {"Bắc Ninh"}}


# The device each role gets at the central point of a session the provincial committee hosts (so
# every provincial unit may sit there), with thanhtra named to take the minutes: asked for the
# console, for the minutes; "refused" where the WebSocket refuses the browser altogether.
DEVICE_ROLES = {
    #             asks console   asks minutes
    "chutich":    ("console",   "observer"),
    "phochutich": ("console",   "observer"),
    "bantcd":     ("console",   "observer"),
    "sonnmt":     ("refused",   "refused"),
    "thanhtra":   ("observer",  "minutes"),
    "cntt":       ("observer",  "observer"),
    "chutichxa":  ("refused",   "refused"),
    "canboxa":    ("refused",   "refused"),
    "cnttxa":     ("refused",   "refused"),
    "trunguong":  ("refused",   "refused"),
    "quantri":    ("observer",  "observer"),
}


@pytest.mark.parametrize("username", USERS)
def test_every_role_against_the_device_roles_at_the_central_point(demo, official, username):
    from tiepdan.live import services as live
    from tiepdan.live.models import RoomPoint
    from tiepdan.scheduling.models import ReceptionSession, SessionPoint

    now = timezone.now()
    session = ReceptionSession.objects.create(
        province_committee=demo["committee"], kind="periodic", date=timezone.localdate(), period_month=timezone.localdate().replace(day=1),
        online_starts_at=now, online_ends_at=now + dt.timedelta(hours=3), location="Hội trường UBND tỉnh", capacity_seats=15, status="ready",
        minute_taker=official("thanhtra"))
    SessionPoint.objects.create(session=session, organisation=demo["committee"], role="central")
    room = live.open_room(by=official("bantcd"), session=session)
    central = RoomPoint.objects.get(room=room, role="central")
    user = official(username)
    outcomes = []
    for i, asks in enumerate(("console", "minutes")):
        if live.connection_refusal(user=user, link_id=None, point=central) is not None:
            outcomes.append("refused")
            continue
        _, device = live.device_connected(point=central, channel_name=f"{username}-{i}", user=user, asks=asks)
        outcomes.append(device.role)
        live.device_disconnected(conn=device.conn, user=user)
    assert tuple(outcomes) == DEVICE_ROLES[username]

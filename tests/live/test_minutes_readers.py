"""Who reads the minutes of a matter: the matter's own people, each role against the minutes endpoint.

Nghị định 154/2026, Điều 26: the chair, the Board, the Chairman (or an authorised deputy), the named
minute-taker, the agencies invited for that matter and the province's inspectors. Anyone else in the
province is refused (403); outside one's scope the minutes do not exist (404).
"""
import pytest
from django.test import Client

from tiepdan.core.roles import Role
from tiepdan.live import services

pytestmark = pytest.mark.django_db

# username → status for the minutes of the matter the department (Sở NN&MT) was invited for.
EXPECTED = {
    "bantcd": 200,  # the Board, the chair and the named minute-taker of this session
    "chutich": 200,
    "phochutich": 200,  # authorised by the Chairman (demo authorisation in force)
    "thanhtra": 200,  # the province's inspectors
    "sonnmt": 200,  # the agency invited for this matter
    "cntt": 403,  # the IT operator: in the province, not a reader
    "quantri": 403,  # the system administrator
    "trunguong": 403,  # the Central observer
    "chutichxa": 404,  # a commune: the minutes are outside its scope
    "canboxa": 404,
}


@pytest.fixture
def minutes_room(room, agenda, official, demo):
    chair = official("bantcd")
    for p in room.points.exclude(role="central"):
        services.device_connected(point=p, channel_name=f"c{p.pk}")
        services.admit(by=chair, point=p)
    room = services.start_session(by=chair, room=room)
    invited, other = agenda(room, 2)
    invited.matter.agencies_required.add(demo["Sở NN&MT"])  # as the Chairman's decision records it
    services.start_matter(by=chair, room=room, item=invited)
    services.start_matter(by=chair, room=room, item=other)
    return room, invited, other


def _get(user, room, item):
    client = Client()
    client.force_login(user)
    return client.get(f"/phong-truc-tuyen/{room.pk}/bien-ban/", {"item": item.pk})


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_reads_the_minutes_of_a_matter_or_not(minutes_room, official, username):
    room, invited, _ = minutes_room
    response = _get(official(username), room, invited)
    assert response.status_code == EXPECTED[username], response.content.decode()
    if response.status_code == 200:
        assert "fields" in response.json()


def test_an_invited_agency_reads_only_the_minutes_of_its_own_matter(minutes_room, official):
    room, invited, other = minutes_room
    assert _get(official("sonnmt"), room, invited).status_code == 200
    assert _get(official("sonnmt"), room, other).status_code == 404


def test_another_provinces_board_finds_no_minutes(minutes_room, other_province, make_official):
    room, invited, _ = minutes_room
    assert _get(make_official(Role.BOARD_OFFICER, other_province["board"]), room, invited).status_code == 404

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tiepdan.live import services
from tiepdan.live.models import EventKind, MatterMinutes


@pytest.fixture
def live_room(room, official):
    chair = official("bantcd")
    for p in room.points.exclude(role="central"):
        services.device_connected(point=p, channel_name=f"c{p.pk}")
        services.admit(by=chair, point=p)
    return services.start_session(by=chair, room=room)


def test_a_matter_cannot_start_before_the_session_does(room, agenda, official):
    items = agenda(room, 1)
    with pytest.raises(ValidationError, match="Bắt đầu phiên"):
        services.start_matter(by=official("bantcd"), room=room, item=items[0])


def test_calling_the_next_matter_follows_the_agenda_and_opens_its_minutes(live_room, agenda, official):
    chair = official("bantcd")
    first, second = agenda(live_room, 2)
    room = services.call_next(by=chair, room=live_room)
    assert room.current_item_id == first.pk
    assert MatterMinutes.objects.filter(agenda_item=first, room=room, version=0).exists()
    room = services.call_next(by=chair, room=room)
    assert room.current_item_id == second.pk
    closed = room.events.get(kind=EventKind.MATTER_CLOSED, agenda_item=first)
    assert closed.data["duration_s"] >= 0
    services.close_matter(by=chair, room=room)
    with pytest.raises(ValidationError, match="Đã tiếp hết"):
        services.call_next(by=chair, room=room)


def test_starting_a_matter_calls_its_commune_point_when_the_agenda_names_it(live_room, agenda, official):
    item = agenda(live_room, 1)[0]
    room = services.start_matter(by=official("bantcd"), room=live_room, item=item)
    called = room.points.get(pk=room.spotlight_id)
    assert called.organisation_id == item.bridge_point.organisation_id
    assert called.muted is False and room.floor_id == called.pk


def test_minutes_are_saved_with_a_version_and_a_stale_save_is_refused(live_room, agenda, official):
    chair = official("bantcd")
    item = agenda(live_room, 1)[0]
    services.start_matter(by=chair, room=live_room, item=item)
    minutes = MatterMinutes.objects.get(agenda_item=item)
    saved = services.save_minutes(by=chair, minutes=minutes, base_version=0, citizen_presentation="Công dân trình bày về bồi thường")
    assert saved.version == 1
    saved = services.save_minutes(by=chair, minutes=minutes, base_version=1, conclusion="Giao Sở NN&MT kiểm tra", settlement_time_limit="30 ngày", contact_person="Ông Nông Văn A")
    assert saved.version == 2 and saved.citizen_presentation == "Công dân trình bày về bồi thường"
    with pytest.raises(ValidationError, match="phiên bản mới hơn"):
        services.save_minutes(by=chair, minutes=minutes, base_version=1, conclusion="ghi đè")
    minutes.refresh_from_db()
    assert minutes.conclusion == "Giao Sở NN&MT kiểm tra"


def test_only_the_named_minute_taker_writes_the_minutes(live_room, agenda, official):
    item = agenda(live_room, 1)[0]
    services.start_matter(by=official("bantcd"), room=live_room, item=item)
    minutes = MatterMinutes.objects.get(agenda_item=item)
    with pytest.raises(PermissionDenied, match="người được phân công ghi biên bản"):
        services.save_minutes(by=official("thanhtra"), minutes=minutes, base_version=0, conclusion="x")


def test_the_minutes_endpoint_autosaves_and_answers_409_on_a_stale_version(live_room, agenda, official, client):
    chair = official("bantcd")
    item = agenda(live_room, 1)[0]
    services.start_matter(by=chair, room=live_room, item=item)
    client.force_login(chair)
    url = f"/phong-truc-tuyen/{live_room.pk}/bien-ban/"
    got = client.get(url, {"item": item.pk}).json()
    assert got["version"] == 0 and got["editable"] is True
    saved = client.post(url, {"item": item.pk, "version": 0, "fields": {"agencies_opinions": "Sở NN&MT báo cáo"}}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["version"] == 1
    stale = client.post(url, {"item": item.pk, "version": 0, "fields": {"agencies_opinions": "khác"}}, content_type="application/json")
    assert stale.status_code == 409 and "phiên bản mới hơn" in stale.json()["error"]

"""The chair marks a restricted stretch with a reason, from the console; it is audited and ends when asked."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tiepdan.core.models import AuditEntry
from tiepdan.live.models import LiveRoom
from tiepdan.recordings import services_restricted
from tiepdan.recordings.models import Recording

from .playback_fixtures import recorded  # noqa: F401


@pytest.fixture
def live_recording(recorded):
    built = recorded()
    LiveRoom.objects.filter(pk=built.room.pk).update(state="live")  # set-up: the room mid-session, still recording
    Recording.objects.filter(pk=built.recording.pk).update(state="recording", ended_at=None)
    built.room.refresh_from_db()
    return built


def test_the_chair_marks_a_stretch_with_a_reason_and_ends_it_both_audited(live_recording, official):
    chair = official("chutich")
    with pytest.raises(ValidationError, match="Cần nêu lý do"):
        services_restricted.mark_restricted(by=chair, room=live_recording.room, reason="  ")
    stretch = services_restricted.mark_restricted(by=chair, room=live_recording.room, reason="Công dân nêu tên người tố cáo")
    assert stretch.ended_at is None and stretch.marked_by == chair
    assert services_restricted.mark_restricted(by=chair, room=live_recording.room, reason="lần nữa") == stretch  # one open at a time
    services_restricted.end_restricted(by=chair, stretch=stretch)
    stretch.refresh_from_db()
    assert stretch.ended_at is not None and stretch.ended_by == chair
    actions = list(AuditEntry.objects.filter(action__in=["recordings.mark_restricted", "recordings.end_restricted"]).values_list("action", "reason"))
    assert actions == [("recordings.mark_restricted", "Công dân nêu tên người tố cáo"), ("recordings.end_restricted", "")]


def test_only_who_may_chair_marks_and_not_after_the_session(live_recording, official):
    with pytest.raises(PermissionDenied):
        services_restricted.mark_restricted(by=official("canboxa"), room=live_recording.room, reason="Bí mật nhà nước")
    LiveRoom.objects.filter(pk=live_recording.room.pk).update(state="closed")
    live_recording.room.refresh_from_db()
    with pytest.raises(ValidationError, match="chỉ đánh dấu được khi đang ghi hình"):
        services_restricted.mark_restricted(by=official("chutich"), room=live_recording.room, reason="Bí mật nhà nước")


def test_the_console_shows_the_button_and_it_marks_from_now(live_recording, client_as):
    client = client_as("chutich")
    central = live_recording.room.central_point()
    response = client.post(f"/ghi-hinh/phong/{live_recording.room.pk}/han-che/", {"reason": "Công dân nêu tên người tố cáo"})
    assert response.status_code == 302 and response["Location"] == f"/phong-truc-tuyen/{live_recording.room.pk}/diem/{central.pk}/"
    assert live_recording.recording.restricted_stretches.filter(ended_at__isnull=True).count() == 1


def test_the_console_panel_offers_the_button_to_the_chair_only(live_recording, official, rf):
    from tiepdan.core import panels

    request = rf.get("/")
    request.user = official("chutich")
    drawn = "".join(panels.render(panels.LIVE_CONSOLE, request, live_recording.room))
    assert "Hạn chế xem từ lúc này" in drawn and 'name="reason" required' in drawn
    request.user = official("canboxa")
    assert panels.render(panels.LIVE_CONSOLE, request, live_recording.room) == []

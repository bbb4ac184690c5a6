from django.core.management import call_command

from tiepdan.live.models import LiveRoom


def test_seed_demo_opens_the_room_of_the_first_online_session(units):
    call_command("seed_demo")
    room = LiveRoom.objects.exclude(state="closed").select_related("session").get()  # the closed one is the recorded past session
    assert room.points.filter(role="central").count() == 1
    assert room.session.agenda_items.exists()
    call_command("seed_demo")  # idempotent: the room is not opened twice
    assert LiveRoom.objects.exclude(state="closed").count() == 1

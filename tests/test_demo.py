"""The demo province of `make run` shows the whole life of a matter: a past session recorded with its chapters,
its conclusion notice issued and signed, the directives' tasks followed up; and seeding twice adds nothing."""
import pytest
from django.core.management import call_command

from tiepdan.documents import signing
from tiepdan.followup.models import Task
from tiepdan.live.models import LiveRoom
from tiepdan.organisations.models import Organisation
from tiepdan.recordings import demo as recordings_demo
from tiepdan.recordings import integrity

pytestmark = pytest.mark.django_db


def test_the_demo_carries_a_past_session_from_recording_to_issued_notice_and_tasks(units, tmp_path, settings):
    settings.TIEPDAN_DATA_DIR = settings.DATA_DIR = tmp_path  # the demo signing identity is written here, not in var/
    call_command("seed_demo")
    # What the server started after the seed reads from its settings (config/settings.py): the demo CA.
    settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "pki" / "ca.pem")]
    committee = Organisation.objects.get(kind=Organisation.Kind.PROVINCE_COMMITTEE, unit__code="20")
    session = recordings_demo.past_session(committee)
    assert session is not None

    recording = session.live_room.recording_archive
    assert recording.state == "finished"
    assert integrity.verify(recording).ok
    assert recording.chapters.count() == 2

    notice = session.conclusion_notice
    assert notice.state == "issued"
    with notice.document.pdf.open("rb") as handle:
        assert signing.verify_pdf(handle.read()).ok, "the demo's notice must come out signed"
    tasks = Task.objects.filter(directive__item__notice=notice)
    assert tasks.exists()

    # The demo's live room of the coming online session is open, once.
    room = LiveRoom.objects.exclude(state="closed").select_related("session").get()
    assert room.points.filter(role="central").count() == 1
    assert room.session.agenda_items.exists()

    call_command("seed_demo")  # idempotent
    assert LiveRoom.objects.count() == 2
    assert Task.objects.filter(directive__item__notice=notice).count() == tasks.count()

"""The demo province's past session (recordings.demo): held to its end, recorded, finished, signed, found by matter."""
from __future__ import annotations

import importlib
import json
import subprocess

import pytest
from django.apps import apps

from tests.conftest import require_tool

pytestmark = pytest.mark.django_db


def seed_until_recordings(orgs) -> None:
    """What ``manage.py seed_demo`` runs up to and including recordings, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("tiepdan.") or config.name == "tiepdan.organisations":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError:
            module = None
        if module is not None:
            module.seed(orgs)
        if config.name == "tiepdan.recordings":
            return


def probe(path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type:format=duration", "-of", "json", str(path)],
                         check=True, capture_output=True, timeout=60).stdout
    return json.loads(out)


@pytest.fixture
def seeded(demo, settings, tmp_path, test_signer):
    require_tool("ffmpeg", "ffmpeg")
    require_tool("ffprobe", "ffprobe")
    settings.RECORDINGS_STORAGE = "local"
    settings.RECORDINGS_LOCAL_DIR = tmp_path / "recordings"
    seed_until_recordings(demo)
    return demo


def test_the_demo_holds_one_past_session_recorded_whole_with_a_chapter_per_matter_once(seeded):
    from django.utils import timezone

    from tiepdan.live.models import EventKind, RoomState
    from tiepdan.recordings import demo as recordings_demo
    from tiepdan.recordings import integrity
    from tiepdan.recordings.models import RecordingState
    from tiepdan.recordings.storage import get_store

    session = recordings_demo.past_session(seeded["committee"])
    assert session is not None and session.status == "closed"
    assert session.date < timezone.localdate()
    room = session.live_room
    assert room.state == RoomState.CLOSED and room.closed_at < timezone.now()

    recording = room.recording_archive
    assert recording.state == RecordingState.FINISHED, recording.problems
    assert recording.problems == []
    session_s = (recording.ended_at - recording.started_at).total_seconds()
    files = list(recording.point_files.select_related("point").order_by("point_id"))
    assert {f.point.role for f in files} == {"central", "component"} and len(files) == 3
    store = get_store()
    for f in files:
        info = probe(store.local_path(f.file.name))
        assert {s["codec_type"] for s in info["streams"]} == {"video", "audio"}
        assert float(info["format"]["duration"]) == pytest.approx(recordings_demo.MEDIA_S, abs=1.0)
        assert f.offset_s + f.duration_s == pytest.approx(session_s, abs=1.0)

    items = list(session.agenda_items.order_by("position"))
    assert len(items) == 2
    chapters = list(recording.chapters.order_by("start_s"))
    assert [c.agenda_item_id for c in chapters] == [i.pk for i in items]
    for chapter, item in zip(chapters, items):
        started = room.events.get(kind=EventKind.MATTER_STARTED, agenda_item=item).at
        assert chapter.start_s == pytest.approx((started - recording.started_at).total_seconds(), abs=0.01)
        assert chapter.end_s - chapter.start_s == pytest.approx(recordings_demo.MATTER_S, abs=0.1)  # the matter's time on the timeline, not milliseconds
        assert chapter.thumbnail and store.exists(chapter.thumbnail.name)
        assert item.minutes.conclusion  # the minutes outcomes' demo drafts the notice from
    assert recording.composed and store.exists(recording.composed.name)
    assert recording.signature and recording.signed_at

    report = integrity.verify(recording)
    assert report.ok, report.problems
    from tiepdan.core import audit

    assert audit.verify_chain().ok  # the session replayed on its scripted clock leaves the audit chains whole

    # A second seed_demo finds it and makes nothing more (one test: seeding costs ffmpeg's time).
    from tiepdan.recordings.models import Recording
    from tiepdan.scheduling.models import ReceptionSession

    before = Recording.objects.count()
    recordings_demo.seed(seeded)
    assert ReceptionSession.objects.filter(ad_hoc_note=recordings_demo.PAST_SESSION_TITLE).count() == 1
    assert Recording.objects.count() == before


def test_without_ffmpeg_the_step_is_skipped_with_a_warning(demo, monkeypatch, caplog):
    from tiepdan.recordings import demo as recordings_demo

    monkeypatch.setattr(recordings_demo.shutil, "which", lambda name: None)
    with caplog.at_level("WARNING", logger="tiepdan.recordings.demo"):
        recordings_demo.seed(demo)
    assert recordings_demo.past_session(demo["committee"]) is None
    assert "Không tìm thấy ffmpeg" in caplog.text

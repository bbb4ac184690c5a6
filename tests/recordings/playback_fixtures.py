"""A finished recording of a 3-point session with two matters, a restricted stretch, and (if asked) real files.

Timeline (seconds after the recording started; 12 s in all): matter A (commune 1's citizen, Sở NN&MT invited)
from 2 to 6, matter B (commune 2's citizen) from 7 to 11, a restricted stretch from 8 to 9 inside B.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone

LENGTH_S = 12.0


@dataclass
class Built:
    recording: object
    session: object
    room: object
    chapters: dict
    point_files: list
    matters: dict
    stretch: object


def _session(demo):
    from tiepdan.organisations.models import Organisation
    from tiepdan.scheduling.models import ReceptionSession, SessionPoint

    now = timezone.now()
    today = timezone.localdate()
    session = ReceptionSession.objects.create(
        province_committee=demo["committee"], kind="periodic", date=today, period_month=today.replace(day=1) - dt.timedelta(days=400),
        online_starts_at=now - dt.timedelta(hours=1), online_ends_at=now + dt.timedelta(hours=2), location="Trụ sở Ban Tiếp công dân tỉnh",
        capacity_seats=15, status="ready")
    SessionPoint.objects.create(session=session, organisation=demo["board"], role="central")
    communes = list(Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=demo["committee"]).order_by("unit__code")[:2])
    for commune in communes:
        SessionPoint.objects.create(session=session, organisation=commune, role="component")
    return session, communes


def _matter(board, commune, n, agencies=()):
    from tiepdan.intake import services as intake
    from tiepdan.intake.services import CitizenData, MatterData

    citizen = CitizenData(full_name=f"Công dân Ghi hình {n}", id_number=f"0200707700{n:02d}", date_of_birth=dt.date(1970, 1, n), commune=commune.unit, address=f"Thôn {n}")
    matter = intake.register_at_board(by=board, citizen=citizen, matter=MatterData(kind="complaint", summary=f"Khiếu nại về đất đai số {n}", wants_online=True))
    if agencies:
        matter.agencies_required.add(*agencies)  # test set-up: the agency the Chairman required
    return matter


def build(demo, official, *, with_files: bool = False) -> Built:
    from tiepdan.live import services as live
    from tiepdan.recordings.models import Chapter, PointFile, Recording, RestrictedStretch
    from tiepdan.recordings.storage import get_store
    from tiepdan.scheduling.models import AgendaItem

    board = official("bantcd")
    session, communes = _session(demo)
    room = live.open_room(by=board, session=session)
    a = _matter(board, communes[0], 1, agencies=[demo["Sở NN&MT"]])
    b = _matter(board, communes[1], 2)
    item_a = AgendaItem.objects.create(session=session, matter=a, position=1)
    item_b = AgendaItem.objects.create(session=session, matter=b, position=2)
    started = timezone.now() - dt.timedelta(minutes=5)
    recording = Recording.objects.create(room=room, state="finished", started_at=started, ended_at=started + dt.timedelta(seconds=LENGTH_S),
                                         finished_at=started + dt.timedelta(seconds=30), retention_until=timezone.localdate() + dt.timedelta(days=3650),
                                         bytes_total=1000)
    chapters = {
        "a": Chapter.objects.create(recording=recording, agenda_item=item_a, title=f"1. {a}", start_s=2, end_s=6),
        "b": Chapter.objects.create(recording=recording, agenda_item=item_b, title=f"2. {b}", start_s=7, end_s=11),
    }
    stretch = RestrictedStretch.objects.create(recording=recording, started_at=started + dt.timedelta(seconds=8), ended_at=started + dt.timedelta(seconds=9),
                                               reason="Công dân nêu tên người tố cáo", marked_by=official("chutich"), agenda_item=item_b)
    files = []
    store = get_store()
    points = sorted(room.points.all(), key=lambda p: (p.role != "central", p.pk))
    with tempfile.TemporaryDirectory() as tmp:
        for i, point in enumerate(points):
            key = f"recordings/{recording.pk}/points/{point.pk}.webm"
            if with_files:
                from tiepdan.recordings.demo_media import make_point_media  # why: ffmpeg only for the tests that play files

                path = make_point_media(Path(tmp) / f"{i}.webm", seconds=LENGTH_S, tone_hz=440 + 220 * i)
                store.put_file(key, path)
                data = path.read_bytes()
            else:
                data = b"not a real file"
                store.put_atomic(key, data)
            files.append(PointFile.objects.create(recording=recording, point=point, file=key, sha256=hashlib.sha256(data).hexdigest(),
                                                  size_bytes=len(data), duration_s=LENGTH_S, offset_s=0.0, has_video=True, has_audio=True))
    return Built(recording, session, room, chapters, files, {"a": a, "b": b}, stretch)


@pytest.fixture
def recorded(demo, official, settings, tmp_path):
    """``recorded(with_files=False)`` → Built (see the module's docstring)."""
    settings.RECORDINGS_LOCAL_DIR = tmp_path / "recordings"

    def make(with_files: bool = False):
        return build(demo, official, with_files=with_files)

    return make

"""The demo province's past session, held from start to end and recorded, so a newcomer sees a whole example.

``seed(orgs)`` (``manage.py seed_demo``, after live's demo and before outcomes' and followup's) makes one ad hoc
reception session of the demo province, dated the working day before today, and carries it through the owning
apps' services exactly as the people would: two matters registered at the Board and approved by the Chairman
(intake, triage), the session created and its agenda filled (scheduling), the room opened, three points
connected (the Chairman's console at the central point, each commune hall on its join link), the session started,
each matter received in turn with its minutes taken (live), every point's MediaRecorder stream handed in as 2 s
WebM slices (``ingest``), the room closed, then the recording finished: per-point files, chapters with their
thumbnails, the signed manifest and the composed export (``finishing.finish``). No other app's model is written
here (tests/core/test_model_ownership.py).

**Time.** The chapters hang on the room's events (``RoomEvent.at``, stamped by live's services with
``timezone.now()``) measured from ``Recording.started_at``; the point files are placed by
``Track.started_at`` (the client's time of slice 0 plus the clock offset taken when the take opened). Driving
the room in real time would put the two matters a few milliseconds apart, and waiting the half minute of the
media is not a demo seed. No live service takes a time (``at=``), and the browser's client times that ingest
accepts place only the media, not the events. So the session is *replayed on a scripted clock*:
``ScriptedClock`` stands in for ``django.utils.timezone.now`` while the services run (and only then), moved
forward to each moment of the script below; every service stamps what it writes with that clock as it would
with the real one, so the session, its events, its slices and its audit entries all tell the same past day.
The browsers' clocks (``client_now_ms``, ``client_time_ms``) are the scripted clock too, as a hall PC's clock
set by NTP is. The scripted day lies in the past, so scheduling's "no date before today" check passes naturally
for the ad hoc session created on it. Finishing and signing run afterwards on the real clock: the manifest is
sealed now, as the background job would seal it after the session.

Timeline (seconds after the chair started the session): every point records from 0.2 s for ``MEDIA_S`` (30 s);
matter 1 from 2 s to 14 s, matter 2 from 16 s to 28 s, each one's minutes saved 3 s before it closes; the takes
close and the chair closes the room just after the last slice (30.6 s).

Idempotent: a province that already has the session (``past_session``) is left as it is. Without ffmpeg and
ffprobe the step is skipped with a warning (the rest of the demo does not need them).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from tiepdan.core.workdays import VN_TZ, working_days_before
from tiepdan.documents import signing
from tiepdan.documents.identity import DEMO_PASSWORD, DemoIdentity
from tiepdan.intake import services as intake
from tiepdan.intake.services import CitizenData, MatterData
from tiepdan.live import services as live
from tiepdan.live.models import LiveRoom, MatterMinutes, PointRole
from tiepdan.organisations.models import Organisation, User
from tiepdan.scheduling import agenda as scheduling_agenda
from tiepdan.scheduling import services as scheduling
from tiepdan.scheduling.models import AdHocReason, ReceptionSession
from tiepdan.triage import services as triage
from tiepdan.triage.rules import Ground

from . import finishing, ingest
from .demo_media import make_point_media, slice_live_webm
from .models import Recording

log = logging.getLogger(__name__)

# How outcomes' and followup's demos (and a newcomer) find the session: its ad hoc note (see ``past_session``).
PAST_SESSION_TITLE = ("Phiên tiếp mẫu đã diễn ra (dữ liệu trình diễn, không có giá trị pháp lý): hai vụ việc đất đai "
                      "của công dân hai xã, cần các sở cùng đối thoại, được tiếp trực tuyến và ghi hình trọn vẹn.")
MIME = "video/webm;codecs=vp8,opus"
MEDIA_S = 30.0          # each point's recording, 15 slices of 2 s
TONES_HZ = (440, 550, 660)
RECORDER_START_S = 0.2  # MediaRecorder starts a moment after the room goes live
UPLOAD_DELAY_S = 0.15   # a slice reaches the server just after it was cut
MATTER_FIRST_S, MATTER_EVERY_S, MATTER_S = 2.0, 14.0, 12.0  # matter n from 2 + 14n s, for 12 s
CLUSTER_LIMIT_MS = 1900  # with a keyframe a second, a new cluster (a slice) every 2 s, as MediaRecorder's timeslice
CHAIR_REASON = "Tiếp đột xuất theo Luật Tiếp công dân 2013, Điều 18 khoản 3: các điểm cầu đã kiểm tra kết nối trong buổi sáng."

# name, CCCD, date of birth, hamlet, summary, request; what was said and concluded at the session
MATTERS = [
    ("Đinh Văn Quảng", "020064007301", dt.date(1964, 3, 9), "Thôn Bản Chu",
     "Khiếu nại việc thu hồi 300 m² đất vườn làm đường liên xã mà chưa được bồi thường phần cây trồng trên đất.",
     "Đề nghị kiểm kê lại cây trồng và bồi thường theo đơn giá của tỉnh.",
     {"citizen_presentation": "Ông Quảng trình bày: năm 2025 UBND xã thu hồi 300 m² đất vườn của gia đình để mở đường liên xã; biên bản kiểm kê bỏ sót 40 cây hồi đang cho thu hoạch, nên phương án bồi thường không có khoản này.",
      "agencies_opinions": "Sở Nông nghiệp và Môi trường: hồ sơ kiểm kê của xã chưa có chữ ký của hộ dân; Sở sẽ cùng xã kiểm kê lại tại thực địa.",
      "conclusion": "Giao Sở Nông nghiệp và Môi trường chủ trì, cùng UBND xã kiểm kê lại cây trồng trên phần đất bị thu hồi, lập phương án bồi thường bổ sung nếu có thiếu sót.",
      "settlement_time_limit": "15 ngày làm việc", "contact_person": "Ông Hoàng Minh Tuấn, chuyên viên Sở Nông nghiệp và Môi trường"}),
    ("Lương Thị Sáu", "020172006642", dt.date(1972, 8, 21), "Bản Nà Pàn",
     "Khiếu nại việc UBND xã xác định sai ranh giới thửa đất ở khi cấp giấy chứng nhận cho hộ liền kề.",
     "Đề nghị đo đạc lại ranh giới và điều chỉnh giấy chứng nhận đã cấp.",
     {"citizen_presentation": "Bà Sáu trình bày: giấy chứng nhận cấp cho hộ liền kề năm 2024 lấn 2 m sang thửa đất ở gia đình bà đã sử dụng ổn định từ năm 1995; bà đã gửi đơn đến xã hai lần chưa được trả lời.",
      "agencies_opinions": "UBND xã: đã tiếp nhận đơn, chưa đo đạc lại vì hộ liền kề vắng nhà. Sở Nông nghiệp và Môi trường: đề nghị đo đạc lại có mặt cả hai hộ.",
      "conclusion": "Giao Sở Nông nghiệp và Môi trường cùng UBND xã đo đạc lại ranh giới có mặt hai hộ, nếu giấy chứng nhận cấp sai thì đề xuất thu hồi, điều chỉnh theo quy định.",
      "settlement_time_limit": "30 ngày", "contact_person": "Bà Nông Thị Hà, Phó Chủ tịch UBND xã"}),
]


class ScriptedClock:
    """``timezone.now`` while the demo's services run: the time the script says, a microsecond more at each reading.

    Only moved forward (``to``), so whatever the services stamp stays in the order it happened. In UTC, as
    ``timezone.now`` answers: what is sealed with the time (the audit chain's MAC) reads the same from the database."""

    def __init__(self, start: dt.datetime):
        self.at = start.astimezone(dt.timezone.utc)
        self._patch = mock.patch.object(timezone, "now", self)

    def __call__(self) -> dt.datetime:
        self.at += dt.timedelta(microseconds=1)
        return self.at

    def to(self, at: dt.datetime) -> None:
        self.at = max(self.at, at.astimezone(dt.timezone.utc))

    def ms(self) -> int:
        return int(self.at.timestamp() * 1000)

    def __enter__(self) -> "ScriptedClock":
        self._patch.start()
        return self

    def __exit__(self, *exc) -> None:
        self._patch.stop()


def past_session(committee: Organisation) -> ReceptionSession | None:
    """The demo province's past session made here (outcomes' and followup's demos carry it on), or None."""
    return ReceptionSession.objects.filter(province_committee=committee, kind="ad_hoc", ad_hoc_note=PAST_SESSION_TITLE).first()


# --- media: what each point's MediaRecorder would have handed in -----------------------------------


def live_slices(source: Path) -> list[tuple[bytes, int]]:
    """``source`` written again as a live stream (no duration, no cues, like MediaRecorder's) and cut where
    ``dataavailable`` would: slice 0 the header and first cluster, then a cluster (2 s) each.
    Returns [(bytes, ms from the take's start)]."""
    stream = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(source), "-c", "copy",
         "-f", "webm", "-live", "1", "-cluster_time_limit", str(CLUSTER_LIMIT_MS), "pipe:1"],
        check=True, capture_output=True, timeout=120).stdout
    return slice_live_webm(stream)


def points_media(folder: Path, count: int) -> list[list[tuple[bytes, int]]]:
    """``count`` points' takes of ``MEDIA_S``: the picture encoded once (``demo_media``; VP8 is the slow part), each
    point its own tone (Opus, cheap), so the player's choice of whose sound to follow is heard."""
    first = make_point_media(folder / "point-0.webm", seconds=MEDIA_S, tone_hz=TONES_HZ[0], fps=10)
    takes = [live_slices(first)]
    for n in range(1, count):
        other = folder / f"point-{n}.webm"
        subprocess.run(
            ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(first),
             "-f", "lavfi", "-i", f"sine=frequency={TONES_HZ[n % len(TONES_HZ)]}:sample_rate=48000:duration={MEDIA_S}",
             "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "libopus", "-b:a", "32k", "-shortest", "-f", "webm", str(other)],
            check=True, capture_output=True, timeout=120)
        takes.append(live_slices(other))
    return takes


# --- the day, through the services --------------------------------------------------------------


@dataclass
class Browser:
    """One hall's PC (or the Chairman's console) recording its point."""

    point: object
    uploader: ingest.Uploader
    conn: str
    slices: list = field(default_factory=list)
    track: object = None


def _approved_matters(orgs: dict, communes: list[Organisation], board: User, chairman: User) -> list:
    """The two citizens registered at the Board, classified, proposed and approved by the Chairman (triage's demo does the same)."""
    agencies = [orgs["Sở NN&MT"], orgs["Sở TC"]]
    matters = []
    for (name, cccd, born, hamlet, summary, request, _minutes), commune in zip(MATTERS, communes):
        citizen = CitizenData(full_name=name, id_number=cccd, date_of_birth=born, commune=commune.unit, address=hamlet, phone=f"0913{cccd[-6:]}")
        data = MatterData(kind="complaint", subject_area="land", summary=summary, request=request, wants_online=True,
                          papers=[{"name": "Đơn khiếu nại", "pages": 2, "state": "bản chính"}])
        matter = intake.register_at_board(by=board, citizen=citizen, matter=data)
        triage.classify(by=board, matter=matter, kind="complaint", subject_area="land", arose_at=f"{hamlet}, {commune.unit.name}", agencies_involved=agencies)
        triage.propose(by=board, matter=matter, ground=Ground.PLAN_MANY_AGENCIES, reason="Vụ việc liên quan nhiều cơ quan, công dân ở xã miền núi đi lại khó khăn.")
        triage.decide(by=chairman, matter=matter, approve=True, reason="Đồng ý tiếp trực tuyến, các sở cùng dự từ điểm cầu trung tâm.")
        matters.append(matter)
    return matters


def _connect(room: LiveRoom, chairman: User, board: User) -> dict[int, Browser]:
    """The Chairman's console at the central point (its media), the minute-taker's PC beside it, each commune hall on its join link."""
    browsers = {}
    central = room.central_point()
    key = f"demo-console-{uuid.uuid4().hex}"
    _, device = live.device_connected(point=central, channel_name="demo-console", user=chairman, device_key=key)
    browsers[central.pk] = Browser(central, ingest.Uploader.from_device_key(key, user=chairman), device.conn)
    _, minutes_pc = live.device_connected(point=central, channel_name="demo-minutes", user=board, device_key=f"demo-minutes-{uuid.uuid4().hex}")
    browsers[-central.pk] = Browser(central, ingest.Uploader.from_device_key("", user=board), minutes_pc.conn)  # records nothing
    for point in room.points.filter(role=PointRole.COMPONENT).order_by("pk"):
        key = f"demo-hall-{uuid.uuid4().hex}"
        link, token = live.issue_join_link(by=board, point=point)
        live.redeem_join_link(token=token, device_key=key)
        point, device = live.device_connected(point=point, channel_name=f"demo-hall-{point.pk}", link_id=link.pk, device_key=key)
        live.admit(by=chairman, point=point)
        browsers[point.pk] = Browser(point, ingest.Uploader.from_device_key(key, link_ids={str(point.pk): link.pk}), device.conn)
    return browsers


def _hold(clock: ScriptedClock, room: LiveRoom, items: list, browsers: dict[int, Browser], chairman: User, board: User) -> LiveRoom:
    """From the chair's «Bắt đầu phiên» to the close: the slices arrive every 2 s while the matters are received."""
    started = clock.at
    room = live.start_session(by=chairman, room=room, reason=CHAIR_REASON)
    at = lambda s: started + dt.timedelta(seconds=s)  # noqa: E731
    clock.to(at(RECORDER_START_S))
    take_start_ms = clock.ms()
    recorders = [b for b in browsers.values() if b.slices]
    for browser in recorders:
        browser.point.refresh_from_db()
        browser.track, _ = ingest.open_track(room=room, point=browser.point, source="own", take=uuid.uuid4(), mime_type=MIME,
                                             client_now_ms=clock.ms(), by=browser.uploader)
    steps = []  # (seconds after the start, what happens)
    for browser in recorders:
        for seq, (data, ms) in enumerate(browser.slices):
            ends_s = browser.slices[seq + 1][1] / 1000 if seq + 1 < len(browser.slices) else MEDIA_S
            steps.append((RECORDER_START_S + ends_s + UPLOAD_DELAY_S, ("slice", browser, seq, data, take_start_ms + ms)))
    for n, item in enumerate(items):
        begins_s = MATTER_FIRST_S + MATTER_EVERY_S * n
        steps += [(begins_s, ("start", item)), (begins_s + MATTER_S - 3.0, ("minutes", item)), (begins_s + MATTER_S, ("close", item))]
    for when, step in sorted(steps, key=lambda s: s[0]):
        clock.to(at(when))
        if step[0] == "slice":
            _, browser, seq, data, client_ms = step
            ingest.ingest_slice(track=ingest.track_for_upload(browser.track.pk), seq=seq, data=data, sha256_hex=hashlib.sha256(data).hexdigest(),
                                client_time_ms=client_ms, by_device=browser.uploader)
        elif step[0] == "start":
            room = live.start_matter(by=chairman, room=room, item=step[1])
        elif step[0] == "minutes":
            minutes = MatterMinutes.objects.get(agenda_item=step[1])
            said = next(m[6] for m in MATTERS if m[1] == step[1].matter.citizen.id_number)
            live.save_minutes(by=board, minutes=minutes, base_version=minutes.version, answered_at_once=False, **said)
        else:
            room = live.close_matter(by=chairman, room=room)
    clock.to(at(RECORDER_START_S + MEDIA_S + 0.2))
    for browser in recorders:
        ingest.close_take(track=ingest.track_for_upload(browser.track.pk), last_seq=len(browser.slices) - 1, by=browser.uploader)
    clock.to(at(RECORDER_START_S + MEDIA_S + 0.4))
    room = live.close_room(by=chairman, room=room)
    clock.to(at(RECORDER_START_S + MEDIA_S + 1.0))
    for browser in browsers.values():
        live.device_disconnected(conn=browser.conn, user=browser.uploader.user)
    return room


@contextlib.contextmanager
def _demo_signer():
    """The demo identity documents' demo made a moment ago, when this process's settings (read before it existed) name none.

    ``make run`` seeds before it serves: the server reads the same files at its start (config/settings.py)."""
    identity = DemoIdentity(directory=Path(settings.DATA_DIR) / "pki", created=False)
    if signing.signing_configured() or not identity.pkcs12.is_file():
        yield
        return
    with override_settings(SIGNING_PKCS12_PATH=str(identity.pkcs12), SIGNING_PKCS12_PASSWORD=DEMO_PASSWORD, SIGNING_TRUST_ROOTS=[str(identity.ca_pem)]):
        yield


def seed(orgs: dict) -> None:
    committee = orgs["committee"]
    if past_session(committee) is not None:
        return
    if not (shutil.which("ffmpeg") and shutil.which("ffprobe")):
        log.warning("Không tìm thấy ffmpeg hoặc ffprobe trên máy: bỏ qua phiên tiếp mẫu đã ghi hình của dữ liệu trình diễn. "
                    "Cài gói ffmpeg rồi chạy lại «manage.py seed_demo».")
        return
    board, chairman = User.objects.get(username="bantcd"), User.objects.get(username="chutich")
    communes = [orgs["commune"], *Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=committee)
                .exclude(pk=orgs["commune"].pk).order_by("unit__code")[:1]]
    day = working_days_before(timezone.localdate(), 1)
    registered = dt.datetime.combine(working_days_before(day, 5), dt.time(9, 0), VN_TZ)
    starts = dt.datetime.combine(day, dt.time(14, 0), VN_TZ)

    with transaction.atomic(), tempfile.TemporaryDirectory(prefix="tiepdan-demo-") as tmp:
        media = points_media(Path(tmp), 3)
        with ScriptedClock(registered) as clock:
            matters = _approved_matters(orgs, communes, board, chairman)
            clock.to(registered + dt.timedelta(hours=1))
            session = scheduling.create_ad_hoc_session(by=board, province_committee=committee, date=day, starts=dt.time(14, 0), ends=dt.time(17, 0),
                                                       reason=AdHocReason.URGENT_COMPLEX, note=PAST_SESSION_TITLE)
            scheduling_agenda.fill_agenda(by=board, session=session)
            scheduling.assign_minute_taker(by=board, session=session, minute_taker=board)
            clock.to(starts - dt.timedelta(minutes=15))
            room = live.open_room(by=board, session=session)
            browsers = _connect(room, chairman, board)
            for browser, slices in zip((b for pk, b in browsers.items() if pk > 0), media):
                browser.slices = slices
            items = [session.agenda_items.get(matter=m) for m in matters]
            clock.to(starts)
            room = _hold(clock, room, items, browsers, chairman, board)
        # On the real clock, as the background job after the session; the room's hooks run when this commits and find it finished.
        recording = Recording.objects.get(room=room)
        with _demo_signer():
            finishing.finish(recording)

"""The figures of ``reports.statistics`` that test_statistics.py leaves out: carried over, readiness, link quality, hours.

Each test builds on the month of conftest.py (November 2026 in Lạng Sơn: the periodic session of Monday 16 November,
14:00, with commune A's and commune B's citizens, and the ad hoc session of Friday 20 November, 08:00, with commune
A's; both held; the periodic session of 15 December still planned). Commune A is Phường Đông Kinh (``canboxa`` works
there), commune B Phường Lương Văn Tri. Here the province's bridge-point registry (bridges.demo) is in place before the
month plans its sessions, so every session point has its bridge point: the central one, commune A's, commune B's.
What each test adds, through the services:

- readiness: tests run at the three points around the sessions' windows (``bridges.rules.test_window_start``:
  5 working days before, so from 9 November for the 16th and from 13 November for the 20th, up to the start);
- carried over: three more citizens approved on 23 November and an ad hoc session on 26 November with room for one;
  the two it cannot take move to 15 December; one of them is carried again in December;
- hours and quality: the 15 December session held online in its live room, 14:05 to 16:47 (2.7 h), with its
  recording finished, and the link each hall reported.
"""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tiepdan.reports import rules, selectors

pytestmark = pytest.mark.django_db

VN = dt.timezone(dt.timedelta(hours=7))
NOVEMBER, DECEMBER = rules.month_period(2026, 11), rules.month_period(2026, 12)
QUARTER_IV = rules.quarter_period(2026, 4)
NO_ONE_CARRIED = {"matters": 0, "times": []}


@pytest.fixture
def demo(demo, clock):
    """The demo province with its bridge points (Central's, the province's, each commune hall's), registered at the
    month's first clock (2 November) so the demo's own sample test at commune B's hall (two days earlier, 31 October)
    lies before every window here. Overrides tests/conftest.py's ``demo`` for this module, so ``month`` sees it."""
    from tiepdan.bridges import demo as bridges_demo

    bridges_demo.seed(demo)
    return demo


def _figures(official, username, scope_key=None, period=NOVEMBER):
    """What ``username`` reads on the statistics page (as in test_statistics.py)."""
    user = official(username)
    return selectors.statistics_for(user, scope=selectors.resolve_scope(user, scope_key), period=period)


_serial = itertools.count(1)


def _approved(official, commune_unit):
    """A citizen registered at the Board, proposed and approved: conftest's ``_register``, with its own id numbers
    (conftest.py is loaded as ``reports.conftest``; importing it as ``tests.reports.conftest`` would give a second
    copy whose serial starts again at 1, and its citizens' id numbers would collide with the month's)."""
    from tiepdan.intake import services as intake
    from tiepdan.intake.services import CitizenData, MatterData
    from tiepdan.triage import services as triage
    from tiepdan.triage.rules import Ground

    n = next(_serial)
    board, chairman = official("bantcd"), official("chutich")
    citizen = CitizenData(full_name=f"Công dân Thống kê {n:02d}", id_number=f"020069{700000 + n:06d}", date_of_birth=dt.date(1969, 5, 2),
                          commune=commune_unit, address=f"Thôn {n}")
    data = MatterData(kind="complaint", subject_area="land", summary=f"Khiếu nại đất đai số {n}", request="Đề nghị được gặp Chủ tịch.", wants_online=True,
                      papers=[{"name": "Đơn", "pages": 1, "state": "bản chính"}])
    matter = intake.register_at_board(by=board, citizen=citizen, matter=data)
    triage.classify(by=board, matter=matter, kind="complaint", subject_area="land")
    triage.propose(by=board, matter=matter, ground=Ground.ART20_OTHER, reason="Cần đối thoại trực tiếp với Chủ tịch.")
    triage.decide(by=chairman, matter=matter, approve=True, reason="Đồng ý tiếp.")
    matter.refresh_from_db()
    return matter


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of November 2026, Vietnam time."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=VN)


# --- Readiness ---------------------------------------------------------------------------------------------
GOOD = {"camera_ok": True, "microphone_ok": True, "connected": True, "uplink_kbps": 40_000, "downlink_kbps": 40_000, "rtt_ms": 20, "packet_loss_pct": 0}
SLOW = {**GOOD, "uplink_kbps": 2_100}  # under the 5 Mbps a commune hall needs: not passed


@pytest.fixture
def tested(month, official, demo):
    """Readiness tests at the month's three points, recorded through ``bridges.services`` (``ran_at`` in the past,
    as the readiness tests of tests/scheduling do):

    - central point: passed on 13 Nov 10:00, inside both windows: first try for both sessions;
    - commune A: passed at 00:00 on 9 Nov (the first moment of the periodic session's window; before the ad hoc
      one's), then for the ad hoc session failed on 18 Nov 09:00 and passed at 10:00;
    - commune B: passed at 23:59 on 8 Nov (a minute before the periodic session's window) and at 14:00 on 16 Nov
      (the session's start): neither counts, so B is not tested.
    """
    from tiepdan.bridges import rules as bridge_rules
    from tiepdan.bridges import selectors as bridges
    from tiepdan.bridges import services

    assert bridge_rules.test_window_start(month.periodic.online_starts_at) == _at(9, 0)
    assert bridge_rules.test_window_start(month.ad_hoc.online_starts_at) == _at(13, 0)
    central = bridges.central_point_for(demo["committee"])
    a, b = (bridges.commune_point_for(c.unit) for c in month.communes)

    def run(point, by, measured, at):
        services.record_readiness_test(by=official(by), point=point, measurement=bridge_rules.Measurement(**measured), ran_at=at)

    run(central, "cntt", GOOD, _at(13, 10))
    run(a, "cnttxa", GOOD, _at(9, 0))
    run(a, "cnttxa", SLOW, _at(18, 9))
    run(a, "cnttxa", GOOD, _at(18, 10))
    run(b, "cntt", GOOD, _at(9, 0) - dt.timedelta(minutes=1))
    run(b, "cntt", GOOD, month.periodic.online_starts_at)
    return month


def test_the_months_session_points_have_their_bridge_points(month):
    from tiepdan.scheduling.models import SessionPoint

    with_bridge = SessionPoint.objects.filter(session__in=[month.periodic, month.ad_hoc], bridge_point__isnull=False)
    a, b = month.communes
    committee = month.periodic.province_committee_id
    assert set(with_bridge.values_list("session_id", "organisation_id")) == {
        (month.periodic.pk, committee), (month.periodic.pk, a.pk), (month.periodic.pk, b.pk), (month.ad_hoc.pk, committee), (month.ad_hoc.pk, a.pk),
    }


def test_readiness_counts_each_points_first_test_in_its_sessions_window(tested, official):
    # 5 points (3 at the 16th, 2 at the 20th); commune B untested (its tests fall outside the window);
    # first try: the central point twice and commune A at the 16th; commune A at the 20th failed first.
    assert _figures(official, "bantcd").readiness == {"points": 5, "tested": 4, "first_try": 3, "share": "75,0%"}


def test_a_commune_sees_the_readiness_of_its_own_points_only(tested, official):
    assert _figures(official, "canboxa").readiness == {"points": 2, "tested": 2, "first_try": 1, "share": "50,0%"}
    commune_b = _figures(official, "thanhtra", str(tested.communes[1].pk))
    assert commune_b.readiness == {"points": 1, "tested": 0, "first_try": 0, "share": "0,0%"}


def test_readiness_of_a_month_without_a_held_session_is_empty(tested, official):
    assert _figures(official, "bantcd", period=DECEMBER).readiness == {"points": 0, "tested": 0, "first_try": 0, "share": "0,0%"}


# --- Carried over --------------------------------------------------------------------------------------------
def _small_ad_hoc(official, month, day: dt.date):
    from tiepdan.scheduling import services
    from tiepdan.scheduling.models import AdHocReason

    return services.create_ad_hoc_session(by=official("bantcd"), province_committee=month.periodic.province_committee, date=day,
                                          starts=dt.time(8, 0), ends=dt.time(9, 0), reason=AdHocReason.URGENT_COMPLEX,
                                          note="Tiếp một công dân có vụ việc khẩn cấp", capacity_seats=1)


@pytest.fixture
def carried(month, official, clock):
    """On 23 November three citizens are approved (A, then B, then A); the ad hoc session of 26 November has room
    for one: the first is placed, the other two are carried to 15 December (scheduling's change notices)."""
    from tiepdan.scheduling import agenda

    a, b = (c.unit for c in month.communes)
    clock.set(dt.date(2026, 11, 23), 10, 0)
    placed, b_citizen, a_citizen = _approved(official, a), _approved(official, b), _approved(official, a)
    result = agenda.fill_agenda(by=official("bantcd"), session=_small_ad_hoc(official, month, dt.date(2026, 11, 26)))
    assert [i.matter for i in result.placed] == [placed]
    assert [i.matter for i in result.carried] == [b_citizen, a_citizen] and result.carried_to == month.december
    month.matters.update(placed=placed, b_carried=b_citizen, a_carried=a_citizen)
    return month


def _carry_again_in_december(month, official, clock):
    """Both carried citizens ask to be received earlier: the Board takes them off 15 December's agenda and an ad hoc
    session of 3 December (room for one) receives B's; A's is carried a second time, back to 15 December."""
    from tiepdan.scheduling import agenda

    board = official("bantcd")
    clock.set(dt.date(2026, 12, 1), 9, 0)
    for key in ("b_carried", "a_carried"):
        item = month.december.agenda_items.get(matter=month.matters[key])
        agenda.remove_from_agenda(by=board, item=item, reason="Công dân đề nghị được tiếp sớm hơn")
    result = agenda.fill_agenda(by=board, session=_small_ad_hoc(official, month, dt.date(2026, 12, 3)))
    assert [i.matter for i in result.placed] == [month.matters["b_carried"]]
    assert [i.matter for i in result.carried] == [month.matters["a_carried"]] and result.carried_to == month.december


def test_matters_carried_out_of_a_full_session_of_the_month(carried, official):
    assert _figures(official, "bantcd").carried == {"matters": 2, "times": [{"times": 1, "matters": 2}]}
    assert _figures(official, "canboxa").carried == {"matters": 1, "times": [{"times": 1, "matters": 1}]}
    # Counted in the month of the session they left, not of the one they moved to.
    assert _figures(official, "bantcd", period=DECEMBER).carried == NO_ONE_CARRIED


def test_a_matter_carried_twice_counts_the_times_carried_so_far(carried, official, clock):
    _carry_again_in_december(carried, official, clock)
    # November is as it was: by its end each had been carried once.
    assert _figures(official, "bantcd").carried == {"matters": 2, "times": [{"times": 1, "matters": 2}]}
    # December: only A's citizen left a December session, and by then it had been carried twice.
    assert _figures(official, "bantcd", period=DECEMBER).carried == {"matters": 1, "times": [{"times": 2, "matters": 1}]}
    assert _figures(official, "canboxa", period=DECEMBER).carried == {"matters": 1, "times": [{"times": 2, "matters": 1}]}
    assert _figures(official, "thanhtra", str(carried.communes[1].pk), period=DECEMBER).carried == NO_ONE_CARRIED
    # The quarter: two matters, one carried once, one twice.
    assert _figures(official, "bantcd", period=QUARTER_IV).carried == {"matters": 2, "times": [{"times": 1, "matters": 1}, {"times": 2, "matters": 1}]}


# --- Hours and link quality ------------------------------------------------------------------------------------
@pytest.fixture
def held_online(month, official, clock, monkeypatch, settings, tmp_path, test_signer, django_capture_on_commit_callbacks):
    """The 15 December session held online through ``live.services``, with one citizen of each commune:

    - the room opened at 13:45; the Chairman's console at the central point; both halls admitted;
    - started at 14:05 (its recording starts with it, ``recordings.ingest.start_recording``), closed at 16:47;
      then the recording's finishing job runs (as tests/recordings/test_jobs_in_tests.py runs it);
    - commune A's hall measured its link at 14:30, lost its connection, came back (1 reconnection) and measured
      again at 15:00 (the last measure); commune B's measured once at 14:40; the central point reported nothing.

    The room's pushes to browsers are left out (none is connected), as in tests/recordings/ingest_fixtures.py.
    """
    from tiepdan.live import realtime, services
    from tiepdan.recordings.models import Recording
    from tiepdan.recordings.tasks import finish_recording
    from tiepdan.scheduling import agenda

    monkeypatch.setattr(realtime, "push_snapshot", lambda *a, **k: None)
    monkeypatch.setattr(realtime, "push_devices", lambda *a, **k: None)
    settings.RECORDINGS_STORAGE, settings.RECORDINGS_LOCAL_DIR = "local", tmp_path / "recordings"
    board, chairman = official("bantcd"), official("chutich")
    a, b = month.communes
    clock.set(dt.date(2026, 12, 1), 9, 0)
    for commune in (a, b):
        _approved(official, commune.unit)
    agenda.fill_agenda(by=board, session=month.december)

    clock.set(dt.date(2026, 12, 15), 13, 45)
    room = services.open_room(by=board, session=month.december)
    hall_a, hall_b = room.points.get(organisation=a), room.points.get(organisation=b)
    services.device_connected(point=room.central_point(), channel_name="console", user=chairman, device_key="console-of-the-chair")
    for hall in (hall_a, hall_b):
        services.device_connected(point=hall, channel_name=f"hall-{hall.pk}")
        services.admit(by=chairman, point=hall)
    clock.set(dt.date(2026, 12, 15), 14, 5)
    with django_capture_on_commit_callbacks(execute=True):
        room = services.start_session(by=chairman, room=room, reason="Các điểm cầu đã kết nối, chưa đánh dấu sẵn sàng")

    clock.set(dt.date(2026, 12, 15), 14, 30)
    hall_a.refresh_from_db()
    services.report_quality(point=hall_a, conn=hall_a.conn, quality={"rtt_ms": 320, "loss_pct": 6.5, "bitrate_kbps": 310})
    services.device_disconnected(conn=hall_a.conn)
    hall_a, _ = services.device_connected(point=hall_a, channel_name="hall-a-again")
    clock.set(dt.date(2026, 12, 15), 14, 40)
    hall_b.refresh_from_db()
    services.report_quality(point=hall_b, conn=hall_b.conn, quality={"rtt_ms": 40, "loss_pct": 0, "bitrate_kbps": 1200})
    clock.set(dt.date(2026, 12, 15), 15, 0)
    services.report_quality(point=hall_a, conn=hall_a.conn, quality={"rtt_ms": 85, "loss_pct": 0.4, "bitrate_kbps": 950})

    clock.set(dt.date(2026, 12, 15), 16, 47)
    with django_capture_on_commit_callbacks(execute=True):
        room = services.close_room(by=chairman, room=room)
    recording = Recording.objects.get(room=room)
    assert finish_recording.call_local(recording.pk) == "finished"
    return month


def _quality_by_point(stats):
    """The quality rows by point name: their order follows the database's collation of the names (Đ against L)."""
    return {row["point"]: {k: v for k, v in row.items() if k != "point"} for row in stats.quality}


def test_hours_and_link_quality_of_the_room_held_in_december(held_online, official, demo):
    a, b = held_online.communes
    stats = _figures(official, "bantcd", period=DECEMBER)
    assert stats.sessions["held"] == 1 and stats.hours == {"live_h": 2.7, "recorded_h": 2.7}  # 14:05 to 16:47
    assert len(stats.quality) == 3
    assert _quality_by_point(stats) == {
        str(demo["committee"]): {"session": "15/12/2026", "reconnects": 0, "rtt_ms": None, "loss_pct": None, "bitrate_kbps": None},
        str(a): {"session": "15/12/2026", "reconnects": 1, "rtt_ms": 85.0, "loss_pct": 0.4, "bitrate_kbps": 950.0},
        str(b): {"session": "15/12/2026", "reconnects": 0, "rtt_ms": 40.0, "loss_pct": 0.0, "bitrate_kbps": 1200.0},
    }
    # November's sessions were held without a live room: no hours, no quality, and December's room is not counted there.
    november = _figures(official, "bantcd")
    assert november.hours == {"live_h": 0.0, "recorded_h": 0.0} and november.quality == []
    assert _figures(official, "bantcd", period=QUARTER_IV).hours == {"live_h": 2.7, "recorded_h": 2.7}


def test_a_commune_sees_only_its_own_points_link(held_online, official):
    a, b = held_online.communes
    own = _figures(official, "canboxa", period=DECEMBER)
    assert own.quality == [{"session": "15/12/2026", "point": str(a), "reconnects": 1, "rtt_ms": 85.0, "loss_pct": 0.4, "bitrate_kbps": 950.0}]
    assert own.hours == {"live_h": 2.7, "recorded_h": 2.7}  # the hours of the sessions that received its citizens
    commune_b = _figures(official, "thanhtra", str(b.pk), period=DECEMBER)
    assert [row["point"] for row in commune_b.quality] == [str(b)]

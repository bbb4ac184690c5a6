"""A month of reception built through the real services (intake, triage, scheduling), at a fixed clock.

November 2026 in Lạng Sơn:
- the periodic session of 16 November (the 15th is a Sunday), chaired by the Chairman himself: commune A's three
  citizens, commune B's delegation (12 people, 3 representatives) and one citizen of commune B;
- an ad hoc session on 20 November, chaired by the deputy the Chairman authorised: two citizens of commune A,
  one of them a denunciation;
- one matter of commune B the Board declined (not proposed) with a written reply;
- a periodic session in December and a cancelled ad hoc one, which November's figures must not count.
So November has 2 kỳ / 7 lượt / 9 lượt công dân, of which 1 lượt đoàn đông người / 3 lượt công dân (12 people);
by locality: commune A 5 lượt công dân (55,6%), commune B 4 (44,4%).
"""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest

VN = dt.timezone(dt.timedelta(hours=7))


class Clock:
    """``timezone.now`` for the services, moved by the test as the month goes on (every caller reads it at call time)."""

    def __init__(self, start: dt.datetime):
        self.moment = start

    def now(self) -> dt.datetime:
        return self.moment

    def set(self, day: dt.date, hour: int = 9, minute: int = 0) -> None:
        self.moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN).astimezone(dt.UTC)


@pytest.fixture
def clock(monkeypatch):
    from django.utils import timezone

    c = Clock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=VN).astimezone(dt.UTC))
    monkeypatch.setattr(timezone, "now", c.now)
    return c


@dataclass
class Month:
    communes: list
    periodic: object
    ad_hoc: object
    december: object
    matters: dict = field(default_factory=dict)


_serial = itertools.count(1)


def _register(official, commune_unit, *, kind="complaint", subject="land", members=1, representatives=1, approve=True, name=None):
    from tiepdan.intake import services as intake
    from tiepdan.intake.services import CitizenData, MatterData
    from tiepdan.triage import services as triage
    from tiepdan.triage.rules import Ground

    n = next(_serial)
    board, chairman = official("bantcd"), official("chutich")
    others = [CitizenData(full_name=f"Người đại diện {n}-{k}", id_number=f"020170{800000 + n * 10 + k:06d}", date_of_birth=dt.date(1970, 1, 1), commune=commune_unit, address="Thôn Pác Mòng") for k in range(1, representatives)]
    citizen = CitizenData(full_name=name or f"Công dân Báo cáo {n:02d}", id_number=f"020068{900000 + n:06d}", date_of_birth=dt.date(1968, 3, 12), commune=commune_unit, address=f"Thôn {n}")
    data = MatterData(kind=kind, subject_area=subject, summary=f"Nội dung số {n} về {subject}", request="Đề nghị được gặp Chủ tịch.", wants_online=True,
                      members_count=members, other_representatives=others, papers=[{"name": "Đơn", "pages": 1, "state": "bản chính"}])
    matter = intake.register_at_board(by=board, citizen=citizen, matter=data)
    triage.classify(by=board, matter=matter, kind=kind, subject_area=subject)
    if approve:
        triage.propose(by=board, matter=matter, ground=Ground.ART20_OTHER, reason="Cần đối thoại trực tiếp với Chủ tịch.")
        triage.decide(by=chairman, matter=matter, approve=True, reason="Đồng ý tiếp.")
    matter.refresh_from_db()
    return matter


def _hold(session, *, chair, clock, day):
    from tiepdan.scheduling import services

    clock.set(day, 14, 0)
    services.begin_reception(by=chair, session=session, reason="Các điểm cầu đã kết nối trước giờ tiếp")
    clock.set(day, 16, 30)
    services.end_reception(by=chair, session=session)
    session.refresh_from_db()


@pytest.fixture
def month(demo, official, clock):
    from tiepdan.organisations.models import Organisation
    from tiepdan.organisations.services import authorise_deputy
    from tiepdan.scheduling import agenda, services
    from tiepdan.scheduling.models import AdHocReason
    from tiepdan.triage import services as triage

    committee = demo["committee"]
    communes = list(Organisation.objects.filter(kind=Organisation.Kind.COMMUNE_COMMITTEE, parent=committee).order_by("unit__code")[:2])
    a, b = communes[0].unit, communes[1].unit
    board, chairman, deputy = official("bantcd"), official("chutich"), official("phochutich")
    periodic, december = services.generate_periodic_sessions(by=None, province_committee=committee, today=dt.date(2026, 11, 2), months=2)
    matters = {
        "a1": _register(official, a), "a2": _register(official, a, subject="policy"), "a3": _register(official, a, kind="recommendation"),
        "b_delegation": _register(official, b, members=12, representatives=3, subject="compensation"), "b1": _register(official, b, kind="reflection"),
    }
    declined = _register(official, b, approve=False)
    clock.set(dt.date(2026, 11, 5))
    triage.decline(by=board, matter=declined, reason="Nội dung đã được giải quyết đúng thẩm quyền", advice="Liên hệ UBND xã để được hướng dẫn.")
    matters["declined"] = declined
    agenda.fill_agenda(by=board, session=periodic)
    _hold(periodic, chair=chairman, clock=clock, day=periodic.date)

    clock.set(dt.date(2026, 11, 17))
    authorise_deputy(by=chairman, deputy=deputy, valid_from=dt.date(2026, 11, 17), valid_until=dt.date(2026, 11, 30), document_number="05/GUQ-UBND")
    ad_hoc = services.create_ad_hoc_session(by=board, province_committee=committee, date=dt.date(2026, 11, 20), starts=dt.time(8, 0), ends=dt.time(11, 0),
                                            reason=AdHocReason.URGENT_COMPLEX, note="Vụ việc phức tạp ở xã A")
    services.assign_chair(by=board, session=ad_hoc, chair=deputy)
    matters["a4"] = _register(official, a)
    matters["a5"] = _register(official, a, kind="denunciation", subject="officials_conduct")
    agenda.fill_agenda(by=board, session=ad_hoc)
    _hold(ad_hoc, chair=deputy, clock=clock, day=ad_hoc.date)

    clock.set(dt.date(2026, 11, 23))
    cancelled = services.create_ad_hoc_session(by=board, province_committee=committee, date=dt.date(2026, 11, 27), starts=dt.time(8, 0), ends=dt.time(9, 0),
                                               reason=AdHocReason.URGENT_COMPLEX, note="Dự kiến tiếp đoàn")
    services.cancel_session(by=board, session=cancelled, reason="Công dân đã rút yêu cầu")
    clock.set(dt.date(2026, 12, 1), 8, 0)
    return Month(communes=communes, periodic=periodic, ad_hoc=ad_hoc, december=december, matters=matters)

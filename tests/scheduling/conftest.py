"""Scheduling fixtures: the Lạng Sơn demo province with its calendar, at a fixed 'today'."""
import datetime as dt

import pytest


@pytest.fixture
def today():
    # A Monday in November 2026: the next sessions are 16 Nov (15th is a Sunday), 15 Dec, 15 Jan.
    return dt.date(2026, 11, 2)


@pytest.fixture
def sessions(demo, today):
    from tiepdan.scheduling import services

    return services.generate_periodic_sessions(by=None, province_committee=demo["committee"], today=today, months=3)


@pytest.fixture
def approved_matter(demo, official):
    """``approved_matter(commune_unit, registered_at, ...)``: a matter registered at the Board, proposed and approved, through the real services."""
    import itertools

    from tiepdan.intake import services as intake
    from tiepdan.intake.services import CitizenData, MatterData
    from tiepdan.triage import services as triage
    from tiepdan.triage.rules import Ground

    serial = itertools.count(1)
    board, chairman = official("bantcd"), official("chutich")

    def make(commune, registered_at, *, wants_online=True, members=1, representatives=1, name=None, agencies=()):
        n = next(serial)
        others = [CitizenData(full_name=f"Người đại diện {n}-{k}", id_number=f"0201700{n:03d}{k:02d}", date_of_birth=dt.date(1970, 1, 1), commune=commune, address="Thôn Pác Mòng") for k in range(1, representatives)]
        citizen = CitizenData(full_name=name or f"Công dân Thử {n:02d}", id_number=f"0200680{n:05d}", date_of_birth=dt.date(1968, 3, 12), commune=commune, address=f"Thôn {n}", email=f"congdan{n}@example.vn")
        data = MatterData(kind="complaint", subject_area="land", summary=f"Khiếu nại bồi thường đất đai số {n}", request="Đề nghị được gặp Chủ tịch.", wants_online=True, members_count=members, other_representatives=others,
                          papers=[{"name": "Đơn", "pages": 1, "state": "bản chính"}])
        matter = intake.register_at_board(by=board, citizen=citizen, matter=data, received_at=registered_at)
        triage.classify(by=board, matter=matter, kind="complaint", subject_area="land", agencies_involved=list(agencies))
        triage.propose(by=board, matter=matter, ground=Ground.ART20_OTHER, reason="Theo yêu cầu thực tiễn, cần đối thoại trực tiếp.")
        triage.decide(by=chairman, matter=matter, approve=True, reason="Đồng ý tiếp.", agencies_required=list(agencies))
        if not wants_online:  # triage proposes only with consent; the citizen may withdraw it afterwards
            intake.record_online_consent(by=board, matter=matter, consent=False)
        matter.refresh_from_db()
        return matter

    return make

"""Demo calendar for Lạng Sơn: the coming periodic sessions, the first with an agenda from the approved demo matters."""
from __future__ import annotations

from tiepdan.organisations.models import User

from . import agenda, selectors, services
from .models import ReceptionSession, SessionStatus


# Each province's own plan (docs/LEGAL.md, "The provincial plans"), cited by its pages; keyed by the province's unit code.
PLAN_TEXTS = {
    "20": {  # Lạng Sơn, plan 004
        "plan_reference": "Đề án tiếp công dân trực tuyến của Chủ tịch UBND tỉnh Lạng Sơn (ban hành kèm theo Quyết định số 2193/QĐ-UBND ngày 05/12/2024)",
        "plan_bridge_requirement": "mục II.1.2.b: các điểm cầu phải đảm bảo về cơ sở vật chất, điều kiện kỹ thuật; truyền tải hình ảnh, âm thanh thông suốt; đảm bảo an ninh, an toàn thông tin",
    },
    "24": {  # Bắc Ninh, plan 000
        "plan_reference": "Kế hoạch triển khai mô hình tiếp công dân trực tuyến trên địa bàn tỉnh Bắc Ninh (2026)",
        "plan_bridge_requirement": "mục I.2: các điểm cầu phải đảm bảo cơ sở hạ tầng, hệ thống lưu trữ dữ liệu, kết nối thông suốt để truyền tải hình ảnh, âm thanh",
    },
}


def seed_plan_texts(committee, by: User) -> None:
    """The demo province cites its own plan; a province without one in PLAN_TEXTS cites none."""
    texts = PLAN_TEXTS.get(committee.unit.code if committee.unit_id else "")
    conf = selectors.settings_for(committee)
    if texts and not conf.plan_reference:
        services.update_settings(by=by, province_committee=committee, **texts)


def seed(orgs: dict) -> None:
    committee = orgs["committee"]
    board = User.objects.get(username="bantcd")
    seed_plan_texts(committee, board)
    services.generate_periodic_sessions(by=None, province_committee=committee)
    first = ReceptionSession.objects.filter(province_committee=committee, status=SessionStatus.PLANNED).order_by("date").first()
    if first is None or first.agenda_items.exists():
        return
    agenda.fill_agenda(by=board, session=first)
    if first.minute_taker_id is None:
        services.assign_minute_taker(by=board, session=first, minute_taker=board)
    services.invite_organisation(by=board, session=first, organisation=orgs["central_board"], role="observer")

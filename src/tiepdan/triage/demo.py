"""Demo triage for `make run`: intake's demo matters taken as far as their ``fate`` says, through triage's services."""
from __future__ import annotations

from tiepdan.intake.demo import DEMO
from tiepdan.intake.models import Matter, MatterState
from tiepdan.organisations.models import User

from . import services
from .rules import Ground


def seed(orgs: dict) -> None:
    committee = orgs["committee"]
    board, chairman = (User.objects.get(username=u) for u in ("bantcd", "chutich"))
    agencies = [orgs["Sở NN&MT"], orgs["Sở TC"]]
    for name, cccd, born, hamlet, kind, area, summary, fate, extra in DEMO:
        if fate in ("received_commune", "withdrawn"):
            continue
        matter = Matter.objects.select_related("commune").filter(province_committee=committee, citizen__id_number=cccd).first()
        if matter is None or matter.state != MatterState.RECEIVED:  # not seeded by intake, or triaged by an earlier run
            continue
        services.classify(by=board, matter=matter, kind=kind, subject_area=area, arose_at=f"{hamlet}, {matter.commune.name}", agencies_involved=agencies if fate.startswith("approved") or fate == "proposed" else [],
                          already_settled=fate in ("declined_board", "proposed"), settled_by="UBND tỉnh (quyết định lần đầu)" if fate == "proposed" else ("Tòa án nhân dân tỉnh" if fate == "declined_board" else ""), decision_in_force=fate == "proposed")
        if fate == "classified":
            continue
        if fate == "declined_board":
            services.decline(by=board, matter=matter, reason="Vụ việc đã có bản án có hiệu lực pháp luật, không thuộc thẩm quyền giải quyết của Chủ tịch UBND tỉnh.", advice="Gửi đơn đề nghị giám đốc thẩm đến Tòa án nhân dân cấp cao tại Hà Nội\nLiên hệ Trung tâm Trợ giúp pháp lý nhà nước tỉnh để được hướng dẫn miễn phí")
            continue
        ground = Ground.PLAN_DELEGATION_UNSETTLED if matter.delegation_id else (Ground.PLAN_MANY_AGENCIES if fate != "declined" else Ground.ART20_REMOTE)
        services.propose(by=board, matter=matter, ground=ground, reason="Vụ việc kéo dài, cần các sở liên quan cùng đối thoại với công dân từ điểm cầu xã.")
        if fate == "proposed":
            continue
        if fate == "declined":
            services.decide(by=chairman, matter=matter, approve=False, reason="Vụ việc thuộc thẩm quyền giải quyết của Chủ tịch UBND xã, chưa được xã giải quyết lần đầu.", advice="Gửi đơn đến UBND xã nơi có đất để được giải quyết lần đầu\nNếu không đồng ý với kết quả, khiếu nại đến Chủ tịch UBND tỉnh")
            continue
        services.decide(by=chairman, matter=matter, approve=True, reason="Đồng ý tiếp trực tuyến kỳ tới.", agencies_required=agencies)

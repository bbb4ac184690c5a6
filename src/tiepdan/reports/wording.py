"""The report's sentences, in the plans' own wording, from the figures (``Statistics.as_dict()`` or the object).

«Trong tháng, Chủ tịch UBND tỉnh tiếp định kỳ 01 kỳ / 15 lượt / 18 lượt công dân (tiếp 02 lượt đoàn đông người /
09 lượt công dân)»; then each locality: «Xã A 12 lượt công dân, chiếm 64,8%».
"""
from __future__ import annotations

from .rules import format_count
from .statistics import CHAIRS, KIND_LABELS

IN_PERIOD = {"month": "Trong tháng", "quarter": "Trong quý", "year": "Trong năm", "dates": "Trong kỳ"}
CHAIR_SUBJECT = {"chairman": "Chủ tịch UBND tỉnh", "deputy": "Phó Chủ tịch UBND tỉnh được Chủ tịch ủy quyền", "other": "Người được phân công chủ trì"}


def _get(line, name):
    return line[name] if isinstance(line, dict) else getattr(line, name)


def line_sentence(line) -> str:
    """«Chủ tịch UBND tỉnh tiếp định kỳ 01 kỳ / 15 lượt / 18 lượt công dân (tiếp 02 lượt đoàn đông người / 09 lượt công dân)»."""
    chair, kind = _get(line, "chair"), _get(line, "kind")
    text = (f"{CHAIR_SUBJECT.get(chair, CHAIRS.get(chair, chair))} tiếp {KIND_LABELS.get(kind, kind)} {format_count(_get(line, 'sessions'))} kỳ"
            f" / {format_count(_get(line, 'visits'))} lượt / {format_count(_get(line, 'citizens'))} lượt công dân")
    if _get(line, "delegations"):
        text += f" (tiếp {format_count(_get(line, 'delegations'))} lượt đoàn đông người / {format_count(_get(line, 'delegation_citizens'))} lượt công dân)"
    return text


def reception_paragraph(figures: dict) -> str:
    """The opening sentence: every chair and kind of session held in the period, the Chairman's own first."""
    opening = IN_PERIOD.get(figures["period"]["kind"], "Trong kỳ")
    lines = [ln for ln in figures["lines"] if ln["sessions"]]
    if not lines:
        return f"{opening}, không tổ chức kỳ tiếp công dân nào."
    return f"{opening}, " + "; ".join(line_sentence(ln) for ln in lines) + "."


def localities_paragraph(figures: dict) -> str:
    """«Xã A 12 lượt công dân, chiếm 64,8%; Xã B ...» (shares by the largest remainder: they add up to 100 %)."""
    rows = [r for r in figures["by_locality"] if r["citizens"]]
    if not rows:
        return "Không có công dân nào được tiếp trong kỳ."
    return "Công dân đến từ: " + "; ".join(f"{r['label']} {format_count(r['citizens'])} lượt công dân, chiếm {r['share']}" for r in rows) + "."


def kinds_paragraph(figures: dict) -> str:
    rows = [r for r in figures["by_kind"] if r["count"]]
    if not rows:
        return ""
    return "Phân loại nội dung: " + "; ".join(f"{r['label'].lower()} {format_count(r['count'])} lượt, chiếm {r['share']}" for r in rows) + "."


def registrations_paragraph(figures: dict) -> str:
    r = figures["registrations"]
    text = (f"Tiếp nhận {format_count(r['matters'])} vụ việc đăng ký ({format_count(r['petitions'])} lượt đơn, {format_count(r['delegations'])} đoàn đông người); "
            f"đề xuất tiếp trực tuyến {format_count(r['proposed'])} vụ việc; không tiếp, có văn bản trả lời {format_count(r['declined'])} vụ việc")
    if r.get("refused_form_01"):
        text += f"; thông báo từ chối tiếp (Mẫu 01/TCD) {format_count(r['refused_form_01'])} vụ việc"
    carried = figures["carried"]["matters"]
    if carried:
        text += f"; {format_count(carried)} vụ việc chuyển sang kỳ tiếp sau do kỳ tiếp đã đủ số công dân"
    return text + "."


def commune_paragraph(figures: dict, commune: str) -> str:
    """Bắc Ninh plan §III.6: the commune tells the Chairman how many of its citizens registered, and how they fared."""
    r, t = figures["registrations"], figures["totals"]
    opening = IN_PERIOD.get(figures["period"]["kind"], "Trong kỳ")
    return (f"{opening}, trên địa bàn {commune} có {format_count(r['matters'])} vụ việc của công dân đăng ký tiếp ({format_count(r['people'])} người, "
            f"{format_count(r['delegations'])} đoàn đông người); {format_count(t['visits'])} lượt / {format_count(t['citizens'])} lượt công dân đã được tiếp.")

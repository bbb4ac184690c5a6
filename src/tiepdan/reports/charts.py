"""Charts drawn on the server as SVG: no CDN, no script, nothing the CSP refuses.

Each chart is a horizontal bar chart of rows (label, value), with a ``<title>`` and ``<desc>`` for assistive
technology; the page puts the same figures in a table beside it for those who read rather than look.
Colours come from classes (``reports.css``), and the print view keeps them in grey.
"""
from __future__ import annotations

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from . import rules

WIDTH = 560
LABEL_W = 190
VALUE_W = 70
BAR_H = 22
GAP = 8
MAX_LABEL_CHARS = 30


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def bar_chart(*, chart_id: str, title: str, rows: list[tuple[str, int, str]], unit: str) -> SafeString:
    """``rows``: (label, value, share text or ''). Bars scale to the largest value; an empty chart says so."""
    rows = list(rows)
    height = max(1, len(rows)) * (BAR_H + GAP) + GAP
    biggest = max((value for _, value, _ in rows), default=0)
    span = WIDTH - LABEL_W - VALUE_W
    total = sum(v for _, v, _ in rows)
    desc = "; ".join(f"{label}: {rules.format_count(value)} {unit}" + (f", chiếm {share}" if share else "") for label, value, share in rows) or "Không có số liệu."
    parts = [format_html(
        '<svg class="chart" id="{}" role="img" aria-labelledby="{}-t {}-d" viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
        chart_id, chart_id, chart_id, WIDTH, height, chart_id, title, chart_id, desc,
    )]
    if not rows or total == 0:
        parts.append(format_html('<text class="chart-empty" x="{}" y="{}">Không có số liệu trong kỳ.</text>', GAP, BAR_H))
    for index, (label, value, share) in enumerate(rows):
        y = GAP + index * (BAR_H + GAP)
        width = round(span * value / biggest, 1) if biggest else 0
        # An f-string, the two texts escaped: format_html escaping a dozen numbers per bar was most of a chart's time.
        text = rules.format_count(value) + (f" ({share})" if share else "")
        parts.append(
            f'<g class="bar bar-{index % 6}"><text class="chart-label" x="{LABEL_W - 6}" y="{y + BAR_H * 0.7}" text-anchor="end">{conditional_escape(_short(label))}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{width}" height="{BAR_H}" rx="2"></rect>'
            f'<text class="chart-value" x="{LABEL_W + width + 6}" y="{y + BAR_H * 0.7}">{conditional_escape(text)}</text></g>'
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))

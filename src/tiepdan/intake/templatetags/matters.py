"""How a matter shows in lists: its citizen's name (or that it is protected) and its state badge.

Filters rather than included templates because a list page draws them once per row, and an
``{% include %}`` per cell cost more than the query at a million matters (bench ``search``).
"""
from django import template
from django.utils.html import format_html

register = template.Library()

_STATE_BADGE = {"approved": "ok", "declined": "bad", "withdrawn": "bad", "returned": "warn", "proposed": "warn"}


@register.filter
def citizen_name(matter) -> str:
    """The citizen's name, unless a denouncer asked that their identity be protected (Đồng Tháp plan §II.4; docs/LEGAL.md, Decree 154 Art. 12)."""
    if matter.identity_protected:
        return format_html('<span class="badge warn" title="Người tố cáo yêu cầu giữ bí mật danh tính">Danh tính được giữ bí mật</span>')
    return matter.citizen.full_name if matter.citizen_id else ""


@register.filter
def state_badge(matter) -> str:
    return format_html('<span class="badge {}">{}</span>', _STATE_BADGE.get(matter.state, ""), matter.get_state_display())

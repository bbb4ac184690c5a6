"""``{% options pairs selected %}``: the ``<option>`` list of a ``<select>``, from (value, label) pairs.

Written in Python rather than as a ``{% for %}`` in each template: a picker of a province's 60-odd communes took
the template language half a millisecond a page, a third of the statistics page's template; here it is one join.
"""
from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def options(pairs, selected=None):
    """One ``<option value="...">label</option>`` per pair, the one whose value reads as ``selected`` marked so."""
    chosen = None if selected is None else str(selected)
    return mark_safe("".join(
        f'<option value="{conditional_escape(value)}"{" selected" if str(value) == chosen else ""}>{conditional_escape(label)}</option>'
        for value, label in pairs
    ))

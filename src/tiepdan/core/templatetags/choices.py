"""``{% options pairs selected %}``: the ``<option>`` list of a ``<select>``, from (value, label) pairs.

Written in Python rather than as a ``{% for %}`` in each template: a picker of a province's 60-odd communes took
the template language half a millisecond a page, a third of the statistics page's template; here it is a join.
"""
from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def options(pairs, selected=None):
    """One ``<option value="...">label</option>`` per pair, the one whose value reads as ``selected`` marked so."""
    chosen = None if selected is None else str(selected)
    return format_html_join("", '<option value="{}"{}>{}</option>', ((value, " selected" if str(value) == chosen else "", label) for value, label in pairs))

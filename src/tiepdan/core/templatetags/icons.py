"""``{% icon "mic" %}``: an icon of the lucide set (npm ``lucide-static``), drawn inline as SVG.

Emoji need an emoji font, which many office PCs lack (they showed as empty boxes). Lucide's SVGs come
from the npm package installed with the product (``package.json``; served under ``static/vendor/lucide/``
for CSS and JS, see ``core/static/core/icons.js``). Inline, an icon takes the text's colour and needs no
request. An icon is decoration unless given a ``label``: then it is an image with that name.
"""
from __future__ import annotations

import functools
import re

from django import template
from django.contrib.staticfiles import finders
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_NAME = re.compile(r"^[a-z0-9-]+$")
_BODY = re.compile(r"<svg[^>]*>(.*)</svg>", re.S)


@functools.cache
def _body(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"icon name {name!r}: lowercase letters, digits and hyphens only")
    path = finders.find(f"vendor/lucide/{name}.svg")
    if not path:
        raise ValueError(f"no lucide icon named {name!r} (see node_modules/lucide-static/icons/)")
    with open(path, encoding="utf-8") as f:
        match = _BODY.search(f.read())
    return re.sub(r"\s+", " ", match.group(1)).strip()


@register.simple_tag
def icon(name: str, label: str = "") -> str:
    a11y = format_html('role="img" aria-label="{}"', label) if label else mark_safe('aria-hidden="true"')
    return format_html(
        '<svg class="icon icon-{}" {} focusable="false" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" '
        'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{}</svg>',
        name, a11y, mark_safe(_body(name)),
    )

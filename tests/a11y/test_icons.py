"""Icons are SVG from the lucide package, not emoji an office PC without an emoji font shows as empty boxes."""
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from lxml import html

ROOT = Path(__file__).resolve().parents[2]
# Emoji and the pictographic symbols that need an emoji (or symbol) font: dingbats, misc symbols,
# arrows-and-shapes supplements, the emoji planes, and the emoji presentation selector.
EMOJI = re.compile("[\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\ufe0f]")

PAGES = [
    ("bantcd", ["/", "/vu-viec/", "/vu-viec/dang-ky/", "/vu-viec/lien-he/", "/vu-viec/qua-han/", "/vu-viec/so-tiep-cong-dan/", "/de-xuat/",
                "/lich-tiep/", "/lich-tiep/dot-xuat/", "/lich-tiep/lich-cua-don-vi/", "/diem-cau/", "/phong-truc-tuyen/", "/van-ban/", "/co-quan/"]),
    ("canboxa", ["/", "/vu-viec/danh-sach-xa/"]),
    ("chutich", ["/", "/de-xuat/", "/uy-quyen/"]),
    ("quantri", ["/", "/can-bo/", "/can-bo/them/", "/nhat-ky/"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "urls"), PAGES, ids=[u for u, _ in PAGES])
def test_pages_show_svg_icons_and_no_emoji(client, official, username, urls):
    client.force_login(official(username))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        text = response.content.decode()
        found = sorted(set(EMOJI.findall(text)))
        assert not found, f"{url} shows {found}: use {{% icon %}}"
        brand = html.fromstring(text).xpath("//header//a[contains(@class, 'brand')]//svg[contains(@class, 'icon')]")
        assert brand and brand[0].xpath(".//*[local-name()='path' or local-name()='polygon']"), f"{url}: no drawn SVG icon in the top bar"


@pytest.mark.parametrize("path", sorted(p for p in (ROOT / "src" / "tiepdan").rglob("static/**/*") if p.suffix in {".js", ".css"} and ".min." not in p.name),
                         ids=lambda p: str(p.relative_to(ROOT / "src" / "tiepdan")))
def test_scripts_and_styles_write_no_emoji(path):
    found = sorted(set(EMOJI.findall(path.read_text(encoding="utf-8"))))
    assert not found, f"{found}: use core/icons.js icon() or a lucide SVG as a CSS mask"


@pytest.mark.parametrize("name", ["star", "mic", "mic-off", "check", "x"])
def test_the_icons_the_pages_use_are_served_from_the_package(name):
    found = finders.find(f"vendor/lucide/{name}.svg")
    assert found and "node_modules/lucide-static" in found


def test_an_icon_with_a_label_is_an_image_and_one_without_is_hidden():
    from django.template import Context, Template

    out = Template('{% load icons %}{% icon "mic-off" label="Micro đã tắt" %}{% icon "mic" %}').render(Context())
    labelled, hidden = html.fragments_fromstring(out)
    assert labelled.get("role") == "img" and labelled.get("aria-label") == "Micro đã tắt"
    assert hidden.get("aria-hidden") == "true" and hidden.get("role") is None

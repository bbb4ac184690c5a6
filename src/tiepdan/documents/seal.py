"""The image of the agency's seal for the visible signature: red, PNG with a transparent background.

Decree 30/2020, Appendix I (docs/LEGAL.md): the agency's signature on an electronic document shows the image
of its seal in red, over about a third of the signer's signature on its left. This draws a round seal with
the organisation's name around its edge and a star in the middle, for the demo identity and for any agency
whose scanned seal is not configured; a real deployment may put the seal's scan in its place.
"""
from __future__ import annotations

import io
import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas as pdf_canvas

from .fonts import PDF_FONT, find_serif_font, register_pdf_fonts

SEAL_RED = (218, 37, 29, 255)
# The image's side in pixels: drawn at 12 px/mm, a 34 mm seal.
SEAL_PX = 408


@lru_cache(maxsize=16)
def seal_png(organisation: str) -> "Image.Image":
    """The seal of ``organisation`` as an RGBA image (transparent outside the ink)."""
    size = SEAL_PX
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    # The outer rim, the band with the name, the inner ring, the star in the middle.
    outer, inner = size / 2 - 6, size / 2 - 66
    draw.ellipse((centre - outer, centre - outer, centre + outer, centre + outer), outline=SEAL_RED, width=9)
    draw.ellipse((centre - inner, centre - inner, centre + inner, centre + inner), outline=SEAL_RED, width=4)
    _star(draw, centre, centre, size * 0.17)
    bold = str(find_serif_font()[1][1])
    _text_around(image, organisation.upper(), radius=(outer + inner) / 2, font=ImageFont.truetype(bold, 32))
    return image


def seal_png_bytes(organisation: str) -> bytes:
    buffer = io.BytesIO()
    seal_png(organisation).save(buffer, format="PNG")
    return buffer.getvalue()


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def _text_around(image: Image.Image, text: str, *, radius: float, font: ImageFont.FreeTypeFont) -> None:
    """``text`` along the inside of the rim, clockwise from the left, its letters upright to the centre."""
    centre = image.width / 2
    widths = [font.getlength(ch) for ch in text]
    total = sum(widths) + 4 * len(text)
    # Spread over at most 320 degrees, centred on the top; short names keep their natural spacing.
    span = min(math.radians(320), total / radius)
    angle = -math.pi / 2 - span / 2
    for ch, w in zip(text, widths, strict=True):
        step = (w + 4) / total * span
        mid = angle + step / 2
        glyph = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((32, 32), ch, font=font, fill=SEAL_RED, anchor="mm")
        glyph = glyph.rotate(-math.degrees(mid + math.pi / 2), resample=Image.BICUBIC)
        x = centre + radius * math.cos(mid) - 32
        y = centre + radius * math.sin(mid) - 32
        image.alpha_composite(glyph, (int(x), int(y)))
        angle += step


def appearance_pdf(*, organisation: str, signed_at: str, width_pt: float, height_pt: float) -> bytes:
    """The visible signature as a one-page PDF of the box's size: the seal on the left, over about a third of
    the signing information (the organisation and the signing time, ISO 8601), which pyHanko places in the
    signature field. reportlab embeds the documents' font, so every Vietnamese letter shows and extracts."""
    register_pdf_fonts()
    buffer = io.BytesIO()
    page = pdf_canvas.Canvas(buffer, pagesize=(width_pt, height_pt))
    seal_side = height_pt
    text_left = seal_side * 2 / 3  # the seal covers the left third of the signing information
    size = 9
    room = width_pt - text_left - 2
    lines = simpleSplit(organisation, PDF_FONT, size, room) + ["Thời gian ký:"] + simpleSplit(signed_at, PDF_FONT, size, room)
    page.setFont(PDF_FONT, size)
    top = height_pt / 2 + len(lines) * (size + 2) / 2 - size
    for i, line in enumerate(lines):
        page.drawString(text_left, top - i * (size + 2), line)
    # The seal over the text, as on paper: its red ink on top, transparent elsewhere.
    page.drawImage(ImageReader(seal_png(organisation)), 0, 0, width=seal_side, height=seal_side, mask="auto")
    page.showPage()
    page.save()
    return buffer.getvalue()

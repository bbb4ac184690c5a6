"""The PDF's font: Times New Roman if installed, else Liberation Serif 2, and only with the Vietnamese letters.

A PDF embeds its font, so the server must have one. Word files name Times New
Roman and leave the font to the reader's machine (``docx``), so only the PDF
needs this module.
"""
from __future__ import annotations

import os
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile


class FontNotFound(RuntimeError):
    """No serif font with Vietnamese glyphs was found for the PDF."""


# Where to look for the fonts, in order; TIEPDAN_FONT_DIRS (colon-separated) goes first.
FONT_DIRS = ["/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"), "/Library/Fonts", "C:/Windows/Fonts"]
FONT_FILES = {
    # family: (regular, bold, italic, bold italic)
    "Times New Roman": ("times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"),
    "Times New Roman (Microsoft core fonts)": ("Times_New_Roman.ttf", "Times_New_Roman_Bold.ttf", "Times_New_Roman_Italic.ttf", "Times_New_Roman_Bold_Italic.ttf"),
    "Liberation Serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf"),
}
# The name the PDF knows the chosen family by, whichever was found; each face adds its suffix.
PDF_FONT = "OfficialSerif"
# (bold, italic) -> the face's suffix ('OfficialSerif-BoldItalic'), in the order of FONT_FILES' four files.
FACES = {(False, False): "", (True, False): "-Bold", (False, True): "-Italic", (True, True): "-BoldItalic"}
_registered_family: str | None = None

# Letters only Vietnamese uses: a font without them would print blanks (Debian's old
# fonts-liberation 1.07 lacks them; fonts-liberation2 has them).
VIETNAMESE_SAMPLE = "ẫốệơưạỹĐđ"


def _covers_vietnamese(path: Path) -> bool:
    try:
        glyphs = TTFontFile(str(path)).charToGlyph
    except Exception:  # an unreadable or non-TrueType file is simply not a candidate
        return False
    return all(ord(ch) in glyphs for ch in VIETNAMESE_SAMPLE)


def find_serif_font() -> tuple[str, tuple[Path, Path, Path, Path]]:
    """(family, four font files): Times New Roman if installed, else Liberation Serif (same metrics).

    Only a set whose four files carry the Vietnamese letters counts.
    """
    dirs = [d for d in os.environ.get("TIEPDAN_FONT_DIRS", "").split(":") if d] + FONT_DIRS
    index: dict[str, list[Path]] = {}
    for base in dirs:
        root = Path(base)
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.[tT][tT][fF]")):
            index.setdefault(path.name.lower(), []).append(path)
    for family, names in FONT_FILES.items():
        chosen = []
        for name in names:
            usable = [path for path in index.get(name.lower(), []) if _covers_vietnamese(path)]
            if not usable:
                break
            chosen.append(usable[0])
        else:
            return family, tuple(chosen)  # type: ignore[return-value]
    raise FontNotFound(
        "Không tìm thấy phông chữ Times New Roman hoặc Liberation Serif có đủ chữ tiếng Việt để tạo tệp PDF. "
        "Hãy cài gói fonts-liberation2 (apt-get install fonts-liberation2) hoặc đặt biến TIEPDAN_FONT_DIRS "
        "trỏ tới thư mục chứa times.ttf, timesbd.ttf, timesi.ttf, timesbi.ttf."
    )


def register_pdf_fonts() -> str:
    """Register the four faces under ``PDF_FONT`` once per process; the family found ('Liberation Serif')."""
    global _registered_family
    if _registered_family is None:
        family, files = find_serif_font()
        for suffix, path in zip(FACES.values(), files):
            pdfmetrics.registerFont(TTFont(PDF_FONT + suffix, str(path), asciiReadable=False))
        for (bold, italic), suffix in FACES.items():
            addMapping(PDF_FONT, bold, italic, PDF_FONT + suffix)
        _registered_family = family
    return _registered_family

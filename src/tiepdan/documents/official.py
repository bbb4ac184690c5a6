"""An official document as plain values, and the Decree 30/2020 (Appendix I) format both renderings follow.

``OfficialDocument`` says what the document says; ``docx.render_docx`` and
``pdf.render_pdf`` lay it out the same way (``fonts`` finds the PDF's font):

- A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm;
- Times New Roman (in the PDF the first font found of Times New Roman or its
  metric-compatible clone Liberation Serif 2, checked to carry the Vietnamese letters);
- the header table: parent body (caps, not bold) and issuing body (caps, bold,
  a short rule under it), the national title (caps, bold) and motto (bold, a
  rule as long as the line), "Số: 05/TB-UBND" and the place and date (italic);
- document type (caps, bold), summary line (bold), body (justified, first-line
  indent 1.27 cm, 6 pt after), the signature block and "Nơi nhận:";
- page numbers at the top centre, from page 2.

The sizes are chosen inside the decree's ranges and kept in ``SIZE_PT`` so a
province that prefers 13 pt body text changes one number.

Callers import each name from the module that defines it (this one, ``docx``,
``pdf``, ``fonts``): there is no re-exporting ``render`` module, so a name has
one home and a reader goes straight to it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone

# --- Format (Decree 30/2020, Appendix I) -----------------------------------------------
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_MM["left"] - MARGIN_MM["right"]  # 165 mm
HEADER_LEFT_MM, HEADER_RIGHT_MM = 62, TEXT_WIDTH_MM - 62
FIRST_LINE_INDENT_CM = 1.27
SPACE_AFTER_PT = 6
FONT_NAME = "Times New Roman"
SIZE_PT = {
    "form_code": 12,
    "parent_body": 13,
    "issuing_body": 13,
    # 12 pt (the decree allows 12-13) so the title fits on one line beside the issuing body.
    "national_title": 12,
    "motto": 13,
    "number": 13,
    "place_date": 14,
    "addressee": 14,
    "type_title": 14,
    "summary": 14,
    "body": 14,
    "table": 12,
    "signature": 14,
    "recipients_heading": 12,
    "recipients": 11,
    "page_number": 14,
}
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


# --- Dates ---------------------------------------------------------------------------------
def format_date(day: dt.date) -> str:
    """'ngày 05 tháng 02 năm 2026': a leading 0 for days below 10 and for months 1 and 2 (Decree 30, App. I)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_and_date(place: str, day: dt.date) -> str:
    """'Lạng Sơn, ngày 05 tháng 02 năm 2026'."""
    return f"{place}, {format_date(day)}"


def format_time(moment: dt.datetime | dt.time) -> str:
    """'14 giờ 00' (hours and minutes as Vietnamese documents write them), an aware moment in Asia/Ho_Chi_Minh."""
    if isinstance(moment, dt.datetime) and moment.tzinfo is not None:
        moment = timezone.localtime(moment)  # a moment from the database is in UTC; the document is read in the province
    return f"{moment.hour:02d} giờ {moment.minute:02d}"


# --- The document --------------------------------------------------------------------------
@dataclass
class Para:
    """A body paragraph with a choice of emphasis; a plain ``str`` is a justified, indented paragraph."""

    text: str
    bold: bool = False
    italic: bool = False
    align: str = "justify"  # justify, center, left, right
    indent: bool = True

    @property
    def first_line_indented(self) -> bool:
        """Only a justified paragraph takes the first-line indent: a centred or flush one would look misaligned."""
        return self.indent and self.align == "justify"


@dataclass
class Table:
    """A simple grid in the body (the items of a receipt, the matters of a session)."""

    columns: list[str]
    rows: list[list[str]]
    widths_mm: list[float] | None = None

    @property
    def column_widths_mm(self) -> list[float]:
        """The widths given, else the text width shared equally."""
        return self.widths_mm or [TEXT_WIDTH_MM / len(self.columns)] * len(self.columns)


@dataclass
class Signature:
    """Signature block: authority lines ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), title, signer's name."""

    title: str
    signer_name: str
    authority: str = ""
    on_behalf: str = ""

    @property
    def heading_lines(self) -> list[str]:
        return [line.upper() for line in (self.authority, self.on_behalf, self.title) if line]


@dataclass
class OfficialDocument:
    issuing_body: str
    type_title: str
    summary: str
    place: str
    date: dt.date
    signature: Signature
    body: list[str | Para | Table] = field(default_factory=list)
    parent_body: str = ""
    symbol: str = ""  # "TB-UBND": the number is given when the document is issued
    number: int | None = None
    addressees: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    form_code: str = ""  # "Mẫu số 01/TCD"
    # A second signature in place of "Nơi nhận:" (a receipt is signed by both sides).
    counter_signature: Signature | None = None

    @property
    def number_line(self) -> str:
        """'Số: 05/TB-UBND'; numbers below 10 take a leading 0; a draft leaves the number blank."""
        number = f"{self.number:02d}" if self.number is not None else "       "
        return f"Số: {number}/{self.symbol}" if self.symbol else f"Số: {number}"

    @property
    def place_date_line(self) -> str:
        return place_and_date(self.place, self.date)

    @property
    def addressee_lines(self) -> list[str]:
        """'Kính gửi: X' on one line for one addressee; for several, a heading and one '- X;' line each."""
        if not self.addressees:
            return []
        if len(self.addressees) == 1:
            return [f"Kính gửi: {self.addressees[0]}"]
        return ["Kính gửi:"] + [f"- {a};" for a in self.addressees[:-1]] + [f"- {self.addressees[-1]}."]

    @property
    def recipient_lines(self) -> list[str]:
        """The lines under "Nơi nhận:", each ending in ';' and the last in '.'."""
        return [f"- {r};" for r in self.recipients[:-1]] + ([f"- {self.recipients[-1]}."] if self.recipients else [])

    def blocks(self) -> Iterator[Para | Table]:
        """The body in order, a plain ``str`` given as the justified, indented ``Para`` it stands for."""
        for item in self.body:
            yield Para(item) if isinstance(item, str) else item

    def plain_text(self) -> str:
        """Every word of the document, in reading order (search, previews, tests)."""
        parts = [self.form_code, self.parent_body.upper(), self.issuing_body.upper(), self.number_line, NATIONAL_TITLE, MOTTO, self.place_date_line]
        parts += [f"Kính gửi: {a}" for a in self.addressees]
        parts += [self.type_title.upper(), self.summary]
        for block in self.blocks():
            if isinstance(block, Table):
                parts.append(" | ".join(block.columns))
                parts += [" | ".join(row) for row in block.rows]
            else:
                parts.append(block.text)
        if self.counter_signature:
            parts += self.counter_signature.heading_lines + [self.counter_signature.signer_name]
        else:
            parts += ["Nơi nhận:"] + [f"- {r}" for r in self.recipients]
        parts += self.signature.heading_lines + [self.signature.signer_name]
        return "\n".join(p for p in parts if p)

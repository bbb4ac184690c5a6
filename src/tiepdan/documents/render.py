"""Official documents in the format of Decree 30/2020/NĐ-CP, Appendix I, as DOCX and PDF.

One plain description of the document (``OfficialDocument``), two renderers
(``render_docx``, ``render_pdf``) that lay it out the same way:

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
"""
from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

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


class FontNotFound(RuntimeError):
    """No serif font with Vietnamese glyphs was found for the PDF."""


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
        from django.utils import timezone

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


@dataclass
class Table:
    """A simple grid in the body (the items of a receipt, the matters of a session)."""

    columns: list[str]
    rows: list[list[str]]
    widths_mm: list[float] | None = None


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

    def plain_text(self) -> str:
        """Every word of the document, in reading order (search, previews, tests)."""
        parts = [self.form_code, self.parent_body.upper(), self.issuing_body.upper(), self.number_line, NATIONAL_TITLE, MOTTO, self.place_date_line]
        parts += [f"Kính gửi: {a}" for a in self.addressees]
        parts += [self.type_title.upper(), self.summary]
        for item in self.body:
            if isinstance(item, Table):
                parts.append(" | ".join(item.columns))
                parts += [" | ".join(row) for row in item.rows]
            else:
                parts.append(item.text if isinstance(item, Para) else item)
        if self.counter_signature:
            parts += self.counter_signature.heading_lines + [self.counter_signature.signer_name]
        else:
            parts += ["Nơi nhận:"] + [f"- {r}" for r in self.recipients]
        parts += self.signature.heading_lines + [self.signature.signer_name]
        return "\n".join(p for p in parts if p)


def _addressee_lines(doc: OfficialDocument) -> list[str]:
    if not doc.addressees:
        return []
    if len(doc.addressees) == 1:
        return [f"Kính gửi: {doc.addressees[0]}"]
    return ["Kính gửi:"] + [f"- {a};" for a in doc.addressees[:-1]] + [f"- {doc.addressees[-1]}."]


def _recipient_lines(doc: OfficialDocument) -> list[str]:
    return [f"- {r};" for r in doc.recipients[:-1]] + ([f"- {doc.recipients[-1]}."] if doc.recipients else [])


# --- DOCX ------------------------------------------------------------------------------------
def render_docx(doc: OfficialDocument) -> bytes:
    """The document as a Word file (python-docx)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt

    align_of = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}
    document = Document()

    def set_font(target_rpr_owner, size_pt: float | None = None):
        """Times New Roman for every script (Latin, complex, East Asian), so Word never substitutes."""
        target_rpr_owner.font.name = FONT_NAME
        rpr = target_rpr_owner.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT_NAME)
        if size_pt:
            target_rpr_owner.font.size = Pt(size_pt)

    normal = document.styles["Normal"]
    set_font(normal, SIZE_PT["body"])
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_MM["top"]), Mm(MARGIN_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGIN_MM["left"]), Mm(MARGIN_MM["right"])
    section.header_distance = Mm(10)

    # Page number at the top centre, not on the first page.
    section.different_first_page_header_footer = True
    number_paragraph = section.header.paragraphs[0]
    number_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = number_paragraph.add_run()
    set_font(run, SIZE_PT["page_number"])
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("end", None)):
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)

    def write(container, text: str, *, size: str, bold=False, italic=False, align="center", space_after: float = 0, indent_cm: float | None = None, keep_with_next=False):
        paragraph = container.add_paragraph()
        paragraph.alignment = align_of[align]
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(space_after)
        if indent_cm:
            fmt.first_line_indent = Cm(indent_cm)
        if keep_with_next:
            fmt.keep_with_next = True
        run = paragraph.add_run(text)
        set_font(run, SIZE_PT[size])
        run.bold, run.italic = bold, italic
        return paragraph

    def rule(container, width_mm: float, cell_width_mm: float):
        """A horizontal rule of ``width_mm``, centred: a paragraph border between indents."""
        paragraph = container.add_paragraph()
        side = max((cell_width_mm - width_mm) / 2, 0)
        fmt = paragraph.paragraph_format
        fmt.left_indent = fmt.right_indent = Mm(side)
        fmt.space_after = Pt(2)
        borders = OxmlElement("w:pBdr")
        top = OxmlElement("w:top")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            top.set(qn(key), value)
        borders.append(top)
        paragraph._p.get_or_add_pPr().append(borders)
        run = paragraph.add_run()
        run.font.size = Pt(2)
        return paragraph

    def fill_first(cell):
        """Cells start with one empty paragraph: reuse it so spacing stays exact."""
        first = cell.paragraphs[0]
        first._p.getparent().remove(first._p)
        return cell

    def table_without_borders(rows: int, widths_mm: list[float]):
        table = document.add_table(rows=rows, cols=len(widths_mm))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm):
                cell.width = Mm(width)
        return table

    if doc.form_code:
        write(document, doc.form_code, size="form_code", bold=True, align="right", space_after=4)

    header = table_without_borders(2, [HEADER_LEFT_MM, HEADER_RIGHT_MM])
    left, right = fill_first(header.cell(0, 0)), fill_first(header.cell(0, 1))
    if doc.parent_body:
        write(left, doc.parent_body.upper(), size="parent_body")
    write(left, doc.issuing_body.upper(), size="issuing_body", bold=True)
    rule(left, HEADER_LEFT_MM * 0.4, HEADER_LEFT_MM)
    write(right, NATIONAL_TITLE, size="national_title", bold=True)
    write(right, MOTTO, size="motto", bold=True)
    rule(right, 62, HEADER_RIGHT_MM)
    number_cell, date_cell = fill_first(header.cell(1, 0)), fill_first(header.cell(1, 1))
    write(number_cell, doc.number_line, size="number")
    write(date_cell, doc.place_date_line, size="place_date", italic=True)

    document.add_paragraph().paragraph_format.space_after = Pt(6)
    lines = _addressee_lines(doc)
    for i, line in enumerate(lines):
        write(document, line, size="addressee", align="center" if len(lines) == 1 else "left", space_after=6 if i == len(lines) - 1 else 0)
    write(document, doc.type_title.upper(), size="type_title", bold=True, keep_with_next=True)
    if doc.summary:
        write(document, doc.summary, size="summary", bold=True, keep_with_next=True)
    rule(document, 40, TEXT_WIDTH_MM).paragraph_format.space_after = Pt(12)

    for item in doc.body:
        if isinstance(item, Table):
            widths = item.widths_mm or [TEXT_WIDTH_MM / len(item.columns)] * len(item.columns)
            grid = document.add_table(rows=1 + len(item.rows), cols=len(item.columns))
            grid.style = document.styles["Table Grid"]
            grid.alignment = WD_TABLE_ALIGNMENT.CENTER
            for r, values in enumerate([item.columns, *item.rows]):
                for c, value in enumerate(values):
                    cell = fill_first(grid.cell(r, c))
                    cell.width = Mm(widths[c])
                    write(cell, str(value), size="table", bold=(r == 0), align="center" if r == 0 else "left")
            document.add_paragraph().paragraph_format.space_after = Pt(SPACE_AFTER_PT)
            continue
        para = item if isinstance(item, Para) else Para(item)
        write(document, para.text, size="body", bold=para.bold, italic=para.italic, align=para.align, space_after=SPACE_AFTER_PT, indent_cm=FIRST_LINE_INDENT_CM if para.indent and para.align == "justify" else None)

    closing = table_without_borders(1, [TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2])
    recipients_cell, signature_cell = fill_first(closing.cell(0, 0)), fill_first(closing.cell(0, 1))
    def sign(cell, signature: Signature):
        for line in signature.heading_lines:
            write(cell, line, size="signature", bold=True)
        name = write(cell, signature.signer_name, size="signature", bold=True)
        name.paragraph_format.space_before = Pt(72)  # room for the signature and the seal

    if doc.counter_signature:
        sign(recipients_cell, doc.counter_signature)
    else:
        write(recipients_cell, "Nơi nhận:", size="recipients_heading", bold=True, italic=True, align="left")
        for line in _recipient_lines(doc):
            write(recipients_cell, line, size="recipients", align="left")
    sign(signature_cell, doc.signature)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------
# Where to look for the fonts, in order; TIEPDAN_FONT_DIRS (colon-separated) goes first.
FONT_DIRS = ["/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"), "/Library/Fonts", "C:/Windows/Fonts"]
FONT_FILES = {
    # family: (regular, bold, italic, bold italic)
    "Times New Roman": ("times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"),
    "Times New Roman (Microsoft core fonts)": ("Times_New_Roman.ttf", "Times_New_Roman_Bold.ttf", "Times_New_Roman_Italic.ttf", "Times_New_Roman_Bold_Italic.ttf"),
    "Liberation Serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf"),
}
PDF_FONT = "OfficialSerif"
_registered_family: str | None = None


# Letters only Vietnamese uses: a font without them would print blanks (Debian's old
# fonts-liberation 1.07 lacks them; fonts-liberation2 has them).
VIETNAMESE_SAMPLE = "ẫốệơưạỹĐđ"


def _covers_vietnamese(path: Path) -> bool:
    from reportlab.pdfbase.ttfonts import TTFontFile

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


def _register_fonts() -> str:
    global _registered_family
    if _registered_family is None:
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        family, (regular, bold, italic, bold_italic) = find_serif_font()
        for suffix, path in (("", regular), ("-Bold", bold), ("-Italic", italic), ("-BoldItalic", bold_italic)):
            pdfmetrics.registerFont(TTFont(PDF_FONT + suffix, str(path), asciiReadable=False))
        for is_bold, is_italic, suffix in ((0, 0, ""), (1, 0, "-Bold"), (0, 1, "-Italic"), (1, 1, "-BoldItalic")):
            addMapping(PDF_FONT, is_bold, is_italic, PDF_FONT + suffix)
        _registered_family = family
    return _registered_family


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as a PDF (reportlab), laid out as the DOCX."""
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm, mm
    from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus import TableStyle

    family = _register_fonts()
    alignments = {"justify": TA_JUSTIFY, "center": TA_CENTER, "left": TA_LEFT, "right": TA_RIGHT}

    def style(size: str, *, bold=False, italic=False, align="center", space_after: float = 0, indent_cm: float = 0) -> ParagraphStyle:
        suffix = {(False, False): "", (True, False): "-Bold", (False, True): "-Italic", (True, True): "-BoldItalic"}[(bold, italic)]
        points = SIZE_PT[size]
        return ParagraphStyle(
            f"{size}{suffix}{align}",
            fontName=PDF_FONT + suffix,
            fontSize=points,
            leading=points * 1.2,
            alignment=alignments[align],
            spaceAfter=space_after,
            firstLineIndent=indent_cm * cm,
        )

    def p(text: str, *args, **kwargs) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style(*args, **kwargs))

    def line(width_mm: float) -> HRFlowable:
        return HRFlowable(width=width_mm * mm, thickness=0.6, color="black", hAlign="CENTER", spaceBefore=1, spaceAfter=3)

    plain = TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])
    story = []
    if doc.form_code:
        story.append(p(doc.form_code, "form_code", bold=True, align="right", space_after=4))
    left = ([p(doc.parent_body.upper(), "parent_body")] if doc.parent_body else []) + [p(doc.issuing_body.upper(), "issuing_body", bold=True), line(HEADER_LEFT_MM * 0.4)]
    right = [p(NATIONAL_TITLE, "national_title", bold=True), p(MOTTO, "motto", bold=True), line(62)]
    header = PdfTable([[left, right], [p(doc.number_line, "number"), p(doc.place_date_line, "place_date", italic=True)]], colWidths=[HEADER_LEFT_MM * mm, HEADER_RIGHT_MM * mm])
    header.setStyle(plain)
    story += [header, Spacer(1, 8 * mm)]

    lines = _addressee_lines(doc)
    for i, text in enumerate(lines):
        story.append(p(text, "addressee", align="center" if len(lines) == 1 else "left", space_after=6 if i == len(lines) - 1 else 0))
    story.append(p(doc.type_title.upper(), "type_title", bold=True))
    if doc.summary:
        story.append(p(doc.summary, "summary", bold=True))
    story += [line(40), Spacer(1, 3 * mm)]

    for item in doc.body:
        if isinstance(item, Table):
            widths = item.widths_mm or [TEXT_WIDTH_MM / len(item.columns)] * len(item.columns)
            data = [[p(c, "table", bold=True) for c in item.columns]] + [[p(str(v), "table", align="left") for v in row] for row in item.rows]
            grid = PdfTable(data, colWidths=[w * mm for w in widths], repeatRows=1)
            grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
            story += [grid, Spacer(1, SPACE_AFTER_PT)]
            continue
        para = item if isinstance(item, Para) else Para(item)
        indent = FIRST_LINE_INDENT_CM if para.indent and para.align == "justify" else 0
        story.append(p(para.text, "body", bold=para.bold, italic=para.italic, align=para.align, space_after=SPACE_AFTER_PT, indent_cm=indent))

    def sign(signature: Signature) -> list:
        return [p(t, "signature", bold=True) for t in signature.heading_lines] + [Spacer(1, 25 * mm), p(signature.signer_name, "signature", bold=True)]

    if doc.counter_signature:
        left_cell = sign(doc.counter_signature)
    else:
        left_cell = [p("Nơi nhận:", "recipients_heading", bold=True, italic=True, align="left")] + [p(t, "recipients", align="left") for t in _recipient_lines(doc)]
    closing = PdfTable([[left_cell, sign(doc.signature)]], colWidths=[TEXT_WIDTH_MM / 2 * mm, TEXT_WIDTH_MM / 2 * mm])
    closing.setStyle(plain)
    story += [Spacer(1, 4 * mm), KeepTogether([closing])]

    def page_number(canvas, template):
        canvas.saveState()
        canvas.setFont(PDF_FONT, SIZE_PT["page_number"])
        canvas.drawCentredString(MARGIN_MM["left"] * mm + TEXT_WIDTH_MM * mm / 2, (PAGE_HEIGHT_MM - 12) * mm, str(canvas.getPageNumber()))
        canvas.restoreState()

    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=(PAGE_WIDTH_MM * mm, PAGE_HEIGHT_MM * mm),
        leftMargin=MARGIN_MM["left"] * mm,
        rightMargin=MARGIN_MM["right"] * mm,
        topMargin=MARGIN_MM["top"] * mm,
        bottomMargin=MARGIN_MM["bottom"] * mm,
        title=f"{doc.type_title} {doc.summary}".strip(),
        author=doc.issuing_body,
        subject=doc.number_line,
        creator=f"tiepdan ({family})",
    )
    template.build(story, onLaterPages=page_number)
    return buffer.getvalue()

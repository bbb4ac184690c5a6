"""An ``OfficialDocument`` as a PDF (reportlab), laid out as the Word file (``official`` describes the layout)."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus import Table as PdfTable
from reportlab.platypus import TableStyle

from .fonts import FACES, PDF_FONT, register_pdf_fonts
from .official import HEADER_LEFT_MM, HEADER_RIGHT_MM, MARGIN_MM, PAGE_HEIGHT_MM, PAGE_WIDTH_MM, TEXT_WIDTH_MM
from .official import FIRST_LINE_INDENT_CM, MOTTO, NATIONAL_TITLE, SIZE_PT, SPACE_AFTER_PT, OfficialDocument, Signature, Table

_ALIGN = {"justify": TA_JUSTIFY, "center": TA_CENTER, "left": TA_LEFT, "right": TA_RIGHT}
# The header and the closing are tables only to place things side by side: no padding, tops aligned.
_PLAIN = TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as a PDF (reportlab), laid out as the DOCX."""
    family = register_pdf_fonts()
    story = _header(doc) + _heading(doc) + _body(doc) + _closing(doc)
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
    template.build(story, onLaterPages=_number_page)
    return buffer.getvalue()


# --- The parts of the document ------------------------------------------------------------------
def _header(doc: OfficialDocument) -> list:
    """Form code, then the header table: bodies and number on the left, national title, motto and date on the right."""
    story = [_p(doc.form_code, "form_code", bold=True, align="right", space_after=4)] if doc.form_code else []
    left = ([_p(doc.parent_body.upper(), "parent_body")] if doc.parent_body else []) + [_p(doc.issuing_body.upper(), "issuing_body", bold=True), _line(HEADER_LEFT_MM * 0.4)]
    right = [_p(NATIONAL_TITLE, "national_title", bold=True), _p(MOTTO, "motto", bold=True), _line(62)]
    header = PdfTable([[left, right], [_p(doc.number_line, "number"), _p(doc.place_date_line, "place_date", italic=True)]], colWidths=[HEADER_LEFT_MM * mm, HEADER_RIGHT_MM * mm])
    header.setStyle(_PLAIN)
    return story + [header, Spacer(1, 8 * mm)]


def _heading(doc: OfficialDocument) -> list:
    """Addressees, the document type and its summary, and the short rule under them."""
    lines = doc.addressee_lines
    story = [_p(text, "addressee", align="center" if len(lines) == 1 else "left", space_after=6 if i == len(lines) - 1 else 0) for i, text in enumerate(lines)]
    story.append(_p(doc.type_title.upper(), "type_title", bold=True))
    if doc.summary:
        story.append(_p(doc.summary, "summary", bold=True))
    return story + [_line(40), Spacer(1, 3 * mm)]


def _body(doc: OfficialDocument) -> list:
    story = []
    for block in doc.blocks():
        if isinstance(block, Table):
            story += [_grid(block), Spacer(1, SPACE_AFTER_PT)]
            continue
        indent_cm = FIRST_LINE_INDENT_CM if block.first_line_indented else 0
        story.append(_p(block.text, "body", bold=block.bold, italic=block.italic, align=block.align, space_after=SPACE_AFTER_PT, indent_cm=indent_cm))
    return story


def _grid(table: Table) -> PdfTable:
    """A body table with borders, its heading row bold and centred and repeated on each page."""
    data = [[_p(c, "table", bold=True) for c in table.columns]] + [[_p(str(v), "table", align="left") for v in row] for row in table.rows]
    grid = PdfTable(data, colWidths=[w * mm for w in table.column_widths_mm], repeatRows=1)
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return grid


def _closing(doc: OfficialDocument) -> list:
    """The recipients ("Nơi nhận:") or the counter-signature on the left, the signature on the right, kept on one page."""
    if doc.counter_signature:
        left_cell = _sign(doc.counter_signature)
    else:
        left_cell = [_p("Nơi nhận:", "recipients_heading", bold=True, italic=True, align="left")] + [_p(t, "recipients", align="left") for t in doc.recipient_lines]
    closing = PdfTable([[left_cell, _sign(doc.signature)]], colWidths=[TEXT_WIDTH_MM / 2 * mm, TEXT_WIDTH_MM / 2 * mm])
    closing.setStyle(_PLAIN)
    return [Spacer(1, 4 * mm), KeepTogether([closing])]


def _sign(signature: Signature) -> list:
    # 25 mm between the title and the name: room for the signature and the seal.
    return [_p(t, "signature", bold=True) for t in signature.heading_lines] + [Spacer(1, 25 * mm), _p(signature.signer_name, "signature", bold=True)]


def _number_page(canvas, template) -> None:
    """The page number at the top centre; ``render_pdf`` calls it from page 2 only."""
    canvas.saveState()
    canvas.setFont(PDF_FONT, SIZE_PT["page_number"])
    canvas.drawCentredString(MARGIN_MM["left"] * mm + TEXT_WIDTH_MM * mm / 2, (PAGE_HEIGHT_MM - 12) * mm, str(canvas.getPageNumber()))
    canvas.restoreState()


# --- reportlab helpers --------------------------------------------------------------------------
def _style(size: str, *, bold=False, italic=False, align="center", space_after: float = 0, indent_cm: float = 0) -> ParagraphStyle:
    """A paragraph style sized from ``SIZE_PT[size]``, single-spaced (leading 1.2 times the size)."""
    points, suffix = SIZE_PT[size], FACES[(bold, italic)]
    return ParagraphStyle(
        f"{size}{suffix}{align}",
        fontName=PDF_FONT + suffix,
        fontSize=points,
        leading=points * 1.2,
        alignment=_ALIGN[align],
        spaceAfter=space_after,
        firstLineIndent=indent_cm * cm,
    )


def _p(text: str, *args, **kwargs) -> Paragraph:
    """``text`` as a paragraph: escaped, since reportlab reads its markup; a newline is a line break."""
    return Paragraph(escape(text).replace("\n", "<br/>"), _style(*args, **kwargs))


def _line(width_mm: float) -> HRFlowable:
    return HRFlowable(width=width_mm * mm, thickness=0.6, color="black", hAlign="CENTER", spaceBefore=1, spaceAfter=3)

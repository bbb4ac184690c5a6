"""An ``OfficialDocument`` as a Word file (python-docx), in the layout ``official`` describes.

Word measures in its own units: sizes go through ``Pt``, ``Mm`` and ``Cm`` so the
numbers here are the decree's.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from .official import HEADER_LEFT_MM, HEADER_RIGHT_MM, MARGIN_MM, PAGE_HEIGHT_MM, PAGE_WIDTH_MM, TEXT_WIDTH_MM
from .official import FIRST_LINE_INDENT_CM, FONT_NAME, MOTTO, NATIONAL_TITLE, SIZE_PT, SPACE_AFTER_PT, OfficialDocument, Signature, Table

_ALIGN = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def render_docx(doc: OfficialDocument) -> bytes:
    """The document as a Word file (python-docx)."""
    document = Document()
    _set_up_page(document)
    _write_header(document, doc)
    _write_heading(document, doc)
    _write_body(document, doc)
    _write_closing(document, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Page -------------------------------------------------------------------------------------
def _set_up_page(document) -> None:
    """Normal style, A4 portrait with the decree's margins, and the page number at the top centre from page 2."""
    normal = document.styles["Normal"]
    _set_font(normal, SIZE_PT["body"])
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_MM["top"]), Mm(MARGIN_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGIN_MM["left"]), Mm(MARGIN_MM["right"])
    section.header_distance = Mm(10)

    # Not on the first page: its header stays empty.
    section.different_first_page_header_footer = True
    number_paragraph = section.header.paragraphs[0]
    number_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = number_paragraph.add_run()
    _set_font(run, SIZE_PT["page_number"])
    _append_page_field(run)


def _append_page_field(run) -> None:
    """Word's PAGE field (begin, instruction, separate, end), which Word fills with the page's number."""
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


# --- The parts of the document ------------------------------------------------------------------
def _write_header(document, doc: OfficialDocument) -> None:
    """Form code, then the header table: bodies and number on the left, national title, motto and date on the right."""
    if doc.form_code:
        _write(document, doc.form_code, size="form_code", bold=True, align="right", space_after=4)

    header = _table_without_borders(document, 2, [HEADER_LEFT_MM, HEADER_RIGHT_MM])
    left, right = _fill_first(header.cell(0, 0)), _fill_first(header.cell(0, 1))
    if doc.parent_body:
        _write(left, doc.parent_body.upper(), size="parent_body")
    _write(left, doc.issuing_body.upper(), size="issuing_body", bold=True)
    _rule(left, HEADER_LEFT_MM * 0.4, HEADER_LEFT_MM)
    _write(right, NATIONAL_TITLE, size="national_title", bold=True)
    _write(right, MOTTO, size="motto", bold=True)
    _rule(right, 62, HEADER_RIGHT_MM)
    number_cell, date_cell = _fill_first(header.cell(1, 0)), _fill_first(header.cell(1, 1))
    _write(number_cell, doc.number_line, size="number")
    _write(date_cell, doc.place_date_line, size="place_date", italic=True)


def _write_heading(document, doc: OfficialDocument) -> None:
    """Addressees, the document type and its summary, and the short rule under them."""
    document.add_paragraph().paragraph_format.space_after = Pt(6)
    lines = doc.addressee_lines
    for i, line in enumerate(lines):
        _write(document, line, size="addressee", align="center" if len(lines) == 1 else "left", space_after=6 if i == len(lines) - 1 else 0)
    _write(document, doc.type_title.upper(), size="type_title", bold=True, keep_with_next=True)
    if doc.summary:
        _write(document, doc.summary, size="summary", bold=True, keep_with_next=True)
    _rule(document, 40, TEXT_WIDTH_MM).paragraph_format.space_after = Pt(12)


def _write_body(document, doc: OfficialDocument) -> None:
    for block in doc.blocks():
        if isinstance(block, Table):
            _write_grid(document, block)
            continue
        indent_cm = FIRST_LINE_INDENT_CM if block.first_line_indented else None
        _write(document, block.text, size="body", bold=block.bold, italic=block.italic, align=block.align, space_after=SPACE_AFTER_PT, indent_cm=indent_cm)


def _write_grid(document, table: Table) -> None:
    """A body table with borders, its heading row bold and centred."""
    widths = table.column_widths_mm
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate([table.columns, *table.rows]):
        for c, value in enumerate(values):
            cell = _fill_first(grid.cell(r, c))
            cell.width = Mm(widths[c])
            _write(cell, str(value), size="table", bold=(r == 0), align="center" if r == 0 else "left")
    document.add_paragraph().paragraph_format.space_after = Pt(SPACE_AFTER_PT)


def _write_closing(document, doc: OfficialDocument) -> None:
    """The recipients ("Nơi nhận:") or the counter-signature on the left, the signature on the right."""
    closing = _table_without_borders(document, 1, [TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2])
    recipients_cell, signature_cell = _fill_first(closing.cell(0, 0)), _fill_first(closing.cell(0, 1))
    if doc.counter_signature:
        _sign(recipients_cell, doc.counter_signature)
    else:
        _write(recipients_cell, "Nơi nhận:", size="recipients_heading", bold=True, italic=True, align="left")
        for line in doc.recipient_lines:
            _write(recipients_cell, line, size="recipients", align="left")
    _sign(signature_cell, doc.signature)


def _sign(cell, signature: Signature) -> None:
    for line in signature.heading_lines:
        _write(cell, line, size="signature", bold=True)
    name = _write(cell, signature.signer_name, size="signature", bold=True)
    name.paragraph_format.space_before = Pt(72)  # room for the signature and the seal


# --- python-docx helpers ------------------------------------------------------------------------
def _set_font(target_rpr_owner, size_pt: float | None = None) -> None:
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


def _write(container, text: str, *, size: str, bold=False, italic=False, align="center", space_after: float = 0, indent_cm: float | None = None, keep_with_next=False):
    """One paragraph of one run in ``container`` (the document or a cell), sized from ``SIZE_PT[size]``."""
    paragraph = container.add_paragraph()
    paragraph.alignment = _ALIGN[align]
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(space_after)
    if indent_cm:
        fmt.first_line_indent = Cm(indent_cm)
    if keep_with_next:
        fmt.keep_with_next = True
    run = paragraph.add_run(text)
    _set_font(run, SIZE_PT[size])
    run.bold, run.italic = bold, italic
    return paragraph


def _rule(container, width_mm: float, cell_width_mm: float):
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


def _fill_first(cell):
    """Cells start with one empty paragraph: reuse it so spacing stays exact."""
    first = cell.paragraphs[0]
    first._p.getparent().remove(first._p)
    return cell


def _table_without_borders(document, rows: int, widths_mm: list[float]):
    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)
    return table

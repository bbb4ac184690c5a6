"""The renderers lay documents out as Decree 30/2020, Appendix I asks: checked by reading the files back."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm, Pt
from pypdf import PdfReader

from tiepdan.documents import fonts
from tiepdan.documents.docx import render_docx
from tiepdan.documents.official import OfficialDocument, Para, Signature, format_date, place_and_date
from tiepdan.documents.pdf import render_pdf


def _docx(doc):
    return Document(io.BytesIO(render_docx(doc)))


def _pdf_pages(doc) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(doc))).pages]


def _paragraph(document, text):
    """The first paragraph, in the body or in a table cell, whose text is ``text``."""
    candidates = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                candidates += cell.paragraphs
    for paragraph in candidates:
        if paragraph.text == text:
            return paragraph
    raise AssertionError(f"no paragraph {text!r}")


def _size(paragraph):
    return paragraph.runs[0].font.size


def test_dates_have_leading_zeros_for_days_below_ten_and_months_one_and_two():
    assert format_date(dt.date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert format_date(dt.date(2026, 1, 15)) == "ngày 15 tháng 01 năm 2026"
    assert format_date(dt.date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"
    assert format_date(dt.date(2026, 12, 25)) == "ngày 25 tháng 12 năm 2026"
    assert place_and_date("Lạng Sơn", dt.date(2026, 2, 5)) == "Lạng Sơn, ngày 05 tháng 02 năm 2026"


def test_number_line_pads_numbers_below_ten_and_leaves_a_draft_blank(refusal):
    refusal.number = 5
    assert refusal.number_line == "Số: 05/TB-UBND"
    refusal.number = 123
    assert refusal.number_line == "Số: 123/TB-UBND"
    refusal.number = None
    assert refusal.number_line.startswith("Số: ") and refusal.number_line.endswith("/TB-UBND") and "None" not in refusal.number_line


def test_docx_page_is_a4_portrait_with_the_decree_margins(refusal):
    section = _docx(refusal).sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    twip = Mm(0.05)  # Word stores margins in twentieths of a point
    assert Mm(20) - twip <= section.top_margin <= Mm(25) and Mm(20) - twip <= section.bottom_margin <= Mm(25)
    assert Mm(30) - twip <= section.left_margin <= Mm(35) and Mm(15) - twip <= section.right_margin <= Mm(20)


def test_docx_uses_times_new_roman_everywhere(refusal):
    document = _docx(refusal)
    assert document.styles["Normal"].font.name == "Times New Roman"
    runs = [run for p in document.paragraphs for run in p.runs if run.text]
    runs += [run for t in document.tables for row in t.rows for cell in row.cells for p in cell.paragraphs for run in p.runs if run.text]
    assert runs and all(run.font.name == "Times New Roman" for run in runs)


def test_docx_header_titles_sizes_and_weights(refusal):
    refusal.parent_body = "Chính phủ"  # to see the parent line, which the province leaves out
    document = _docx(refusal)
    parent = _paragraph(document, "CHÍNH PHỦ")
    assert not parent.runs[0].bold and Pt(12) <= _size(parent) <= Pt(13)
    body = _paragraph(document, "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN")
    assert body.runs[0].bold and Pt(12) <= _size(body) <= Pt(13)
    title = _paragraph(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert title.runs[0].bold and Pt(12) <= _size(title) <= Pt(13)
    motto = _paragraph(document, "Độc lập - Tự do - Hạnh phúc")
    assert motto.runs[0].bold and Pt(13) <= _size(motto) <= Pt(14)
    number = _paragraph(document, "Số:        /TB-UBND")
    assert _size(number) == Pt(13) and not number.runs[0].bold and not number.runs[0].italic
    date = _paragraph(document, "Lạng Sơn, ngày 05 tháng 02 năm 2026")
    assert date.runs[0].italic and Pt(13) <= _size(date) <= Pt(14)


def test_docx_type_summary_body_and_signature_follow_the_decree(refusal):
    document = _docx(refusal)
    kind = _paragraph(document, "THÔNG BÁO")
    assert kind.runs[0].bold and Pt(13) <= _size(kind) <= Pt(14) and kind.alignment == WD_ALIGN_PARAGRAPH.CENTER
    summary = _paragraph(document, "Về việc từ chối tiếp công dân")
    assert summary.runs[0].bold and Pt(13) <= _size(summary) <= Pt(14)
    body = [p for p in document.paragraphs if p.text.startswith("Căn cứ khoản 3 Điều 9")][0]
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert Cm(1) <= body.paragraph_format.first_line_indent <= Cm(1.27) + 1
    assert body.paragraph_format.space_after >= Pt(6)
    assert Pt(13) <= _size(body) <= Pt(14)
    for line in ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đoàn Thu Hà"):
        paragraph = _paragraph(document, line)
        assert paragraph.runs[0].bold and Pt(13) <= _size(paragraph) <= Pt(14), line


def test_docx_recipients_heading_is_bold_italic_12pt_and_list_11pt(refusal):
    document = _docx(refusal)
    heading = _paragraph(document, "Nơi nhận:")
    assert heading.runs[0].bold and heading.runs[0].italic and _size(heading) == Pt(12)
    entry = _paragraph(document, "- Lưu: VT.")
    assert _size(entry) == Pt(11) and not entry.runs[0].bold


def test_docx_page_number_is_top_centre_and_not_on_the_first_page(refusal):
    section = _docx(refusal).sections[0]
    assert section.different_first_page_header_footer
    assert not section.first_page_header.paragraphs or not any(p.text.strip() for p in section.first_page_header.paragraphs)
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" in header._p.xml


def test_pdf_carries_the_vietnamese_text_with_diacritics(refusal):
    text = "\n".join(_pdf_pages(refusal))
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN TỈNH", "Lạng Sơn, ngày 05 tháng 02 năm 2026", "Về việc từ chối tiếp công dân", "Nguyễn Văn Bình", "Nơi nhận:", "Đoàn Thu Hà", "Mẫu số 01/TCD"):
        assert expected in text, expected


def test_pdf_is_a4_and_numbers_pages_from_the_second(refusal):
    refusal.body += [Para("Nội dung bổ sung dài để văn bản sang trang thứ hai. " * 40)] * 3
    reader = PdfReader(io.BytesIO(render_pdf(refusal)))
    assert len(reader.pages) >= 2
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1
    first, second = reader.pages[0].extract_text(), reader.pages[1].extract_text()
    assert second.lstrip().startswith("2")
    assert not first.lstrip().startswith("1")


def test_pdf_refuses_clearly_when_no_font_with_vietnamese_letters_is_installed(refusal, monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "FONT_DIRS", [str(tmp_path)])
    monkeypatch.setenv("TIEPDAN_FONT_DIRS", "")
    monkeypatch.setattr(fonts, "_registered_family", None)
    with pytest.raises(fonts.FontNotFound, match="fonts-liberation2"):
        render_pdf(refusal)


def test_a_font_without_vietnamese_letters_is_not_chosen(monkeypatch, tmp_path):
    """Debian's fonts-liberation 1.07 has Liberation Serif without ẫ, ố, ơ...: printing with it would leave blanks."""
    old = tmp_path / "LiberationSerif-Regular.ttf"
    old.write_bytes(b"not a font")
    monkeypatch.setattr(fonts, "FONT_DIRS", [str(tmp_path)])
    monkeypatch.setenv("TIEPDAN_FONT_DIRS", "")
    with pytest.raises(fonts.FontNotFound):
        fonts.find_serif_font()


def test_plain_text_reads_the_document_in_order(refusal):
    text = refusal.plain_text()
    assert text.index("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN") < text.index("THÔNG BÁO") < text.index("Căn cứ") < text.index("Nơi nhận:")


def test_a_minimal_document_without_recipients_or_addressee_renders():
    doc = OfficialDocument(issuing_body="Ban Tiếp công dân tỉnh Lạng Sơn", type_title="Thông báo", summary="", place="Lạng Sơn", date=dt.date(2026, 7, 1), signature=Signature(title="Trưởng ban", signer_name="Lý Thị Hoa"))
    assert "Trưởng ban".upper() in "\n".join(_pdf_pages(doc))
    assert _docx(doc).sections[0].page_width


def test_debians_old_liberation_serif_is_recognised_as_lacking_vietnamese():
    from pathlib import Path

    old = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")
    if not old.exists():
        pytest.skip("fonts-liberation 1.07 not installed here")
    assert not fonts._covers_vietnamese(old)
    assert fonts._covers_vietnamese(fonts.find_serif_font()[1][0])

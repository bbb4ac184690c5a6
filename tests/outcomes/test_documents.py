"""The issued notice, each citizen's letter and each matter's minutes as documents: Decree 30 figures, text, signature."""
from __future__ import annotations

import io

import pytest
from docx import Document
from docx.shared import Mm, Pt
from pypdf import PdfReader

from tests.documents.test_render import _paragraph, _size
from tiepdan.outcomes import services


def _read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def _pdf_text(document) -> str:
    """The PDF's words with its line breaks read as spaces (a long sentence wraps)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(_read(document.pdf))).pages).split())


@pytest.fixture
def issued(closed_session, official):
    """``issued(chair="chutich")`` → the notice of a two-citizen session, approved by ``chair`` and issued by the Board."""

    def make(chair="chutich"):
        board = official("bantcd")
        notice = services.draft_notice(session=closed_session(chair=chair))
        services.add_directive(by=board, item=notice.items.first(), agency=official("sonnmt").organisation, content="Kiểm tra, trả lời công dân.", working_days=15)
        services.submit(by=board, notice=notice)
        services.approve(by=official(chair), notice=notice)
        return services.issue(by=board, notice=notice)

    return make


def test_the_notice_docx_meets_the_decree_30_figures_and_a_deputy_signs_kt_chairman(issued):
    notice = issued(chair="phochutich")
    document = Document(io.BytesIO(_read(notice.document.docx)))
    section = document.sections[0]
    twip = Mm(0.05)
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    assert Mm(20) - twip <= section.top_margin <= Mm(25) and Mm(30) - twip <= section.left_margin <= Mm(35) and Mm(15) - twip <= section.right_margin <= Mm(20)
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert all(run.font.name == "Times New Roman" for p in document.paragraphs for run in p.runs if run.text)
    kind = _paragraph(document, "THÔNG BÁO")
    assert kind.runs[0].bold and Pt(13) <= _size(kind) <= Pt(14)
    for line in ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đoàn Thu Hà"):
        paragraph = _paragraph(document, line)
        assert paragraph.runs[0].bold and Pt(13) <= _size(paragraph) <= Pt(14), line
    text = "\n".join([p.text for p in document.paragraphs] + [p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs])
    assert "Nơi nhận:" in text and "- Lưu: VT." in text and "Sở Nông nghiệp và Môi trường" in text and "Thanh tra tỉnh Lạng Sơn" in text


def test_the_chairman_signs_for_the_committee_without_kt(issued):
    document = Document(io.BytesIO(_read(issued(chair="chutich").document.docx)))
    texts = [p.text for p in document.paragraphs] + [p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    assert "TM. ỦY BAN NHÂN DÂN" in texts and "CHỦ TỊCH" in texts and "KT. CHỦ TỊCH" not in texts


def test_the_pdf_keeps_every_diacritic(issued):
    text = _pdf_text(issued().document)
    for words in ("THÔNG BÁO", "Nguyễn Thị Hường", "Lục Văn Điềm", "Đề nghị xem xét lại mức bồi thường đất ở", "Đã giải thích rõ chính sách tại buổi tiếp", "ỦY BAN NHÂN DÂN"):
        assert words in text, words


def test_each_citizens_letter_names_that_citizen_only(issued):
    notice = issued()
    first, second = notice.items.select_related("extract", "minutes_document")
    one, two = _pdf_text(first.extract), _pdf_text(second.extract)
    assert "Nguyễn Thị Hường" in one and "Lục Văn Điềm" not in one
    assert "Lục Văn Điềm" in two and "Nguyễn Thị Hường" not in two
    assert notice.document.number in one  # it cites the notice it extracts


def test_each_matters_minutes_name_the_minute_taker_and_the_chair(issued):
    item = issued(chair="phochutich").items.select_related("minutes_document").first()
    text = _pdf_text(item.minutes_document)
    assert "BIÊN BẢN" in text and "Người ghi biên bản: Hoàng Văn Bình" in text and "Đoàn Thu Hà" in text
    assert "Nguyễn Thị Hường" in text and "Lục Văn Điềm" not in text


def test_the_issued_pdf_is_signed_and_fails_after_one_byte_changes(test_signer, issued):
    from tiepdan.documents.signing import verify_pdf

    notice = issued()
    assert notice.document.signed
    pdf = _read(notice.document.pdf)
    result = verify_pdf(pdf)
    assert result.ok, result.problems
    at = pdf.index(b"Nguy") if b"Nguy" in pdf else len(pdf) // 3
    tampered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]
    assert not verify_pdf(tampered).ok

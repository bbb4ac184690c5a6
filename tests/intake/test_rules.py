import datetime as dt

import pytest

from tiepdan.intake import rules


@pytest.mark.parametrize("number,born", [("020070123456", dt.date(1970, 1, 1)), ("001305000001", dt.date(2005, 7, 1)), ("096199000000", dt.date(1999, 12, 31))])
def test_valid_cccd_passes(number, born):
    assert rules.cccd_problem(number, born) is None


def test_cccd_must_be_twelve_digits():
    assert "12 chữ số" in rules.cccd_problem("02007012345", dt.date(1970, 1, 1))
    assert "12 chữ số" in rules.cccd_problem("02007012345a", dt.date(1970, 1, 1))


def test_cccd_province_code_must_be_one_of_the_63():
    assert "«003»" in rules.cccd_problem("003070123456", dt.date(1970, 1, 1))
    assert len(rules.CCCD_PROVINCE_CODES) == 63


def test_cccd_century_digit_must_match_year_of_birth():
    problem = rules.cccd_problem("020270123456", dt.date(1970, 1, 1))
    assert "chữ số thứ 4" in problem and "2000 đến 2099" in problem


def test_cccd_female_born_1900s_uses_digit_one():
    assert rules.cccd_problem("020170123456", dt.date(1970, 1, 1)) is None


def test_cccd_year_digits_must_match_year_of_birth():
    assert "chữ số thứ 5-6" in rules.cccd_problem("020071123456", dt.date(1970, 1, 1))


def test_date_of_birth_cannot_be_in_the_future():
    today = dt.date(2026, 11, 23)
    assert "tương lai" in rules.date_of_birth_problem(dt.date(2026, 11, 24), today)
    assert rules.date_of_birth_problem(dt.date(1950, 1, 1), today) is None
    assert "chưa nhập" in rules.date_of_birth_problem(None, today)


@pytest.mark.parametrize("members,reps,ok", [(5, 1, True), (10, 2, True), (10, 3, False), (11, 5, True), (40, 6, False), (12, 0, False)])
def test_article_29_caps_representatives(members, reps, ok):
    assert (rules.representatives_problem(members, reps) is None) is ok


def test_fewer_than_five_people_is_not_a_delegation():
    assert "từ 5 người" in rules.representatives_problem(4, 1)


PDF, JPEG, PNG = b"%PDF-1.7\n", b"\xff\xd8\xff\xe0\x00\x10JFIF", b"\x89PNG\r\n\x1a\n\x00\x00"


def test_attachments_of_the_three_types_pass():
    assert rules.attachment_problem("don.pdf", 1000, PDF) is None
    assert rules.attachment_problem("anh.JPG", 1000, JPEG) is None
    assert rules.attachment_problem("anh.png", 1000, PNG) is None


def test_attachment_too_large_is_refused_with_its_size():
    problem = rules.attachment_problem("don.pdf", rules.MAX_ATTACHMENT_BYTES + 1, PDF)
    assert "vượt quá giới hạn 10 MB" in problem and "don.pdf" in problem


def test_attachment_whose_content_is_not_its_extension_is_refused():
    assert "nội dung là PNG" in rules.attachment_problem("don.pdf", 1000, PNG)


def test_attachment_of_another_type_is_refused_even_named_pdf():
    assert "không phải PDF" in rules.attachment_problem("virus.pdf", 1000, b"MZ\x90\x00")


def test_empty_attachment_is_refused():
    assert "rỗng" in rules.attachment_problem("don.pdf", 0, b"")


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "xem <b>đậm</b>", "a onclick = b", "&#60;script"])
def test_markup_is_refused_naming_the_field(payload):
    assert rules.markup_problem("Tóm tắt nội dung", payload).startswith("Tóm tắt nội dung:")


@pytest.mark.parametrize("text", ["Diện tích < 100 m2 và > 50 m2", "Ông Nguyễn Văn Bình, thôn Bản Chắt", "Số 5/2024 ngày 1/2", ""])
def test_ordinary_text_passes(text):
    assert rules.markup_problem("Tóm tắt", text) is None


# --- Bad input that passed (issue 15, "Law and data" 9) -------------------------------------------------
@pytest.mark.parametrize("text", ["\u200b\u200b\u200b", "\ufeff", "\u200c\u200d \u2060", "\u3164\u3164", " \u200b "])
def test_text_made_only_of_invisible_characters_is_refused(text):
    assert "chỉ gồm ký tự vô hình" in rules.text_problem("Họ và tên", text)


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"])
def test_bidirectional_controls_are_refused_naming_them(control):
    problem = rules.text_problem("Tóm tắt nội dung", f"Khiếu nại {control}nad tấĐ")
    assert problem.startswith("Tóm tắt nội dung: chứa ký tự điều khiển hướng chữ") and f"U+{ord(control):04X}" in problem


def test_the_nul_byte_and_other_controls_are_refused_in_vietnamese():
    assert "ký tự NUL" in rules.text_problem("Địa chỉ", "Thôn\x00 Nà Lầu")
    assert rules.text_problem("Nội dung", "Dòng một\nDòng hai\tcột") is None


def test_text_longer_than_its_field_is_refused_with_both_lengths():
    problem = rules.text_problem("Tóm tắt nội dung", "đ" * (rules.MAX_SUMMARY_CHARS + 1), rules.MAX_SUMMARY_CHARS)
    assert "5.001 ký tự" in problem and "5.000 ký tự" in problem
    assert rules.text_problem("Tóm tắt nội dung", "đ" * rules.MAX_SUMMARY_CHARS, rules.MAX_SUMMARY_CHARS) is None


@pytest.mark.parametrize("text", ["Ông ‹Bình› trình bày", "Trích: &#8249;Quyết định 12&#8250;", "Hồ sơ &amp; giấy tờ", "Nguyễn Văn Bình"])
def test_typographic_signs_and_harmless_references_are_ordinary_text(text):
    assert rules.text_problem("Tóm tắt nội dung", text) is None


@pytest.mark.parametrize("text", ["&#60;script&#62;alert(1)", "&lt;img src=x onerror=alert(1)&gt;", "&#x3c;iframe"])
def test_a_reference_that_stands_for_markup_is_still_refused(text):
    assert "không được chứa mã HTML" in rules.text_problem("Tóm tắt nội dung", text)


def test_people_count_is_bounded():
    assert rules.people_count_problem(12) is None and rules.people_count_problem(rules.MAX_PEOPLE) is None
    assert "quá lớn" in rules.people_count_problem(10**12)
    assert "từ 1 người" in rules.people_count_problem(0)


def test_representative_cap_cites_article_29():
    assert "Luật Tiếp công dân 2013, Điều 29" in rules.representatives_problem(12, 6)
    assert "tối đa 2" in rules.representatives_problem(7, 3)
    assert "Điều 29" in rules.representatives_problem(4, 1)


# --- The date a letter was received -------------------------------------------------------------
def test_received_date_is_today_or_earlier_and_not_before_the_letters_date():
    today = dt.date(2026, 11, 23)
    assert rules.received_on_problem(today, today) is None
    assert rules.received_on_problem(dt.date(2026, 10, 1), today, written_on=dt.date(2026, 9, 28)) is None
    assert "tương lai" in rules.received_on_problem(dt.date(2026, 11, 24), today)
    assert "sớm hơn ngày ghi trên đơn" in rules.received_on_problem(dt.date(2026, 9, 1), today, written_on=dt.date(2026, 9, 28))
    assert "hơn một năm" in rules.received_on_problem(dt.date(2025, 11, 1), today)
    assert "chưa nhập" in rules.received_on_problem(None, today)
    assert "tương lai" in rules.written_on_problem(dt.date(2026, 12, 1), today)


# --- Opening what is attached -------------------------------------------------------------------
def _flate_pdf(raw_bytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``raw_bytes`` (zeros compress about 1000:1)."""
    import io
    import zlib

    payload = zlib.compress(b"\0" * raw_bytes, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(payload) + payload + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_a_real_pdf_and_a_real_image_pass_and_the_pages_are_counted():
    from .conftest import make_pdf, make_png

    assert rules.attachment_content_problem("don.pdf", "application/pdf", make_pdf(3)) is None
    assert rules.pdf_pages(make_pdf(3)) == 3
    assert rules.attachment_content_problem("anh.png", "image/png", make_png()) is None
    assert rules.attachment_content_problem("nho.pdf", "application/pdf", _flate_pdf(1000)) is None


def test_a_pdf_whose_body_is_html_is_refused():
    page = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>"
    assert rules.attachment_problem("don.pdf", len(page), page[:16]) is None  # the magic number alone lets it through
    assert "không đọc được" in rules.attachment_content_problem("don.pdf", "application/pdf", page)


def test_a_pdf_that_expands_to_100_mb_is_refused():
    bomb = _flate_pdf(100 * 1024 * 1024)
    assert len(bomb) < 200_000
    assert "khi giải nén" in rules.attachment_content_problem("bom.pdf", "application/pdf", bomb)


def test_a_pdf_of_too_many_pages_is_refused():
    from .conftest import make_pdf

    assert f"vượt quá {rules.MAX_PDF_PAGES} trang" in rules.attachment_content_problem("dai.pdf", "application/pdf", make_pdf(rules.MAX_PDF_PAGES + 1))


def test_a_broken_image_and_an_oversized_one_are_refused(monkeypatch):
    from .conftest import make_png

    png = make_png()
    assert "ảnh hỏng" in rules.attachment_content_problem("anh.png", "image/png", png[:40])
    monkeypatch.setattr(rules, "MAX_IMAGE_PIXELS", 1000)
    assert "triệu điểm ảnh" in rules.attachment_content_problem("anh.png", "image/png", png)

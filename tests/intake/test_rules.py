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

"""Rules the law (or the house) sets on what is registered. Pure functions: each returns None when
the input is acceptable, or the Vietnamese message to show (naming the field) when it is not."""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import unicodedata

# Province codes that open a 12-digit personal ID number: the 63 provinces' codes of
# Quyết định 124/2004/QĐ-TTg (danh mục đơn vị hành chính), used for the number by
# Thông tư 07/2016/TT-BCA Điều 7 and kept by the Law on Identity 2023 (docs/LEGAL.md: verify
# the current text). Numbers issued before the 2025 merger keep their old code.
CCCD_PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "TP Hồ Chí Minh",
    "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

_TWELVE_DIGITS = re.compile(r"^[0-9]{12}$")


def cccd_problem(id_number: str, date_of_birth: dt.date | None) -> str | None:
    """Số định danh cá nhân: 3 digits of province code, 1 digit for sex and century of birth
    (0/1: 1900-1999, 2/3: 2000-2099, 4/5: 2100-2199 ...), 2 digits of the birth year, 6 random digits
    (Thông tư 07/2016/TT-BCA Điều 7; docs/LEGAL.md, the personal ID number)."""
    number = (id_number or "").strip()
    if not _TWELVE_DIGITS.match(number):
        return "Số CCCD phải gồm đúng 12 chữ số (không có chữ, dấu cách hay dấu chấm). Hãy kiểm tra lại trên thẻ căn cước."
    if number[:3] not in CCCD_PROVINCE_CODES:
        return f"Số CCCD: 3 chữ số đầu «{number[:3]}» không phải mã tỉnh nơi đăng ký khai sinh. Hãy kiểm tra lại trên thẻ căn cước."
    if date_of_birth is None:
        return None
    century = 1900 + 100 * (int(number[3]) // 2)
    if not century <= date_of_birth.year < century + 100:
        return (
            f"Số CCCD: chữ số thứ 4 «{number[3]}» (giới tính, thế kỷ sinh) chỉ người sinh từ {century} đến {century + 99}, "
            f"không khớp năm sinh {date_of_birth.year}. Hãy kiểm tra lại số CCCD hoặc ngày sinh."
        )
    if number[4:6] != f"{date_of_birth.year % 100:02d}":
        return f"Số CCCD: chữ số thứ 5-6 «{number[4:6]}» phải là hai số cuối của năm sinh ({date_of_birth.year % 100:02d}). Hãy kiểm tra lại số CCCD hoặc ngày sinh."
    return None


def date_of_birth_problem(date_of_birth: dt.date | None, today: dt.date) -> str | None:
    """A date of birth cannot be in the future (nor absurdly far in the past)."""
    if date_of_birth is None:
        return "Ngày sinh: chưa nhập. Hãy nhập ngày sinh theo thẻ căn cước (ngày/tháng/năm)."
    if date_of_birth > today:
        return "Ngày sinh không được ở tương lai. Hãy nhập ngày sinh theo thẻ căn cước."
    if date_of_birth.year < today.year - 130:
        return "Ngày sinh quá xa trong quá khứ. Hãy kiểm tra lại năm sinh."
    return None


def representatives_range(members_count: int) -> tuple[int, int]:
    """Luật Tiếp công dân 2013, Điều 29: five to ten people choose one or two representatives;
    more than ten may choose more, but no more than five. Fewer than five is not a delegation."""
    if members_count < 5:
        return (1, 1)
    if members_count <= 10:
        return (1, 2)
    return (1, 5)


def representatives_problem(members_count: int, representatives: int) -> str | None:
    """Luật Tiếp công dân 2013, Điều 29: the cap on a delegation's representatives."""
    if members_count < 5:
        return "Số người trong đoàn: đoàn đông người có từ 5 người trở lên (Luật Tiếp công dân, Điều 29). Dưới 5 người, hãy đăng ký từng công dân."
    low, high = representatives_range(members_count)
    if representatives < low:
        return "Người đại diện: đoàn phải cử ít nhất 1 người đại diện. Hãy chọn người đại diện của đoàn."
    if representatives > high:
        return f"Người đại diện: đoàn {members_count} người được cử tối đa {high} người đại diện (Luật Tiếp công dân 2013, Điều 29). Hãy bớt người đại diện."
    return None


# --- Attachments --------------------------------------------------------------------------
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # house limit: a scanned 20-page petition at 300 dpi fits
ALLOWED_TYPES = {
    "application/pdf": ({".pdf"}, "PDF"),
    "image/jpeg": ({".jpg", ".jpeg"}, "JPEG"),
    "image/png": ({".png"}, "PNG"),
}


def sniff_content_type(head: bytes) -> str | None:
    """The type the file's first bytes say it is (magic numbers), whatever its name says."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def attachment_problem(name: str, size_bytes: int, head: bytes) -> str | None:
    """Attachments are PDF, JPEG or PNG, at most ``MAX_ATTACHMENT_BYTES``, and are what their extension says."""
    if size_bytes <= 0:
        return f"Tệp đính kèm «{name}» rỗng. Hãy chọn lại tệp."
    if size_bytes > MAX_ATTACHMENT_BYTES:
        return f"Tệp đính kèm «{name}» dung lượng {size_bytes / 1024 / 1024:.1f} MB, vượt quá giới hạn {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB. Hãy quét lại với độ phân giải thấp hơn hoặc tách tệp."
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    sniffed = sniff_content_type(head)
    if sniffed is None:
        return f"Tệp đính kèm «{name}» không phải PDF, JPEG hay PNG. Chỉ nhận tài liệu dạng PDF hoặc ảnh JPEG, PNG."
    extensions, label = ALLOWED_TYPES[sniffed]
    if ext not in extensions:
        return f"Tệp đính kèm «{name}»: nội dung là {label} nhưng phần mở rộng là «{ext or 'không có'}». Hãy đổi tên tệp cho đúng loại rồi tải lại."
    return None


MAX_PDF_PAGES = 200
MAX_PDF_DECODED_BYTES = 64 * 1024 * 1024  # every stream of the file decompressed, all together
MAX_IMAGE_PIXELS = 60_000_000  # an A4 page scanned at 600 dpi is 35 megapixels


def attachment_content_problem(name: str, content_type: str, data: bytes) -> str | None:
    """Open what was sniffed before storing it: a PDF must parse (pypdf), have at most ``MAX_PDF_PAGES`` pages and
    decompress to at most ``MAX_PDF_DECODED_BYTES``; an image must pass Pillow's ``verify`` within
    ``MAX_IMAGE_PIXELS``. A file that only starts like a PDF ("%PDF-" then HTML) or expands to hundreds of
    megabytes in an official's viewer is refused."""
    if content_type == "application/pdf":
        return _pdf_problem(name, data)
    if content_type in ("image/jpeg", "image/png"):
        return _image_problem(name, data)
    return None


def _pdf_problem(name: str, data: bytes) -> str | None:
    # Here, not at the top: pypdf takes ~90 ms to import, and every module of intake imports these rules.
    import pypdf
    from pypdf.errors import LimitReachedError
    from pypdf.generic import IndirectObject, StreamObject

    limits = {key: MAX_PDF_DECODED_BYTES for key in ("zlib_maximum_output_length", "lzw_maximum_output_length", "run_length_maximum_output_length", "jbig2_maximum_output_length", "brotli_maximum_output_length", "array_based_stream_maximum_output_length", "maximum_declared_stream_length", "image_maximum_buffer_size")}
    too_big = f"Tệp đính kèm «{name}»: khi giải nén, tệp PDF lớn hơn {MAX_PDF_DECODED_BYTES // 1024 // 1024} MB (tệp có thể bị cài mã độc). Hãy in ra PDF lại từ máy quét hoặc phần mềm soạn thảo."
    try:
        with pypdf.apply_configuration(page_tree_maximum_entries=10 * MAX_PDF_PAGES, **limits):
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                return f"Tệp đính kèm «{name}»: tệp PDF có mật khẩu, cán bộ không mở được. Hãy gỡ mật khẩu rồi tải lại."
            pages = len(reader.pages)
            if pages < 1:
                raise ValueError("no pages")
            if pages > MAX_PDF_PAGES:
                return f"Tệp đính kèm «{name}» có {pages} trang, vượt quá {MAX_PDF_PAGES} trang. Hãy tách thành nhiều tệp."
            decoded = 0
            for generation, numbers in reader.xref.items():
                for number in numbers:
                    obj = reader.get_object(IndirectObject(number, generation, reader))
                    if isinstance(obj, StreamObject):
                        decoded += len(obj.get_data())
                        if decoded > MAX_PDF_DECODED_BYTES:
                            return too_big
    except LimitReachedError:
        return too_big
    except Exception:  # pypdf raises many kinds for a file that is not a PDF; the message is the same
        return f"Tệp đính kèm «{name}» bắt đầu như tệp PDF nhưng không đọc được (tệp hỏng, hoặc là trang web, văn bản khác đổi đuôi). Hãy xuất lại PDF từ máy quét hoặc phần mềm soạn thảo."
    return None


def pdf_pages(data: bytes) -> int:
    """The page count of a PDF that passed ``attachment_content_problem`` (Form 02/TCD's "số trang")."""
    import pypdf  # here, not at the top: see _pdf_problem

    with pypdf.apply_configuration(page_tree_maximum_entries=10 * MAX_PDF_PAGES):
        return len(pypdf.PdfReader(io.BytesIO(data), strict=False).pages)


def _image_problem(name: str, data: bytes) -> str | None:
    from PIL import Image  # here, not at the top: Pillow takes ~25 ms to import, only an uploaded image needs it

    unreadable = f"Tệp đính kèm «{name}»: ảnh hỏng, không mở được. Hãy chụp hoặc quét lại rồi tải lên."
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return f"Tệp đính kèm «{name}»: ảnh {width}×{height} điểm ảnh, vượt quá {MAX_IMAGE_PIXELS // 1_000_000} triệu điểm ảnh. Hãy quét ở độ phân giải thấp hơn (300 dpi là đủ)."
            image.verify()
    except Image.DecompressionBombError:
        return f"Tệp đính kèm «{name}»: ảnh vượt quá {MAX_IMAGE_PIXELS // 1_000_000} triệu điểm ảnh. Hãy quét ở độ phân giải thấp hơn (300 dpi là đủ)."
    except Exception:  # Pillow's errors for a broken file vary by format
        return unreadable
    return None


def received_on_problem(received_on: dt.date | None, today: dt.date, written_on: dt.date | None = None) -> str | None:
    """Nghị định 154/2026, Điều 41 khoản 3 điểm b: the 45 days run from the day a petition is received, so the date
    recorded is the day the letter arrived: not after today, not before the date written on the letter, and
    within a year (an older date is a typing mistake, not a letter found in a drawer)."""
    if received_on is None:
        return "Ngày nhận đơn: chưa nhập. Hãy nhập ngày Ban nhận được đơn (ngày đóng dấu đến)."
    if received_on > today:
        return "Ngày nhận đơn không được ở tương lai. Hãy nhập ngày Ban đã nhận được đơn (ngày đóng dấu đến)."
    if written_on is not None and received_on < written_on:
        return f"Ngày nhận đơn ({received_on:%d/%m/%Y}) sớm hơn ngày ghi trên đơn ({written_on:%d/%m/%Y}). Hãy kiểm tra lại một trong hai ngày."
    if received_on < today - dt.timedelta(days=365):
        return "Ngày nhận đơn cách đây hơn một năm. Hãy kiểm tra lại năm của ngày nhận đơn."
    return None


def written_on_problem(written_on: dt.date | None, today: dt.date) -> str | None:
    """The date written on a letter, when given, is not in the future."""
    if written_on is not None and written_on > today:
        return "Ngày ghi trên đơn không được ở tương lai. Hãy kiểm tra lại ngày tháng trên đơn."
    return None


# --- Text fields ----------------------------------------------------------------------------
_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|javascript\s*:|vbscript\s*:|data\s*:\s*text/html|\bon[a-z]+\s*=", re.IGNORECASE)
_CHARACTER_REFERENCE = re.compile(r"&(#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);?", re.IGNORECASE)


def markup_problem(label: str, value: str | None) -> str | None:
    """Refuse HTML or script in any text a person types: it would be shown to officials and put into documents.

    A character reference is refused only when what it stands for is markup ("&#60;script"): a
    typographic sign such as "‹" (U+2039), typed or pasted as "&#8249;", is ordinary text."""
    if not value:
        return None
    if _MARKUP.search(value) or (_CHARACTER_REFERENCE.search(value) and _MARKUP.search(html.unescape(value))):
        return f"{label}: không được chứa mã HTML hay mã lệnh (thẻ <...>, «javascript:», ...). Hãy nhập văn bản thường."
    return None


# Unicode's bidirectional embedding, override and isolate controls, and the marks: they reorder what an
# official reads ("Trojan Source", CVE-2021-42574) and have no use in Vietnamese text.
BIDI_CONTROLS = frozenset(chr(c) for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Characters that print nothing yet are not Unicode "format" characters (category Cf covers U+200B-U+200F, U+FEFF, U+2060...).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _is_invisible(ch: str) -> bool:
    return ch.isspace() or ch in _BLANK_LETTERS or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp", "Mn")


def bidi_control_problem(label: str, value: str | None) -> str | None:
    """Refuse bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F, U+061C): a name or a summary
    that reads one way on screen and another in the database or a document is a forgery, not text."""
    found = sorted({f"U+{ord(ch):04X}" for ch in (value or "") if ch in BIDI_CONTROLS})
    if found:
        return f"{label}: chứa ký tự điều khiển hướng chữ vô hình ({', '.join(found)}), làm chữ hiển thị khác với nội dung thật. Hãy gõ lại nội dung, không dán từ nguồn khác."
    return None


def invisible_only_problem(label: str, value: str | None) -> str | None:
    """Refuse text that is not empty but shows nothing (zero-width spaces U+200B-U+200D, U+FEFF, blank letters):
    it passes "required" and leaves a blank name or summary on the record."""
    if value and all(_is_invisible(ch) for ch in value) and not value.isspace():
        return f"{label}: chỉ gồm ký tự vô hình (dấu cách rộng bằng 0, ...), không có chữ nào. Hãy nhập nội dung."
    return None


def control_character_problem(label: str, value: str | None) -> str | None:
    """Refuse the NUL byte and the other C0 control characters (tab and line breaks excepted): no database
    stores NUL in text (PostgreSQL refuses it) and none belongs in a petition."""
    if value and any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in value):
        return f"{label}: chứa ký tự điều khiển không in được (ví dụ ký tự NUL). Hãy gõ lại nội dung, không dán từ tệp nhị phân."
    return None


def length_problem(label: str, value: str | None, max_chars: int) -> str | None:
    """A text longer than its field allows, said in characters (the form shows the same limit)."""
    if value and len(value) > max_chars:
        return f"{label}: dài {len(value):,} ký tự, vượt quá {max_chars:,} ký tự cho phép. Hãy tóm tắt ngắn gọn hơn (toàn văn đơn có thể đính kèm dạng PDF).".replace(",", ".")
    return None


def text_problem(label: str, value: str | None, max_chars: int | None = None) -> str | None:
    """Every check a typed text goes through, the first that fails: control characters, bidirectional
    controls, invisible-only text, length, markup."""
    return (
        control_character_problem(label, value)
        or bidi_control_problem(label, value)
        or invisible_only_problem(label, value)
        or (length_problem(label, value, max_chars) if max_chars else None)
        or markup_problem(label, value)
    )


# House limits on what a form accepts (the forms, the services and the models use the same figures).
MAX_SUMMARY_CHARS = 5_000  # a summary, a request: the full letter goes into ``content`` or an attachment
MAX_CONTENT_CHARS = 20_000  # a petition's text as typed or read back (about eight pages)
MAX_NOTE_CHARS = 5_000
MAX_PEOPLE = 100_000  # people with the same content: more than a province's largest commune
MAX_PAPERS = 100
MAX_PAPER_PAGES = 5_000


def people_count_problem(people_count: int | None) -> str | None:
    """The number of people with the same content (Form 03/TCD column 7): from 1 to ``MAX_PEOPLE``."""
    if people_count is None or people_count < 1:
        return "Số người cùng nội dung: phải từ 1 người trở lên."
    if people_count > MAX_PEOPLE:
        return f"Số người cùng nội dung: {people_count:,} người là quá lớn (tối đa {MAX_PEOPLE:,} người). Hãy kiểm tra lại con số.".replace(",", ".")
    return None

"""Rules the law (or the house) sets on what is registered. Pure functions: each returns None when
the input is acceptable, or the Vietnamese message to show (naming the field) when it is not."""
from __future__ import annotations

import datetime as dt
import re

# Province codes that open a 12-digit personal ID number: the 63 provinces' codes of
# Quyết định 124/2004/QĐ-TTg (danh mục đơn vị hành chính), used for the number by
# Thông tư 07/2016/TT-BCA Điều 7 and kept by the Law on Identity 2023 (legal.md: verify
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
    (Thông tư 07/2016/TT-BCA Điều 7; legal.md "Citizen ID number")."""
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


# --- Text fields ----------------------------------------------------------------------------
_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|javascript\s*:|vbscript\s*:|data\s*:\s*text/html|\bon[a-z]+\s*=|&#x?[0-9a-f]+;?", re.IGNORECASE)


def markup_problem(label: str, value: str | None) -> str | None:
    """Refuse HTML or script in any text a person types: it would be shown to officials and put into documents."""
    if value and _MARKUP.search(value):
        return f"{label}: không được chứa mã HTML hay mã lệnh (thẻ <...>, «javascript:», ...). Hãy nhập văn bản thường."
    return None

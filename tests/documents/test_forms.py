"""The form builders put every field the law asks for into the document."""
from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
from docx import Document

from tiepdan.documents import forms
from tiepdan.documents.docx import render_docx

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _session(**overrides):
    values = dict(
        chair_title="Chủ tịch UBND tỉnh",
        chair_name="Hồ Tiến Thiệu",
        starts_at=dt.datetime(2026, 7, 15, 14, 0, tzinfo=HCM),
        ends_at=dt.datetime(2026, 7, 15, 17, 0, tzinfo=HCM),
        central_point="Trụ sở Ban Tiếp công dân tỉnh Lạng Sơn, số 2 Hoàng Văn Thụ",
    )
    values.update(overrides)
    return forms.SessionInfo(**values)


def test_refusal_notice_form_01_carries_the_fields_of_article_4_3(refusal):
    text = refusal.plain_text()
    assert refusal.form_code == "Mẫu số 01/TCD" and refusal.symbol == "TB-UBND"
    assert "Kính gửi: Ông (bà) Nguyễn Văn Bình" in text  # addressee
    assert "ngày 05 tháng 02 năm 2026" in text  # date
    assert "Căn cước số: 020085001234; ngày cấp: 12/04/2021; nơi cấp: Cục Cảnh sát" in text  # name and identity paper
    assert "với lý do: Nội dung khiếu nại đã được giải quyết đúng" in text  # reason
    assert "Căn cứ khoản 3 Điều 9 Luật Tiếp công dân năm 2013" in text  # legal basis
    assert "Quyết định số 123/QĐ-UBND" in text  # content refused
    assert "Nơi nhận:" in text and "Lưu: VT" in text  # recipients
    assert "PHÓ CHỦ TỊCH" in text and "Đoàn Thu Hà" in text  # the head's signature


def test_refusal_notice_without_a_reason_is_refused_with_what_to_do(province_issuer, citizen):
    with pytest.raises(ValueError, match="Thiếu thông tin bắt buộc.*reason.*Hãy nhập đủ"):
        forms.refusal_notice(issuer=province_issuer, on=dt.date(2026, 2, 5), person=citizen, reason=" ", legal_basis="khoản 3 Điều 9", content_refused="Khiếu nại")


def test_receipt_form_02_lists_each_paper_with_pages_and_state_and_both_signatures(province_issuer, citizen):
    doc = forms.receipt_of_papers(
        issuer=province_issuer,
        received_at=dt.datetime(2026, 7, 3, 9, 5, tzinfo=HCM),
        place="Trụ sở Ban Tiếp công dân tỉnh Lạng Sơn",
        officer_name="Hoàng Văn Bình",
        officer_position="Chuyên viên Ban Tiếp công dân",
        person=citizen,
        papers=[forms.Paper("Đơn khiếu nại", 3, forms.PHOTOCOPY), forms.Paper("Quyết định số 123/QĐ-UBND", 2, forms.CERTIFIED_COPY)],
    )
    assert doc.form_code == "Mẫu số 02/TCD" and doc.symbol == "GBN-UBND"
    document = Document(io.BytesIO(render_docx(doc)))
    items = document.tables[1]  # [0] is the header, [1] the papers, [2] the signatures
    rows = [[cell.text for cell in row.cells] for row in items.rows]
    assert rows[0] == ["STT", "Tên thông tin, tài liệu, bằng chứng", "Số trang", "Tình trạng"]
    assert rows[1] == ["1", "Đơn khiếu nại", "3", "Bản phô tô"]
    assert rows[2] == ["2", "Quyết định số 123/QĐ-UBND", "2", "Bản sao có chứng thực"]
    text = doc.plain_text()
    assert "Vào hồi 09 giờ 05, ngày 03 tháng 7 năm 2026, tại Trụ sở Ban Tiếp công dân" in text
    assert "Tôi là: Hoàng Văn Bình, chức vụ: Chuyên viên Ban Tiếp công dân." in text
    assert "020085001234" in text
    assert "Tổng cộng: 2 tài liệu, 5 trang." in text
    assert "lập thành 02 bản, mỗi bên giữ 01 bản" in text
    signatures = [cell.text for cell in document.tables[2].rows[0].cells]
    assert "NGƯỜI NỘP" in signatures[0] and "Nguyễn Văn Bình" in signatures[0]
    assert "NGƯỜI NHẬN" in signatures[1] and "Hoàng Văn Bình" in signatures[1]
    assert "Nơi nhận:" not in text


def test_receipt_refuses_a_paper_state_the_form_does_not_know(province_issuer, citizen):
    with pytest.raises(ValueError, match="Tài liệu số 1 .*không hợp lệ; chọn một trong"):
        forms.receipt_of_papers(issuer=province_issuer, received_at=dt.datetime(2026, 7, 3, 9, 0, tzinfo=HCM), place="Ban", officer_name="A", officer_position="B", person=citizen, papers=[forms.Paper("Đơn", 1, "bản nháp")])
    with pytest.raises(ValueError, match="số trang phải từ 1"):
        forms.receipt_of_papers(issuer=province_issuer, received_at=dt.datetime(2026, 7, 3, 9, 0, tzinfo=HCM), place="Ban", officer_name="A", officer_position="B", person=citizen, papers=[forms.Paper("Đơn", 0)])


def test_reply_not_received_gives_the_reason_and_what_the_citizen_can_do(province_issuer, citizen):
    doc = forms.reply_not_received(
        issuer=province_issuer,
        on=dt.date(2026, 7, 6),
        person=citizen,
        registered_on=dt.date(2026, 6, 20),
        request_summary="Đề nghị được gặp Chủ tịch về việc bồi thường đất.",
        reason="nội dung thuộc thẩm quyền giải quyết của UBND xã Hoàng Văn Thụ, chưa được xã giải quyết.",
        alternatives=["Gửi đơn đến UBND xã Hoàng Văn Thụ để được giải quyết theo thẩm quyền.", "Đăng ký tiếp công dân định kỳ của Chủ tịch UBND xã."],
    )
    text = doc.plain_text()
    assert "Ngày 20/06/2026" in text and "bồi thường đất" in text
    assert "vì lý do: nội dung thuộc thẩm quyền" in text
    assert "- Gửi đơn đến UBND xã Hoàng Văn Thụ" in text and "- Đăng ký tiếp công dân định kỳ" in text
    with pytest.raises(ValueError, match="alternatives"):
        forms.reply_not_received(issuer=province_issuer, on=dt.date(2026, 7, 6), person=citizen, registered_on=dt.date(2026, 6, 20), request_summary="x", reason="y", alternatives=[])


def test_invitation_names_time_place_central_point_and_purpose(province_issuer):
    doc = forms.invitation(
        issuer=province_issuer,
        on=dt.date(2026, 7, 6),
        invitee="Ông Nguyễn Văn Bình",
        session=_session(),
        attend_at="Hội trường UBND xã Hoàng Văn Thụ",
        purpose="Trình bày khiếu nại về việc thu hồi đất.",
        requests=["Mang theo căn cước và giấy tờ liên quan.", "Có mặt trước 30 phút để kiểm tra kết nối."],
        contact="Ban Tiếp công dân tỉnh, điện thoại 0205 3812 345",
    )
    text = doc.plain_text()
    assert doc.type_title == "Giấy mời" and doc.symbol == "GM-UBND"
    assert "Kính gửi: Ông Nguyễn Văn Bình" in text
    assert "tham dự buổi tiếp công dân trực tuyến do Chủ tịch UBND tỉnh Hồ Tiến Thiệu chủ trì" in text
    assert "Thời gian: từ 14 giờ 00 đến 17 giờ 00, ngày 15 tháng 7 năm 2026." in text
    assert "Địa điểm tham dự: Hội trường UBND xã Hoàng Văn Thụ." in text and "Điểm cầu trung tâm: Trụ sở Ban" in text
    assert "- Mang theo căn cước" in text and "0205 3812 345" in text


def test_session_notice_lists_the_matters_and_who_attends(province_issuer):
    doc = forms.session_notice(
        issuer=province_issuer,
        on=dt.date(2026, 7, 6),
        session=_session(),
        agenda=[
            forms.AgendaLine("Nguyễn Văn Bình", "xã Hoàng Văn Thụ", "Khiếu nại thu hồi đất", "Điểm cầu xã Hoàng Văn Thụ", "Sở NN&MT"),
            forms.AgendaLine("Đoàn 12 người (2 đại diện)", "xã Tân Đoàn", "Kiến nghị bồi thường", "Điểm cầu xã Tân Đoàn", "Sở TC"),
        ],
        participants=["Lãnh đạo Ban Tiếp công dân tỉnh", "Đại diện lãnh đạo Sở Nông nghiệp và Môi trường"],
        component_points=["Điểm cầu xã Hoàng Văn Thụ", "Điểm cầu xã Tân Đoàn"],
    )
    text = doc.plain_text()
    assert "Lịch tiếp công dân định kỳ ngày 15 tháng 7 năm 2026" == doc.summary
    assert "1 | Nguyễn Văn Bình\nxã Hoàng Văn Thụ | Khiếu nại thu hồi đất" in text
    assert "Đoàn 12 người (2 đại diện)" in text
    assert "Các điểm cầu thành phần: Điểm cầu xã Hoàng Văn Thụ; Điểm cầu xã Tân Đoàn." in text
    assert "- Đại diện lãnh đạo Sở Nông nghiệp và Môi trường" in text
    empty = forms.session_notice(issuer=province_issuer, on=dt.date(2026, 7, 6), session=_session(periodic=False), agenda=[], participants=["Ban Tiếp công dân tỉnh"])
    assert "Không có công dân đăng ký trong kỳ này." in empty.plain_text() and "đột xuất" in empty.summary


def test_change_notice_moves_or_cancels_a_session_with_the_reason(province_issuer):
    original = _session()
    moved = forms.change_notice(issuer=province_issuer, on=dt.date(2026, 7, 10), original=original, reason="Chủ tịch dự họp Chính phủ", new=_session(starts_at=dt.datetime(2026, 7, 16, 14, 0, tzinfo=HCM), ends_at=dt.datetime(2026, 7, 16, 17, 0, tzinfo=HCM)))
    assert moved.summary == "Về việc thay đổi lịch tiếp công dân"
    assert "chuyển sang từ 14 giờ 00 đến 17 giờ 00, ngày 16 tháng 7 năm 2026" in moved.plain_text()
    cancelled = forms.change_notice(issuer=province_issuer, on=dt.date(2026, 7, 10), original=original, reason="mưa lũ chia cắt giao thông")
    assert cancelled.summary == "Về việc hủy lịch tiếp công dân"
    assert "Vì lý do: mưa lũ chia cắt giao thông, buổi tiếp công dân nêu trên không tổ chức." in cancelled.plain_text()

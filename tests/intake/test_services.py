import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tiepdan.core.models import AuditEntry
from tiepdan.intake import selectors, services
from tiepdan.intake.models import Citizen, CommuneBatch, Contact, Delegation, Matter, MatterState, Petition

pytestmark = pytest.mark.django_db


def _nothing_stored():
    return Citizen.objects.count() == 0 and Matter.objects.count() == 0 and Petition.objects.count() == 0 and Delegation.objects.count() == 0


def test_board_officer_registers_a_citizen_in_person(official, board_matter):
    matter = board_matter()
    assert matter.state == MatterState.RECEIVED
    assert matter.citizen_name_folded == "nguyen van binh"
    assert matter.petitions.get().papers == [{"name": "Quyết định thu hồi đất", "pages": 2, "state": "bản chụp"}]
    assert matter.state_due_at is not None
    assert AuditEntry.objects.filter(action="matter.register", object_id=str(matter.pk), actor=official("bantcd")).exists()


def test_the_same_id_number_reuses_the_citizen(board_matter, citizen_data):
    first = board_matter(citizen=citizen_data(id_number="020068000777"))
    second = board_matter(citizen=citizen_data(id_number="020068000777", phone="0988000111"))
    assert first.citizen_id == second.citizen_id
    assert Citizen.objects.get().phone == "0988000111"


def test_same_id_number_with_another_name_is_refused(board_matter, citizen_data):
    board_matter(citizen=citizen_data(id_number="020068000777"))
    with pytest.raises(ValidationError) as exc:
        board_matter(citizen=citizen_data(id_number="020068000777", full_name="Lý Thị Hoa"))
    assert "id_number" in exc.value.message_dict
    assert Matter.objects.count() == 1


@pytest.mark.parametrize("overrides,field,words", [
    ({"id_number": "020071123456"}, "id_number", "chữ số thứ 5-6"),
    ({"id_number": "12345"}, "id_number", "12 chữ số"),
    ({"date_of_birth": dt.date(2099, 1, 1)}, "date_of_birth", "tương lai"),
    ({"full_name": "<script>alert(1)</script>"}, "full_name", "Họ và tên: không được chứa mã HTML"),
    ({"address": "Thôn <a href=x>1</a>"}, "address", "Địa chỉ: không được chứa mã HTML"),
])
def test_bad_citizen_input_is_refused_naming_the_field_and_nothing_is_stored(board_matter, citizen_data, overrides, field, words):
    with pytest.raises(ValidationError) as exc:
        board_matter(citizen=citizen_data(**overrides))
    assert words in " ".join(exc.value.message_dict[field])
    assert _nothing_stored()


@pytest.mark.parametrize("overrides,field,words", [
    ({"summary": "javascript:alert(document.cookie) xin gặp"}, "summary", "Tóm tắt nội dung: không được chứa"),
    ({"request": "<iframe src=x>"}, "request", "Yêu cầu của công dân"),
    ({"summary": "ngắn"}, "summary", "ít nhất"),
    ({"papers": [{"name": "<b>x</b>", "pages": 1}]}, "papers", "Giấy tờ kèm theo, dòng 1"),
    ({"identity_protected": True}, "identity_protected", "chỉ áp dụng cho người tố cáo"),
])
def test_bad_matter_input_is_refused_naming_the_field_and_nothing_is_stored(board_matter, overrides, field, words):
    with pytest.raises(ValidationError) as exc:
        board_matter(**overrides)
    assert words in " ".join(exc.value.message_dict[field])
    assert _nothing_stored()


def test_delegation_counts_one_visit_and_n_people(official, board_matter, citizen_data):
    rep2 = citizen_data(full_name="Hoàng Thị Lan", date_of_birth=dt.date(1975, 6, 1))
    matter = board_matter(members_count=12, members_note="12 hộ thôn Nà Pàn", other_representatives=[rep2])
    board_matter(citizen=citizen_data(full_name="Vi Văn Tư"))
    assert matter.delegation.members_count == 12 and matter.representatives_count == 2 and matter.people_count == 12
    counts = selectors.statistics(official("bantcd"))
    assert (counts.matters, counts.visits, counts.people, counts.delegation_visits, counts.delegation_people) == (2, 2, 13, 1, 12)


def test_delegation_with_too_many_representatives_is_refused(board_matter, citizen_data):
    reps = [citizen_data(full_name=f"Đại Diện {i}", date_of_birth=dt.date(1970 + i, 1, 1)) for i in range(2)]
    with pytest.raises(ValidationError) as exc:
        board_matter(members_count=8, other_representatives=reps)
    assert "tối đa 2 người đại diện" in " ".join(exc.value.message_dict["representatives"])
    assert _nothing_stored()


def test_phone_call_is_logged_as_a_contact_with_guidance(official):
    contact = services.log_contact(by=official("bantcd"), medium="phone", person_name="Lục Văn Sáng", reach="0912000111", content="Hỏi về việc đăng ký gặp Chủ tịch", guided_to_write=True, guidance_note="Gửi đơn đến Ban Tiếp công dân tỉnh")
    assert contact.guided_to_write
    assert Matter.objects.count() == 0
    assert AuditEntry.objects.filter(action="contact.log").exists()


def test_commune_officer_cannot_register_at_the_board(official, citizen_data, matter_data):
    with pytest.raises(PermissionDenied):
        services.register_at_board(by=official("canboxa"), citizen=citizen_data(), matter=matter_data())


def test_commune_officer_records_households_into_one_batch_and_sends_it(official, household):
    first, second = household(), household(summary="Phản ánh việc cấp giấy chứng nhận quyền sử dụng đất chậm trễ", kind="reflection")
    assert first.batch_id == second.batch_id
    batch = services.submit_batch(by=official("canboxa"), batch=first.batch)
    assert batch.state == CommuneBatch.State.SUBMITTED
    assert AuditEntry.objects.filter(action="batch.submit", object_id=str(batch.pk)).exists()


def test_commune_officer_cannot_record_a_household_of_another_commune(official, citizen_data, matter_data, communes):
    with pytest.raises(ValidationError) as exc:
        services.record_household(by=official("canboxa"), citizen=citizen_data(commune=communes[1].unit), matter=matter_data())
    assert "chỉ lập danh sách hộ dân cư trú tại xã mình" in exc.value.message_dict["commune"][0]
    assert _nothing_stored()


def test_board_returns_batch_with_reason_and_commune_resubmits(official, household):
    matter = household()
    batch = services.submit_batch(by=official("canboxa"), batch=matter.batch)
    with pytest.raises(ValidationError):
        services.return_batch(by=official("bantcd"), batch=batch, reason="  ")
    services.return_batch(by=official("bantcd"), batch=batch, reason="Thiếu bản chụp quyết định giải quyết khiếu nại lần đầu")
    matter.refresh_from_db()
    batch.refresh_from_db()
    assert matter.state == MatterState.RETURNED and batch.state == CommuneBatch.State.RETURNED
    assert batch.returned_reason.startswith("Thiếu bản chụp")
    services.complete_matter(by=official("canboxa"), matter=matter, summary=matter.summary, papers=[{"name": "Quyết định giải quyết khiếu nại lần đầu", "pages": 3, "state": "bản chụp"}])
    services.submit_batch(by=official("canboxa"), batch=batch)
    matter.refresh_from_db()
    assert matter.state == MatterState.RECEIVED
    assert len(matter.petitions.get().papers) == 2
    assert list(matter.transitions.values_list("to_state", flat=True)) == ["received", "returned", "received"]


def test_commune_officer_sees_only_their_commune(official, household, board_matter, citizen_data, communes, make_official):
    mine = household()
    other_officer = make_official("commune_officer", communes[1])
    theirs = services.record_household(by=other_officer, citizen=citizen_data(commune=communes[1].unit, full_name="Đinh Văn Khải"), matter=__import__("tiepdan.intake.services", fromlist=["MatterData"]).MatterData(kind="complaint", summary="Khiếu nại về việc cấp đất tái định cư cho hộ gia đình"))
    seen = [m.pk for m in selectors.search_matters(official("canboxa"))]
    assert mine.pk in seen and theirs.pk not in seen
    assert selectors.visible_matter(official("canboxa"), theirs.pk) is None
    board_seen = [m.pk for m in selectors.search_matters(official("bantcd"))]
    assert {mine.pk, theirs.pk} <= set(board_seen)


def test_other_province_sees_nothing(board_matter, other_province, make_official):
    matter = board_matter()
    outsider = make_official("board_officer", other_province["board"])
    assert list(selectors.search_matters(outsider)) == []
    with pytest.raises(PermissionDenied):
        services.record_online_consent(by=outsider, matter=matter, consent=True)


def test_online_consent_recorded_with_who_and_when(official, board_matter):
    matter = services.record_online_consent(by=official("bantcd"), matter=board_matter(), consent=True)
    assert matter.wants_online and matter.online_consent_recorded_by == official("bantcd") and matter.online_consent_at is not None


def test_protected_identity_read_is_audited_and_refused_to_commune(official, household):
    matter = household(kind="denunciation", identity_protected=True, summary="Tố cáo cán bộ địa chính xã nhận tiền khi làm hồ sơ đất")
    with pytest.raises(PermissionDenied):
        services.reveal_identity(by=official("canboxa"), matter=matter)
    citizen = services.reveal_identity(by=official("bantcd"), matter=matter)
    assert citizen.full_name == "Nguyễn Văn Bình"
    assert AuditEntry.objects.filter(action="matter.identity_read", object_id=str(matter.pk), actor=official("bantcd")).count() == 1


def test_protected_denouncer_is_never_found_by_name_or_id(official, household):
    matter = household(kind="denunciation", identity_protected=True, summary="Tố cáo cán bộ địa chính xã nhận tiền khi làm hồ sơ đất")
    assert list(selectors.search_matters(official("bantcd"), "nguyen van binh")) == []
    assert list(selectors.search_matters(official("bantcd"), matter.citizen.id_number)) == []
    assert [m.pk for m in selectors.search_matters(official("bantcd"), "dia chinh")] == [matter.pk]


def test_search_ignores_diacritics_and_finds_by_id_state_kind(official, board_matter, citizen_data):
    binh = board_matter()
    hoa = board_matter(citizen=citizen_data(full_name="Lý Thị Hoa", date_of_birth=dt.date(1980, 2, 2)), kind="reflection", summary="Phản ánh ô nhiễm môi trường từ trại chăn nuôi lợn")
    user = official("bantcd")
    assert [m.pk for m in selectors.search_matters(user, "nguyen van binh")] == [binh.pk]
    assert [m.pk for m in selectors.search_matters(user, "Nguyễn Văn Bình")] == [binh.pk]
    assert [m.pk for m in selectors.search_matters(user, "dat dai")] == [binh.pk]
    assert [m.pk for m in selectors.search_matters(user, "ô nhiễm")] == [hoa.pk]
    assert [m.pk for m in selectors.search_matters(user, hoa.citizen.id_number)] == [hoa.pk]
    assert [m.pk for m in selectors.search_matters(user, kind="reflection")] == [hoa.pk]
    assert [m.pk for m in selectors.search_matters(user, state="classified")] == []
    assert [m.pk for m in selectors.search_matters(user, commune=binh.commune)] == [hoa.pk, binh.pk]


def test_search_pages_without_counting(official, board_matter, citizen_data):
    for i in range(3):
        board_matter(citizen=citizen_data(full_name=f"Công Dân {i}", date_of_birth=dt.date(1960 + i, 1, 1)))
    first = selectors.search_matters(official("bantcd"), page_size=2)
    second = selectors.search_matters(official("bantcd"), page=2, page_size=2)
    assert len(first) == 2 and first.has_next and len(second) == 1 and not second.has_next


def test_attachment_stored_with_sha256_and_bad_one_refused(official, board_matter, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    matter = board_matter()
    petition = matter.petitions.get()
    data = b"%PDF-1.7\n" + b"x" * 100
    att = services.add_attachment(by=official("bantcd"), petition=petition, name="don.pdf", data=data)
    import hashlib

    assert att.sha256 == hashlib.sha256(data).hexdigest() and att.content_type == "application/pdf"
    with pytest.raises(ValidationError) as exc:
        services.add_attachment(by=official("bantcd"), petition=petition, name="anh.png", data=data)
    assert "nội dung là PDF" in exc.value.message_dict["attachment"][0]
    assert petition.attachments.count() == 1


def test_possible_repeats_by_id_and_similar_content(official, board_matter, citizen_data):
    first = board_matter()
    again = board_matter(citizen=citizen_data(id_number=first.citizen.id_number))
    neighbour = board_matter(citizen=citizen_data(full_name="Hà Văn Tâm", date_of_birth=dt.date(1977, 1, 1)), summary="Khiếu nại quyết định thu hồi đất làm đường tỉnh lộ 226, xem xét lại giá bồi thường thỏa đáng.")
    found = {m.pk: why for m, why in selectors.possible_repeats(again)}
    assert found[first.pk] == "cùng số CCCD"
    assert "nội dung tương tự" in found[neighbour.pk]


def test_register_book_has_the_twelve_columns_and_masks_protected(official, board_matter, household):
    board_matter()
    household(kind="denunciation", identity_protected=True, summary="Tố cáo cán bộ địa chính xã nhận tiền khi làm hồ sơ đất")
    rows = selectors.register_book_rows(official("bantcd"))
    assert len(rows) == 2
    assert rows[0]["name"] == "Nguyễn Văn Bình" and rows[0]["kind"] == "Khiếu nại" and rows[0]["within_competence"] is True
    assert rows[1]["name"].startswith("(Giữ bí mật") and rows[1]["id_number"] == ""
    from tiepdan.documents.registerbook import export_xlsx

    assert export_xlsx(rows)[:2] == b"PK"

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tiepdan.core.models import AuditEntry
from tiepdan.intake import selectors, services
from tiepdan.intake.models import Citizen, CommuneBatch, Contact, Delegation, Matter, MatterState, Petition

from .conftest import make_pdf

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


def _rep(n: int, **overrides):
    values = dict(full_name=f"Đại Diện Số {n}", id_number=f"0201750{n:05d}", address="Thôn Nà Pàn", record_signed_on=dt.date(2026, 11, 2))
    values.update(overrides)
    return services.RepresentativeData(**values)


def test_delegation_counts_one_visit_and_n_people(official, board_matter, citizen_data):
    rep2 = _rep(2, full_name="Hoàng Thị Lan")
    matter = board_matter(members_count=12, members_note="12 hộ thôn Nà Pàn", other_representatives=[rep2])
    board_matter(citizen=citizen_data(full_name="Vi Văn Tư"))
    assert matter.delegation.members_count == 12 and matter.representatives_count == 2 and matter.people_count == 12
    counts = selectors.statistics(official("bantcd"))
    assert (counts.matters, counts.visits, counts.people, counts.delegation_visits, counts.delegation_people) == (2, 2, 13, 1, 12)


def test_delegation_with_too_many_representatives_is_refused(board_matter, citizen_data):
    reps = [_rep(i) for i in range(2, 4)]
    with pytest.raises(ValidationError) as exc:
        board_matter(members_count=8, other_representatives=reps)
    assert "tối đa 2 người đại diện" in " ".join(exc.value.message_dict["representatives"])
    assert _nothing_stored()


def test_delegation_of_twelve_keeps_its_five_representatives_each_a_seat(board_matter):
    from tiepdan.scheduling.rules import seats_taken

    matter = board_matter(members_count=12, record_signed_on=dt.date(2026, 11, 2), other_representatives=[_rep(i) for i in range(2, 6)])
    reps = list(matter.delegation.representatives.all())
    assert [r.position for r in reps] == [1, 2, 3, 4, 5]
    assert reps[0].citizen == matter.citizen and reps[0].record_signed_on == dt.date(2026, 11, 2)
    assert (reps[3].full_name, reps[3].id_number, reps[3].address) == ("Đại Diện Số 4", "020175000004", "Thôn Nà Pàn")
    assert matter.representatives_count == 5 and seats_taken(matter.representatives_count) == 5


def test_delegation_of_twelve_cannot_send_six_representatives_citing_article_29(board_matter):
    with pytest.raises(ValidationError) as exc:
        board_matter(members_count=12, other_representatives=[_rep(i) for i in range(2, 7)])
    assert "tối đa 5 người đại diện (Luật Tiếp công dân 2013, Điều 29)" in " ".join(exc.value.message_dict["representatives"])
    assert _nothing_stored()


def test_a_representative_without_identity_paper_or_twice_is_refused(board_matter):
    with pytest.raises(ValidationError) as exc:
        board_matter(members_count=12, other_representatives=[_rep(2, id_number="12345"), _rep(3, address=""), _rep(4), _rep(4, full_name="Trùng Số")])
    problems = " ".join(exc.value.message_dict["representatives"])
    assert "Người đại diện thứ 2: Số CCCD phải gồm đúng 12 chữ số" in problems
    assert "Người đại diện thứ 3: chưa nhập địa chỉ" in problems
    assert "Người đại diện thứ 5: số CCCD 020175000004 đã có trong đoàn" in problems
    assert _nothing_stored()


@pytest.mark.parametrize("overrides,field,words", [
    ({"members_count": 10**12}, "members_count", "quá lớn"),
    ({"summary": "Khiếu nại " + "đất đai " * 13_000}, "summary", "vượt quá 5.000 ký tự"),
    ({"summary": "\u200b" * 20}, "summary", "chỉ gồm ký tự vô hình"),
    ({"summary": "Khiếu nại \u202eiốb gnờưb\u202c quyết định thu hồi đất"}, "summary", "U+202E"),
    ({"request": "Đề nghị\x00 xem xét"}, "request", "ký tự NUL"),
    ({"papers": [{"name": "\u2067\u2069", "pages": 1, "state": "bản chụp"}]}, "papers", "điều khiển hướng chữ"),
    ({"papers": [{"name": "Sổ đỏ", "pages": 10**9, "state": "bản chụp"}]}, "papers", "từ 1 đến 5000"),
])
def test_bad_input_that_used_to_pass_is_refused_and_nothing_is_stored(board_matter, overrides, field, words):
    with pytest.raises(ValidationError) as exc:
        board_matter(**overrides)
    assert words in " ".join(exc.value.message_dict[field])
    assert _nothing_stored()


@pytest.mark.parametrize("name", ["\u200b\u200b\u200b", "\ufeff\u200d", "Nguyễn \u202eVăn Bình"])
def test_a_name_of_invisible_or_bidi_characters_is_refused(board_matter, citizen_data, name):
    with pytest.raises(ValidationError) as exc:
        board_matter(citizen=citizen_data(full_name=name))
    assert "ký tự" in " ".join(exc.value.message_dict["full_name"])
    assert _nothing_stored()


def test_a_letter_received_earlier_counts_45_days_and_its_deadline_from_that_day(official, board_matter, citizen_data, matter_data):
    from django.utils import timezone

    from tiepdan.intake import workflow

    today = timezone.localdate()
    received = services.received_moment(today - dt.timedelta(days=40))
    matter = services.register_at_board(by=official("bantcd"), citizen=citizen_data(), matter=matter_data(written_on=today - dt.timedelta(days=45)), channel="letter", received_at=received)
    petition = matter.petitions.get()
    assert timezone.localtime(petition.received_at).date() == today - dt.timedelta(days=40) and petition.written_on == today - dt.timedelta(days=45)
    assert matter.state_due_at == workflow.deadline_for(MatterState.RECEIVED, received) and matter.state_due_at < timezone.now()
    assert petition in selectors.petitions_nearing_45_days(timezone.now())
    assert selectors.matters_overdue(timezone.now()).filter(pk=matter.pk).exists()
    assert selectors.register_book_rows(official("bantcd"))[0]["received_on"] == received


def test_a_letter_received_in_the_future_or_before_its_own_date_is_refused(official, citizen_data, matter_data):
    from django.utils import timezone

    today = timezone.localdate()
    tomorrow = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time(9)))
    with pytest.raises(ValidationError) as exc:
        services.register_at_board(by=official("bantcd"), citizen=citizen_data(), matter=matter_data(), channel="letter", received_at=tomorrow)
    assert "tương lai" in exc.value.message_dict["received_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.register_at_board(by=official("bantcd"), citizen=citizen_data(), matter=matter_data(written_on=today - dt.timedelta(days=3)), channel="letter", received_at=services.received_moment(today - dt.timedelta(days=5)))
    assert "sớm hơn ngày ghi trên đơn" in exc.value.message_dict["received_on"][0]
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
    entry = AuditEntry.objects.get(action="batch.submitted", object_id=str(batch.pk))
    assert entry.changes["state"] == ["draft", "submitted"] and sorted(entry.changes["matters"]) == sorted([first.pk, second.pk])


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


def test_the_board_classifying_every_household_accepts_the_list(official, household):
    from tiepdan.triage import services as triage

    first, second = household(), household(summary="Phản ánh việc cấp giấy chứng nhận quyền sử dụng đất chậm trễ", kind="reflection")
    batch = services.submit_batch(by=official("canboxa"), batch=first.batch)
    board = official("bantcd")
    triage.classify(by=board, matter=first, kind=first.kind, subject_area="land")
    batch.refresh_from_db()
    assert batch.state == CommuneBatch.State.SUBMITTED  # one household still waits
    triage.classify(by=board, matter=second, kind=second.kind, subject_area="land")
    batch.refresh_from_db()
    assert batch.state == CommuneBatch.State.ACCEPTED and batch.due_at is None
    entry = AuditEntry.objects.get(action="batch.accepted", object_id=str(batch.pk))
    assert entry.actor == board and entry.changes["state"] == ["submitted", "accepted"]


def test_a_withdrawal_by_the_commune_that_leaves_nothing_waiting_accepts_the_list_as_the_system(official, household):
    from tiepdan.triage import services as triage

    first, second = household(), household(summary="Phản ánh việc cấp giấy chứng nhận quyền sử dụng đất chậm trễ", kind="reflection")
    batch = services.submit_batch(by=official("canboxa"), batch=first.batch)
    triage.classify(by=official("bantcd"), matter=first, kind=first.kind, subject_area="land")
    services.withdraw(by=official("canboxa"), matter=second, reason="Hộ dân đã tự hòa giải")
    batch.refresh_from_db()
    assert batch.state == CommuneBatch.State.ACCEPTED
    assert AuditEntry.objects.get(action="batch.accepted", object_id=str(batch.pk)).actor is None


def test_an_accepted_list_cannot_be_returned_or_sent_again(official, household):
    from tiepdan.triage import services as triage

    matter = household()
    batch = services.submit_batch(by=official("canboxa"), batch=matter.batch)
    triage.classify(by=official("bantcd"), matter=matter, kind=matter.kind, subject_area="land")
    with pytest.raises(ValidationError) as exc:
        services.return_batch(by=official("bantcd"), batch=batch, reason="Thiếu giấy tờ")
    assert exc.value.messages == ["Không thể chuyển danh sách của xã từ «Ban đã nhận» sang «Bị trả lại để bổ sung»: danh sách của xã đã kết thúc, không thay đổi được nữa."]
    with pytest.raises(ValidationError) as exc:
        services.submit_batch(by=official("canboxa"), batch=batch)
    assert "từ «Ban đã nhận» sang «Đã gửi Ban Tiếp công dân tỉnh»" in exc.value.messages[0]


def test_a_draft_list_cannot_be_returned_and_a_submitted_one_cannot_be_sent_again(official, household):
    matter = household()
    with pytest.raises(ValidationError) as exc:
        services.return_batch(by=official("bantcd"), batch=matter.batch, reason="Thiếu giấy tờ")
    assert exc.value.messages == ["Không thể chuyển danh sách của xã từ «Đang lập» sang «Bị trả lại để bổ sung»: bước này không có trong quy trình."]
    batch = services.submit_batch(by=official("canboxa"), batch=matter.batch)
    with pytest.raises(ValidationError) as exc:
        services.submit_batch(by=official("canboxa"), batch=batch)
    assert "danh sách của xã đã ở trạng thái này" in exc.value.messages[0]


def test_only_the_board_returns_a_list_and_only_the_commune_sends_it(official, household):
    matter = household()
    with pytest.raises(PermissionDenied):
        services.submit_batch(by=official("bantcd"), batch=matter.batch)
    batch = services.submit_batch(by=official("canboxa"), batch=matter.batch)
    with pytest.raises(PermissionDenied):
        services.return_batch(by=official("canboxa"), batch=batch, reason="Tự trả lại")
    batch.refresh_from_db()
    assert batch.state == CommuneBatch.State.SUBMITTED


def test_the_list_machine_refuses_a_return_without_a_reason_even_past_the_form(official, household):
    from tiepdan.intake import workflow

    batch = services.submit_batch(by=official("canboxa"), batch=household().batch)
    with pytest.raises(ValidationError) as exc:
        workflow.BATCH.apply(batch, CommuneBatch.State.RETURNED, by=official("bantcd"))
    assert "reason" in exc.value.message_dict
    batch.refresh_from_db()
    assert batch.state == CommuneBatch.State.SUBMITTED


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
    data = make_pdf()
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


def test_register_book_column_10_carries_the_guidance_given_in_the_reply(official, board_matter):
    from tiepdan.triage import services as triage

    board = official("bantcd")
    declined, other = board_matter(), board_matter()
    triage.classify(by=board, matter=declined, kind="complaint", subject_area="land", within_competence=False)
    decision = triage.decline(by=board, matter=declined, reason="Không thuộc thẩm quyền của Chủ tịch UBND tỉnh.", advice="Gửi đơn đến UBND xã Na Dương\n- Liên hệ Trung tâm Trợ giúp pháp lý nhà nước tỉnh")
    rows = {r["number"]: r for r in selectors.register_book_rows(board)}
    guided = rows[1]["guided_to"]
    assert "Gửi đơn đến UBND xã Na Dương; Liên hệ Trung tâm Trợ giúp pháp lý nhà nước tỉnh" in guided
    decision.refresh_from_db()
    assert decision.reply_number and decision.reply_number in guided
    assert rows[2]["guided_to"] == ""  # nothing was advised on the other matter
    import io

    from openpyxl import load_workbook

    from tiepdan.documents.registerbook import COLUMNS, export_xlsx

    sheet = load_workbook(io.BytesIO(export_xlsx(selectors.register_book_rows(board)))).active
    column = [key for key, _, _ in COLUMNS].index("guided_to") + 1
    assert "UBND xã Na Dương" in sheet.cell(row=9, column=column).value


def test_a_contact_of_invisible_characters_or_100_kb_is_refused(official):
    board = official("bantcd")
    with pytest.raises(ValidationError) as exc:
        services.log_contact(by=board, medium="phone", person_name="\u200b\u200b", reach="0912000111", content="Hỏi " * 30_000, guided_to_write=True)
    assert "vô hình" in exc.value.message_dict["person_name"][0] and "vượt quá 5.000 ký tự" in exc.value.message_dict["content"][0]
    assert Contact.objects.count() == 0


def test_only_the_board_records_a_classification_and_nothing_changes_when_refused(official, household):
    matter = household()
    with pytest.raises(PermissionDenied):
        services.record_classification(by=official("canboxa"), matter=matter, kind="denunciation", subject_area="land")
    matter.refresh_from_db()
    assert (matter.kind, matter.state) == ("complaint", MatterState.RECEIVED)
    with pytest.raises(ValidationError) as exc:
        services.record_classification(by=official("bantcd"), matter=matter, kind="complaint", subject_area="land", identity_protected=True)
    assert "chỉ áp dụng cho người tố cáo" in exc.value.message_dict["identity_protected"][0]
    matter.refresh_from_db()
    assert matter.state == MatterState.RECEIVED and not matter.identity_protected

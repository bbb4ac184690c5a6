"""The pages through Django's test client: who sees what, bad input shown on the form, nothing half-stored."""
import pytest

from tiepdan.intake.models import Matter, MatterState

pytestmark = pytest.mark.django_db


def test_matter_list_search_through_the_view(client_as, board_matter):
    m = board_matter()
    c = client_as("bantcd")
    page = c.get("/vu-viec/", {"q": "nguyen van binh"}).content.decode()
    assert f'href="/vu-viec/{m.pk}/"' in page and "Nguyễn Văn Bình" in page
    rows = c.get("/vu-viec/", {"q": "tran thi khong co"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Không có vụ việc phù hợp" in rows and "<html" not in rows


def test_commune_officer_of_another_commune_gets_404(client_as, household, communes, make_official, client):
    m = household()
    client.force_login(make_official("commune_officer", communes[1]))
    assert client.get(f"/vu-viec/{m.pk}/").status_code == 404


def test_register_form_shows_the_cccd_error_on_its_field(client_as, communes):
    c = client_as("bantcd")
    response = c.post("/vu-viec/dang-ky/", {
        "channel": "in_person", "full_name": "Nguyễn Văn Bình", "id_number": "020071123456", "date_of_birth": "1970-01-01",
        "commune": communes[0].unit_id, "address": "Thôn 1", "kind": "complaint", "subject_area": "land", "summary": "Khiếu nại về bồi thường đất đai", "members_count": 1,
    })
    assert response.status_code == 200
    assert "chữ số thứ 5-6" in response.content.decode()
    assert Matter.objects.count() == 0


def test_register_form_refuses_script_in_summary(client_as, communes):
    c = client_as("bantcd")
    response = c.post("/vu-viec/dang-ky/", {
        "channel": "letter", "full_name": "Nguyễn Văn Bình", "id_number": "020070123456", "date_of_birth": "1970-01-01",
        "commune": communes[0].unit_id, "address": "Thôn 1", "kind": "complaint", "subject_area": "land", "summary": "<script>alert(1)</script> đất đai", "members_count": 1,
    })
    assert "Tóm tắt nội dung: không được chứa mã HTML" in response.content.decode()
    assert Matter.objects.count() == 0


def test_oversized_attachment_refused_through_the_page(client_as, board_matter, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tiepdan.intake.rules import MAX_ATTACHMENT_BYTES

    settings.MEDIA_ROOT = tmp_path
    m = board_matter()
    c = client_as("bantcd")
    big = SimpleUploadedFile("don.pdf", b"%PDF-1.7\n" + b"0" * MAX_ATTACHMENT_BYTES, content_type="application/pdf")
    page = c.post(f"/vu-viec/{m.pk}/dinh-kem/", {"file": big}, follow=True).content.decode()
    assert "vượt quá giới hạn 10 MB" in page
    assert m.petitions.get().attachments.count() == 0


def test_identity_reveal_only_for_board_and_audited(client_as, household, client, official):
    from tiepdan.core.models import AuditEntry

    m = household(kind="denunciation", identity_protected=True, summary="Tố cáo cán bộ địa chính xã nhận tiền khi làm hồ sơ đất")
    c = client_as("canboxa")
    page = c.get(f"/vu-viec/{m.pk}/").content.decode()
    assert "Người tố cáo yêu cầu giữ bí mật" in page and "Nguyễn Văn Bình" not in page
    assert "Xem danh tính" not in page
    assert c.post(f"/vu-viec/{m.pk}/danh-tinh/").status_code == 403
    c = client_as("bantcd")
    assert "Nguyễn Văn Bình" not in c.get(f"/vu-viec/{m.pk}/").content.decode()
    assert "Nguyễn Văn Bình" in c.post(f"/vu-viec/{m.pk}/danh-tinh/").content.decode()
    assert AuditEntry.objects.filter(action="matter.identity_read", object_id=str(m.pk)).count() == 1


def test_register_book_exports_xlsx(client_as, board_matter):
    board_matter()
    response = client_as("bantcd").get("/vu-viec/so-tiep-cong-dan/", {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(response.content)).active
    assert any("Nguyễn Văn Bình" in str(cell.value) for row in ws.iter_rows() for cell in row)


def test_chairman_approves_from_the_proposals_page(client_as, board_matter, official, demo):
    from tiepdan.triage import services
    from tiepdan.triage.rules import Ground

    m = board_matter(wants_online=True)
    services.classify(by=official("bantcd"), matter=m, kind="complaint", subject_area="land")
    services.propose(by=official("bantcd"), matter=m, ground=Ground.ART20_COMPLEX, reason="Cần nhiều sở cùng đối thoại")
    c = client_as("chutich")
    page = c.get("/de-xuat/").content.decode()
    assert m.summary[:40] in page and "Cần nhiều sở cùng đối thoại" in page
    c.post(f"/de-xuat/vu-viec/{m.pk}/quyet-dinh/", {"decision": "approve", "agencies_required": [demo["Sở NN&MT"].pk]})
    m.refresh_from_db()
    assert m.state == MatterState.APPROVED and list(m.agencies_required.all()) == [demo["Sở NN&MT"]]


def test_commune_officer_cannot_open_the_proposals_page(client_as):
    assert client_as("canboxa").get("/de-xuat/").status_code == 403


def test_pages_render_for_each_role(client_as, board_matter, household):
    m = board_matter()
    household()
    for username, urls in {
        "bantcd": ["/vu-viec/", f"/vu-viec/{m.pk}/", "/vu-viec/dang-ky/", "/vu-viec/lien-he/", "/vu-viec/danh-sach-xa/", "/vu-viec/so-tiep-cong-dan/", "/de-xuat/"],
        "canboxa": ["/vu-viec/", "/vu-viec/danh-sach-xa/"],
        "chutich": ["/vu-viec/", "/de-xuat/", "/"],
    }.items():
        c = client_as(username)
        for url in urls:
            assert c.get(url).status_code == 200, (username, url)


def _registration(communes, **overrides):
    values = {
        "channel": "in_person", "full_name": "Lộc Văn Thắng", "id_number": "020068123456", "date_of_birth": "1968-05-01",
        "commune": communes[0].unit_id, "address": "Thôn Nà Pàn", "kind": "complaint", "subject_area": "land",
        "summary": "Khiếu nại việc thu hồi đất làm đường tránh, giá bồi thường thấp", "members_count": 1,
        "rep-TOTAL_FORMS": "4", "rep-INITIAL_FORMS": "0", "rep-MIN_NUM_FORMS": "0", "rep-MAX_NUM_FORMS": "4",
    }
    values.update(overrides)
    return values


def test_a_delegation_registered_through_the_form_keeps_each_representative(client_as, communes):
    c = client_as("bantcd")
    form = c.get("/vu-viec/dang-ky/").content.decode()
    assert 'aria-label="Người đại diện thứ 2, họ tên"' in form and 'aria-label="Người đại diện thứ 5, ngày ký biên bản"' in form
    reps = {}
    for i, (name, number) in enumerate([("Hà Thị Mai", "020172000101"), ("Vi Văn Sơn", "020065000102")]):
        reps.update({f"rep-{i}-full_name": name, f"rep-{i}-id_number": number, f"rep-{i}-address": "Thôn Nà Pàn", f"rep-{i}-record_signed_on": "2026-11-02"})
    response = c.post("/vu-viec/dang-ky/", _registration(communes, members_count=12, record_signed_on="2026-11-02", **reps))
    matter = Matter.objects.get()
    assert response.status_code == 302 and matter.representatives_count == 3
    assert list(matter.delegation.representatives.values_list("full_name", flat=True)) == ["Lộc Văn Thắng", "Hà Thị Mai", "Vi Văn Sơn"]
    page = c.get(f"/vu-viec/{matter.pk}/").content.decode()
    assert "3 người đại diện" in page and "Vi Văn Sơn · CCCD 020065000102" in page and "đã ký biên bản ngày 02/11/2026" in page


def test_the_form_refuses_three_representatives_for_seven_people_citing_the_law(client_as, communes):
    c = client_as("bantcd")
    reps = {}
    for i in range(2):
        reps.update({f"rep-{i}-full_name": f"Đại Diện {i}", f"rep-{i}-id_number": f"02017200020{i}", f"rep-{i}-address": "Thôn Nà Pàn"})
    page = c.post("/vu-viec/dang-ky/", _registration(communes, members_count=7, **reps)).content.decode()
    assert "đoàn 7 người được cử tối đa 2 người đại diện (Luật Tiếp công dân 2013, Điều 29)" in page
    assert Matter.objects.count() == 0


def test_a_letter_is_registered_on_the_day_it_was_received(client_as, communes):
    import datetime as dt

    from django.utils import timezone

    c = client_as("bantcd")
    assert f'value="{timezone.localdate().isoformat()}"' in c.get("/vu-viec/dang-ky/").content.decode()  # today by default
    received = timezone.localdate() - dt.timedelta(days=12)
    response = c.post("/vu-viec/dang-ky/", _registration(communes, channel="letter", received_on=received.isoformat(), written_on=(received - dt.timedelta(days=3)).isoformat()))
    assert response.status_code == 302
    petition = Matter.objects.get().petitions.get()
    assert timezone.localtime(petition.received_at).date() == received
    book = c.get("/vu-viec/so-tiep-cong-dan/").content.decode()
    assert f"<td>{received:%d/%m/%Y}</td>" in book


def test_a_letter_received_tomorrow_is_refused_on_its_field(client_as, communes):
    import datetime as dt

    from django.utils import timezone

    c = client_as("bantcd")
    page = c.post("/vu-viec/dang-ky/", _registration(communes, channel="letter", received_on=(timezone.localdate() + dt.timedelta(days=1)).isoformat())).content.decode()
    assert "Ngày nhận đơn không được ở tương lai" in page
    assert Matter.objects.count() == 0


def test_a_nul_byte_is_refused_in_vietnamese(client_as, communes):
    c = client_as("bantcd")
    page = c.post("/vu-viec/dang-ky/", _registration(communes, address="Thôn\x00 Nà Pàn")).content.decode()
    assert "Null characters are not allowed" not in page and "ký tự NUL" in page
    assert Matter.objects.count() == 0


def test_a_delegation_of_a_trillion_people_is_refused_by_the_form(client_as, communes):
    c = client_as("bantcd")
    page = c.post("/vu-viec/dang-ky/", _registration(communes, members_count=str(10**12))).content.decode()
    assert "100000" in page.replace(".", "").replace(",", "") and Matter.objects.count() == 0


def test_the_excel_import_is_for_communes_and_bounded_before_reading(client_as, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tiepdan.intake.household_import import MAX_IMPORT_BYTES

    assert client_as("bantcd").get("/vu-viec/danh-sach-xa/mau-excel.xlsx").status_code == 403
    c = client_as("canboxa")
    response = c.get("/vu-viec/danh-sach-xa/mau-excel.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    big = SimpleUploadedFile("ds.xlsx", b"PK" + b"0" * MAX_IMPORT_BYTES)
    page = c.post("/vu-viec/danh-sach-xa/nhap-excel/", {"file": big})
    assert page.status_code == 400 and "vượt quá 2 MB" in page.content.decode()
    assert Matter.objects.count() == 0


def test_guidance_given_at_the_board_fills_column_10_of_the_register_book(client_as, communes):
    c = client_as("bantcd")
    response = c.post("/vu-viec/dang-ky/", _registration(communes, guided_to="Tòa án nhân dân khu vực 1 - Lạng Sơn", guidance_document="15/HD-BTCD"))
    assert response.status_code == 302
    book = c.get("/vu-viec/so-tiep-cong-dan/").content.decode()
    assert "<td>Tòa án nhân dân khu vực 1 - Lạng Sơn, 15/HD-BTCD</td>" in book

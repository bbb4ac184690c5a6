"""The in-app list (/diem-cau/thong-bao/): one's own notices only, marked read by their recipient."""
from tiepdan.notifications import services


def test_the_list_shows_ones_own_notices_and_marks_them_read(demo, official, client):
    [mine] = services.notify(recipients=[official("bantcd")], subject="Giấy mời số 12/GM-UBND", body="Phiên ngày 15/12/2026.", link="/lich-tiep/1/")
    services.notify(recipients=[official("chutich")], subject="Việc của Chủ tịch", body="Không phải của cán bộ Ban.")
    client.force_login(official("bantcd"))
    page = client.get("/diem-cau/thong-bao/").content.decode()
    assert "<strong>Giấy mời số 12/GM-UBND</strong>" in page and "Phiên ngày 15/12/2026." in page and 'href="/lich-tiep/1/"' in page
    assert "Việc của Chủ tịch" not in page
    assert client.post(f"/diem-cau/thong-bao/{mine.pk}/da-doc/").status_code == 302
    page = client.get("/diem-cau/thong-bao/").content.decode()
    assert "<strong>Giấy mời số 12/GM-UBND</strong>" not in page and "Đánh dấu đã đọc" not in page


def test_someone_elses_notice_does_not_exist_for_you(demo, official, client):
    [theirs] = services.notify(recipients=[official("chutich")], subject="Việc của Chủ tịch", body="...")
    client.force_login(official("bantcd"))
    assert client.post(f"/diem-cau/thong-bao/{theirs.pk}/da-doc/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_list_asks_to_sign_in(db, client):
    response = client.get("/diem-cau/thong-bao/")
    assert response.status_code == 302 and "next=" in response["Location"]

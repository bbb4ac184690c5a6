"""Who may watch which part of a recording, on every channel: the page, each point's file, a clip, the download."""
import pytest

from tiepdan.core.models import AuditEntry
from tiepdan.recordings import access, playback

from .playback_fixtures import recorded  # noqa: F401


def _chapter_ids(user, built):
    return {c.pk for c in access.visible_chapters(user, built.recording)}


@pytest.mark.parametrize("username", ["bantcd", "chutich", "phochutich", "thanhtra"])
def test_the_board_the_chairman_deputies_and_inspectors_see_every_chapter(recorded, official, username):
    built = recorded()
    user = official(username)
    assert _chapter_ids(user, built) == {c.pk for c in built.chapters.values()}
    assert list(access.visible_recordings(user)) == [built.recording]


def test_a_commune_sees_only_its_own_citizens_chapter(recorded, official):
    built = recorded()
    for username in ("chutichxa", "canboxa"):
        assert _chapter_ids(official(username), built) == {built.chapters["a"].pk}
    windows = access.windows(official("canboxa"), built.recording)
    assert [(w.start_s, w.end_s) for w in windows] == [(2, 6)]


def test_a_department_sees_only_the_matters_it_was_invited_to(recorded, official, make_official, demo):
    built = recorded()
    assert _chapter_ids(official("sonnmt"), built) == {built.chapters["a"].pk}
    other_department = make_official("department_officer", demo["Sở TC"])
    assert _chapter_ids(other_department, built) == set()
    assert not access.visible_recordings(other_department).exists()


def test_the_restricted_stretch_is_cut_out_for_whoever_may_not_see_it(recorded, official):
    built = recorded()
    board = [(w.start_s, w.end_s) for w in access.windows(official("bantcd"), built.recording)]
    assert board == [(0.0, 8.0), (9.0, 12.0)]
    assert not access.plays_everything(official("bantcd"), built.recording)
    inspector = [(w.start_s, w.end_s) for w in access.windows(official("thanhtra"), built.recording)]
    assert inspector == [(0.0, 12.0)] and access.plays_everything(official("thanhtra"), built.recording)


def test_the_player_hands_clips_of_the_allowed_windows_only(recorded, official):
    built = recorded()
    segments = playback.segments(official("canboxa"), built.recording)
    assert [(s["start_s"], s["end_s"]) for s in segments] == [(2.0, 6.0)]
    assert all("/doan/2000-6000/" in source["url"] for source in segments[0]["sources"])
    whole = playback.segments(official("chutich"), built.recording)
    assert all(source["url"].endswith("/tep/") for source in whole[0]["sources"])


def test_outside_scope_is_404_and_a_role_that_may_not_watch_is_403(recorded, official, client_as, make_official, other_province):
    built = recorded()
    url = f"/ghi-hinh/{built.recording.pk}/xem/"
    assert client_as("chutich").get(url).status_code == 200
    assert client_as("cntt").get(url).status_code == 403  # the province's IT operator manages storage, does not watch
    stranger = make_official("province_chairman", other_province["committee"], username="ct-bacninh")
    client = client_as("chutich")
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    department = make_official("department_officer", other_province["Sở TC"] if "Sở TC" in other_province else other_province["committee"])
    client.force_login(department)
    assert client.get(url).status_code == 404


def test_a_whole_file_is_refused_to_a_partial_viewer_and_a_window_not_theirs(recorded, client_as):
    built = recorded()
    pf = built.point_files[0]
    client = client_as("canboxa")
    assert client.get(f"/ghi-hinh/{built.recording.pk}/diem/{pf.pk}/tep/").status_code == 404
    assert client.get(f"/ghi-hinh/{built.recording.pk}/diem/{pf.pk}/doan/7000-11000/").status_code == 404  # matter B is not theirs
    board = client_as("bantcd")
    assert board.get(f"/ghi-hinh/{built.recording.pk}/diem/{pf.pk}/tep/").status_code == 404  # the restricted stretch is in it


def test_every_opening_of_the_player_is_audited_with_the_chapter(recorded, client_as):
    built = recorded()
    response = client_as("canboxa").get(f"/ghi-hinh/{built.recording.pk}/xem/?chuong={built.chapters['a'].pk}")
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="recordings.view").latest("pk")
    assert entry.actor.username == "canboxa" and entry.changes["chapter"] == built.chapters["a"].pk and entry.changes["whole"] is False
    assert "Công dân Ghi hình 2" not in response.content.decode()  # the other citizen's matter is not named


def test_download_needs_the_right_and_all_of_the_recording(recorded, client_as):
    built = recorded()
    url = f"/ghi-hinh/{built.recording.pk}/tai-ve/"
    assert client_as("canboxa").get(url).status_code == 403
    assert client_as("bantcd").get(url).status_code == 403  # a restricted stretch it may not see lies in the export
    notice = client_as("thanhtra").get(url)
    assert notice.status_code == 200 and "tai-boi-thanhtra" in notice.content.decode()
    assert not AuditEntry.objects.filter(action="recordings.download").exists()  # the notice alone downloads nothing


def test_a_download_names_who_took_it_and_is_audited(recorded, client_as):
    from tiepdan.recordings.storage import get_store

    built = recorded()
    get_store().put_atomic(f"recordings/{built.recording.pk}/composed.mp4", b"composed export bytes")
    built.recording.composed = f"recordings/{built.recording.pk}/composed.mp4"
    built.recording.save(update_fields=["composed"])
    response = client_as("thanhtra").post(f"/ghi-hinh/{built.recording.pk}/tai-ve/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"composed export bytes"
    assert "tai-boi-thanhtra" in response["Content-Disposition"] and response["Content-Disposition"].startswith("attachment")
    entry = AuditEntry.objects.get(action="recordings.download")
    assert entry.actor.username == "thanhtra" and "tai-boi-thanhtra" in entry.changes["file"]


def test_the_session_page_and_the_matter_page_open_the_player_on_the_matter(recorded, client_as):
    built = recorded()
    session_page = client_as("canboxa").get(f"/lich-tiep/{built.session.pk}/").content.decode()
    assert f"/ghi-hinh/{built.recording.pk}/xem/" in session_page
    matter_page = client_as("chutich").get(f"/vu-viec/{built.matters['b'].pk}/").content.decode()
    assert f"/ghi-hinh/{built.recording.pk}/xem/?chuong={built.chapters['b'].pk}" in matter_page
    assert f"/ghi-hinh/{built.recording.pk}/xem/" not in client_as("sonnmt").get(f"/vu-viec/{built.matters['b'].pk}/").content.decode()

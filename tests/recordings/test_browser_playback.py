"""The player in Chromium: every point's picture side by side, one sound followed, a chapter seeks every picture."""
import pytest

from benchmarks._threads import off_loop

from .playback_fixtures import build

VIDEOS_READY_JS = "() => [...document.querySelectorAll('.rec-point video')].every((v) => v.readyState >= 1)"


@pytest.mark.browser
def test_the_chairman_plays_every_point_side_by_side_follows_one_sound_and_seeks_by_chapter(demo, official, settings, tmp_path, new_page, login, assert_accessible):
    settings.RECORDINGS_LOCAL_DIR = tmp_path / "recordings"
    built = off_loop(build, demo, official, with_files=True)
    page = login(new_page(), "chutich")
    page.goto(f"/ghi-hinh/{built.recording.pk}/xem/")
    page.wait_for_function(VIDEOS_READY_JS)
    boxes = [page.locator(f"#video-{pf.point_id}").bounding_box() for pf in built.point_files]
    assert len({round(b["y"]) for b in boxes}) == 1 and sorted(b["x"] for b in boxes) == [b["x"] for b in boxes]  # one row, central first
    assert_accessible(page, "the player")

    muted = lambda: page.evaluate("() => Object.fromEntries([...document.querySelectorAll('.rec-point video')].map((v) => [v.id, v.muted]))")  # noqa: E731
    central, first_hall, second_hall = (f"video-{pf.point_id}" for pf in built.point_files)
    assert muted() == {central: False, first_hall: True, second_hall: True}  # the central point's sound to start with
    page.get_by_role("radio", name=built.point_files[2].point.name).check()
    assert muted() == {central: True, first_hall: True, second_hall: False}

    page.locator(f"#chapter-{built.chapters['b'].pk}").click()
    page.wait_for_function("() => [...document.querySelectorAll('.rec-point video')].every((v) => Math.abs(v.currentTime - 7) < 0.5)")
    assert page.locator("#rec-time").inner_text() == "00:00:07"


@pytest.mark.browser
def test_a_commune_player_gets_only_its_matter_as_clips(demo, official, settings, tmp_path, new_page, login, assert_accessible):
    settings.RECORDINGS_LOCAL_DIR = tmp_path / "recordings"
    built = off_loop(build, demo, official, with_files=True)
    page = login(new_page(), "canboxa")
    page.goto(f"/ghi-hinh/{built.recording.pk}/xem/?chuong={built.chapters['a'].pk}")
    page.wait_for_function(VIDEOS_READY_JS)
    assert page.locator(".rec-chapter").count() == 1
    sources = page.evaluate("() => [...document.querySelectorAll('.rec-point video')].map((v) => v.currentSrc)")
    assert sources and all("/doan/2000-6000/" in src for src in sources)
    assert_accessible(page, "a commune's player")

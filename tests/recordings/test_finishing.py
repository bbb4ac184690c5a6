"""Finishing a closed room's recording: per-point files that play and seek, chapters, thumbnails, a gap kept and
reported, the central point's copy filling a reloaded page's missing seconds, the composed export, the signed manifest."""
from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import require_tool

from .finishing_helpers import LENGTH_S, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(demo, official, media_files, settings, tmp_path):
    settings.RECORDINGS_STORAGE = "local"
    settings.RECORDINGS_LOCAL_DIR = tmp_path / "store"
    settings.JANUS_REC_DIR = tmp_path / "janus"
    return build(demo, official, media_files)


def _path(key):
    from tiepdan.recordings.storage import get_store

    return get_store().local_path(key)


def test_each_point_file_plays_seeks_and_lasts_the_session(built, test_signer):
    from tiepdan.recordings import finishing, media

    recording = finishing.finish(built.recording, compose=False)
    assert recording.state == "finished" and recording.finished_at is not None
    files = {f.point_id: f for f in recording.point_files.all()}
    assert set(files) == {p.pk for p in built.points.values()}
    for row in files.values():
        info = media.probe(_path(row.file.name))
        assert info.video is not None and info.audio is not None
        assert info.duration_s == pytest.approx(LENGTH_S, abs=1.0)
        assert info.has_cues, "a player must be able to seek: the remuxed file has its cues"
        assert row.offset_s == pytest.approx(0.0, abs=0.1)
        assert row.sha256 == media.sha256_file(_path(row.file.name))


def test_a_missing_slice_stays_a_gap_and_is_reported_where_it_lies(built, test_signer):
    from tiepdan.recordings import finishing, media

    recording = finishing.finish(built.recording, compose=False)
    c1 = built.points["c1"]
    row = recording.point_files.get(point=c1)
    [(start, end)] = row.sources["gaps"]
    assert start == pytest.approx(6, abs=0.6) and end == pytest.approx(8, abs=0.6)
    sentences = [p for p in recording.problems if p.startswith(f"Điểm cầu «{c1.name}»")]
    assert len(sentences) == 1 and "00:00:06 đến 00:00:08" in sentences[0] and "giữ nguyên" in sentences[0]
    # The gap is not closed up: the file still lasts the whole session, with no audio packets in the gap.
    packets = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a", "-show_entries", "packet=pts_time", "-of", "csv=p=0",
                              str(_path(row.file.name))], capture_output=True, text=True, check=True).stdout.split()
    times = [float(t.strip(",")) for t in packets if t.strip(",")]
    assert not [t for t in times if start + 0.3 < t < end - 0.3]
    assert media.probe(_path(row.file.name)).duration_s == pytest.approx(LENGTH_S, abs=1.0)
    # ingest's own gap sentence (slice numbers) is kept beside finishing's (times).
    assert recording.manifest_sha256 and json.loads(_path(recording.manifest.name).read_bytes())["gaps"] == [
        {"point": c1.pk, "start_s": start, "end_s": end}]


def test_the_central_copy_fills_what_a_reloaded_page_lacks_and_nothing_else(built, test_signer):
    from tiepdan.recordings import finishing, media

    recording = finishing.finish(built.recording, compose=False)
    c2 = built.points["c2"]
    row = recording.point_files.get(point=c2)
    stretches = row.sources["stretches"]
    assert [s["source"] for s in stretches] == ["own", "relay", "own"]
    assert [s["take"] for s in stretches] == [str(built.tracks[k].pk) for k in ("c2a", "c2relay", "c2b")]
    assert stretches[1]["start_s"] == pytest.approx(6, abs=0.2) and stretches[1]["end_s"] == pytest.approx(8, abs=0.2)
    assert row.sources["gaps"] == [] and not [p for p in recording.problems if p.startswith(f"Điểm cầu «{c2.name}»")]
    assert media.probe(_path(row.file.name)).duration_s == pytest.approx(LENGTH_S, abs=1.0)


def test_chapters_start_at_their_matters_each_with_a_thumbnail(built, test_signer):
    from tiepdan.recordings import finishing

    recording = finishing.finish(built.recording, compose=False)
    chapters = list(recording.chapters.order_by("start_s"))
    assert [(c.agenda_item_id, c.start_s, c.end_s) for c in chapters] == [(built.items[0].pk, 2.0, 6.0), (built.items[1].pk, 7.0, 11.0)]
    assert chapters[0].title == str(built.items[0])
    for chapter in chapters:
        data = _path(chapter.thumbnail.name).read_bytes()
        assert data[:3] == b"\xff\xd8\xff", "a JPEG"


def test_the_composed_export_has_every_picture_side_by_side_and_the_mixed_sound(built, test_signer):
    from tiepdan.recordings import finishing, media

    recording = finishing.finish(built.recording)
    assert recording.composed
    info = media.probe(_path(recording.composed.name))
    videos = [s for s in info.streams if s["codec_type"] == "video"]
    assert len(videos) == 1 and (info.width, info.height) == (2 * 640, 2 * 360)  # three points: a 2 x 2 grid
    assert len([s for s in info.streams if s["codec_type"] == "audio"]) == 1
    assert info.duration_s == pytest.approx(LENGTH_S, abs=1.0)
    # The manifest, sealed again, lists it with its hash.
    document = json.loads(_path(recording.manifest.name).read_bytes())
    assert document["composed"]["sha256"] == media.sha256_file(_path(recording.composed.name))


def test_the_manifest_verifies_with_openssl_against_the_agency_ca(built, test_signer, tmp_path):
    from tiepdan.recordings import finishing

    openssl = require_tool("openssl", "openssl")
    recording = finishing.finish(built.recording, compose=False)
    assert recording.signature and recording.signed_at is not None
    assert not [p for p in recording.problems if "chưa ký số" in p]
    manifest, signature = tmp_path / "manifest.json", tmp_path / "manifest.p7s"
    manifest.write_bytes(_path(recording.manifest.name).read_bytes())
    signature.write_bytes(_path(recording.signature.name).read_bytes())
    ok = subprocess.run([openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", str(signature), "-content", str(manifest),
                         "-CAfile", str(test_signer.ca_cert_pem_path), "-purpose", "any", "-out", "/dev/null"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    manifest.write_bytes(manifest.read_bytes().replace(b'"format"', b'"formaT"'))
    bad = subprocess.run([openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", str(signature), "-content", str(manifest),
                          "-CAfile", str(test_signer.ca_cert_pem_path), "-purpose", "any", "-out", "/dev/null"], capture_output=True, text=True)
    assert bad.returncode != 0


def test_the_manifest_lists_every_slice_file_point_and_time_in_vietnam_time(built, media_files, test_signer):
    from tiepdan.recordings import finishing

    recording = finishing.finish(built.recording, compose=False)
    raw = _path(recording.manifest.name).read_bytes()
    document = json.loads(raw)
    assert raw == (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode(), "canonical: sorted keys, UTF-8"
    assert document["recording"]["started_at"].endswith("+07:00")
    points = {p["id"]: p for p in document["points"]}
    c2 = points[built.points["c2"].pk]
    assert c2["name"] == built.points["c2"].name and c2["organisation"] == built.points["c2"].organisation.name
    assert sorted(t["source"] for t in c2["takes"]) == ["own", "own", "relay"]
    c1_take = points[built.points["c1"].pk]["takes"][0]
    assert [s["seq"] for s in c1_take["slices"]] == [n for n in range(len(media_files["c1"])) if n != 3] and c1_take["missing"] == [[3, 3]]
    assert all(len(s["sha256"]) == 64 and s["size_bytes"] > 0 for s in c1_take["slices"])
    assert [c["start_s"] for c in document["chapters"]] == [2.0, 7.0]


def test_without_a_signer_the_recording_is_finished_and_says_it_is_not_signed(built):
    from tiepdan.recordings import finishing

    recording = finishing.finish(built.recording, compose=False)
    assert recording.state == "finished" and not recording.signature and recording.manifest
    assert any("chưa ký số" in p for p in recording.problems)


def test_finishing_again_resumes_and_changes_nothing_already_made(built, test_signer):
    from tiepdan.recordings import finishing
    from tiepdan.recordings.models import Recording
    from tiepdan.recordings.tasks import finish_recording

    recording = finishing.finish(built.recording, compose=False)
    before = {f.point_id: f.sha256 for f in recording.point_files.all()}
    manifest_sha, document = recording.manifest_sha256, json.loads(_path(recording.manifest.name).read_bytes())
    # A run that stopped half-way: one point's file never made, the state left «Đang hoàn thiện».
    recording.point_files.filter(point=built.points["c2"]).delete()
    Recording.objects.filter(pk=recording.pk).update(state="finishing")
    finish_recording.call_local(recording.pk)
    recording.refresh_from_db()
    assert recording.state == "finished"
    assert {f.point_id: f.sha256 for f in recording.point_files.all()} == before  # the same bytes again (remux is bit-exact)
    assert recording.chapters.count() == 2
    again = json.loads(_path(recording.manifest.name).read_bytes())
    assert again.pop("composed") and document.pop("composed") is None  # the job also made the export, and lists it
    assert again == document
    assert finish_recording.call_local(recording.pk) == "finished"
    recording.refresh_from_db()
    assert recording.manifest_sha256 != manifest_sha and recording.composed


def test_a_safari_take_in_fragmented_mp4_is_remuxed_as_it_is_into_matroska(built, tmp_path):
    from tiepdan.recordings import finishing, media

    from .finishing_helpers import add_take

    whole = tmp_path / "safari.mp4"
    with open(whole, "wb") as out:  # what Safari's MediaRecorder gives: fragmented MP4, H.264 and AAC
        subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=15",
                        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "4", "-c:v", "libx264", "-preset", "ultrafast",
                        "-g", "30", "-c:a", "aac", "-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "pipe:1"],
                       stdout=out, check=True, timeout=120)
    data = whole.read_bytes()
    cuts = [0, len(data) // 3, 2 * len(data) // 3, len(data)]
    slices = []
    for n, (a, b) in enumerate(zip(cuts, cuts[1:])):
        (tmp_path / f"s{n}.mp4").write_bytes(data[a:b])
        slices.append((tmp_path / f"s{n}.mp4", 2000 * n))
    track = add_take(built.recording, built.points["c1"], "own", slices, at_s=20)
    track.mime_type = "video/mp4"
    track.save(update_fields=["mime_type"])
    problems = []
    assert finishing.finish_take(track, workdir=tmp_path, problems=problems), problems
    track.refresh_from_db()
    assert track.file.name.endswith(".mkv")
    info = media.probe(_path(track.file.name))
    assert (info.video["codec_name"], info.audio["codec_name"]) == ("h264", "aac")
    assert info.duration_s == pytest.approx(4.0, abs=0.5) and track.duration_s == pytest.approx(4.0, abs=0.5)


def test_with_a_timestamp_authority_the_signed_manifest_carries_its_timestamp(built, signing_pki):
    from tiepdan.recordings import finishing, integrity

    recording = finishing.finish(built.recording, compose=False)
    assert recording.signed_at is not None and recording.timestamped_at is not None
    assert abs((recording.timestamped_at - recording.signed_at).total_seconds()) < 120
    report = integrity.verify(recording)
    assert report.ok and report.timestamp == recording.timestamped_at

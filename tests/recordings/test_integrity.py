"""verify_recording finds one changed byte, and says where: which point, which take, which slice or file."""
from __future__ import annotations

import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from .finishing_helpers import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(demo, official, media_files, settings, tmp_path, test_signer):
    from tiepdan.recordings import finishing

    settings.RECORDINGS_STORAGE = "local"
    settings.RECORDINGS_LOCAL_DIR = tmp_path / "store"
    settings.JANUS_REC_DIR = tmp_path / "janus"
    built = build(demo, official, media_files)
    finishing.finish(built.recording, compose=False)
    built.recording.refresh_from_db()
    return built


def _flip_one_byte(path, at: int = -100) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def _verify_command(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_recording", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    return 0, out.getvalue()


def test_a_whole_signed_recording_verifies(finished):
    from tiepdan.recordings import integrity

    report = integrity.verify(finished.recording)
    assert report.ok, report.problems
    assert report.signed and report.signer
    assert report.items_checked == len(report.listed) > 30
    code, out = _verify_command(str(finished.recording.pk))
    assert code == 0 and "Toàn vẹn" in out


def test_one_changed_byte_in_a_stored_slice_is_found_and_named(finished):
    from tiepdan.recordings import integrity
    from tiepdan.recordings.storage import get_store

    track = finished.tracks["c2b"]
    target = track.slices.get(seq=1)
    _flip_one_byte(get_store().local_path(target.storage_key))
    report = integrity.verify(finished.recording)
    assert not report.ok
    [problem] = report.problems
    point = finished.points["c2"]
    assert f"Điểm cầu «{point.name}», lượt ghi {str(track.take)[:8]}" in problem and "đoạn số 1" in problem and "đã bị thay đổi" in problem
    code, out = _verify_command(str(finished.recording.pk))
    assert code == 1 and "đoạn số 1" in out and "KHÔNG toàn vẹn" in out


def test_one_changed_byte_in_a_finished_file_is_found_and_named(finished):
    from tiepdan.recordings import integrity
    from tiepdan.recordings.storage import get_store

    point = finished.points["central"]
    row = finished.recording.point_files.get(point=point)
    _flip_one_byte(get_store().local_path(row.file.name), at=len(get_store().read(row.file.name)) // 2)
    [problem] = integrity.verify(finished.recording).problems
    assert problem.startswith(f"Điểm cầu «{point.name}», tệp của điểm cầu") and row.file.name in problem


def test_a_changed_manifest_is_found_by_its_hash_and_its_signature(finished):
    from tiepdan.recordings import integrity
    from tiepdan.recordings.storage import get_store

    path = get_store().local_path(finished.recording.manifest.name)
    path.write_bytes(path.read_bytes().replace(b'"start_s": 7.0', b'"start_s": 7.5', 1))
    report = integrity.verify(finished.recording)
    assert not report.ok and not report.signed
    assert any(p.startswith("Bản kê") and "đã bị thay đổi sau khi hoàn thiện" in p for p in report.problems)
    assert any(p.startswith("Chữ ký số của bản kê") for p in report.problems)


def test_a_missing_file_is_named(finished):
    from tiepdan.recordings import integrity
    from tiepdan.recordings.storage import get_store

    chapter = finished.recording.chapters.order_by("start_s").first()
    get_store().delete(chapter.thumbnail.name)
    [problem] = integrity.verify(finished.recording).problems
    assert f"Ảnh đại diện của chương «{chapter.title}»" in problem and "không còn" in problem


def test_a_downloaded_copy_verifies_offline_and_a_changed_file_in_it_is_named(finished, tmp_path):
    from tiepdan.recordings.storage import get_store

    store = get_store()
    recording = finished.recording
    copy = tmp_path / "copy"
    (copy / "files").mkdir(parents=True)
    manifest, signature = copy / "manifest.json", copy / "manifest.p7s"
    manifest.write_bytes(store.read(recording.manifest.name))
    signature.write_bytes(store.read(recording.signature.name))
    # Only the signature: says whether our CA signed it and what it lists.
    code, out = _verify_command("--manifest", str(manifest), "--signature", str(signature))
    assert code == 0 and "Ký bởi" in out
    # With the files, laid out flat as a download would be.
    for key in store.keys(f"recordings/{recording.pk}/"):
        shutil.copy(store.local_path(key), copy / "files" / key.rsplit("/", 1)[-1])
    code, out = _verify_command("--manifest", str(manifest), "--signature", str(signature), "--dir", str(copy / "files"))
    assert code == 0, out
    point = finished.points["c1"]
    row = recording.point_files.get(point=point)
    _flip_one_byte(copy / "files" / row.file.name.rsplit("/", 1)[-1])
    code, out = _verify_command("--manifest", str(manifest), "--signature", str(signature), "--dir", str(copy / "files"))
    assert code == 1 and f"Điểm cầu «{point.name}», tệp của điểm cầu" in out


def test_a_manifest_checked_against_another_ca_is_refused(finished, tmp_path, settings):
    from cryptography.hazmat.primitives import serialization

    from tests.pki.plugin import make_ca
    from tiepdan.recordings.storage import get_store

    store = get_store()
    _, other = make_ca("CA KHÔNG ĐƯỢC TIN CẬY")
    root = tmp_path / "other-root.pem"
    root.write_bytes(other.public_bytes(serialization.Encoding.PEM))
    settings.SIGNING_TRUST_ROOTS = [str(root)]  # the receiver trusts another CA only
    manifest, signature = tmp_path / "m.json", tmp_path / "m.p7s"
    manifest.write_bytes(store.read(finished.recording.manifest.name))
    signature.write_bytes(store.read(finished.recording.signature.name))
    code, out = _verify_command("--manifest", str(manifest), "--signature", str(signature))
    assert code == 1 and "Chữ ký số của bản kê" in out


# --- the verify page (/ghi-hinh/kiem-tra/) -------------------------------------------------------------


def test_an_official_picks_a_recording_and_the_page_names_what_changed(finished, client_as):
    from tiepdan.core.models import AuditEntry
    from tiepdan.recordings.storage import get_store

    client = client_as("bantcd")
    assert "/ghi-hinh/kiem-tra/" in client.get("/").content.decode(), "the home page shows the way to the check"
    page = client.get("/ghi-hinh/kiem-tra/")
    assert page.status_code == 200 and f'value="{finished.recording.pk}"' in page.content.decode()
    answer = client.post("/ghi-hinh/kiem-tra/", {"recording": finished.recording.pk}).content.decode()
    assert "Toàn vẹn và có chữ ký số hợp lệ" in answer
    track = finished.tracks["central"]
    _flip_one_byte(get_store().local_path(track.slices.get(seq=2).storage_key))
    answer = client.post("/ghi-hinh/kiem-tra/", {"recording": finished.recording.pk}).content.decode()
    assert "Không toàn vẹn" in answer and f"lượt ghi {str(track.take)[:8]}" in answer and "đoạn số 2" in answer
    assert AuditEntry.objects.filter(action="recordings.verify", object_id=str(finished.recording.pk)).count() == 2


def test_anyone_uploads_a_manifest_and_its_signature_and_learns_whether_our_ca_signed_it(finished, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tiepdan.recordings.storage import get_store

    store = get_store()
    manifest, signature = store.read(finished.recording.manifest.name), store.read(finished.recording.signature.name)
    page = client.get("/ghi-hinh/kiem-tra/").content.decode()
    assert 'name="recording"' not in page, "no archive picker for someone not signed in"
    answer = client.post("/ghi-hinh/kiem-tra/", {"manifest": SimpleUploadedFile("manifest.json", manifest),
                                                 "signature": SimpleUploadedFile("manifest.p7s", signature)}).content.decode()
    assert "Toàn vẹn và có chữ ký số hợp lệ" in answer
    row = finished.recording.point_files.get(point=finished.points["c1"])
    assert row.sha256 in answer and "tệp của điểm cầu" in answer  # the hashes it lists, to compare with one's copy
    changed = manifest.replace(row.sha256.encode(), b"0" * 64)
    answer = client.post("/ghi-hinh/kiem-tra/", {"manifest": SimpleUploadedFile("manifest.json", changed),
                                                 "signature": SimpleUploadedFile("manifest.p7s", signature)}).content.decode()
    assert "Không toàn vẹn" in answer and "Chữ ký số của bản kê" in answer


def test_an_official_of_another_province_cannot_check_this_provinces_recording(finished, client, other_province, make_official):
    from tiepdan.core.roles import Role

    client.force_login(make_official(Role.BOARD_OFFICER, other_province["board"]))
    assert f'value="{finished.recording.pk}"' not in client.get("/ghi-hinh/kiem-tra/").content.decode()
    assert client.post("/ghi-hinh/kiem-tra/", {"recording": finished.recording.pk}).status_code == 404

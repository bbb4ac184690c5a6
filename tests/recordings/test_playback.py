"""Each point's file and a partial viewer's clip are served with ranges, the bytes as stored; the start of a stream is audited."""
import subprocess

from tiepdan.core.models import AuditEntry
from tiepdan.recordings.storage import get_store

from .playback_fixtures import recorded  # noqa: F401


def test_a_whole_point_file_is_served_in_ranges_exactly_as_stored(recorded, client_as):
    built = recorded(with_files=True)
    pf = built.point_files[1]
    stored = get_store().read(pf.file.name)
    client = client_as("thanhtra")
    url = f"/ghi-hinh/{built.recording.pk}/diem/{pf.pk}/tep/"
    first = client.get(url, headers={"Range": "bytes=0-"})
    assert first.status_code == 206 and b"".join(first.streaming_content) == stored
    middle = client.get(url, headers={"Range": "bytes=1000-2999"})
    assert middle.status_code == 206 and b"".join(middle.streaming_content) == stored[1000:3000]
    # the stream's start is audited, the seeks that follow it are not each a new viewing
    assert AuditEntry.objects.filter(action="recordings.stream", actor__username="thanhtra").count() == 1


def test_a_commune_gets_a_clip_of_its_own_matter_only(recorded, client_as, tmp_path):
    built = recorded(with_files=True)
    pf = built.point_files[0]
    response = client_as("canboxa").get(f"/ghi-hinh/{built.recording.pk}/diem/{pf.pk}/doan/2000-6000/")
    assert response.status_code == 200
    clip = tmp_path / "clip.webm"
    clip.write_bytes(b"".join(response.streaming_content))
    seconds = float(subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(clip)],
                                   capture_output=True, text=True, check=True, timeout=60).stdout)
    assert 3.0 <= seconds <= 4.6  # matter A's 4 s, nothing of matter B
    entry = AuditEntry.objects.filter(action="recordings.stream").latest("pk")
    assert entry.actor.username == "canboxa" and entry.changes["window"] == "2000-6000"

"""The recording's files are served with ranges, so a player seeks without downloading what lies before."""
import io

from django.test import RequestFactory

from tiepdan.recordings.ranged import parse_range, ranged_response

DATA = bytes(range(256)) * 40  # 10 240 bytes


def _get(range_header=None):
    headers = {"Range": range_header} if range_header else {}
    request = RequestFactory().get("/", headers=headers)
    return ranged_response(request, io.BytesIO(DATA), size=len(DATA), content_type="video/webm", filename="Điểm cầu.webm")


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_range_is_answered_206_with_exactly_those_bytes():
    response = _get("bytes=1000-4999")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-4999/{len(DATA)}"
    assert response["Content-Length"] == "4000"
    assert _body(response) == DATA[1000:5000]


def test_an_open_range_and_a_suffix_range_reach_the_end():
    assert _body(_get("bytes=10000-")) == DATA[10000:]
    suffix = _get("bytes=-240")
    assert suffix.status_code == 206 and _body(suffix) == DATA[-240:]


def test_no_range_sends_the_whole_file_and_says_ranges_are_accepted():
    response = _get()
    assert response.status_code == 200 and response["Accept-Ranges"] == "bytes"
    assert _body(response) == DATA
    assert "filename*=utf-8''%C4%90i%E1%BB%83m" in response["Content-Disposition"]


def test_a_range_past_the_end_is_416_naming_the_size():
    response = _get("bytes=20000-")
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{len(DATA)}"


def test_a_range_that_runs_past_the_end_is_cut_at_the_end():
    response = _get("bytes=10000-99999")
    assert response["Content-Range"] == f"bytes 10000-10239/{len(DATA)}" and _body(response) == DATA[10000:]


def test_malformed_or_several_ranges_get_the_whole_file():
    assert parse_range("bytes=0-1,5-9", 100) is None
    assert parse_range("items=0-1", 100) is None
    assert parse_range("bytes=9-3", 100) is None
    assert parse_range("bytes=-0", 100) is False

"""Files served under ASGI go out a batch at a time, not read whole into memory first."""
import warnings

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.contrib.staticfiles import finders

from tiepdan.config.asgi import application
from tiepdan.core import middleware


def _get(path: str) -> tuple[int, list[bytes]]:
    async def run():
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 40000), "server": ("testserver", 80)}
        app = ApplicationCommunicator(application, scope)
        await app.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await app.receive_output(timeout=10)
        bodies = []
        while True:
            message = await app.receive_output(timeout=10)
            bodies.append(message.get("body", b""))
            if not message.get("more_body"):
                await app.wait(timeout=10)  # the response closes its file
                return start["status"], bodies

    return async_to_sync(run)()


@pytest.mark.django_db
def test_a_static_file_is_served_under_asgi_without_being_read_whole_first(settings):
    settings.WHITENOISE_USE_FINDERS, settings.WHITENOISE_AUTOREFRESH = True, True
    with open(finders.find("live/room.js"), "rb") as f:
        content = f.read()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        status, bodies = _get("/static/live/room.js")
    assert status == 200 and b"".join(bodies) == content
    # Django's fallback for a synchronous iterator (list() of the whole file) warns: it must not be taken.
    assert not [w for w in seen if "synchronous iterators" in str(w.message)]


def test_a_large_file_is_read_a_batch_at_a_time_as_the_server_sends_it(monkeypatch):
    monkeypatch.setattr(middleware, "STREAM_BATCH_BYTES", 10_000)
    read = []

    def parts():  # FileResponse reads 4 KiB at a time
        for n in range(10):
            read.append(n)
            yield bytes([n]) * 4096

    async def first_two():
        batches = middleware._batches(parts())
        got = [await anext(batches), await anext(batches)]
        await batches.aclose()
        return got

    got = async_to_sync(first_two)()
    assert [len(b) for b in got] == [12288, 12288]
    assert read == list(range(6))  # what was sent, not the whole file

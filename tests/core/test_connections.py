"""Database connections the served application opens are given back, error pages included."""
import gc
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

REQUESTS = 60  # more than the loop's worker threads (min(32, cpus + 4)) and the pool (20)


def _open_elsewhere() -> int:
    """Connections held open by threads other than this test's own."""
    gc.collect()
    mine = connection
    # type(), not isinstance(): isinstance asks a lazy object (django-csp's request.csp_nonce) for its
    # __class__, which evaluates it, and a nonce read after its response was sent raises.
    return sum(
        1 for obj in gc.get_objects() if issubclass(type(obj), BaseDatabaseWrapper) and obj is not mine and obj.connection is not None
    )


def _get(url: str, session: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


@pytest.fixture
def no_persistent_connections(monkeypatch):
    """CONN_MAX_AGE 0, as PostgreSQL runs (its pool); SQLite otherwise keeps one per long-lived thread."""
    monkeypatch.setitem(connections.settings[connection.alias], "CONN_MAX_AGE", 0)


def test_error_pages_of_a_signed_in_user_give_their_connection_back(no_persistent_connections, live_server_url, demo, client, official):
    # Signed in, so the 404 page's context processors read the session from the database. Django
    # renders that page off the request's thread (response_for_exception, thread_sensitive=False);
    # on PostgreSQL each such thread used to keep a slot of the pool until the server ran dry.
    client.force_login(official("bantcd"))
    session = client.cookies["sessionid"].value
    before = _open_elsewhere()

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: _get(f"{live_server_url}/khong-co-trang-nay/", session), range(REQUESTS)))

    assert set(codes) == {404}
    assert _open_elsewhere() <= before
    assert _get(f"{live_server_url}/", session) == 200
    if connection.vendor == "postgresql":
        # The executor gives a connection back just after its job, which may be just after the response
        # left: on a loaded machine the last one is still on its way. A leak never comes back.
        assert _wait_until(lambda: _in_use(connection.pool) <= 1, seconds=10)  # this test's own connection at most, connection.pool.get_stats()


def _in_use(pool) -> int:
    stats = pool.get_stats()
    return stats["pool_size"] - stats["pool_available"]


def _wait_until(condition, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True

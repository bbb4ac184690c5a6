"""Worker threads of the server's event loop, and the database connections they open."""
import asyncio
import weakref
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections

_loops_done: "weakref.WeakSet[asyncio.AbstractEventLoop]" = weakref.WeakSet()


def _then_close_old_connections(fn, /, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    finally:
        close_old_connections()


class ConnectionClosingExecutor(ThreadPoolExecutor):
    """The loop's default executor: after each job, its thread's database connections go back.

    Django renders an error page (a 404 above all) with ``response_for_exception`` in the loop's
    default executor (``thread_sensitive=False``), and the page's context processors read the
    session there, on a connection owned by that executor thread. ``request_finished`` closes
    only the connection of the request's own thread, so on PostgreSQL each executor thread kept
    a slot of the pool for good; with ``min(32, cpus + 4)`` threads and a pool of 20, a busy
    server ran dry (PoolTimeout) after enough error pages. Closing follows CONN_MAX_AGE, as at
    the end of a request: SQLite's long-lived connections stay with these long-lived threads.
    """

    def submit(self, fn, /, *args, **kwargs):
        return super().submit(_then_close_old_connections, fn, *args, **kwargs)


def close_connections_after_executor_jobs(loop: asyncio.AbstractEventLoop) -> None:
    """Give ``loop`` a :class:`ConnectionClosingExecutor` as its default executor, once."""
    if loop in _loops_done:
        return
    loop.set_default_executor(ConnectionClosingExecutor(thread_name_prefix="tiepdan-worker"))
    _loops_done.add(loop)

"""Calling the product's services from a Playwright script, shared by the benchmarks and the browser tests."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from django.db import connection


def off_loop(fn, *args, **kwargs):
    """Run ``fn`` in a fresh thread: Playwright's event loop runs in the calling thread, and services push
    to the channel layer after commit with ``async_to_sync``, which refuses to run inside a loop."""

    def call():
        try:
            return fn(*args, **kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()

"""A file served with HTTP ranges (RFC 9110 §14): a player seeks by asking for the bytes it needs.

Django's ``FileResponse`` always answers 200 with the whole file, so a ``<video>`` cannot jump to a
chapter of an hour's recording without downloading everything before it. ``ranged_response`` answers
``Range: bytes=a-b`` (one range; several ranges get the whole file, which the RFC allows) with 206 and
``Content-Range``, an unsatisfiable range with 416, and streams the bytes in blocks from the open file
(under ASGI, ``core.middleware.StreamFilesAsync`` reads them in a worker thread as they are sent).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

BLOCK_BYTES = 64 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$")


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """The inclusive ``(first, last)`` byte positions that ``header`` asks of a ``size``-byte file.

    None: no usable single range (absent, malformed or several: the whole file is sent).
    False: a well-formed range that lies wholly past the end (416).
    """
    match = _RANGE.match(header or "")
    if not match:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return (max(size - length, 0), size - 1) if size else False
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None
    if start >= size:
        return False
    return start, end


def _blocks(f: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    try:
        f.seek(start)
        left = length
        while left > 0:
            block = f.read(min(BLOCK_BYTES, left))
            if not block:
                break
            left -= len(block)
            yield block
    finally:
        f.close()


def ranged_response(request, f: BinaryIO, *, size: int, content_type: str, filename: str = "", attachment: bool = False) -> HttpResponse:
    """Serve the open binary file ``f`` (``size`` bytes), honouring the request's ``Range``; ``f`` is closed when done."""
    wanted = parse_range(request.headers.get("Range", ""), size)
    if wanted is False:
        f.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    start, end = wanted if wanted else (0, size - 1)
    length = max(end - start + 1, 0)
    response = StreamingHttpResponse(_blocks(f, start, length), status=206 if wanted else 200, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    if filename:
        response.headers["Content-Disposition"] = content_disposition_header(attachment, filename)
    return response


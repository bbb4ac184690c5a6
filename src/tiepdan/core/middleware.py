from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest

from . import context

# A thread hop per this many bytes: FileResponse reads 4 KiB at a time.
STREAM_BATCH_BYTES = 256 * 1024


class StreamFilesAsync:
    """Under ASGI, give the server a file response a batch at a time instead of whole.

    Django serves a streaming response whose iterator is synchronous (WhiteNoise's static files,
    our document downloads) by reading all of it into a list first, and warns. Here the file is
    read in a worker thread as the server sends it, so memory stays at one batch per download.
    The test client (WSGI) keeps the plain iterator.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.streaming and not response.is_async and isinstance(request, ASGIRequest):
            response.streaming_content = _batches(iter(response.streaming_content))
        return response


def _next_batch(parts) -> bytes:
    batch, size = [], 0
    for part in parts:
        batch.append(part)
        size += len(part)
        if size >= STREAM_BATCH_BYTES:
            break
    return b"".join(batch)


async def _batches(parts):
    read = sync_to_async(_next_batch, thread_sensitive=False)
    while batch := await read(parts):
        yield batch


class RequestContextMiddleware:
    """Remembers the caller's address for the audit log during one request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.set_current(
            context.RequestContext(
                ip_address=request.META.get("REMOTE_ADDR") or None,
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)

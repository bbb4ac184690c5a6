"""ASGI entry point: HTTP through Django, WebSockets through Channels routes of each app."""
import asyncio
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiepdan.config.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from tiepdan.config.routing import websocket_urlpatterns  # noqa: E402
from tiepdan.core.threads import close_connections_after_executor_jobs  # noqa: E402


class KeepServerSend:
    """Put the server's own ``send`` in the WebSocket's scope as ``server_send``.

    The live hub writes one room change to a thousand connections in a row; through the
    session middleware's wrapper (which acts only on accept) each write cost ~7 us more,
    a tenth of the fan-out (benchmarks/live.py). Room messages use this ``send``; accept,
    close and everything else keep the wrapped one.
    """

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        return await self.inner({**scope, "server_send": send}, receive, send)


class ConnectionClosingWorkers:
    """Before the first call on an event loop, give that loop a connection-closing default executor."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        close_connections_after_executor_jobs(asyncio.get_running_loop())
        return await self.inner(scope, receive, send)


application = ConnectionClosingWorkers(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": KeepServerSend(AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))),
        }
    )
)

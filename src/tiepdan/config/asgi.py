"""ASGI entry point: HTTP through Django, WebSockets through Channels routes of each app."""
import asyncio
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiepdan.config.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware  # noqa: E402

from tiepdan.config.routing import websocket_urlpatterns  # noqa: E402
from tiepdan.core.threads import close_connections_after_executor_jobs  # noqa: E402
from tiepdan.organisations.middleware import SecondFactorWebSocketMiddleware  # noqa: E402


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


class TrustedProxyHeaders:
    """Take the client's address and scheme from X-Forwarded-For/-Proto only when a proxy in ``TRUSTED_PROXIES`` sent them.

    Everything downstream (Django's REMOTE_ADDR, the login throttle, the audit log, the WebSocket's
    scope) then sees the real client. The server must not do this itself (``manage.py serve`` turns
    uvicorn's own proxy headers off: they trusted loopback, so any header from a local client was
    believed). uvicorn's middleware does the parsing, including the right-most untrusted hop.
    The settings are read per connection, so the tests' overrides apply.
    """

    def __init__(self, inner):
        self.inner = inner
        self._by_proxies: dict[tuple[str, ...], object] = {}

    async def __call__(self, scope, receive, send):
        proxies = tuple(settings.TRUSTED_PROXIES)
        if not proxies:
            return await self.inner(scope, receive, send)
        app = self._by_proxies.get(proxies)
        if app is None:
            app = self._by_proxies[proxies] = ProxyHeadersMiddleware(self.inner, trusted_hosts=list(proxies))
        return await app(scope, receive, send)


class ConnectionClosingWorkers:
    """Before the first call on an event loop, give that loop a connection-closing default executor."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        close_connections_after_executor_jobs(asyncio.get_running_loop())
        return await self.inner(scope, receive, send)


application = TrustedProxyHeaders(
    ConnectionClosingWorkers(
        ProtocolTypeRouter(
            {
                "http": django_asgi_app,
                # The second factor is asked here as on every page: a session without it reaches the routes as nobody.
                "websocket": KeepServerSend(AllowedHostsOriginValidator(AuthMiddlewareStack(SecondFactorWebSocketMiddleware(URLRouter(websocket_urlpatterns))))),
            }
        )
    )
)

"""WebSocket routes of every app, gathered in one list."""
from tiepdan.live.routing import websocket_urlpatterns as live_websockets

websocket_urlpatterns: list = [*live_websockets]

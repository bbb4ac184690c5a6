"""The fan-out benchmark's reference: a Channels consumer that joins one group and forwards what it sends.

The textbook Channels pattern (a group member per connection), served the same way as
the product (uvicorn, websockets-sansio, in-memory layer, its own process).
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiepdan.config.settings")

import django  # noqa: E402

django.setup()

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class Bare(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.channel_layer.group_add("bench-bare", self.channel_name)
        await self.send_json({"type": "welcome"})

    async def disconnect(self, code):
        await self.channel_layer.group_discard("bench-bare", self.channel_name)

    async def receive_json(self, content, **kwargs):
        await self.channel_layer.group_send("bench-bare", {"type": "bench.event", "n": content.get("n", 1)})

    async def bench_event(self, event):
        await self.send_json({"type": "event", "n": event["n"]})


application = ProtocolTypeRouter({"websocket": URLRouter([path("ws/bare/<int:n>/", Bare.as_asgi())])})

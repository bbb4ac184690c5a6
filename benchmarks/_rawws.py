"""A lean WebSocket client for the fan-out benchmark: many connections in one process, cheap to read.

Why not the ``websockets`` client: with a thousand connections in one process, its
per-message work (a task per connection, frame objects, UTF-8 checks) took longer
than the server's fan-out, so the figure measured the harness. Here a connection's
``data_received`` only notes the arrival time and the bytes; frames are parsed as
they complete, and pings are answered (the server closes a connection that does not).
"""
from __future__ import annotations

import asyncio
import base64
import json
import os
import struct
import time


def _masked(opcode: int, payload: bytes) -> bytes:
    """A client frame (clients must mask, RFC 6455 §5.3)."""
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    key = int.from_bytes((mask * (n // 4 + 1))[:n], "big")
    body = (int.from_bytes(payload, "big") ^ key).to_bytes(n, "big") if n else b""
    return header + mask + body


class Connection(asyncio.Protocol):
    """One WebSocket; ``messages`` holds (arrival time, raw JSON) of every text frame, ``last`` when the latest came.

    Decoding waits for ``message(i)``: while a thousand connections receive at once, the
    time of each is noted before the next is read.
    """

    def __init__(self, host: str, path: str, cookie: str | None):
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\nSec-WebSocket-Version: 13\r\n"
            # What Chromium offers. The product declines it (manage.py serve); frames from a server that
            # accepted would be compressed, which this client does not read, so the handshake refuses that.
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            f"Origin: http://{host}\r\n" + (f"Cookie: sessionid={cookie}\r\n" if cookie else "") + "\r\n"
        ).encode()
        self.buffer = b""
        self.upgraded = False
        self.messages: list[tuple[float, dict]] = []
        self.last = time.monotonic()
        self.closed = asyncio.get_running_loop().create_future()
        self.close_code: int | None = None
        self.failure: str | None = None
        self.arrived = asyncio.Event()

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes):
        at = time.perf_counter()  # first: the time the bytes reached this process
        self.buffer += data
        if not self.upgraded:
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if not sep:
                return
            if not head.startswith(b"HTTP/1.1 101") or b"permessage-deflate" in head.lower():
                self.close_code = -1
                self.failure = "the server compresses frames (permessage-deflate)" if head.startswith(b"HTTP/1.1 101") else "refused"
                self.transport.close()
                return
            self.upgraded, self.buffer = True, rest
        self._frames(at)

    def _frames(self, at: float) -> None:
        buf = self.buffer
        while len(buf) >= 2:
            opcode, n = buf[0] & 0x0F, buf[1] & 0x7F
            start = 2
            if n == 126:
                if len(buf) < 4:
                    break
                n, start = struct.unpack("!H", buf[2:4])[0], 4
            elif n == 127:
                if len(buf) < 10:
                    break
                n, start = struct.unpack("!Q", buf[2:10])[0], 10
            if len(buf) < start + n:
                break
            payload, buf = buf[start:start + n], buf[start + n:]
            if opcode == 0x1:
                self.messages.append((at, payload))
                self.last = time.monotonic()  # the server's pings do not count: "quiet" means no room traffic
                self.arrived.set()
            elif opcode == 0x9:
                self.transport.write(_masked(0xA, payload))
            elif opcode == 0x8:
                self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                self.transport.close()
        self.buffer = buf

    def connection_lost(self, exc):
        if self.close_code is None:
            self.close_code = 1006
        if not self.closed.done():
            self.closed.set_result(self.close_code)
        self.arrived.set()

    def message(self, i: int) -> tuple[float, dict]:
        at, raw = self.messages[i]
        return at, json.loads(raw)

    @property
    def is_closed(self) -> bool:
        return self.closed.done()

    def send(self, message: dict) -> None:
        self.transport.write(_masked(0x1, json.dumps(message).encode()))

    def close(self) -> None:
        if not self.transport.is_closing():
            self.transport.write(_masked(0x8, struct.pack("!H", 1000)))
            self.transport.close()

    async def wait_for(self, kinds: tuple[str, ...], timeout: float) -> dict | None:
        """The first message (from the start) of one of ``kinds``; None if the connection closed first."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for i in range(seen, len(self.messages)):
                message = self.message(i)[1]
                if message.get("type") in kinds:
                    return message
            seen = len(self.messages)
            if self.is_closed:
                return None
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), max(0.01, deadline - time.monotonic()))


async def connect(host: str, port: int, path: str, cookie: str | None = None) -> Connection:
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(lambda: Connection(f"{host}:{port}", path, cookie), host, port)
    return protocol

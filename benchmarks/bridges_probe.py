"""Readiness probe throughput: what the server's aiortc peer can count, beside a plain TCP transfer of the same bytes.

On loopback the link is not the limit, so the figure is the probe's own ceiling: a point can be
judged only up to that rate (a central point needs 30 Mbps). Reference: the same burst over an
asyncio TCP connection on loopback in the same run.
"""
from __future__ import annotations

import asyncio
import json
import time


async def _probe_uplink_kbps(limits) -> float:
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    from tiepdan.bridges import probe

    client = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    channel = client.createDataChannel("probe")
    inbox: asyncio.Queue = asyncio.Queue()
    channel.on("message", lambda m: isinstance(m, str) and inbox.put_nowait(json.loads(m)))
    await client.setLocalDescription(await client.createOffer())
    probe_id, answer = await probe.open_probe(sdp=client.localDescription.sdp, sdp_type="offer", owner={"user_id": 0, "point_id": 0}, limits=limits)
    await client.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    opened = asyncio.get_running_loop().create_future()
    channel.on("open", lambda: opened.done() or opened.set_result(True))
    if channel.readyState != "open":
        await asyncio.wait_for(opened, 10)
    try:
        channel.send(json.dumps({"t": "up-begin"}))
        chunk = b"\0" * limits.chunk_bytes
        for _ in range(limits.up_bytes // limits.chunk_bytes):
            channel.send(chunk)
        channel.send(json.dumps({"t": "up-end"}))
        while True:
            message = await asyncio.wait_for(inbox.get(), 60)
            if message.get("t") == "up-result":
                return message["kbps"] or 0.0
    finally:
        await client.close()
        await probe.close_probe(probe_id)


async def _tcp_kbps(total: int) -> float:
    done = asyncio.get_running_loop().create_future()
    state = {"n": 0, "t0": None}

    async def handle(reader, writer):
        while state["n"] < total:
            data = await reader.read(65536)
            if not data:
                break
            state["t0"] = state["t0"] or time.monotonic()
            state["n"] += len(data)
        done.set_result(time.monotonic() - state["t0"])
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"\0" * total)
    await writer.drain()
    seconds = await done
    writer.close()
    server.close()
    return total * 8 / 1000 / seconds


def run(emit) -> None:
    from django.conf import settings

    from tiepdan.bridges import probe

    settings.BRIDGES_PROBE_HOST_ADDRESSES = "127.0.0.1"
    for label, kbps in (("component", 5_000), ("central", 30_000)):
        limits = probe.limits_for(kbps, kbps)
        figures = [asyncio.run(_probe_uplink_kbps(limits)) for _ in range(3)]
        reference = asyncio.run(_tcp_kbps(limits.up_bytes))
        emit(f"probe_uplink_kbps_{label}", sorted(figures)[1], reference, burst_bytes=limits.up_bytes, required_kbps=kbps, unit="kbps (median of 3)")

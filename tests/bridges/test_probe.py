"""The server's readiness peer, driven by a second, independent WebRTC peer (aiortc as the client), on loopback."""
import asyncio
import json
import threading
import time

import pytest

from tiepdan.bridges import probe


@pytest.fixture(autouse=True)
def loopback_only(settings):
    settings.BRIDGES_PROBE_HOST_ADDRESSES = "127.0.0.1"


def run_async(coroutine_function):
    """Run in a thread with its own event loop: the browser tests' Playwright keeps a loop running in the main thread."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine_function())
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


async def _client_session(limits):
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    client = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    channel = client.createDataChannel("probe")
    inbox: asyncio.Queue = asyncio.Queue()
    received = {"bytes": 0}

    @channel.on("message")
    def on_message(message):
        if isinstance(message, bytes):
            received["bytes"] += len(message)
        else:
            inbox.put_nowait(json.loads(message))

    await client.setLocalDescription(await client.createOffer())
    probe_id, answer = await probe.open_probe(sdp=client.localDescription.sdp, sdp_type="offer", owner={"user_id": 1, "point_id": 2}, limits=limits)
    assert "127.0.0.1" in answer
    await client.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    opened = asyncio.get_running_loop().create_future()
    channel.on("open", lambda: opened.done() or opened.set_result(True))
    if channel.readyState != "open":
        await asyncio.wait_for(opened, 10)
    return client, channel, inbox, received, probe_id


async def _next(inbox, kind, timeout=15):
    while True:
        message = await asyncio.wait_for(inbox.get(), timeout)
        if message.get("t") == kind:
            return message


def test_limits_are_bounded_and_follow_the_requirement():
    commune = probe.limits_for(5000, 5000)
    assert commune.up_bytes == 5000 * 1000 // 8 * 2 and commune.max_s == probe.MAX_BURST_S
    assert probe.limits_for(100, 100).up_bytes == 1024 * 1024
    assert probe.limits_for(10_000_000, 10_000_000).down_bytes == 16 * 1024 * 1024


def test_probe_answers_pings_measures_uplink_and_sends_a_bounded_downlink():
    run_async(_pings_uplink_downlink)


async def _pings_uplink_downlink():
    limits = probe.Limits(up_bytes=512 * 1024, down_bytes=384 * 1024, max_s=5)
    client, channel, inbox, received, probe_id = await _client_session(limits)
    try:
        channel.send(json.dumps({"t": "ping", "id": 7}))
        assert (await _next(inbox, "pong"))["id"] == 7

        channel.send(json.dumps({"t": "up-begin"}))
        chunk = b"x" * limits.chunk_bytes
        for _ in range(48):  # 768 KiB offered; only 512 KiB may count
            channel.send(chunk)
        channel.send(json.dumps({"t": "up-end"}))
        result = await _next(inbox, "up-result")
        assert result["bytes"] == limits.up_bytes
        assert result["kbps"] > 0

        stored = await probe.server_measurement(probe_id)
        assert stored["connected"] and stored["uplink_kbps"] == result["kbps"] and stored["point_id"] == 2

        started = time.monotonic()
        channel.send(json.dumps({"t": "down-begin"}))
        end = await _next(inbox, "down-end")
        assert end["bytes"] == limits.down_bytes == received["bytes"]
        assert time.monotonic() - started < limits.max_s + 2
    finally:
        await client.close()
        await probe.close_probe(probe_id)
    assert probe.open_probe_count() == 0


def test_open_probes_are_bounded_and_a_restart_replaces_the_owners_probe(monkeypatch):
    monkeypatch.setattr(probe, "MAX_OPEN_PROBES", 2)
    run_async(_bounded_probes)


async def _bounded_probes():
    from aiortc import RTCPeerConnection

    limits = probe.limits_for(5000, 5000)
    clients, ids = [], []

    async def offer():
        client = RTCPeerConnection()
        client.createDataChannel("probe")
        await client.setLocalDescription(await client.createOffer())
        clients.append(client)
        return client.localDescription.sdp

    try:
        ids.append((await probe.open_probe(sdp=await offer(), sdp_type="offer", owner={"user_id": 1, "point_id": 1}, limits=limits))[0])
        ids.append((await probe.open_probe(sdp=await offer(), sdp_type="offer", owner={"user_id": 1, "point_id": 1}, limits=limits))[0])
        assert probe.open_probe_count() == 1  # the same person and point: the first was replaced
        ids.append((await probe.open_probe(sdp=await offer(), sdp_type="offer", owner={"user_id": 2, "point_id": 5}, limits=limits))[0])
        with pytest.raises(probe.ProbeBusy):
            await probe.open_probe(sdp=await offer(), sdp_type="offer", owner={"user_id": 3, "point_id": 6}, limits=limits)
    finally:
        for probe_id in ids:
            await probe.close_probe(probe_id)
        for client in clients:
            await client.close()
    assert probe.open_probe_count() == 0

"""`manage.py serve` (what `make run` starts): stopping the server stops its background-job worker too."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    """Running (a zombie, exited but not yet reaped, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _until(predicate, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(what)
        time.sleep(0.1)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def serving(tmp_path):
    """Start `manage.py serve` on a free port with its worker; yield (server process, worker pid, port)."""
    port = _free_port()
    env = {**os.environ, "TIEPDAN_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen([sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def worker_pid():
        log.seek(0)
        found = re.search(r"Tiến trình công việc nền: pid (\d+)", log.read())
        return int(found.group(1)) if found else None

    try:
        _until(lambda: worker_pid() is not None and _listening(port), 60, "serve did not start its worker and listen")
        pid = worker_pid()
        assert _alive(pid)
        yield server, pid, port
    finally:
        for proc_pid in (server.pid, worker_pid()):
            if proc_pid and _alive(proc_pid):
                os.kill(proc_pid, signal.SIGKILL)
        server.wait(timeout=10)
        log.close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_serve_stops_its_worker(serving, signum):
    server, worker, port = serving
    os.kill(server.pid, signum)
    server.wait(timeout=30)
    _until(lambda: not _alive(worker), 15, f"the job worker (pid {worker}) still runs after serve stopped on {signal.Signals(signum).name}")
    assert not _listening(port)


def test_ctrl_c_in_the_terminal_stops_server_and_worker(serving):
    """`make run` then Ctrl-C: the terminal signals the whole foreground process group."""
    server, worker, _ = serving
    os.killpg(server.pid, signal.SIGINT)
    server.wait(timeout=30)
    _until(lambda: not _alive(worker), 15, f"the job worker (pid {worker}) still runs after Ctrl-C")


def test_a_server_killed_outright_takes_its_worker_with_it(serving):
    server, worker, _ = serving
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=10)
    _until(lambda: not _alive(worker), 15, f"the job worker (pid {worker}) outlived its killed server")

"""Fixtures for tests against a live sctraced: the real service (dist/src/main.js) on a socket of
its own, workloads started stopped so a trace can be set up on their pid first, and a TCP proxy
whose connections a test can cut to kill a stream mid-flight.

The tests load BPF through the service: run them under `flock /tmp/sctrace-bpf.lock` (npm test
is). Without root or BTF they skip saying why, and fail instead when CI=true.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CLIENT_DIR = ROOT / "clients" / "python"
if str(CLIENT_DIR) not in sys.path:
    sys.path.insert(0, str(CLIENT_DIR))


def unavailable_reason() -> str | None:
    if os.geteuid() != 0:
        return "needs root (CAP_BPF, CAP_PERFMON) for sctraced to load eBPF programs"
    if not os.path.exists("/sys/kernel/btf/vmlinux"):
        return "kernel has no BTF (/sys/kernel/btf/vmlinux)"
    for built in ("dist/src/main.js", "bpf/build/sctrace.bpf.o"):
        if not (ROOT / built).exists():
            return f"{built} is not built (npm run build)"
    if shutil.which("node") is None:
        return "node is not on PATH"
    return None


def require_live_service() -> None:
    reason = unavailable_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"cannot run under CI=true: {reason}")
    pytest.skip(reason)


class Service:
    """A running sctraced on a unix socket in a temporary directory."""

    def __init__(self, *args: str, socket_path: str | None = None):
        self.dir = tempfile.mkdtemp(prefix="sctraced-py-")
        self.socket = socket_path or os.path.join(self.dir, "sctrace.sock")
        self.address = f"unix:{self.socket}"
        self.log_path = os.path.join(self.dir, "log")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            ["node", str(ROOT / "dist/src/main.js"), "--listen", self.address, *args],
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while b"listening on" not in Path(self.log_path).read_bytes():
            if self.proc.poll() is not None:
                raise RuntimeError(f"sctraced exited with {self.proc.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                self.proc.kill()
                raise RuntimeError(f"sctraced did not listen within 20 s:\n{self.log()}")
            time.sleep(0.05)

    def log(self) -> str:
        return Path(self.log_path).read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL, as a crash: the kernel detaches its programs when its descriptors close."""
        self.proc.kill()
        self.proc.wait()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return code


@pytest.fixture(scope="session")
def service():
    require_live_service()
    svc = Service()
    yield svc
    code = svc.stop()
    assert code == 0, f"sctraced exited with {code}:\n{svc.log()}"


class Stopped:
    """A process started stopped (SIGSTOP before exec) so a trace can be set up on its pid first."""

    def __init__(self, argv: list[str]):
        self.proc = subprocess.Popen(["/bin/sh", "-c", 'kill -STOP $$; exec "$0" "$@"', *argv])
        self.pid = self.proc.pid
        deadline = time.monotonic() + 5
        while _state(self.pid) != "T":
            if time.monotonic() > deadline:
                raise RuntimeError(f"process {self.pid} did not stop")
            time.sleep(0.005)

    def resume(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def wait(self, timeout: float = 60) -> int:
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _state(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return ""
    return stat[stat.rindex(")") + 2]


def getppid_loop(calls: int, per_ms: int = 0) -> list[str]:
    """argv of a program making `calls` getppid calls, `per_ms` per millisecond (0: flat out)."""
    code = (
        "import os, sys, time\n"
        f"n, per_ms = {calls}, {per_ms}\n"
        "t = time.monotonic()\n"
        "for i in range(n):\n"
        "    os.getppid()\n"
        "    if per_ms and i % per_ms == per_ms - 1:\n"
        "        t += 0.001\n"
        "        d = t - time.monotonic()\n"
        "        if d > 0: time.sleep(d)\n"
    )
    return [sys.executable, "-c", code]


@pytest.fixture
def stopped():
    started: list[Stopped] = []

    def start(argv: list[str]) -> Stopped:
        s = Stopped(argv)
        started.append(s)
        return s

    yield start
    for s in started:
        s.kill()


class Proxy:
    """Forwards TCP connections on 127.0.0.1 to a unix socket; cut() kills every open connection."""

    def __init__(self, unix_path: str):
        self._target = unix_path
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.address = f"127.0.0.1:{self._listener.getsockname()[1]}"
        self._open: list[socket.socket] = []
        self._frozen: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.cuts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(self._target)
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(1 << 16):
                while src in self._frozen:
                    time.sleep(0.01)
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        src.close()

    def cut(self) -> None:
        """Shuts down every connection open now, as a dropped link or a restarted proxy would."""
        with self._lock:
            conns, self._open = self._open, []
            self.cuts += 1
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def freeze(self) -> None:
        """Stops forwarding on every connection open now, keeping them open: a stalled link."""
        with self._lock:
            self._frozen.update(self._open)

    def close(self) -> None:
        self._listener.close()
        self._frozen.clear()
        self.cut()


@pytest.fixture
def proxy(service):
    p = Proxy(service.socket)
    yield p
    p.close()

"""The Python client against a live sctraced (real eBPF, real gRPC over real sockets)."""

from __future__ import annotations

import threading
import time

import grpc
import pytest

import sctrace
from sctrace.client import _HAS_FROM_SEQUENCE, _HAS_HEARTBEAT

from conftest import Proxy, Service, getppid_loop

NEEDS_RESUME = pytest.mark.skipif(
    not _HAS_FROM_SEQUENCE,
    reason="StreamEventsRequest.from_sequence is not in proto/ yet (issue 13's server side)",
)


class Collector:
    """Iterates an EventStream on a thread, keeping every event, until it ends or fails."""

    def __init__(self, stream: sctrace.EventStream, on_event=None):
        self.stream = stream
        self.events: list = []
        self.error: BaseException | None = None
        self._on_event = on_event
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for event in self.stream:
                self.events.append(event)
                if self._on_event:
                    self._on_event(self, event)
        except BaseException as err:  # noqa: BLE001 - handed to the test
            self.error = err

    def join(self, timeout: float = 60) -> None:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the event stream did not end after StopTrace"
        if self.error:
            raise self.error

    def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.events) < count:
            assert time.monotonic() < deadline, f"only {len(self.events)} of {count} events arrived"
            assert self._thread.is_alive() or self.error is None, f"stream failed: {self.error}"
            time.sleep(0.01)


def getppid_events(events) -> list:
    return [e for e in events if e.WhichOneof("kind") == "syscall" and e.syscall.name == "getppid"]


def test_calls_and_events_from_now(service, stopped):
    calls = 20_000
    with sctrace.connect(service.address) as client:
        caps = client.get_capabilities()
        assert {b.name: b.available for b in caps.backends}["ebpf"], caps
        work = stopped(getppid_loop(calls))
        started = client.start_trace(syscalls=["getppid"], pids=[work.pid])
        assert started.backend == "ebpf" and started.trace_id
        assert started.trace_id in [t.trace_id for t in client.list_traces()]

        events = Collector(client.events(started.trace_id))
        deadline = time.monotonic() + 10
        while not [t for t in client.list_traces() if t.trace_id == started.trace_id and t.subscribers == 1]:
            assert time.monotonic() < deadline, "the subscription did not show in ListTraces"
            time.sleep(0.01)
        work.resume()
        assert work.wait() == 0
        events.wait_for(calls)
        counters = client.stop_trace(started.trace_id)
        events.join()

        seen = getppid_events(events.events)
        assert len(seen) == calls, f"{len(seen)} getppid events for {calls} calls"
        assert [e.sequence for e in events.events] == list(range(1, calls + 1))
        assert all(e.task.pid == work.pid for e in seen)
        assert counters.events_received == calls and counters.lost_kernel == 0 and counters.lost_subscribers == 0
        assert started.trace_id not in [t.trace_id for t in client.list_traces()]


def test_errors_carry_status_and_message(service):
    with sctrace.connect(service.address) as client:
        with pytest.raises(sctrace.Error) as bad:
            client.start_trace(syscalls=["no_such_syscall"])
        assert bad.value.code == grpc.StatusCode.INVALID_ARGUMENT
        assert "no_such_syscall" in str(bad.value)
        with pytest.raises(sctrace.Error) as missing:
            list(client.events("no-such-trace"))
        assert missing.value.code == grpc.StatusCode.NOT_FOUND
        with pytest.raises(sctrace.Error) as stop:
            client.stop_trace("no-such-trace")
        assert stop.value.code == grpc.StatusCode.NOT_FOUND
    with sctrace.connect(f"unix:{service.dir}/nobody-listens.sock", timeout=5) as client:
        with pytest.raises(sctrace.Error) as down:
            client.list_traces()
        assert down.value.code == grpc.StatusCode.UNAVAILABLE
        assert "cannot reach sctraced" in str(down.value)
    # The service is still there for the other tests.
    with sctrace.connect(service.address) as client:
        assert client.get_capabilities().arch


def test_stream_survives_a_killed_connection(service, stopped, proxy):
    """The connection is cut mid-stream: the stream reconnects through the proxy and goes on.
    With from_sequence it resumes at the next sequence, nothing duplicated or missing; against a
    server without it, the events it missed arrive as an EventsLost (where "unannounced")."""
    calls = 30_000
    with sctrace.connect(proxy.address) as client:
        work = stopped(getppid_loop(calls, per_ms=15))  # about 2 s
        started = client.start_trace(syscalls=["getppid"], pids=[work.pid])
        stream = client.events(started.trace_id, backoff=sctrace.Backoff(initial=0.05, maximum=0.5))

        def cut_once(c: Collector, _event) -> None:
            if len(c.events) == 5_000:
                proxy.cut()

        events = Collector(stream.open(), on_event=cut_once)
        work.resume()
        assert work.wait() == 0
        deadline = time.monotonic() + 30
        while stream.next_sequence <= calls and time.monotonic() < deadline and events.error is None:
            time.sleep(0.05)
        client.stop_trace(started.trace_id)
        events.join()

    assert proxy.cuts == 1 and stream.reconnects >= 1
    sequences = [e.sequence for e in events.events]
    assert sequences == sorted(set(sequences)), "a sequence number was repeated or went backwards"
    seen = getppid_events(events.events)
    lost = [e.lost for e in events.events if e.WhichOneof("kind") == "lost"]
    if _HAS_FROM_SEQUENCE:
        assert lost == [] and len(seen) == calls
        assert sequences == list(range(1, calls + 1))
    else:
        assert all(x.where == "unannounced" for x in lost)
        assert len(seen) + sum(x.count for x in lost) == calls
        assert sequences[-1] == calls


def test_a_restarted_service_ends_the_stream_with_a_clear_error(stopped):
    """The service dies and comes back on the same socket without the trace: the stream, which
    reconnects by itself, ends with NOT_FOUND and says which events are lost."""
    first = Service()
    work = stopped(getppid_loop(1000))
    with sctrace.connect(first.address) as client:
        started = client.start_trace(syscalls=["getppid"], pids=[work.pid])
        stream = client.events(started.trace_id, backoff=sctrace.Backoff(initial=0.05, maximum=0.2))
        events = Collector(stream.open())
        work.resume()
        assert work.wait() == 0
        events.wait_for(1000)
        first.kill()
        second = Service(socket_path=first.socket)
        try:
            with pytest.raises(sctrace.Error) as gone:
                events.join()
        finally:
            assert second.stop() == 0, second.log()
            first.stop()
    assert gone.value.code == grpc.StatusCode.NOT_FOUND
    assert stream.reconnects >= 1
    assert f"events from sequence {stream.next_sequence} on are lost" in str(gone.value)
    assert stream.next_sequence == 1001


def test_open_fails_clearly_for_an_unknown_trace(service):
    with sctrace.connect(service.address) as client:
        with pytest.raises(sctrace.Error) as err:
            client.events("no-such-trace").open()
    assert err.value.code == grpc.StatusCode.NOT_FOUND and "no-such-trace" in str(err.value)


@NEEDS_RESUME
def test_restarted_client_and_late_subscriber_resume(service, stopped):
    calls = 10_000
    with sctrace.connect(service.address) as client:
        work = stopped(getppid_loop(calls))
        started = client.start_trace(syscalls=["getppid"], pids=[work.pid])
        # Nobody subscribed while it ran: the trace retains the events.
        work.resume()
        assert work.wait() == 0
        first = []
        for event in client.events(started.trace_id, from_sequence=1):
            first.append(event)
            if len(first) == 4_000:
                break  # the first client goes away
        with sctrace.connect(service.address) as again:
            rest = Collector(again.events(started.trace_id, from_sequence=first[-1].sequence + 1))
            rest.wait_for(calls - len(first))
            late = Collector(again.events(started.trace_id, from_sequence=1))
            late.wait_for(calls)
            again.stop_trace(started.trace_id)
            rest.join()
            late.join()
    assert [e.sequence for e in first + rest.events] == list(range(1, calls + 1))
    assert [e.sequence for e in late.events] == list(range(1, calls + 1))
    assert len(getppid_events(late.events)) == calls


@pytest.mark.skipif(not _HAS_HEARTBEAT, reason="StreamEventsResponse heartbeats are not in proto/ yet (issue 13's server side)")
def test_a_stalled_connection_is_cut_and_resumed(stopped):
    """The link stops carrying anything but stays open: after sctrace.client.STALL_INTERVALS
    heartbeat intervals of silence the stream gives up on it and resumes on a new connection."""
    svc = Service("--heartbeat-ms", "200")
    proxy = Proxy(svc.socket)
    try:
        calls = 20_000
        with sctrace.connect(proxy.address) as client:
            work = stopped(getppid_loop(calls, per_ms=10))  # about 2 s
            started = client.start_trace(syscalls=["getppid"], pids=[work.pid])
            stream = client.events(started.trace_id, backoff=sctrace.Backoff(initial=0.05, maximum=0.5))

            def freeze_once(c: Collector, _event) -> None:
                if len(c.events) == 3_000:
                    proxy.freeze()

            events = Collector(stream.open(), on_event=freeze_once)
            work.resume()
            assert work.wait() == 0
            deadline = time.monotonic() + 30
            while stream.next_sequence <= calls and time.monotonic() < deadline and events.error is None:
                time.sleep(0.05)
        # The client's own connection went through the frozen link too: stop on a new one.
        with sctrace.connect(svc.address) as direct:
            direct.stop_trace(started.trace_id)
        events.join()
        assert stream.reconnects >= 1
        assert [e.sequence for e in events.events] == list(range(1, calls + 1))
    finally:
        proxy.close()
        assert svc.stop() == 0, svc.log()

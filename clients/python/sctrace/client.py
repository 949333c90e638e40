"""A connection to one sctraced: the unary calls, and an event stream that reconnects and resumes.

The messages are the generated ones (sctrace.v1.tracer_pb2, from proto/sctrace/v1/tracer.proto):
what the calls return and what the stream yields are those classes, so every field the proto
documents (docs/api.md) is there under its proto name.
"""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import dataclass
from typing import Iterator, Optional, Sequence

import grpc

from sctrace.v1 import tracer_pb2 as pb
from sctrace.v1 import tracer_pb2_grpc as pb_grpc

#: Where sctraced listens unless told otherwise.
DEFAULT_SERVER = "unix:/run/sctrace/sctrace.sock"
#: Environment variable naming the server when no address is given.
SERVER_ENV = "SCTRACE_SERVER"
#: Unary calls give up after this long; StartTrace may take seconds to load BPF programs.
UNARY_TIMEOUT_S = 60.0

# A stream carries batches of up to --batch-events events; a batch with large decoded arguments
# can pass grpcio's 4 MiB default.
_CHANNEL_OPTIONS = [("grpc.max_receive_message_length", 64 << 20)]


class Error(Exception):
    """A failed call: ``<rpc>: <STATUS>: <details>``, plus a hint when the server was unreachable."""

    def __init__(self, rpc: str, address: str, code: grpc.StatusCode, details: str, hint: Optional[str] = None):
        super().__init__(rpc, code, details)
        self.rpc = rpc
        self.address = address
        #: The gRPC status code (grpc.StatusCode).
        self.code = code
        self.details = details
        #: What to do about it, or what it means for the stream; None when there is nothing to add.
        self.hint = hint

    def __str__(self) -> str:
        message = f"{self.rpc}: {self.code.name}: {self.details}"
        return f"{message} ({self.hint})" if self.hint else message


def _error(rpc: str, address: str, err: grpc.RpcError) -> Error:
    code = err.code() if hasattr(err, "code") else grpc.StatusCode.UNKNOWN
    details = (err.details() if hasattr(err, "details") else None) or str(err)
    hint = None
    if code == grpc.StatusCode.UNAVAILABLE:
        if "Permission denied" in details or "EACCES" in details:
            hint = f"no permission to connect to sctraced at {address}: run as root, or ask for access to the socket"
        else:
            hint = f"cannot reach sctraced at {address}: start it, or pass the address where it listens (or set ${SERVER_ENV})"
    return Error(rpc, address, code, details, hint)


@dataclass(frozen=True)
class TLS:
    """TLS for a TCP address. Without ``ca_file`` the system's roots verify the server."""

    #: PEM file of the CA(s) that signed the server's certificate.
    ca_file: Optional[str] = None
    #: PEM certificate and key of this client, when the server asks for one (mutual TLS).
    cert_file: Optional[str] = None
    key_file: Optional[str] = None
    #: Name to verify the server's certificate against, when it differs from the address's host.
    server_name: Optional[str] = None


@dataclass(frozen=True)
class Backoff:
    """How an event stream waits between reconnection attempts: exponential, with jitter."""

    #: First wait, seconds.
    initial: float = 0.1
    #: Longest wait, seconds.
    maximum: float = 5.0
    multiplier: float = 2.0
    #: Each wait is randomised by up to this fraction, so a fleet does not reconnect in step.
    jitter: float = 0.2
    #: Give up (raise the last error) after failing to reconnect for this long, seconds; None: never.
    give_up_after: Optional[float] = 60.0

    def delays(self) -> Iterator[float]:
        delay = self.initial
        while True:
            yield delay * (1 + random.uniform(-self.jitter, self.jitter))
            delay = min(self.maximum, delay * self.multiplier)


def resolve_address(address: Optional[str] = None) -> str:
    """The address given, else $SCTRACE_SERVER, else the default socket; a bare path is a socket."""
    resolved = address or os.environ.get(SERVER_ENV) or DEFAULT_SERVER
    if resolved.strip() == "":
        raise ValueError(f"an sctraced address is needed, e.g. {DEFAULT_SERVER} or host:port")
    return f"unix:{resolved}" if resolved.startswith("/") else resolved


def _read(path: Optional[str]) -> Optional[bytes]:
    if path is None:
        return None
    with open(path, "rb") as f:
        return f.read()


class Client:
    """A connection to one sctraced. Thread-safe; close() (or ``with``) releases the channel."""

    def __init__(self, address: Optional[str] = None, *, tls: Optional[TLS] = None, token: Optional[str] = None,
                 timeout: float = UNARY_TIMEOUT_S):
        self.address = resolve_address(address)
        self.timeout = timeout
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self._options = list(_CHANNEL_OPTIONS)
        self._credentials = None
        if tls is not None:
            if self.address.startswith("unix:"):
                raise ValueError(f"TLS is for TCP addresses (host:port), not {self.address}")
            if (tls.cert_file is None) != (tls.key_file is None):
                raise ValueError("TLS client authentication needs both cert_file and key_file")
            self._credentials = grpc.ssl_channel_credentials(
                root_certificates=_read(tls.ca_file),
                private_key=_read(tls.key_file),
                certificate_chain=_read(tls.cert_file),
            )
            if tls.server_name:
                self._options.append(("grpc.ssl_target_name_override", tls.server_name))
        self._channel, self._stub = self._new_channel(shared=True)

    def _new_channel(self, shared: bool):
        """A channel to the server and its stub. An event stream gets one of its own (own
        connection: a local subchannel pool), so it can drop a stalled connection and dial anew
        without touching the client's."""
        options = self._options if shared else [*self._options, ("grpc.use_local_subchannel_pool", 1)]
        if self._credentials is None:
            channel = grpc.insecure_channel(self.address, options=options)
        else:
            channel = grpc.secure_channel(self.address, self._credentials, options=options)
        return channel, pb_grpc.TracerStub(channel)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()

    def _unary(self, rpc: str, request):
        try:
            return getattr(self._stub, rpc)(request, timeout=self.timeout, metadata=self._metadata)
        except grpc.RpcError as err:
            raise _error(rpc, self.address, err) from None

    def start_trace(self, spec: Optional[pb.TraceSpec] = None, **fields) -> pb.StartTraceResponse:
        """Starts a trace of ``spec`` (or of a TraceSpec built from keyword fields: syscalls=..., pids=...)."""
        if spec is None:
            spec = pb.TraceSpec(**fields)
        elif fields:
            raise TypeError("pass either a TraceSpec or its fields, not both")
        return self._unary("StartTrace", pb.StartTraceRequest(spec=spec))

    def stop_trace(self, trace_id: str) -> pb.TraceCounters:
        """Stops a trace; returns its final counters."""
        return self._unary("StopTrace", pb.StopTraceRequest(trace_id=trace_id)).counters

    def list_traces(self) -> Sequence[pb.TraceInfo]:
        """Every running trace on this node."""
        return list(self._unary("ListTraces", pb.ListTracesRequest()).traces)

    def get_capabilities(self) -> pb.GetCapabilitiesResponse:
        """Which capture backends this node can use, and why not."""
        return self._unary("GetCapabilities", pb.GetCapabilitiesRequest())

    def events(self, trace_id: str, *, from_sequence: int = 0, reconnect: bool = True,
               backoff: Backoff = Backoff()) -> "EventStream":
        """The trace's events, in sequence order; see EventStream."""
        return EventStream(self, trace_id, from_sequence=from_sequence, reconnect=reconnect, backoff=backoff)


def connect(address: Optional[str] = None, *, tls: Optional[TLS] = None, token: Optional[str] = None,
            timeout: float = UNARY_TIMEOUT_S) -> Client:
    """A Client for ``address`` (``unix:/path`` or ``host:port``; default $SCTRACE_SERVER, else the
    local socket), over TLS when ``tls`` is given, sending ``token`` as a bearer token."""
    return Client(address, tls=tls, token=token, timeout=timeout)


# Status codes after which a stream is resumed: the connection or the server went away. Anything
# else (NOT_FOUND: the trace is gone; ABORTED: its capture failed; bad arguments) is final.
_RETRYABLE = {grpc.StatusCode.UNAVAILABLE}

_HAS_FROM_SEQUENCE = "from_sequence" in pb.StreamEventsRequest.DESCRIPTOR.fields_by_name
_HAS_HEARTBEAT = "latest_sequence" in pb.StreamEventsResponse.DESCRIPTOR.fields_by_name

#: A stream silent for this many heartbeat intervals is taken for a dead connection and resumed.
STALL_INTERVALS = 3


class EventStream:
    """Iterates a trace's events (sctrace.v1.Event), reconnecting by itself when the connection drops.

    Sequence numbers are per trace. The stream checks them: after a reconnection it asks the
    server for the next sequence (StreamEventsRequest.from_sequence), drops anything it already
    yielded, and if a number is still skipped without an EventsLost covering it, it yields an
    EventsLost of its own (``where: "unannounced"``, the sequence of the last event it stands for),
    so a gap is never silent. Heartbeats (responses without events) are not yielded: they tell
    where "now" is for ``from_sequence=0``, keep ``latest_sequence`` and ``queued_events`` current,
    and a stream silent for STALL_INTERVALS heartbeat intervals is cut and resumed. Ends when the
    trace stops; raises sctrace.Error when the trace is gone or the server stays unreachable
    longer than ``backoff.give_up_after``.
    """

    def __init__(self, client: Client, trace_id: str, *, from_sequence: int = 0, reconnect: bool = True,
                 backoff: Backoff = Backoff()):
        if from_sequence < 0:
            raise ValueError("from_sequence is 0 (from now) or a sequence number >= 1")
        self._client = client
        self.trace_id = trace_id
        self._reconnect = reconnect
        self._backoff = backoff
        #: The sequence number the next event must have; 0 until the server says where "now" is.
        self.next_sequence = from_sequence
        #: How many times the stream reconnected.
        self.reconnects = 0
        #: From the last heartbeat: the trace's newest sequence, and what this stream had not sent yet.
        self.latest_sequence = 0
        self.queued_events = 0
        self._call = None
        self._opened = None  # a call open() made, for the first attempt of batches()
        self._closed = False
        self._stalled = False
        self._last_response = time.monotonic()
        self._interval_s = 0.0
        self._lock = threading.Lock()
        self._watchdog: Optional[threading.Thread] = None
        self._channel = None
        self._stub = None

    def __iter__(self) -> Iterator[pb.Event]:
        for batch in self.batches():
            yield from batch

    def _request(self) -> pb.StreamEventsRequest:
        request = pb.StreamEventsRequest(trace_id=self.trace_id)
        if _HAS_FROM_SEQUENCE:
            request.from_sequence = self.next_sequence
        return request

    def open(self) -> "EventStream":
        """Subscribes now and returns once the server has registered the subscription (its
        response headers arrived), so nothing started afterwards can be missed, even by a server
        that streams only "from now". Iterating continues on this call. Raises sctrace.Error
        when the subscription fails (unknown trace, server unreachable)."""
        with self._lock:
            if self._closed or self._opened is not None:
                return self
            call = self._start_call()
            self._opened = self._call = call
        call.initial_metadata()  # returns when the headers arrive or the call ends
        if call.done() and call.code() != grpc.StatusCode.OK:
            with self._lock:
                self._opened = self._call = None
            raise _error("StreamEvents", self._client.address, call) from None
        return self

    def batches(self) -> Iterator[Sequence[pb.Event]]:
        """The same events, one list per response (cheaper per event for a fast consumer)."""
        failing_since: Optional[float] = None
        delays = self._backoff.delays()
        try:
            while not self._closed:
                with self._lock:
                    if self._closed:
                        return
                    self._last_response = time.monotonic()
                    if self._opened is not None:
                        self._opened = None
                    else:
                        self._call = self._start_call()
                try:
                    for response in self._call:
                        self._last_response = time.monotonic()
                        if failing_since is not None:
                            failing_since = None
                            delays = self._backoff.delays()
                        if response.events:
                            yield self._checked(response.events)
                        elif _HAS_HEARTBEAT:
                            self._heartbeat(response)
                    return
                except grpc.RpcError as err:
                    if self._closed and err.code() == grpc.StatusCode.CANCELLED:
                        return
                    retry = err.code() in _RETRYABLE or (self._stalled and err.code() == grpc.StatusCode.CANCELLED)
                    if not self._reconnect or not retry:
                        raise self._final_error(err) from None
                    now = time.monotonic()
                    failing_since = failing_since or now
                    limit = self._backoff.give_up_after
                    if limit is not None and now - failing_since > limit:
                        raise _error("StreamEvents", self._client.address, err) from None
                    time.sleep(next(delays))
                    self.reconnects += 1
        finally:
            self.close()

    def _start_call(self):
        """A StreamEvents call on this stream's channel (dialled anew after a stall). Holds _lock."""
        if self._stalled and self._channel is not None:
            self._channel.close()
            self._channel = None
        self._stalled = False
        if self._channel is None:
            self._channel, self._stub = self._client._new_channel(shared=False)
        return self._stub.StreamEvents(self._request(), metadata=self._client._metadata)

    def _heartbeat(self, response) -> None:
        self.latest_sequence = response.latest_sequence
        self.queued_events = response.queued_events
        if self.next_sequence == 0:
            self.next_sequence = response.latest_sequence + 1
        if response.heartbeat_interval_ms and self._watchdog is None:
            self._interval_s = response.heartbeat_interval_ms / 1000
            self._watchdog = threading.Thread(target=self._watch, name="sctrace-stream-watchdog", daemon=True)
            self._watchdog.start()

    def _watch(self) -> None:
        """Cuts a call that has been silent for STALL_INTERVALS heartbeat intervals."""
        while not self._closed:
            time.sleep(self._interval_s)
            with self._lock:
                silent = time.monotonic() - self._last_response
                if self._call is not None and not self._stalled and silent > STALL_INTERVALS * self._interval_s:
                    self._stalled = True
                    self._call.cancel()

    def _final_error(self, err: grpc.RpcError) -> Error:
        e = _error("StreamEvents", self._client.address, err)
        if e.code == grpc.StatusCode.NOT_FOUND and self.reconnects > 0:
            e.hint = (f"the trace is gone from the server (stopped, idle timeout or a service restart) "
                      f"while reconnecting: events from sequence {self.next_sequence} on are lost")
        return e

    def _checked(self, events) -> Sequence[pb.Event]:
        expected = self.next_sequence
        if expected == 0:
            expected = events[0].sequence
        out = []
        for event in events:
            seq = event.sequence
            if seq < expected:
                continue  # already yielded before a reconnection
            if seq > expected and event.WhichOneof("kind") != "lost":
                out.append(pb.Event(sequence=seq - 1, lost=pb.EventsLost(count=seq - expected, where="unannounced")))
            out.append(event)
            expected = seq + 1
        self.next_sequence = expected
        return out

    def close(self) -> None:
        """Cancels the stream and closes its channel; a loop over it ends."""
        with self._lock:
            self._closed = True
            if self._call is not None:
                self._call.cancel()
            if self._channel is not None:
                self._channel.close()
                self._channel = None

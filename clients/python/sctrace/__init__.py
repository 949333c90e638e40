"""sctrace client: start, list and stop traces on an sctraced, and stream their events.

    import sctrace
    with sctrace.connect("unix:/run/sctrace/sctrace.sock") as client:
        trace = client.start_trace(syscalls=["openat"], pids=[1234])
        for event in client.events(trace.trace_id, from_sequence=1):
            print(event.sequence, event.syscall.name, event.syscall.ret)

The messages are the generated classes of proto/sctrace/v1/tracer.proto (``sctrace.pb``).
"""

from sctrace.client import (
    DEFAULT_SERVER,
    SERVER_ENV,
    Backoff,
    Client,
    Error,
    EventStream,
    TLS,
    connect,
    resolve_address,
)
from sctrace.v1 import tracer_pb2 as pb

__all__ = [
    "DEFAULT_SERVER",
    "SERVER_ENV",
    "Backoff",
    "Client",
    "Error",
    "EventStream",
    "TLS",
    "connect",
    "pb",
    "resolve_address",
]

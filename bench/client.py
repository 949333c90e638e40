#!/usr/bin/python3
"""The bench's Python consumer: bench/client.ts's protocol, written with the Python client library
(clients/python) as a Python user would: client.events(...).batches(), every message decoded by
the generated protobuf classes, each event's sequence, kind and syscall number read.

Protocol with bench/main (one JSON object per line on stdout):
  {"ready":true,"trace_id":...,"cpu_us":...}  once the stream's headers arrived (the subscription is live)
  ... reads "stop" on stdin: calls StopTrace, waits for the stream to end, then prints
  {"done":true,"counts":...,"counters":...,"stream_error":...,"cpu_us":...}

usage: client.py --server ADDR --pid N [--follow] [--process-events] [--syscalls a,b] [--watch-nr NR]
"""

import argparse
import json
import resource
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "clients" / "python"))
import sctrace  # noqa: E402
from google.protobuf.json_format import MessageToDict  # noqa: E402


def cpu_us() -> int:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return int((r.ru_utime + r.ru_stime) * 1e6)


def emit(obj) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--pid", action="append", type=int, default=[])
    parser.add_argument("--follow", action="store_true")
    parser.add_argument("--process-events", action="store_true")
    parser.add_argument("--syscalls", default="")
    parser.add_argument("--watch-nr", type=int, default=-1)
    parser.add_argument("--decode", default="full")  # always full here; accepted for bench/client.ts's flags
    opts = parser.parse_args()

    client = sctrace.connect(opts.server)
    started = client.start_trace(pids=opts.pid, follow_children=opts.follow, process_events=opts.process_events,
                                 syscalls=[s for s in opts.syscalls.split(",") if s], backend="ebpf")
    # The same keys as bench/lib/wire.ts's WireCounts.
    counts = dict(events=0, syscalls=0, watched=0, exec=0, fork=0, exit=0, notices=0, lostKernel=0,
                  lostSubscriber=0, lostDecode=0, lastSequence=0, sequenceErrors=0, messages=0, bytes=0)
    stream = client.events(started.trace_id, from_sequence=1, reconnect=False).open()
    error = []

    def consume() -> None:
        watch = opts.watch_nr
        last = 0
        events = syscalls = watched = notices = 0
        try:
            for batch in stream.batches():
                counts["messages"] += 1
                for e in batch:
                    seq = e.sequence
                    kind = e.WhichOneof("kind")
                    if kind == "syscall":
                        syscalls += 1
                        if e.syscall.nr == watch:
                            watched += 1
                    elif kind == "lost":
                        notices += 1
                        key = {"kernel": "lostKernel", "subscriber": "lostSubscriber"}.get(e.lost.where, "lostDecode")
                        counts[key] += e.lost.count
                        if seq < last:
                            counts["sequenceErrors"] += 1
                        last = max(last, seq)
                        continue
                    else:
                        counts[kind] += 1
                    events += 1
                    if last and seq != last + 1:
                        counts["sequenceErrors"] += 1
                    last = seq
        except sctrace.Error as err:
            error.append(f"{err.code.name}: {err.details}")
        counts.update(events=events, syscalls=syscalls, watched=watched, notices=notices, lastSequence=last)

    reader = threading.Thread(target=consume, daemon=True)
    reader.start()
    emit({"ready": True, "trace_id": started.trace_id, "cpu_us": cpu_us()})

    for line in sys.stdin:
        if line.strip() == "stop":
            break
    counters = client.stop_trace(started.trace_id)
    reader.join()
    emit({
        "done": True,
        "counts": counts,
        "counters": MessageToDict(counters, preserving_proto_field_name=True, including_default_value_fields=True),
        "stream_error": error[0] if error else None,
        "cpu_us": cpu_us(),
    })
    client.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as err:  # noqa: BLE001 - reported to bench/main
        sys.stderr.write(f"bench client.py: {err}\n")
        sys.exit(1)

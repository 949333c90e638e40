#!/usr/bin/env python3
"""Traces a command (or a running pid) through sctraced and prints one line per event.

    python3 clients/python/examples/follow.py -- ls /tmp
    python3 clients/python/examples/follow.py --pid 1234 --syscalls openat,execve
    python3 clients/python/examples/follow.py --server 10.0.0.5:7300 --ca ca.pem --token T -- make

Ctrl-C (or --count N events) stops the trace. The stream reconnects by itself if the connection
drops, and resumes where it was; lost events are printed as such.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
import sctrace  # noqa: E402


def argument(arg) -> str:
    """Roughly as strace shows it: the service's symbolic form, a quoted string, or the number."""
    if arg.symbolic:
        return arg.symbolic
    which = arg.WhichOneof("value")
    if which == "str":
        return '"' + arg.str.encode("unicode_escape").decode().replace('"', '\\"') + '"' + ("..." if arg.truncated else "")
    if which == "int":
        return str(arg.int)
    return hex(arg.uint) if "*" in arg.type else str(arg.uint)


def describe(event) -> str:
    kind = event.WhichOneof("kind")
    head = f"{event.sequence:>8} {event.task.comm}[{event.task.pid}]"
    if kind == "syscall":
        s = event.syscall
        args = ", ".join(argument(a) for a in s.decoded if not a.ignored)
        result = f"-1 {s.errno_name}" if s.errno_name else str(s.ret)
        return f"{head} {s.name}({args}) = {result}"
    if kind == "exec":
        return f"{head} exec {event.exec.filename} {list(event.exec.argv)}"
    if kind == "fork":
        return f"{head} fork -> {event.fork.child_pid}"
    if kind == "exit":
        return f"{head} exit code={event.exit.exit_code} signal={event.exit.signal}"
    return f"{head} LOST {event.lost.count} events ({event.lost.where})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", help=f"unix:/path or host:port (default ${sctrace.SERVER_ENV} or {sctrace.DEFAULT_SERVER})")
    parser.add_argument("--ca", help="PEM CA file: connect with TLS")
    parser.add_argument("--token", help="bearer token")
    parser.add_argument("--pid", type=int, action="append", default=[], help="trace this process (repeatable)")
    parser.add_argument("--syscalls", default="", help="comma-separated syscalls or %%classes (default all)")
    parser.add_argument("--count", type=int, default=0, help="stop after this many events")
    parser.add_argument("command", nargs="*", help="command to start and trace (after --)")
    opts = parser.parse_args()
    if not opts.pid and not opts.command:
        parser.error("give --pid PID or a command after --")

    tls = sctrace.TLS(ca_file=opts.ca) if opts.ca else None
    with sctrace.connect(opts.server, tls=tls, token=opts.token) as client:
        child = None
        pids = list(opts.pid)
        if opts.command:
            # Started stopped, so the trace is in place before its first syscall.
            child = subprocess.Popen(["/bin/sh", "-c", 'kill -STOP $$; exec "$0" "$@"', *opts.command])
            while Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "T":
                time.sleep(0.005)
            pids.append(child.pid)
        spec = sctrace.pb.TraceSpec(pids=pids, follow_children=True, process_events=True,
                                    syscalls=[s for s in opts.syscalls.split(",") if s])
        trace = client.start_trace(spec)
        print(f"trace {trace.trace_id} on {trace.backend}", file=sys.stderr)
        # open(): subscribed before the command runs, whatever the server retains.
        stream = client.events(trace.trace_id, from_sequence=1).open()
        signal.signal(signal.SIGINT, lambda *_: stream.close())
        if child:
            os.kill(child.pid, signal.SIGCONT)
        seen = 0
        try:
            for event in stream:
                print(describe(event), flush=True)
                seen += 1
                if opts.count and seen >= opts.count:
                    break
                if child and event.WhichOneof("kind") == "exit" and event.task.pid == child.pid:
                    break
        finally:
            counters = client.stop_trace(trace.trace_id)
            print(f"stopped: {counters.events_received} events, lost {counters.lost_kernel} in the kernel, "
                  f"{counters.lost_subscribers} in queues", file=sys.stderr)
            if child:
                child.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())

/**
 * Decodes the binary records of bpf/shared/sctrace_event.h into Event messages. Shared by every
 * backend that speaks that contract (the eBPF ring buffer now, the kmod /proc file later). The
 * offsets below mirror the C structs; test/contract checks them against the BTF of the built
 * object, so a layout change in C fails a test instead of corrupting events.
 */
import type { Event } from '../../api/generated/sctrace/v1/Event';
import type { Task } from '../../api/generated/sctrace/v1/Task';
import type { RawString, SyscallResolver } from '../../syscalls/types';
import { CorruptRecordError } from '../errors';

/** SCT_ABI_VERSION this decoder understands. */
export const ABI_VERSION = 1;

/** Record kinds (enum sct_kind). */
export const Kind = { SYSCALL: 1, EXEC: 2, FORK: 3, EXIT: 4 } as const;

/** Header flags (enum sct_header_flags). */
export const HeaderFlag = { NO_RETURN: 1, ARGV_TRUNCATED: 2 } as const;

/** String blob flags (enum sct_str_flags). */
export const StrFlag = { TRUNCATED: 1, UNREADABLE: 2 } as const;

/** Byte offsets of the C structs' fields, and their sizes. */
export const Layout = {
  header: { kind: 0, version: 2, size: 4, ts_ns: 8, pid: 16, tid: 20, ppid: 24, uid: 28, gid: 32, flags: 36, cgroup_id: 40, comm: 48, SIZE: 64 },
  syscall: { args: 64, ret: 112, enter_ns: 120, nr: 128, nstr: 132, SIZE: 136 },
  exec: { old_pid: 64, nstr: 68, SIZE: 72 },
  fork: { child_pid: 64, child_tid: 68, SIZE: 72 },
  exit: { exit_code: 64, SIZE: 72 },
  str: { arg: 0, flags: 1, len: 2, SIZE: 8 },
} as const;

const H = Layout.header;
const COMM_LEN = 16;

/**
 * Turns records into events. `monoToEpochNs` converts the kernel's CLOCK_MONOTONIC timestamps to
 * Unix epoch nanoseconds (it is realtime minus monotonic, measured when the trace started).
 */
export class RecordDecoder {
  constructor(
    private readonly syscalls: SyscallResolver,
    private readonly monoToEpochNs: bigint,
  ) {}

  /**
   * Decodes the record at `off` (length `len`) and returns its event, or null for a record kind
   * this trace does not deliver. Throws CorruptRecordError when the record contradicts itself.
   */
  decode(view: DataView, bytes: Uint8Array, off: number, len: number): Event | null {
    if (len < H.SIZE) throw new CorruptRecordError(`record of ${len} bytes is shorter than its 64-byte header`);
    const version = view.getUint16(off + H.version, true);
    if (version !== ABI_VERSION) {
      throw new CorruptRecordError(`record version ${version}, this reader understands version ${ABI_VERSION}`);
    }
    const size = view.getUint32(off + H.size, true);
    if (size > len || size < H.SIZE) throw new CorruptRecordError(`record says ${size} bytes but ${len} were delivered`);
    const kind = view.getUint16(off + H.kind, true);
    const event: Event = {
      timestamp_ns: (view.getBigUint64(off + H.ts_ns, true) + this.monoToEpochNs).toString(),
      task: readTask(view, bytes, off),
    };
    switch (kind) {
      case Kind.SYSCALL:
        this.decodeSyscall(view, bytes, off, size, event);
        return event;
      case Kind.EXEC:
        decodeExec(view, bytes, off, size, event);
        return event;
      case Kind.FORK:
        need(size, Layout.fork.SIZE, 'fork');
        event.fork = { child_pid: view.getUint32(off + Layout.fork.child_pid, true) };
        event.kind = 'fork';
        return event;
      case Kind.EXIT: {
        need(size, Layout.exit.SIZE, 'exit');
        const status = view.getUint32(off + Layout.exit.exit_code, true);
        event.exit = { exit_code: (status >> 8) & 0xff, signal: status & 0x7f, core_dumped: (status & 0x80) !== 0 };
        event.kind = 'exit';
        return event;
      }
      default:
        throw new CorruptRecordError(`unknown record kind ${kind}`);
    }
  }

  private decodeSyscall(view: DataView, bytes: Uint8Array, off: number, size: number, event: Event): void {
    const L = Layout.syscall;
    need(size, L.SIZE, 'syscall');
    const args: bigint[] = new Array(6);
    for (let i = 0; i < 6; i++) args[i] = view.getBigUint64(off + L.args + 8 * i, true);
    const nstr = view.getUint16(off + L.nstr, true);
    const strings = new Map<number, RawString>();
    readBlobs(view, bytes, off + L.SIZE, off + size, nstr, (arg, s) => strings.set(arg, s));
    const flags = view.getUint32(off + H.flags, true);
    event.syscall = this.syscalls.decode({
      nr: view.getUint32(off + L.nr, true),
      args,
      ret: view.getBigInt64(off + L.ret, true),
      durationNs: view.getBigUint64(off + H.ts_ns, true) - view.getBigUint64(off + L.enter_ns, true),
      noReturn: (flags & HeaderFlag.NO_RETURN) !== 0,
      strings,
    });
    event.kind = 'syscall';
  }
}

function need(size: number, min: number, what: string): void {
  if (size < min) throw new CorruptRecordError(`${what} record of ${size} bytes, at least ${min} expected`);
}

function readTask(view: DataView, bytes: Uint8Array, off: number): Task {
  return {
    pid: view.getUint32(off + H.pid, true),
    tid: view.getUint32(off + H.tid, true),
    ppid: view.getUint32(off + H.ppid, true),
    uid: view.getUint32(off + H.uid, true),
    gid: view.getUint32(off + H.gid, true),
    comm: cString(bytes, off + H.comm, COMM_LEN),
    cgroup_id: view.getBigUint64(off + H.cgroup_id, true).toString(),
  };
}

/** Text up to the first NUL within `max` bytes. */
function cString(bytes: Uint8Array, start: number, max: number): string {
  let end = start;
  const limit = start + max;
  while (end < limit && bytes[end] !== 0) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}

/** Walks `count` string blobs from `pos` to `end`, checking every length against the record. */
function readBlobs(
  view: DataView,
  bytes: Uint8Array,
  pos: number,
  end: number,
  count: number,
  sink: (arg: number, s: RawString) => void,
): void {
  const S = Layout.str;
  for (let i = 0; i < count; i++) {
    if (pos + S.SIZE > end) throw new CorruptRecordError(`string blob ${i} of ${count} runs past the record`);
    const len = view.getUint16(pos + S.len, true);
    const flags = view.getUint8(pos + S.flags);
    const textStart = pos + S.SIZE;
    if (textStart + len > end) throw new CorruptRecordError(`string blob ${i} of ${len} bytes runs past the record`);
    sink(view.getUint8(pos + S.arg), {
      text: Buffer.from(bytes.buffer, bytes.byteOffset + textStart, len).toString('utf8'),
      truncated: (flags & StrFlag.TRUNCATED) !== 0,
      unreadable: (flags & StrFlag.UNREADABLE) !== 0,
    });
    pos = textStart + ((len + 7) & ~7);
  }
}

function decodeExec(view: DataView, bytes: Uint8Array, off: number, size: number, event: Event): void {
  const L = Layout.exec;
  need(size, L.SIZE, 'exec');
  let filename = '';
  let argv: string[] = [];
  let truncated = (view.getUint32(off + H.flags, true) & HeaderFlag.ARGV_TRUNCATED) !== 0;
  readBlobs(view, bytes, off + L.SIZE, off + size, view.getUint16(off + L.nstr, true), (arg, s) => {
    if (arg === 0) filename = s.text;
    else if (arg === 1) {
      // The argument area holds the strings NUL-separated, each NUL-terminated.
      const text = s.text.endsWith('\0') ? s.text.slice(0, -1) : s.text;
      argv = text.length ? text.split('\0') : [];
      truncated ||= s.truncated;
    }
  });
  event.exec = { filename, argv, argv_truncated: truncated, old_pid: view.getUint32(off + L.old_pid, true) };
  event.kind = 'exec';
}

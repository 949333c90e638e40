/**
 * Decodes the binary records of bpf/shared/sctrace_event.h into Event messages, for every backend
 * that speaks that contract (the eBPF ring buffer, the kmod /proc file). Offsets, sizes and
 * constants come from src/backends/ebpf/generated/bpf.ts, generated from the built object's BTF
 * (scripts/gen-bpf-types.js), so a layout change in C changes them here too; the module compiles
 * the same header and static-asserts the same sizes.
 */
import type { Event } from '../api/generated/sctrace/v1/Event';
import type { ResourceUsage } from '../api/generated/sctrace/v1/ResourceUsage';
import type { Task } from '../api/generated/sctrace/v1/Task';
import type { TaskState } from '../api/generated/sctrace/v1/TaskState';
import { decodeText } from '../syscalls/text';
import type { RawBlob, RawString, RawSyscall, SyscallResolver, TraceState, TraceView } from '../syscalls/types';
import { EpochClock } from '../util/longs';
import { CorruptRecordError } from './errors';
import { ENUMS, STRUCTS } from './ebpf/generated/bpf';

const E = ENUMS;

/** SCT_ABI_VERSION this decoder understands. */
export const ABI_VERSION = E.sct_limits.SCT_ABI_VERSION;

/** Record kinds (enum sct_kind). */
export const Kind = {
  SYSCALL: E.sct_kind.SCT_KIND_SYSCALL,
  EXEC: E.sct_kind.SCT_KIND_EXEC,
  FORK: E.sct_kind.SCT_KIND_FORK,
  EXIT: E.sct_kind.SCT_KIND_EXIT,
  THREAD: E.sct_kind.SCT_KIND_THREAD,
  THREAD_EXIT: E.sct_kind.SCT_KIND_THREAD_EXIT,
  SWITCH: E.sct_kind.SCT_KIND_SWITCH,
  SIGNAL: E.sct_kind.SCT_KIND_SIGNAL,
} as const;

/** Signal record flags (enum sct_signal_flags). */
export const SignalFlag = {
  NOINFO: E.sct_signal_flags.SCT_SIGNAL_NOINFO,
  DISCARDED: E.sct_signal_flags.SCT_SIGNAL_DISCARDED,
  IN_SYSCALL: E.sct_signal_flags.SCT_SIGNAL_IN_SYSCALL,
} as const;

/** Header flags (enum sct_header_flags). */
export const HeaderFlag = {
  NO_RETURN: E.sct_header_flags.SCT_F_NO_RETURN,
  ARGV_TRUNCATED: E.sct_header_flags.SCT_F_ARGV_TRUNCATED,
  CHARGED: E.sct_header_flags.SCT_F_CHARGED,
} as const;

/** Context-switch flags (enum sct_switch_flags). */
export const SwitchFlag = {
  IN: E.sct_switch_flags.SCT_SWITCH_IN,
  PREEMPT: E.sct_switch_flags.SCT_SWITCH_PREEMPT,
  UNKNOWN: E.sct_switch_flags.SCT_SWITCH_UNKNOWN,
  NO_WAKEUP: E.sct_switch_flags.SCT_SWITCH_NO_WAKEUP,
} as const;

/** Blob flags (enum sct_blob_flags); the blob's kind is in the bits from KIND_SHIFT up. */
export const BlobFlag = {
  TRUNCATED: E.sct_blob_flags.SCT_BLOB_TRUNCATED,
  UNREADABLE: E.sct_blob_flags.SCT_BLOB_UNREADABLE,
  DATA: E.sct_blob_flags.SCT_BLOB_DATA,
  WHOLE: E.sct_blob_flags.SCT_BLOB_WHOLE,
  KIND_SHIFT: E.sct_blob_flags.SCT_BLOB_KIND_SHIFT,
} as const;

/** What a blob holds (enum sct_blob_kind). */
export const BlobKind = {
  STR: E.sct_blob_kind.SCT_BLOB_STR,
  BYTES: E.sct_blob_kind.SCT_BLOB_BYTES,
  STRV: E.sct_blob_kind.SCT_BLOB_STRV,
  COUNT: E.sct_blob_kind.SCT_BLOB_COUNT,
  INOUT: E.sct_blob_kind.SCT_BLOB_INOUT,
} as const;

/** Byte offsets of the C structs' fields, and their sizes. */
export const Layout = {
  header: STRUCTS.sct_header,
  syscall: STRUCTS.sct_syscall,
  exec: STRUCTS.sct_exec,
  fork: STRUCTS.sct_fork,
  exit: STRUCTS.sct_exit,
  threadExit: STRUCTS.sct_thread_exit,
  switch: STRUCTS.sct_switch,
  signal: STRUCTS.sct_signal,
  usage: STRUCTS.sct_usage,
  blob: STRUCTS.sct_blob,
} as const;

const H = Layout.header;
const COMM_LEN = E.sct_limits.SCT_COMM_LEN;

/**
 * Turns records into events. `monoToEpochNs` converts the kernel's CLOCK_MONOTONIC timestamps to
 * Unix epoch nanoseconds (it is realtime minus monotonic, measured when the capture started).
 *
 * One decoder serves one kernel pass (every trace of a backend) and must see its records in
 * order: it keeps the decode state (which file each fd of each process names, for
 * SyscallArg.fd_path), fed by the syscall, fork and exit records it decodes. A record is decoded
 * once, whichever traces it is for.
 */
export class RecordDecoder {
  private readonly tasks = new TaskReader();
  private readonly clock: EpochClock;

  /** `state` is the pass's decode state (SyscallResolver.newTraceState), if the resolver has one. */
  constructor(
    private readonly syscalls: SyscallResolver,
    monoToEpochNs: bigint,
    readonly state: TraceState | undefined = syscalls.newTraceState?.(),
  ) {
    this.clock = new EpochClock(monoToEpochNs);
  }

  /**
   * Decodes the record at `off` (length `len`) and returns its event, or null for a record kind
   * this trace does not deliver. Throws CorruptRecordError when the record contradicts itself.
   * A syscall is cut to `as` and rendered as it asks (undefined: as delivered, strace's
   * renderings); `fdChangesTraced` as in SyscallResolver.decodeViews.
   */
  decode(view: DataView, bytes: Uint8Array, off: number, len: number, as?: TraceView, fdChangesTraced = true): Event | null {
    if (as === undefined) return this.decodeRecord(view, bytes, off, len, undefined, fdChangesTraced)?.[0] ?? null;
    // One reused array: the resolver reads the views during the call only.
    this.oneView[0] = as;
    return this.decodeRecord(view, bytes, off, len, this.oneView, fdChangesTraced)?.[0] ?? null;
  }

  private readonly oneView: TraceView[] = [];

  /**
   * decode() for several views of the record (traces with different settings sharing it): one
   * event per view, each syscall cut to its view (undefined: as delivered), the decode state
   * updated once. Other kinds of record are the same for every view (one object, shared).
   */
  decodeViews(view: DataView, bytes: Uint8Array, off: number, len: number, views: readonly (TraceView | undefined)[], fdChangesTraced = true): Event[] | null {
    return this.decodeRecord(view, bytes, off, len, views, fdChangesTraced);
  }

  private decodeRecord(
    view: DataView,
    bytes: Uint8Array,
    off: number,
    len: number,
    views: readonly (TraceView | undefined)[] | undefined,
    fdChangesTraced: boolean,
  ): Event[] | null {
    if (len < H.SIZE) throw new CorruptRecordError(`record of ${len} bytes is shorter than its ${H.SIZE}-byte header`);
    const version = view.getUint16(off + H.version, true);
    if (version !== ABI_VERSION) {
      throw new CorruptRecordError(`record version ${version}, this reader understands version ${ABI_VERSION}`);
    }
    const size = view.getUint32(off + H.size, true);
    if (size > len || size < H.SIZE) throw new CorruptRecordError(`record says ${size} bytes but ${len} were delivered`);
    const kind = view.getUint16(off + H.kind, true);
    const event: Event = {
      timestamp_ns: this.clock.read(view, off + H.ts_ns),
      task: this.tasks.read(view, bytes, off),
    };
    const single = [event];
    switch (kind) {
      case Kind.SYSCALL:
        return this.decodeSyscall(view, bytes, off, size, event, views, fdChangesTraced);
      case Kind.EXEC:
        decodeExec(view, bytes, off, size, event);
        return views ? views.map(() => event) : single;
      case Kind.FORK:
        need(size, Layout.fork.SIZE, 'fork');
        event.fork = { child_pid: view.getUint32(off + Layout.fork.child_pid, true), clone_flags: view.getBigUint64(off + Layout.fork.clone_flags, true).toString() };
        event.kind = 'fork';
        this.state?.onFork(view.getUint32(off + H.pid, true), event.fork.child_pid as number);
        return views ? views.map(() => event) : single;
      case Kind.THREAD:
        need(size, Layout.fork.SIZE, 'thread');
        event.thread_created = { tid: view.getUint32(off + Layout.fork.child_tid, true), clone_flags: view.getBigUint64(off + Layout.fork.clone_flags, true).toString() };
        event.kind = 'thread_created';
        return views ? views.map(() => event) : single;
      case Kind.SWITCH:
        need(size, Layout.switch.SIZE, 'context switch');
        decodeSwitch(view, off, event);
        return views ? views.map(() => event) : single;
      case Kind.SIGNAL:
        need(size, Layout.signal.SIZE, 'signal');
        this.decodeSignal(view, bytes, off, event);
        return views ? views.map(() => event) : single;
      case Kind.THREAD_EXIT: {
        need(size, Layout.threadExit.SIZE, 'thread exit');
        const L = Layout.threadExit;
        const u64 = (at: number) => view.getBigUint64(off + at, true);
        event.thread_exit = {
          wall_time_ns: since(u64(L.start_ns), u64(H.ts_ns)),
          usage: readUsage(view, off + L.self, u64(L.prev_utime_ns), u64(L.prev_stime_ns)),
        };
        event.kind = 'thread_exit';
        return views ? views.map(() => event) : single;
      }
      case Kind.EXIT: {
        need(size, Layout.exit.SIZE, 'exit');
        this.state?.onExit(view.getUint32(off + H.pid, true));
        decodeExit(view, off, event);
        return views ? views.map(() => event) : single;
      }
      default:
        throw new CorruptRecordError(`unknown record kind ${kind}`);
    }
  }

  /** A signal delivery (struct sct_signal): the siginfo decoded once, as strace prints it. */
  private decodeSignal(view: DataView, bytes: Uint8Array, off: number, event: Event): void {
    const L = Layout.signal;
    const flags = view.getUint32(off + L.flags, true);
    // A copy: the reader reuses its buffer (and a Buffer's slice would be a view into it).
    const siginfo = new Uint8Array(bytes.subarray(off + L.siginfo, off + L.siginfo + E.sct_signal_limits.SCT_SIGINFO_BYTES));
    const signo = view.getInt32(off + L.signo, true);
    const decoded = this.syscalls.decodeSiginfo?.(siginfo);
    event.signal_delivered = {
      ...decoded,
      signo,
      signal: decoded?.signal ?? String(signo),
      code: view.getInt32(off + L.si_code, true),
      si_errno: view.getInt32(off + L.si_errno, true),
      handler: view.getBigUint64(off + L.sa_handler, true).toString(),
      sa_flags: view.getBigUint64(off + L.sa_flags, true).toString(),
      siginfo,
      discarded: (flags & SignalFlag.DISCARDED) !== 0,
      during_syscall: (flags & SignalFlag.IN_SYSCALL) !== 0,
      no_info: (flags & SignalFlag.NOINFO) !== 0,
    };
    event.kind = 'signal_delivered';
  }

  private decodeSyscall(
    view: DataView,
    bytes: Uint8Array,
    off: number,
    size: number,
    event: Event,
    views: readonly (TraceView | undefined)[] | undefined,
    fdChangesTraced: boolean,
  ): Event[] {
    const L = Layout.syscall;
    need(size, L.SIZE, 'syscall');
    const args: bigint[] = new Array(6);
    for (let i = 0; i < 6; i++) args[i] = view.getBigUint64(off + L.args + 8 * i, true);
    const nblob = view.getUint16(off + L.nblob, true);
    const strings = new Map<number, RawString>();
    let blobs: Map<number, RawBlob> | undefined;
    readBlobs(view, bytes, off + L.SIZE, off + size, nblob, (arg, flags, start, len) => {
      const kind = flags >> BlobFlag.KIND_SHIFT;
      if (kind === BlobKind.STR) strings.set(arg, rawString(bytes, flags, start, len));
      else {
        const blob = rawBlob(view, bytes, kind, flags, start, len);
        const kept = (blobs ??= new Map()).get(arg);
        if (kept === undefined || preferred(blob, kept)) blobs.set(arg, blob);
      }
    });
    const flags = view.getUint32(off + H.flags, true);
    const raw: RawSyscall = {
      nr: view.getUint32(off + L.nr, true),
      args,
      ret: view.getBigInt64(off + L.ret, true),
      durationNs: view.getBigUint64(off + H.ts_ns, true) - view.getBigUint64(off + L.enter_ns, true),
      noReturn: (flags & HeaderFlag.NO_RETURN) !== 0,
      strings,
      blobs,
      pid: view.getUint32(off + H.pid, true),
      tid: view.getUint32(off + H.tid, true),
    };
    event.kind = 'syscall';
    if (!this.syscalls.decodeViews || (!views && fdChangesTraced)) {
      // The record as delivered, or a resolver without views: decoded once, every view gets that.
      event.syscall = this.syscalls.decode(raw, this.state);
      return views ? views.map((_, i) => (i === 0 ? event : { ...event })) : [event];
    }
    const calls = this.syscalls.decodeViews(raw, this.state, views ?? ONE_VIEW, fdChangesTraced);
    event.syscall = calls[0];
    if (calls.length === 1) return [event];
    return calls.map((call, i) => (i === 0 ? event : { ...event, syscall: call }));
  }
}

/** The views of decode() without one: the record as delivered. */
const ONE_VIEW: readonly (TraceView | undefined)[] = [undefined];

/** A string blob; its bytes are kept (RawString.bytes) only when they are not valid UTF-8. */
function rawString(bytes: Uint8Array, flags: number, start: number, len: number): RawString {
  const s: RawString = decodeText(bytes.subarray(start, start + len)) as RawString;
  s.truncated = (flags & BlobFlag.TRUNCATED) !== 0;
  s.unreadable = (flags & BlobFlag.UNREADABLE) !== 0;
  return s;
}

/**
 * Of two reads of one argument at different sizes (an array whose length the kernel side cannot
 * compute: getgroups, poll, epoll_wait; src/syscalls/reads.ts), the longest that was readable is
 * the one kept.
 */
function preferred(blob: RawBlob, kept: RawBlob): boolean {
  if (blob.unreadable) return false;
  if (kept.unreadable) return true;
  return blob.kind === 'bytes' && kept.kind === 'bytes' && blob.data.length > kept.data.length;
}

/**
 * A non-string blob. A bytes blob aliases the record's memory (the ring's), valid only while the
 * record is decoded; whoever keeps bytes copies them (the catalog copies data buffers).
 */
function rawBlob(view: DataView, bytes: Uint8Array, kind: number, flags: number, start: number, len: number): RawBlob {
  const truncated = (flags & BlobFlag.TRUNCATED) !== 0;
  const unreadable = (flags & BlobFlag.UNREADABLE) !== 0;
  switch (kind) {
    case BlobKind.BYTES:
      if (flags & BlobFlag.DATA) return { kind: 'bytes', data: bytes.subarray(start, start + len), truncated, unreadable, transferred: true };
      if (flags & BlobFlag.WHOLE) return { kind: 'bytes', data: bytes.subarray(start, start + len), truncated, unreadable, whole: true };
      return { kind: 'bytes', data: bytes.subarray(start, start + len), truncated, unreadable };
    case BlobKind.STRV:
      return { kind: 'strv', ...splitStrv(bytes, start, len), truncated, unreadable };
    case BlobKind.COUNT:
      if (len < 4 && !unreadable) throw new CorruptRecordError(`count blob of ${len} bytes`);
      return { kind: 'count', count: len >= 4 ? view.getUint32(start, true) : 0, truncated, unreadable };
    case BlobKind.INOUT:
      if (len < 8 && !unreadable) throw new CorruptRecordError(`in-out blob of ${len} bytes`);
      return { kind: 'inout', before: len >= 8 ? view.getUint32(start, true) : 0, after: len >= 8 ? view.getUint32(start + 4, true) : 0, unreadable };
    default:
      throw new CorruptRecordError(`blob of unknown kind ${kind}`);
  }
}

/**
 * The elements of a string array blob: per element a flags byte, the text, a NUL. Every
 * element's bytes are kept (itemBytes) when one of them is not valid UTF-8.
 */
function splitStrv(bytes: Uint8Array, start: number, len: number): { items: string[]; itemBytes?: Uint8Array[]; cut: boolean[] } {
  const items: string[] = [];
  const views: Uint8Array[] = [];
  const cut: boolean[] = [];
  let invalid = false;
  const end = start + len;
  let pos = start;
  while (pos < end) {
    const flags = bytes[pos];
    let stop = pos + 1;
    while (stop < end && bytes[stop] !== 0) stop++;
    const view = bytes.subarray(pos + 1, stop);
    const item = decodeText(view);
    items.push(item.text);
    views.push(view);
    invalid ||= item.bytes !== undefined;
    cut.push((flags & BlobFlag.TRUNCATED) !== 0);
    pos = stop + 1;
  }
  return invalid ? { items, itemBytes: views.map((v) => v.slice()), cut } : { items, cut };
}

function need(size: number, min: number, what: string): void {
  if (size < min) throw new CorruptRecordError(`${what} record of ${size} bytes, at least ${min} expected`);
}

/**
 * Reads a record's task, keeping the comm and cgroup strings of the previous record when its
 * header words match: consecutive records mostly come from one thread, and those two
 * conversions were ~15% of the service's CPU at 600k events/s. It returns the same frozen object
 * then, which the wire encoder writes by copying its bytes (src/api/wire/compile.ts, memoized).
 */
class TaskReader {
  /** Header words (byte offset / 4) that identify a task: pid..gid, cgroup_id, comm. */
  private static readonly WORDS = [H.pid, H.tid, H.ppid, H.uid, H.gid, H.cgroup_id, H.cgroup_id + 4, H.comm, H.comm + 4, H.comm + 8, H.comm + 12];
  private readonly last = new Uint32Array(TaskReader.WORDS.length);
  /** The task of the last record, frozen: shared by every event of it until a header word changes. */
  private task: Task | undefined;

  read(view: DataView, bytes: Uint8Array, off: number): Task {
    const words = TaskReader.WORDS;
    let same = this.task !== undefined;
    for (let i = 0; i < words.length; i++) {
      const w = view.getUint32(off + words[i], true);
      if (w !== this.last[i]) {
        same = false;
        this.last[i] = w;
      }
    }
    if (same) return this.task!;
    this.task = Object.freeze({
      pid: this.last[0],
      tid: this.last[1],
      ppid: this.last[2],
      uid: this.last[3],
      gid: this.last[4],
      comm: cString(bytes, off + H.comm, COMM_LEN),
      cgroup_id: view.getBigUint64(off + H.cgroup_id, true).toString(),
    });
    return this.task;
  }
}

/** Text up to the first NUL within `max` bytes. */
function cString(bytes: Uint8Array, start: number, max: number): string {
  let end = start;
  const limit = start + max;
  while (end < limit && bytes[end] !== 0) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}

/**
 * Walks `count` blobs from `pos` to `end`, checking every length against the record, and hands
 * each one's argument, flags and data range (offsets into `bytes`) to `sink`.
 */
function readBlobs(
  view: DataView,
  bytes: Uint8Array,
  pos: number,
  end: number,
  count: number,
  sink: (arg: number, flags: number, start: number, len: number) => void,
): void {
  const S = Layout.blob;
  for (let i = 0; i < count; i++) {
    if (pos + S.SIZE > end) throw new CorruptRecordError(`blob ${i} of ${count} runs past the record`);
    const len = view.getUint16(pos + S.len, true);
    const start = pos + S.SIZE;
    if (start + len > end) throw new CorruptRecordError(`blob ${i} of ${len} bytes runs past the record`);
    sink(view.getUint8(pos + S.arg), view.getUint8(pos + S.flags), start, len);
    pos = start + ((len + 7) & ~7);
  }
}

function decodeExec(view: DataView, bytes: Uint8Array, off: number, size: number, event: Event): void {
  const L = Layout.exec;
  need(size, L.SIZE, 'exec');
  let filename = '';
  let filenameBytes: Uint8Array | undefined;
  let argv: string[] = [];
  let argvBytes: Uint8Array[] | undefined;
  let truncated = (view.getUint32(off + H.flags, true) & HeaderFlag.ARGV_TRUNCATED) !== 0;
  readBlobs(view, bytes, off + L.SIZE, off + size, view.getUint16(off + L.nblob, true), (arg, flags, start, len) => {
    if (arg === 0) {
      const s = rawString(bytes, flags, start, len);
      filename = s.text;
      filenameBytes = s.bytes;
    } else if (arg === 1) {
      // The argument area holds the strings NUL-separated, each NUL-terminated.
      let stop = start + len;
      if (len > 0 && bytes[stop - 1] === 0) stop--;
      const parts = stop > start ? splitAt(bytes.subarray(start, stop), 0) : [];
      const decoded = parts.map(decodeText);
      argv = decoded.map((d) => d.text);
      if (decoded.some((d) => d.bytes !== undefined)) argvBytes = parts.map((p) => p.slice());
      truncated ||= (flags & BlobFlag.TRUNCATED) !== 0;
    }
  });
  event.exec = { filename, argv, argv_truncated: truncated, old_pid: view.getUint32(off + L.old_pid, true) };
  if (filenameBytes) event.exec.filename_bytes = filenameBytes;
  if (argvBytes) event.exec.argv_bytes = argvBytes;
  event.kind = 'exec';
}

/** A thread group's exit: its status, wall time and what it used (struct sct_exit). */
function decodeExit(view: DataView, off: number, event: Event): void {
  const L = Layout.exit;
  const status = view.getUint32(off + L.exit_code, true);
  const u64 = (at: number) => view.getBigUint64(off + at, true);
  const end = u64(H.ts_ns);
  const start = u64(L.start_ns);
  event.exit = {
    exit_code: (status >> 8) & 0xff,
    signal: status & 0x7f,
    core_dumped: (status & 0x80) !== 0,
    wall_time_ns: since(start, end),
    usage: readUsage(view, off + L.self, u64(L.prev_utime_ns), u64(L.prev_stime_ns)),
    children_usage: readUsage(view, off + L.children, 0n, 0n),
  };
  event.kind = 'exit';
}

/** Nanoseconds from `start` to `end` (CLOCK_MONOTONIC), 0 if the clock went the other way. */
function since(start: bigint, end: bigint): string {
  return (end > start ? end - start : 0n).toString();
}

/**
 * A struct sct_usage as getrusage reports it: the exact on-CPU time split in the ratio of the
 * tick-sampled user and system times, never below the split already reported (`prevUser`,
 * `prevSystem`), as the kernel's cputime_adjust does.
 */
function readUsage(view: DataView, at: number, prevUser: bigint, prevSystem: bigint): ResourceUsage {
  const U = Layout.usage;
  const u64 = (field: number) => view.getBigUint64(at + field, true);
  const { user, system } = splitRuntime(u64(U.runtime_ns), u64(U.utime_ns), u64(U.stime_ns), prevUser, prevSystem);
  return {
    user_time_ns: user.toString(),
    system_time_ns: system.toString(),
    voluntary_switches: u64(U.nvcsw).toString(),
    involuntary_switches: u64(U.nivcsw).toString(),
    max_rss_kb: u64(U.maxrss_kb).toString(),
    minor_faults: u64(U.min_flt).toString(),
    major_faults: u64(U.maj_flt).toString(),
  };
}

/**
 * kernel/sched/cputime.c cputime_adjust: `runtime` (exact) split as `utime`:`stime` (tick
 * samples), all of it user time while either sample is 0, and neither part below what was
 * reported before (`prevUser`, `prevSystem`), which wins outright once it covers the runtime.
 */
export function splitRuntime(runtime: bigint, utime: bigint, stime: bigint, prevUser: bigint, prevSystem: bigint): { user: bigint; system: bigint } {
  if (prevUser + prevSystem >= runtime) return { user: prevUser, system: prevSystem };
  let system = stime === 0n ? 0n : utime === 0n ? runtime : (stime * runtime) / (stime + utime);
  if (system < prevSystem) system = prevSystem;
  let user = runtime - system;
  if (user < prevUser) {
    user = prevUser;
    system = runtime - user;
  }
  return { user, system };
}

/** enum sct_switch_state → TaskState (the proto's names; its 0 is UNSPECIFIED). */
const TASK_STATES: readonly TaskState[] = [
  'TASK_STATE_RUNNABLE', 'TASK_STATE_SLEEPING', 'TASK_STATE_BLOCKED', 'TASK_STATE_STOPPED', 'TASK_STATE_TRACED',
  'TASK_STATE_DEAD', 'TASK_STATE_IDLE', 'TASK_STATE_PARKED', 'TASK_STATE_OTHER',
];

/** A context switch (struct sct_switch). */
function decodeSwitch(view: DataView, off: number, event: Event): void {
  const L = Layout.switch;
  const flags = view.getUint32(off + L.flags, true);
  const delta = view.getBigUint64(off + L.delta_ns, true).toString();
  const into = (flags & SwitchFlag.IN) !== 0;
  event.context_switch = {
    switched_in: into,
    cpu: view.getUint32(off + L.cpu, true),
    ran_ns: into ? '0' : delta,
    off_cpu_ns: into ? delta : '0',
    state: TASK_STATES[view.getUint32(off + L.state, true)] ?? 'TASK_STATE_OTHER',
    raw_state: view.getUint32(off + L.raw_state, true),
    preempted: (flags & SwitchFlag.PREEMPT) !== 0,
    other_tid: view.getUint32(off + L.other_tid, true),
    since_unknown: (flags & SwitchFlag.UNKNOWN) !== 0,
    run_queue_ns: into ? view.getBigUint64(off + L.runq_ns, true).toString() : '0',
    wakeup_unknown: (flags & SwitchFlag.NO_WAKEUP) !== 0,
  };
  event.kind = 'context_switch';
}

/** `bytes` split at every `sep` byte (views, not copies). */
function splitAt(bytes: Uint8Array, sep: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === sep) {
      out.push(bytes.subarray(from, i));
      from = i + 1;
    }
  }
  return out;
}

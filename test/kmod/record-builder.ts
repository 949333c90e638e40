/**
 * Builds records in the layout of bpf/shared/sctrace_event.h, as both backends write them (the
 * module to /proc/sctrace/events, the programs to the ring), for decoder and reader tests. Each
 * builder returns one whole record (a multiple of 8 bytes); concatenate them for a read's worth.
 */
import { ABI_VERSION, Kind, Layout } from '../../src/backends/records';

/** Task fields of a record header. */
export interface TaskFields {
  pid: number;
  tid?: number;
  ppid?: number;
  uid?: number;
  gid?: number;
  comm?: string;
  cgroupId?: bigint;
  flags?: number;
  tsNs?: bigint;
  /** sct_header.traces: the trace slots the record is for (default slot 0). */
  traces?: bigint;
}

/** One blob (a string unless flags give another kind). */
export interface BlobSpec {
  arg: number;
  text: string | Uint8Array;
  flags?: number;
  /** sct_blob.aux (a whole netlink read's socket protocol). */
  aux?: number;
}

const H = Layout.header;

/** The blobs' bytes: each an 8-byte struct sct_blob, then its bytes padded to 8. */
export function blobBytes(blobs: BlobSpec[]): Buffer {
  const parts: Buffer[] = [];
  for (const b of blobs) {
    const text = typeof b.text === 'string' ? Buffer.from(b.text, 'utf8') : Buffer.from(b.text);
    const blob = Buffer.alloc(Layout.blob.SIZE + ((text.length + 7) & ~7));
    blob.writeUInt8(b.arg, Layout.blob.arg);
    blob.writeUInt8(b.flags ?? 0, Layout.blob.flags);
    blob.writeUInt16LE(text.length, Layout.blob.len);
    blob.writeUInt32LE(b.aux ?? 0, Layout.blob.aux);
    text.copy(blob, Layout.blob.SIZE);
    parts.push(blob);
  }
  return Buffer.concat(parts);
}

/** Writes sct_header at the start of `rec` (a record of `size` bytes) from `task`. */
export function writeHeader(rec: DataView, kind: number, size: number, task: TaskFields): void {
  rec.setUint16(H.kind, kind, true);
  rec.setUint16(H.version, ABI_VERSION, true);
  rec.setUint32(H.size, size, true);
  rec.setBigUint64(H.ts_ns, task.tsNs ?? 2_000_000n, true);
  rec.setUint32(H.pid, task.pid, true);
  rec.setUint32(H.tid, task.tid ?? task.pid, true);
  rec.setUint32(H.ppid, task.ppid ?? 1, true);
  rec.setUint32(H.uid, task.uid ?? 0, true);
  rec.setUint32(H.gid, task.gid ?? 0, true);
  rec.setUint32(H.flags, task.flags ?? 0, true);
  rec.setBigUint64(H.cgroup_id, task.cgroupId ?? 1n, true);
  new Uint8Array(rec.buffer, rec.byteOffset + H.comm, 15).set(Buffer.from(task.comm ?? 'cat', 'utf8').subarray(0, 15));
  rec.setBigUint64(H.traces, task.traces ?? 1n, true);
}

function withHeader(kind: number, fixedSize: number, task: TaskFields, tail: Buffer = Buffer.alloc(0)): Buffer {
  const rec = Buffer.alloc(fixedSize + tail.length);
  writeHeader(new DataView(rec.buffer, rec.byteOffset, rec.length), kind, rec.length, task);
  tail.copy(rec, fixedSize);
  return rec;
}

/** A completed syscall. */
export function syscallRecord(
  task: TaskFields,
  call: { nr: number; args?: bigint[]; ret?: bigint; enterNs?: bigint; strings?: BlobSpec[] },
): Buffer {
  const L = Layout.syscall;
  const strings = call.strings ?? [];
  const rec = withHeader(Kind.SYSCALL, L.SIZE, task, blobBytes(strings));
  (call.args ?? []).forEach((a, i) => rec.writeBigUInt64LE(a, L.args + 8 * i));
  rec.writeBigInt64LE(call.ret ?? 0n, L.ret);
  rec.writeBigUInt64LE(call.enterNs ?? 1_000_000n, L.enter_ns);
  rec.writeUInt32LE(call.nr, L.nr);
  rec.writeUInt16LE(strings.length, L.nblob);
  return rec;
}

/** A successful exec: filename and the NUL-separated argument area. */
export function execRecord(task: TaskFields, filename: string, argv: string[], oldPid = task.pid): Buffer {
  const L = Layout.exec;
  const area = argv.map((a) => `${a}\0`).join('');
  const rec = withHeader(Kind.EXEC, L.SIZE, task, blobBytes([{ arg: 0, text: filename }, { arg: 1, text: area }]));
  rec.writeUInt32LE(oldPid, L.old_pid);
  rec.writeUInt16LE(2, L.nblob);
  return rec;
}

/** A new process forked by `task`. */
export function forkRecord(task: TaskFields, childPid: number): Buffer {
  const rec = withHeader(Kind.FORK, Layout.fork.SIZE, task);
  rec.writeUInt32LE(childPid, Layout.fork.child_pid);
  rec.writeUInt32LE(childPid, Layout.fork.child_tid);
  return rec;
}

/** The last thread of `task`'s group exited with wait status `status` ((code << 8) | signal). */
export function exitRecord(task: TaskFields, status: number): Buffer {
  const rec = withHeader(Kind.EXIT, Layout.exit.SIZE, task);
  rec.writeUInt32LE(status, Layout.exit.exit_code);
  return rec;
}

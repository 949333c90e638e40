/**
 * The module's records as the capture pipeline's source (capture/pipeline.ts RecordSource):
 * /proc/sctrace/events read on the main thread without ever blocking it, split into records.
 *
 * Each read() of the events file returns whole records only, as many as fit the buffer and at
 * most those present when it started (bpf/kmod/README.md), so every read is bounded; what a read
 * returned beyond the pipeline's budget waits in the buffer for the next turn. A read that ends
 * inside a record, a size that is not a multiple of 8 or exceeds the largest record the module
 * builds, or a record of another ABI version means the stream cannot be trusted: read() throws a
 * CorruptRecordError naming the offset and the reason, and the pipeline ends every trace with it.
 */
import fs from 'node:fs';
import { BackendError, CorruptRecordError } from '../errors';
import { ABI_VERSION, Layout } from '../records';
import type { RecordSource } from '../capture/pipeline';
import type { RecordHandler } from '../ebpf/ringbuf';
import { Counters } from './protocol';

/** Largest record the module assembles (SCT_SCRATCH_BYTES in bpf/shared/sctrace_kernel.h). */
export const MAX_RECORD_BYTES = 32768;
/** One read; the module fills it with as many whole records as fit. */
const READ_BUFFER_BYTES = 1 << 20;
/** statfs f_type of procfs (include/uapi/linux/magic.h PROC_SUPER_MAGIC). */
const PROC_SUPER_MAGIC = 0x9fa0;

const H = Layout.header;

/** Why the record framed at `off` of a read of `end` bytes cannot be walked, or '' when its header is sound. */
export function checkFrame(view: DataView, off: number, end: number): string {
  const left = end - off;
  if (left < H.SIZE) return `truncated record: the read ends ${left} bytes into a ${H.SIZE}-byte header`;
  const version = view.getUint16(off + H.version, true);
  if (version !== ABI_VERSION) {
    return `record version ${version}, this reader understands version ${ABI_VERSION} (module and sctraced from different releases?)`;
  }
  const size = view.getUint32(off + H.size, true);
  if (size < H.SIZE || size % 8 !== 0) return `record size ${size} is not a multiple of 8 of at least ${H.SIZE}`;
  if (size > MAX_RECORD_BYTES) return `record size ${size} exceeds the largest record (${MAX_RECORD_BYTES} bytes)`;
  if (size > left) return `truncated record: it says ${size} bytes but the read holds ${left}`;
  return '';
}

/** The counters file, read with pread at the words wanted. */
export class CountersFile {
  private readonly words = new BigUint64Array(Counters.LOSS_KINDS);
  private readonly bytes = new Uint8Array(this.words.buffer);

  constructor(
    readonly fd: number,
    private readonly file: string,
  ) {}

  /** `count` consecutive words from `index` (count <= SCT_LOSS_KINDS). */
  read(index: number, count: number): BigUint64Array {
    let n: number;
    try {
      n = fs.readSync(this.fd, this.bytes, 0, count * 8, index * 8);
    } catch (err) {
      throw new BackendError(`kmod: read ${this.file}: ${(err as Error).message}`, { cause: err });
    }
    if (n !== count * 8) throw new BackendError(`kmod: read ${this.file}: ${n} bytes at word ${index}, expected ${count * 8} (not the module of this release?)`);
    return this.words.subarray(0, count);
  }

  /** Bytes the module has written to the ring and not handed to a reader yet. */
  unreadBytes(): number {
    const [written, read] = this.read(Counters.WRITTEN, 2);
    return Number(written - read);
  }

  /** Records the trace in `slot` lost in the kernel since the pass started, all causes. */
  lost(slot: number): number {
    return this.lostByCause(slot).reduce((a, b) => a + b, 0);
  }

  /** The same by cause (enum sct_loss order). */
  lostByCause(slot: number): number[] {
    return Array.from(this.read(Counters.lost(slot), Counters.LOSS_KINDS), Number);
  }
}

/** /proc/sctrace/events as a record source. */
export class ProcRecordSource implements RecordSource {
  /** The events file is read until EAGAIN (or a budget), so its readiness watch can be re-armed at once. */
  readonly rearmAfterReadiness = true;
  readonly pollFd: number | null;
  private readonly buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private readonly view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  /** The unhandled records of the last read: buffer[start, end). */
  private start = 0;
  private end = 0;
  private consumed = 0;

  constructor(
    private readonly fd: number,
    private readonly file: string,
    private readonly counters: CountersFile,
  ) {
    this.pollFd = pollable(fd, file) ? fd : null;
  }

  read(handler: RecordHandler, budget: number): number {
    let handled = 0;
    while (handled < budget) {
      if (this.start === this.end && !this.fill()) break;
      const off = this.start;
      const bad = checkFrame(this.view, off, this.end);
      if (bad) {
        // Nothing after a corrupt frame can be trusted: drop the rest of this read.
        this.start = this.end;
        throw new CorruptRecordError(`kmod: corrupt record from the kernel module at byte ${off} of a ${this.end}-byte read of ${this.file}: ${bad}`);
      }
      const size = this.view.getUint32(off + H.size, true);
      // Past it before the handler runs: a record the handler chokes on must not come back.
      this.start += size;
      this.consumed += size;
      handled++;
      handler(this.view, this.buffer, off, size);
    }
    return handled;
  }

  /** Reads the next records into the buffer; false when none are waiting. */
  private fill(): boolean {
    let n: number;
    try {
      n = fs.readSync(this.fd, this.buffer, 0, this.buffer.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return false;
      throw new BackendError(`kmod: read ${this.file}: ${(err as Error).message}`, { cause: err });
    }
    if (n === 0) throw new BackendError(`kmod: ${this.file} ended while traces were running (module unloaded?)`);
    this.start = 0;
    this.end = n;
    return true;
  }

  pendingBytes(): number {
    return this.counters.unreadBytes() + (this.end - this.start);
  }

  consumedBytes(): number {
    return this.consumed;
  }
}

/**
 * Whether the fd can be watched with poll(): koffi's poll aborts the process on an fd epoll
 * refuses (a regular file), so only procfs files, FIFOs, sockets and character devices qualify.
 */
function pollable(fd: number, file: string): boolean {
  try {
    const st = fs.fstatSync(fd);
    if (st.isFIFO() || st.isSocket() || st.isCharacterDevice()) return true;
    return st.isFile() && fs.statfsSync(file).type === PROC_SUPER_MAGIC;
  } catch {
    return false;
  }
}

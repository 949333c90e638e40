/**
 * Where streamed trace lines go: stdout, a file (strace -o FILE, -A to append), or one file per
 * thread (strace -ff: FILE.TID). A slow destination pauses the gRPC stream (through
 * writeLine's answer and onDrain) instead of buffering without bound, so the server's
 * per-subscriber queue — which counts what it drops — absorbs the overload.
 */
import { createWriteStream, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { CliError } from './command';

/** Most per-thread files open at once with -ff; beyond it the least recently written is closed (and reopened to append). */
const SEPARATE_FILES_MAX = 256;

/** A line-oriented sink. */
export class Output {
  /** Settles with the first write error (EPIPE when a reader such as `head` went away). */
  readonly failed: Promise<Error>;
  private fail!: (err: Error) => void;
  private closed = false;
  private readonly main: Writable | undefined;
  /** -ff: FILE.TID streams, most recently used last. */
  private readonly perTask = new Map<number, Writable>();
  /** Per-thread files written before (reopened in append mode). */
  private readonly started = new Set<number>();
  private waiting: Writable | undefined;

  private constructor(
    private readonly file: string | undefined,
    private readonly separately: boolean,
    private readonly append: boolean,
  ) {
    this.failed = new Promise((resolve) => (this.fail = resolve));
    if (!separately) {
      this.main = file === undefined ? process.stdout : openStream(file, append);
      this.main.on('error', this.fail);
    }
  }

  /**
   * stdout, or `file` (truncated unless `append`; opened synchronously, so a bad path fails
   * before tracing starts), or with `separately` one file `file.TID` per thread.
   */
  static open(file: string | undefined, options: { separately?: boolean; append?: boolean } = {}): Output {
    if (options.separately && file === undefined) throw new CliError('one file per thread (-ff) needs -o FILE');
    return new Output(file, options.separately ?? false, options.append ?? false);
  }

  /** Writes one line of thread `tid`; false means the destination is full and the caller should wait for onDrain. */
  writeLine(line: string, tid = 0): boolean {
    if (this.closed) return true;
    let stream: Writable;
    try {
      stream = this.main ?? this.taskStream(tid);
    } catch (err) {
      this.fail(err as Error);
      return true;
    }
    const ok = stream.write(`${line}\n`);
    if (!ok) this.waiting = stream;
    return ok;
  }

  /** Calls `fn` once the destination that was full has room again. */
  onDrain(fn: () => void): void {
    const stream = this.waiting ?? this.main;
    this.waiting = undefined;
    if (stream === undefined) fn();
    else stream.once('drain', fn);
  }

  /** Flushes; closes the files that are ours (stdout stays open for the final messages). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const ends = [...this.perTask.values()].map((s) => new Promise<void>((resolve) => s.end(() => resolve())));
    if (this.main === process.stdout) ends.push(new Promise((resolve) => process.stdout.write('', () => resolve())));
    else if (this.main) ends.push(new Promise((resolve) => this.main!.end(() => resolve())));
    await Promise.all(ends);
  }

  private taskStream(tid: number): Writable {
    let stream = this.perTask.get(tid);
    if (stream) {
      this.perTask.delete(tid);
      this.perTask.set(tid, stream);
      return stream;
    }
    if (this.perTask.size >= SEPARATE_FILES_MAX) {
      const [oldest, old] = this.perTask.entries().next().value as [number, Writable];
      this.perTask.delete(oldest);
      old.end();
    }
    const name = `${this.file}.${tid}`;
    stream = openStream(name, this.append || this.started.has(tid));
    stream.on('error', this.fail);
    this.started.add(tid);
    this.perTask.set(tid, stream);
    return stream;
  }
}

function openStream(file: string, append: boolean): Writable {
  try {
    return createWriteStream('', { fd: openSync(file, append ? 'a' : 'w') });
  } catch (err) {
    throw new CliError(`cannot open ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

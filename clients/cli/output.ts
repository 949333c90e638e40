/**
 * Where streamed trace lines go: stdout or a file (`--out FILE`). A slow destination pauses the
 * gRPC stream (through needsDrain/onDrain) instead of buffering without bound, so the server's
 * per-subscriber queue — which counts what it drops — absorbs the overload.
 */
import { createWriteStream, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { CliError } from './command';

/** A line-oriented sink. */
export class Output {
  /** Settles with the first write error (EPIPE when a reader such as `head` went away). */
  readonly failed: Promise<Error>;
  private closed = false;

  private constructor(private readonly stream: Writable, private readonly ownsStream: boolean) {
    this.failed = new Promise((resolve) => stream.on('error', resolve));
  }

  /** stdout, or `file` truncated (opened synchronously, so a bad path fails before tracing starts). */
  static open(file: string | undefined): Output {
    if (file === undefined) return new Output(process.stdout, false);
    try {
      return new Output(createWriteStream('', { fd: openSync(file, 'w') }), true);
    } catch (err) {
      throw new CliError(`cannot open --out ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Writes one line; false means the destination is full and the caller should wait for onDrain. */
  writeLine(line: string): boolean {
    if (this.closed) return true;
    return this.stream.write(`${line}\n`);
  }

  /** Calls `fn` once the destination has room again. */
  onDrain(fn: () => void): void {
    this.stream.once('drain', fn);
  }

  /** Flushes; closes the file if it is ours (stdout stays open for the final messages). */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => {
      if (this.ownsStream) this.stream.end(() => resolve());
      else this.stream.write('', () => resolve());
    });
  }
}

/**
 * Feeds one StreamEvents stream into a printer and an output. Shared by `trace` and `stream`:
 * they differ only in what they do around it (start/stop the trace, wait for a child).
 */
import * as grpc from '@grpc/grpc-js';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { StreamEventsResponse__Output } from '../../src/api/generated/sctrace/v1/StreamEventsResponse';
import type { EventSubscription } from '../ts';
import type { RpcError, TracerConnection } from './client';
import type { EventFilter } from './filter';
import type { EventPrinter } from './printer';
import type { Output } from './output';

/** How a stream ended: the server finished it (trace stopped), we cancelled it, or it failed. */
export type StreamEnd = { kind: 'ended' } | { kind: 'cancelled' } | { kind: 'failed'; error: RpcError };

/** What the pump does besides printing. */
export interface PumpOptions {
  /** Events of this process are dropped: with `--all` the client would otherwise trace its own output. */
  ignorePid?: number;
  /**
   * The launcher shell of `trace -- CMD`: its system calls before it execs CMD (the return from
   * its self-stop, the PATH walk of failed execve attempts) belong to the tracer's start-up, not
   * to CMD, and are not shown, as strace does not show its own. The start-up ends at the
   * launcher's exec event (the trace always has process events; the exec event comes whatever
   * the syscall filter selects), or at its successful execve when that is seen first.
   */
  launcherPid?: number;
  /** Sees every event (after printing), e.g. to notice the traced child's exit. */
  onEvent?: (event: Event__Output) => void;
  /** Which events are printed (strace's -e status=, -P); all when absent. */
  filter?: EventFilter;
}

/**
 * Prints every event of a stream as it arrives and pauses the stream while the output is full.
 * `ended` settles exactly once; it never rejects.
 */
export class EventPump {
  /** How and when the stream ended. */
  readonly ended: Promise<StreamEnd>;
  /** The server has sent its response headers: it has accepted (registered) the subscription. */
  headersReceived = false;
  /** Set once `ended` has settled. */
  settled = false;
  private cancelled = false;
  private waitingForDrain = false;

  constructor(
    private readonly stream: EventSubscription,
    connection: TracerConnection,
    private readonly printer: EventPrinter,
    private readonly output: Output,
    private readonly options: PumpOptions = {},
  ) {
    stream.on('metadata', () => (this.headersReceived = true));
    stream.on('data', (batch: StreamEventsResponse__Output) => this.printBatch(batch));
    this.ended = new Promise<StreamEnd>((resolve) => {
      stream.on('end', () => resolve({ kind: 'ended' }));
      stream.on('error', (err: grpc.ServiceError) => {
        if (this.cancelled && err.code === grpc.status.CANCELLED) return resolve({ kind: 'cancelled' });
        return resolve({ kind: 'failed', error: connection.rpcError('StreamEvents', err) });
      });
    }).finally(() => (this.settled = true));
  }

  /** Cancels the stream (the trace itself keeps running); harmless after the end. */
  cancel(): void {
    this.cancelled = true;
    if (!this.settled) this.stream.cancel();
  }

  private isLauncherStartup(event: Event__Output): boolean {
    if (this.options.launcherPid === undefined || event.task?.pid !== this.options.launcherPid) return false;
    const execed = event.kind === 'exec' || (event.kind === 'syscall' && event.syscall?.name === 'execve' && event.syscall.ret === '0');
    if (execed) {
      this.options.launcherPid = undefined;
      return false;
    }
    return event.kind === 'syscall' || event.kind === 'signal_delivered';
  }

  private printBatch(batch: StreamEventsResponse__Output): void {
    let full = false;
    for (const event of batch.events) {
      if (this.options.ignorePid !== undefined && event.task?.pid === this.options.ignorePid) continue;
      if (this.isLauncherStartup(event)) continue;
      if (this.options.filter?.accept(event) ?? true) {
        for (const line of this.printer.lines(event)) if (!this.output.writeLine(line.text, line.tid)) full = true;
      } else this.printer.skip(event);
      this.options.onEvent?.(event);
    }
    if (full && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.stream.pause();
      this.output.onDrain(() => {
        this.waitingForDrain = false;
        this.stream.resume();
      });
    }
  }
}

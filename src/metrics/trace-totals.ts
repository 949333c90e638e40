/**
 * Service-wide event totals that never go down: the counters of running traces plus the final
 * counters of every trace that has ended. Read at scrape time from the traces' own counters, so
 * the per-event path does no extra work for metrics.
 */
import type { TraceCounters } from '../api/generated/sctrace/v1/TraceCounters';
import { TraceManager, type TraceRequest } from '../traces/manager';
import type { Trace } from '../traces/trace';

/** Event counters summed over traces. */
export interface EventTotals {
  received: number;
  delivered: number;
  lostKernel: number;
  /** Lost by subscriber streams that fell out of the retention window (where "subscriber"). */
  lostSubscriber: number;
  /** Announced to streams that started before the window (where "retention"). */
  lostRetention: number;
  decodeErrors: number;
}

/** What one scrape sees. */
export interface TracesSnapshot {
  totals: EventTotals;
  tracesStarted: number;
  /** The running traces with their counters now. */
  running: { trace: Trace; counters: EventTotals }[];
}

const ZERO: EventTotals = { received: 0, delivered: 0, lostKernel: 0, lostSubscriber: 0, lostRetention: 0, decodeErrors: 0 };

/**
 * The trace manager, also remembering each trace it started until its final counters are folded
 * into the totals. Ended traces are folded at the next scrape or the next start, whichever comes
 * first, so at most about maxTraces ended traces are held.
 */
export class MeteredTraceManager extends TraceManager {
  private readonly watched = new Set<Trace>();
  private ended: EventTotals = { ...ZERO };
  private started = 0;

  override async start(request: TraceRequest): Promise<Trace> {
    const trace = await super.start(request);
    this.started++;
    this.watched.add(trace);
    void this.foldEnded();
    return trace;
  }

  /** Totals over every trace so far and the running traces' own counters. */
  async snapshot(): Promise<TracesSnapshot> {
    await this.foldEnded();
    const totals = { ...this.ended };
    const running: TracesSnapshot['running'] = [];
    for (const trace of this.watched) {
      const counters = totalsOf(trace.counters(), trace);
      add(totals, counters);
      // One that stopped since the fold counts in the totals, but is no longer running.
      if (!trace.stopped) running.push({ trace, counters });
    }
    return { totals, tracesStarted: this.started, running };
  }

  /** Moves ended traces' final counters (stop() resolves to them, once) into `ended`. */
  private async foldEnded(): Promise<void> {
    for (const trace of [...this.watched]) {
      if (!trace.stopped) continue;
      const final = await trace.stop();
      if (!this.watched.delete(trace)) continue;
      add(this.ended, totalsOf(final, trace));
    }
  }
}

function totalsOf(c: TraceCounters, trace: Trace): EventTotals {
  const behind = trace.subscriberLosses();
  return {
    received: Number(c.events_received ?? 0),
    delivered: Number(c.events_delivered ?? 0),
    lostKernel: Number(c.lost_kernel ?? 0),
    lostSubscriber: behind.subscriber,
    lostRetention: behind.retention,
    decodeErrors: Number(c.decode_errors ?? 0),
  };
}

function add(into: EventTotals, from: EventTotals): void {
  into.received += from.received;
  into.delivered += from.delivered;
  into.lostKernel += from.lostKernel;
  into.lostSubscriber += from.lostSubscriber;
  into.lostRetention += from.lostRetention;
  into.decodeErrors += from.decodeErrors;
}

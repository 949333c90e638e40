/**
 * The running traces of this service: starts them on a backend, finds them by id, stops them,
 * and stops them all at shutdown. A stopped trace (other than by the idle timeout) stays
 * streamable for a short while (STOPPED_LINGER_MS), so a client whose connection dropped around
 * the stop can still resume and receive the end of it; its window's memory is kept that long
 * (and gives way first in the retention budget).
 */
import { randomBytes } from 'node:crypto';
import type { TraceCounters } from '../api/generated/sctrace/v1/TraceCounters';
import type { TraceSpec } from '../api/generated/sctrace/v1/TraceSpec';
import type { CaptureSpec } from '../backends/backend';
import type { BackendChoice, BackendSelector } from '../backends/select';
import type { Logger } from '../util/log';
import { TooManyTracesError, TraceNotFoundError } from './errors';
import type { RetentionBudget } from './retention-budget';
import type { SubscriberLimits } from './subscriber';
import { Trace } from './trace';

/** Settings of trace bookkeeping. */
export interface TraceManagerOptions {
  maxTraces: number;
  idleTimeoutMs: number;
  limits: SubscriberLimits;
  /** How long a stopped trace can still be streamed from its window; default STOPPED_LINGER_MS. */
  stoppedLingerMs?: number;
  /** The bound on all traces' retained bytes together (sctraced --retention-total-mb). */
  retentionBudget?: RetentionBudget;
  /** Most processes and threads a trace's process tree keeps (sctraced --tree-max-nodes). */
  treeMaxNodes?: number;
}

/** How long a stopped trace's window stays available to StreamEvents. */
export const STOPPED_LINGER_MS = 30_000;

/** A request to start a trace, already validated. */
export interface TraceRequest {
  /** The spec as the client sent it, with defaults filled in (shown by ListTraces). */
  spec: TraceSpec;
  capture: CaptureSpec;
  backend: BackendChoice;
  /** The identity that starts it (ListTraces shows it; access checks use it). */
  owner: string;
  /** Bytes of encoded events the trace retains. */
  retentionBytes: number;
}

/** Owns every Trace. */
export class TraceManager {
  private readonly traces = new Map<string, Trace>();
  /** Stopped traces whose windows can still be streamed, until their timer forgets them. */
  private readonly stopped = new Map<string, Trace>();
  /** Starts in flight, counted against maxTraces so concurrent starts cannot overshoot. */
  private starting = 0;
  private closed = false;

  constructor(
    private readonly selector: BackendSelector,
    private readonly options: TraceManagerOptions,
    private readonly log: Logger,
  ) {}

  /** Opens the capture session and registers the trace. Rejects with a typed error. */
  async start(request: TraceRequest): Promise<Trace> {
    if (this.closed) throw new Error('the service is shutting down');
    if (this.traces.size + this.starting >= this.options.maxTraces) throw new TooManyTracesError(this.options.maxTraces);
    const engine = this.selector.pick(request.backend);
    const id = randomBytes(6).toString('hex');
    // Every line about this trace, its own and the bookkeeping's, carries its id and its owner.
    const log = this.log.child('traces', { trace_id: id, identity: request.owner });
    const trace = new Trace({
      id,
      spec: request.spec,
      backend: engine.name,
      owner: request.owner,
      idleTimeoutMs: this.options.idleTimeoutMs,
      retentionBytes: request.retentionBytes,
      budget: this.options.retentionBudget,
      limits: this.options.limits,
      treeMaxNodes: this.options.treeMaxNodes,
      log,
      onEnded: (t) => {
        this.traces.delete(t.id);
        log.info(`trace ${t.id} stopped${lossSummary(t)}`);
        // Kept for the linger time while its window is there (streamable() asks).
        if (this.closed || t.stoppedIdle) return;
        this.stopped.set(t.id, t);
        setTimeout(() => {
          this.stopped.delete(t.id);
          t.release();
        }, this.options.stoppedLingerMs ?? STOPPED_LINGER_MS).unref();
      },
    });
    this.starting++;
    let detail: string | undefined;
    try {
      const session = await engine.open(request.capture, trace);
      detail = session.detail;
      trace.attach(session);
    } catch (err) {
      trace.release();
      throw err;
    } finally {
      this.starting--;
    }
    this.traces.set(trace.id, trace);
    const on = detail ? `${engine.name} (${detail})` : engine.name;
    log.info(`trace ${trace.id} started on ${on} for ${request.owner}: ${describe(request.spec)}`);
    if (this.closed) await trace.stop();
    return trace;
  }

  /** The running trace with this id; throws TraceNotFoundError. */
  get(id: string): Trace {
    const trace = this.traces.get(id);
    if (!trace || trace.stopped) throw new TraceNotFoundError(id);
    return trace;
  }

  /** A running trace, or a stopped one whose window is still available, to stream from. */
  streamable(id: string): Trace {
    const stopped = this.stopped.get(id);
    const trace = this.traces.get(id) ?? (stopped?.resumable ? stopped : undefined);
    if (!trace) throw new TraceNotFoundError(id);
    return trace;
  }

  /** Stops a trace and returns its final counters. */
  stop(id: string): Promise<TraceCounters> {
    return this.get(id).stop();
  }

  list(): Trace[] {
    return [...this.traces.values()];
  }

  /** Stops every trace (detaching every program). Used at shutdown. */
  async dispose(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.traces.values()].map((t) => t.stop()));
  }
}

/** ", lost in the kernel: budget 12, paused 3" when the trace lost events there. */
function lossSummary(trace: Trace): string {
  const causes = trace.captureStats()?.lostKernelCauses;
  if (!causes) return '';
  const parts = Object.entries(causes).filter(([, n]) => n > 0).map(([cause, n]) => `${cause} ${n}`);
  return parts.length ? `, lost in the kernel: ${parts.join(', ')}` : '';
}

function describe(spec: TraceSpec): string {
  const parts: string[] = [];
  if (spec.pids?.length) parts.push(`pids=${spec.pids.join(',')}${spec.follow_children ? ' +children' : ''}`);
  if (spec.syscalls?.length) parts.push(`syscalls=${spec.syscalls.join(',')}`);
  if (spec.comms?.length) parts.push(`comms=${spec.comms.join(',')}`);
  if (spec.uids?.length) parts.push(`uids=${spec.uids.join(',')}`);
  if (spec.cgroup_ids?.length) parts.push(`cgroups=${spec.cgroup_ids.join(',')}`);
  return parts.length ? parts.join(' ') : 'every process';
}

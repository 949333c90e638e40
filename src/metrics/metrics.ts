/**
 * The service's Prometheus metrics (prom-client). Values are read when /metrics is scraped: from
 * the trace manager's counters and the backends' availability, so nothing is added to the path
 * each event takes. Per-trace series carry a trace_id label only while that trace runs, so the
 * number of series is bounded by --max-traces.
 */
import os from 'node:os';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { BackendSelector } from '../backends/select';
import type { MeteredTraceManager } from './trace-totals';

/** Where an event was lost, as the `where` label says it. */
const LOSS_SITES = ['kernel', 'subscriber', 'retention', 'decode'] as const;

/** Build facts for sctrace_build_info. */
export interface BuildInfo {
  version: string;
}

/** The metrics of one service instance, in a registry of their own. */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly received: Counter;
  private readonly delivered: Counter;
  private readonly lost: Counter<'where'>;
  private readonly started: Counter;
  private readonly running: Gauge;
  private readonly subscribers: Gauge;
  private readonly backendAvailable: Gauge<'backend'>;
  private readonly traceReceived: Counter<'trace_id' | 'backend'>;
  private readonly traceDelivered: Counter<'trace_id' | 'backend'>;
  private readonly traceLost: Counter<'trace_id' | 'backend' | 'where'>;
  private readonly traceSubscribers: Gauge<'trace_id' | 'backend'>;
  private readonly ringFill: Gauge<'backend'>;
  private readonly ringPending: Gauge<'backend'>;
  private readonly ringSize: Gauge<'backend'>;

  constructor(
    private readonly traces: MeteredTraceManager,
    private readonly selector: BackendSelector,
    build: BuildInfo,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'sctrace_build_info',
      help: 'Always 1; the labels say which sctraced this is.',
      labelNames: ['version', 'node_version', 'kernel', 'arch'],
      registers,
    }).set({ version: build.version, node_version: process.version, kernel: os.release(), arch: process.arch }, 1);
    this.received = new Counter({ name: 'sctrace_events_received_total', help: 'Events received from the kernel side, over all traces.', registers });
    this.delivered = new Counter({
      name: 'sctrace_events_delivered_total',
      help: 'Events handed to subscriber streams, summed over subscribers and traces.',
      registers,
    });
    this.lost = new Counter({
      name: 'sctrace_events_lost_total',
      help: 'Events lost, by where: kernel (ring buffer full), subscriber (a stream fell out of its trace\'s retention window), retention (a stream started before the window), decode (undecodable records). Each is announced to subscribers as EventsLost.',
      labelNames: ['where'],
      registers,
    });
    this.started = new Counter({ name: 'sctrace_traces_started_total', help: 'Traces started.', registers });
    this.running = new Gauge({ name: 'sctrace_traces_running', help: 'Traces running now.', registers });
    this.subscribers = new Gauge({ name: 'sctrace_subscribers', help: 'StreamEvents subscribers attached now, over all traces.', registers });
    this.backendAvailable = new Gauge({
      name: 'sctrace_backend_available',
      help: 'Whether a capture backend can run traces here (1) or not (0); GetCapabilities says why not.',
      labelNames: ['backend'],
      registers,
    });
    const perTrace = ['trace_id', 'backend'] as const;
    this.traceReceived = new Counter({
      name: 'sctrace_trace_events_received_total',
      help: 'Events received by one running trace (the series ends with the trace).',
      labelNames: perTrace,
      registers,
    });
    this.traceDelivered = new Counter({
      name: 'sctrace_trace_events_delivered_total',
      help: 'Events one running trace handed to its subscribers.',
      labelNames: perTrace,
      registers,
    });
    this.traceLost = new Counter({
      name: 'sctrace_trace_events_lost_total',
      help: 'Events one running trace lost, by where.',
      labelNames: [...perTrace, 'where'],
      registers,
    });
    this.traceSubscribers = new Gauge({
      name: 'sctrace_trace_subscribers',
      help: 'Subscribers of one running trace.',
      labelNames: perTrace,
      registers,
    });
    this.ringPending = new Gauge({
      name: 'sctrace_ring_pending_bytes',
      help: 'Bytes the kernel side has put in a backend\'s ring (shared by its traces) that sctraced has not read yet; present while the backend runs traces.',
      labelNames: ['backend'],
      registers,
    });
    this.ringSize = new Gauge({ name: 'sctrace_ring_size_bytes', help: 'Size of a backend\'s ring (sctraced --ring-mb), while it runs traces.', labelNames: ['backend'], registers });
    this.ringFill = new Gauge({
      name: 'sctrace_ring_fill_ratio',
      help: 'sctrace_ring_pending_bytes / sctrace_ring_size_bytes: near 1 the kernel side drops events (counted in sctrace_events_lost_total{where="kernel"}).',
      labelNames: ['backend'],
      registers,
    });
  }

  /** The exposition text of every metric, read now. */
  async render(): Promise<string> {
    await this.update();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Sets every value from the trace manager and the backends. */
  private async update(): Promise<void> {
    const snapshot = await this.traces.snapshot();
    const { totals } = snapshot;
    setCounter(this.received, {}, totals.received);
    setCounter(this.delivered, {}, totals.delivered);
    setCounter(this.lost, { where: 'kernel' }, totals.lostKernel);
    setCounter(this.lost, { where: 'subscriber' }, totals.lostSubscriber);
    setCounter(this.lost, { where: 'retention' }, totals.lostRetention);
    setCounter(this.lost, { where: 'decode' }, totals.decodeErrors);
    setCounter(this.started, {}, snapshot.tracesStarted);
    this.running.set(snapshot.running.length);

    // Series of ended traces go away here: each scrape starts the per-trace metrics afresh.
    for (const m of [this.traceReceived, this.traceDelivered, this.traceLost, this.traceSubscribers]) m.reset();
    let subscribers = 0;
    for (const { trace, counters } of snapshot.running) {
      const labels = { trace_id: trace.id, backend: trace.backend };
      subscribers += trace.subscriberCount;
      this.traceSubscribers.set(labels, trace.subscriberCount);
      setCounter(this.traceReceived, labels, counters.received);
      setCounter(this.traceDelivered, labels, counters.delivered);
      const lost: Record<(typeof LOSS_SITES)[number], number> = {
        kernel: counters.lostKernel,
        subscriber: counters.lostSubscriber,
        retention: counters.lostRetention,
        decode: counters.decodeErrors,
      };
      for (const where of LOSS_SITES) setCounter(this.traceLost, { ...labels, where }, lost[where]);
    }
    this.subscribers.set(subscribers);
    for (const c of this.selector.capabilities()) this.backendAvailable.set({ backend: c.name }, c.available ? 1 : 0);
    // A backend's ring exists while it runs traces: its series come and go with it.
    for (const m of [this.ringFill, this.ringPending, this.ringSize]) m.reset();
    for (const { name, fill } of this.selector.ringFills()) {
      this.ringPending.set({ backend: name }, fill.pendingBytes);
      this.ringSize.set({ backend: name }, fill.sizeBytes);
      this.ringFill.set({ backend: name }, fill.sizeBytes > 0 ? fill.pendingBytes / fill.sizeBytes : 0);
    }
  }
}

/**
 * A prom-client Counter only goes up by inc(); the value read from the trace manager is already
 * a running total, so the counter is reset and set to it. It never goes down, since the totals
 * keep ended traces' counts.
 */
function setCounter<L extends string>(counter: Counter<L>, labels: Partial<Record<L, string>>, value: number): void {
  counter.remove(labels);
  counter.inc(labels, value);
}

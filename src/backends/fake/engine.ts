/**
 * A capture engine driven by the test that owns it: no kernel, events injected by hand. For unit
 * tests of the server core only; the service never registers it.
 */
import type { Event } from '../../api/generated/sctrace/v1/Event';
import type { Availability, BackendName, CaptureEngine, CaptureSession, CaptureSink, CaptureSpec, CaptureStats, LossSite, RingFill } from '../backend';

/** One open fake session, controllable by the test. */
export class FakeSession implements CaptureSession {
  closed = false;
  private received = 0;
  private lostKernel = 0;

  constructor(
    readonly spec: CaptureSpec,
    private readonly sink: CaptureSink,
  ) {}

  /** Delivers `batch` as the kernel side would. */
  emit(batch: Event[]): void {
    if (this.closed) throw new Error('fake session is closed');
    this.received += batch.length;
    this.sink.events(batch);
  }

  /** Reports a loss. */
  lose(count: number, site: LossSite = 'kernel'): void {
    if (site === 'kernel') this.lostKernel += count;
    this.sink.lost(count, site);
  }

  /** Fails the session like a corrupt record would. */
  fail(error: Error): void {
    this.closed = true;
    this.sink.failed(error);
  }

  stats(): CaptureStats {
    return { received: this.received, lostKernel: this.lostKernel, decodeErrors: 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** An engine whose sessions the test drives. */
export class FakeEngine implements CaptureEngine {
  readonly sessions: FakeSession[] = [];
  /** What ringFill() reports; set by the test (undefined: no ring loaded). */
  fill: RingFill | undefined;

  constructor(
    readonly name: BackendName = 'ebpf',
    private readonly availabilityValue: Availability = { available: true, reason: '' },
  ) {}

  availability(): Availability {
    return this.availabilityValue;
  }

  ringFill(): RingFill | undefined {
    return this.fill;
  }

  async open(spec: CaptureSpec, sink: CaptureSink): Promise<CaptureSession> {
    const session = new FakeSession(spec, sink);
    this.sessions.push(session);
    return session;
  }
}

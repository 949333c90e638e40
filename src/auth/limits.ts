/**
 * The service's limits on what one client can take: requests per second per identity, traces
 * per identity, streams per connection (and, in the trace and spec code, subscribers per trace
 * and capture sizes). Each refusal is a LimitExceededError, RESOURCE_EXHAUSTED to the client,
 * whose message names the limit and the flag that sets it.
 */

/** A limit was reached: RESOURCE_EXHAUSTED. */
export class LimitExceededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LimitExceededError';
  }
}

/** The configurable limits (flags in src/config/config.ts). */
export interface AccessLimits {
  /** Requests per second per identity (a token bucket of that many, refilled continuously). */
  rateLimit: number;
  maxTracesPerIdentity: number;
  maxStreamsPerConnection: number;
  maxSubscribers: number;
}

/** A token bucket per identity: `rate` requests, refilled at `rate` per second. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one request from `identity`'s bucket; throws when it is empty. */
  take(identity: string): void {
    const now = this.now();
    const bucket = this.buckets.get(identity) ?? { tokens: this.rate, at: now };
    bucket.tokens = Math.min(this.rate, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    this.buckets.set(identity, bucket);
    if (bucket.tokens < 1) {
      throw new LimitExceededError(`identity ${identity} sent more than ${this.rate} requests per second (sctraced --rate-limit); retry later`);
    }
    bucket.tokens -= 1;
  }
}

/**
 * Open streams per connection. A connection is its HTTP/2 session object (counts go with it when
 * it is collected) or, where that cannot be found, its peer address (counts removed at zero).
 */
export class StreamCounter {
  private readonly bySession = new WeakMap<object, number>();
  private readonly byPeer = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts a new stream on `connection`; returns its release function, or throws at the limit. */
  admit(connection: object | string): () => void {
    const n = this.get(connection);
    if (n >= this.max) {
      throw new LimitExceededError(`this connection already has ${n} open streams, the most one connection may (sctraced --max-streams-per-connection); end one or open another connection`);
    }
    this.set(connection, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.set(connection, this.get(connection) - 1);
    };
  }

  private get(connection: object | string): number {
    return (typeof connection === 'string' ? this.byPeer.get(connection) : this.bySession.get(connection)) ?? 0;
  }

  private set(connection: object | string, n: number): void {
    if (typeof connection !== 'string') this.bySession.set(connection, n);
    else if (n > 0) this.byPeer.set(connection, n);
    else this.byPeer.delete(connection);
  }
}

/** Traces per identity, counting starts still in flight so concurrent StartTraces cannot overshoot. */
export class TraceQuota {
  private readonly starting = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Reserves a start for `identity`, which runs `running` traces now; returns the release function. */
  reserve(identity: string, running: number): () => void {
    const pending = this.starting.get(identity) ?? 0;
    if (running + pending >= this.max) {
      throw new LimitExceededError(`identity ${identity} already runs ${running + pending} traces, the most one identity may (sctraced --max-traces-per-identity); stop one first`);
    }
    this.starting.set(identity, pending + 1);
    return () => {
      const left = (this.starting.get(identity) ?? 1) - 1;
      if (left > 0) this.starting.set(identity, left);
      else this.starting.delete(identity);
    };
  }
}

/**
 * The HTTP/2 session a call arrived on, for counting streams per connection. grpc-js does not
 * expose it; the first interceptor's call object holds the stream (test/unit/limits.test.ts
 * checks that this still finds it, so a grpc-js upgrade that moves it fails a test). Undefined
 * when it cannot be found: the caller then falls back to the peer address.
 */
export function connectionOf(call: unknown): object | undefined {
  const session = (call as { stream?: { session?: unknown } }).stream?.session;
  return typeof session === 'object' && session !== null ? session : undefined;
}

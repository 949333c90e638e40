/**
 * Publishes a trace's events into NATS JetStream with the NATS project's own clients.
 *
 * Layout on the bus (part of the contract: consumers script against it):
 * - stream `SCTRACE` by default, created when missing, subjects `sctrace.events.>`, file storage;
 * - subject `sctrace.events.<node>.<trace_id>` (a node name's `.`, `*`, `>` and blanks become `_`,
 *   since they would split or wildcard the subject);
 * - each message is one serialized `sctrace.v1.StreamEventsResponse`: a batch of the trace's
 *   events in sequence order, EventsLost notices included as the events they are;
 * - header `Nats-Msg-Id: <node>/<trace_id>/<first sequence>`, so a publish retried after a lost
 *   acknowledgement is stored once (JetStream drops duplicates within the stream's window).
 *
 * Publishes go one at a time, each retried until acknowledged: a batch is never stored ahead of
 * the one before it, and while one is in flight the next one gathers whatever arrives meanwhile,
 * so batches grow with the rate instead of the number of round trips.
 */
import { connect } from '@nats-io/transport-node';
import { ConnectionError, NoRespondersError, RequestError, TimeoutError, type NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { tracerPackageDefinition } from '../../src/api/proto';
import { forEachEvent } from '../../src/api/wire/walk';
import type { StreamEventsResponse__Output } from '../../src/api/generated/sctrace/v1/StreamEventsResponse';

export const DEFAULT_STREAM = 'SCTRACE';
export const SUBJECT_ROOT = 'sctrace.events';

/** JetStream API error codes this module acts on. */
const STREAM_NOT_FOUND = 10059;

/** A subject token made of `name`. */
export function subjectToken(name: string): string {
  return name.replace(/[.*>\s]/g, '_') || '_';
}

/** The subject of one trace of one node. */
export function traceSubject(node: string, traceId: string): string {
  return `${SUBJECT_ROOT}.${subjectToken(node)}.${subjectToken(traceId)}`;
}

/** Decodes one message of the stream (a StreamEventsResponse), for consumers. */
export function decodeBatch(data: Uint8Array): StreamEventsResponse__Output {
  const method = (tracerPackageDefinition()['sctrace.v1.Tracer'] as unknown as Record<string, { responseDeserialize(b: Buffer): unknown }>)
    .StreamEvents;
  return method.responseDeserialize(Buffer.from(data.buffer, data.byteOffset, data.byteLength)) as StreamEventsResponse__Output;
}

/** Where to publish, and as whom. */
export interface JetStreamTarget {
  /** nats://HOST:PORT (several, comma-separated, for a cluster). */
  servers: string;
  stream: string;
  node: string;
  traceId: string;
  /** Progress and outage lines (stderr in the CLI). */
  log: (line: string) => void;
}

/** One batch ready to publish: serialized StreamEventsResponse and its sequence range. */
export interface EncodedBatch {
  bytes: Uint8Array;
  first: number;
  last: number;
  count: number;
}

/** A connection to JetStream publishing one trace's subject. */
export class JetStreamPublisher {
  readonly subject: string;
  private outage: string | undefined;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly target: JetStreamTarget,
  ) {
    this.subject = traceSubject(target.node, target.traceId);
  }

  /** Connects (reconnecting for ever), and creates the stream if it is missing. */
  static async open(target: JetStreamTarget): Promise<JetStreamPublisher> {
    const nc = await connect({
      servers: target.servers.split(',').map((s) => s.trim()),
      name: `sctrace export ${target.node}/${target.traceId}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      waitOnFirstConnect: false,
    }).catch((err: Error) => {
      throw new Error(`NATS at ${target.servers}: ${err.message}`);
    });
    const jsm = await jetstreamManager(nc).catch((err: Error) => {
      throw new Error(`NATS at ${target.servers}: JetStream is not available (${err.message}); start nats-server with -js`);
    });
    const publisher = new JetStreamPublisher(nc, jetstream(nc), jsm, target);
    await publisher.ensureStream();
    return publisher;
  }

  /** Largest message the server takes, bytes. */
  get maxPayload(): number {
    return this.nc.info?.max_payload ?? 1 << 20;
  }

  /** The highest event sequence of this trace already in the stream; 0 when none is. */
  async lastSequence(): Promise<number> {
    const stored = await this.retrying('reading the last exported batch', () =>
      this.jsm.streams.getMessage(this.target.stream, { last_by_subj: this.subject }),
    );
    let last = 0;
    if (stored) forEachEvent(stored.data, (e) => (last = e.sequence));
    return last;
  }

  /** Publishes `batch`, retrying until the stream acknowledged it; true if it was a duplicate. */
  async publish(batch: EncodedBatch): Promise<boolean> {
    const msgID = `${this.target.node}/${this.target.traceId}/${batch.first}`;
    const ack = await this.retrying(`publishing events ${batch.first}..${batch.last}`, () =>
      this.js.publish(this.subject, batch.bytes, { msgID, timeout: 5000 }),
    );
    return ack.duplicate;
  }

  /** Flushes and closes the connection. */
  async close(): Promise<void> {
    await this.nc.drain().catch(() => this.nc.close());
  }

  private async ensureStream(): Promise<void> {
    const { stream } = this.target;
    try {
      const info = await this.jsm.streams.info(stream);
      const subjects = info.config.subjects ?? [];
      if (!subjects.some((s) => s === `${SUBJECT_ROOT}.>` || s === this.subject)) {
        throw new Error(`JetStream stream ${stream} exists with subjects ${JSON.stringify(subjects)}, which do not hold ${this.subject}; add ${SUBJECT_ROOT}.> to it or use --stream`);
      }
    } catch (err) {
      if (!(err instanceof JetStreamApiError) || err.code !== STREAM_NOT_FOUND) throw err;
      await this.jsm.streams.add({ name: stream, subjects: [`${SUBJECT_ROOT}.>`] });
      this.target.log(`created JetStream stream ${stream} (subjects ${SUBJECT_ROOT}.>)`);
    }
  }

  /**
   * Runs `op` until it succeeds. Connection loss, timeouts and a stream without a leader (while
   * nats-server restarts) are waited out, logged once per outage; API errors that retrying cannot
   * fix (a message over the size limit, no such stream) are thrown.
   */
  private async retrying<T>(what: string, op: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await op();
        if (this.outage) this.target.log(`NATS is back; ${what} went through`);
        this.outage = undefined;
        return result;
      } catch (err) {
        if (!transient(err)) throw new Error(`${what}: ${(err as Error).message}`);
        if (!this.outage) this.target.log(`NATS unavailable while ${what} (${(err as Error).message}); retrying`);
        this.outage = (err as Error).message;
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** Math.min(attempt, 5))));
      }
    }
  }
}

/**
 * Whether an error is one of NATS being away for a while, not of the request being wrong. A
 * server without JetStream is refused before any of this (ensureStream does not retry), so "not
 * enabled" here is a restarted server whose JetStream is not answering yet.
 */
function transient(err: unknown): boolean {
  // 10008: JetStream temporarily unavailable (no stream leader yet after a restart).
  if (err instanceof JetStreamApiError) return err.code === 10008 || err.status === 503;
  // The client's "jetstream is not enabled" wraps the request's no-responders error.
  if (err instanceof Error && err.cause instanceof RequestError && err.cause.isNoResponders()) return true;
  return err instanceof TimeoutError || err instanceof NoRespondersError || err instanceof RequestError || err instanceof ConnectionError;
}

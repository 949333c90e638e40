/**
 * Events on the wire. A StreamEventsResponse is `repeated Event events = 1`, so its bytes are the
 * concatenation of its events, each framed as tag 0x0a, length, Event. The trace encodes each
 * event once into that framed form; every subscriber then sends slices of the same bytes, and the
 * StreamEvents serializer passes such Buffers through untouched (see tracer-service.ts).
 */
import type { PackageDefinition } from '@grpc/proto-loader';
import type { Event } from '../generated/sctrace/v1/Event';
import type { StreamEventsResponse } from '../generated/sctrace/v1/StreamEventsResponse';
import { tracerPackageDefinition } from '../proto';
import { compileEncoders, type EncodeFn } from './compile';
import { readSchemas } from './descriptor';
import { ProtoWriter } from './writer';

/** Framed events in one buffer; event i is bytes[ends[i-1] (or 0) .. ends[i]). */
export interface EncodedEvents {
  bytes: Buffer;
  ends: Uint32Array;
}

/** Where encodeEvents puts its result instead of fresh buffers (e.g. a trace's slab memory). */
export interface EncodedEventsStore {
  /** Room for `bytes` bytes of events and `events` end offsets. */
  allocate(bytes: number, events: number): EncodedEvents;
}

const EVENT = 'sctrace.v1.Event';
const RESPONSE = 'sctrace.v1.StreamEventsResponse';
/** Memoized: the record decoder hands consecutive events of a thread one frozen Task (records.ts). */
const TASK = 'sctrace.v1.Task';
/** Tag of StreamEventsResponse.events (field 1, length-delimited). */
const EVENTS_TAG = 0x0a;

/** Encodes events and StreamEventsResponse messages. Not reentrant: one writer is reused. */
export class EventEncoder {
  private readonly w = new ProtoWriter(1 << 20);
  /** End offsets of the events being encoded, reused. */
  private ends = new Uint32Array(4096);
  private readonly event: EncodeFn;
  private readonly response: EncodeFn;

  constructor(definition: PackageDefinition = tracerPackageDefinition()) {
    const files = (definition[EVENT] as { fileDescriptorProtos?: Buffer[] }).fileDescriptorProtos;
    if (!files) throw new Error(`encoder: the package definition has no descriptors for ${EVENT}`);
    const encoders = compileEncoders(readSchemas(files), [RESPONSE], [TASK]);
    this.event = encoders.get(EVENT)!;
    this.response = encoders.get(RESPONSE)!;
  }

  /**
   * Frames each event as a StreamEventsResponse field, all in one buffer (from `store` if given).
   * With `maxBytes`, only events[from..next) are encoded, as many as fit in about that many bytes
   * (at least one, however large): `next` says where the next run starts.
   */
  encodeEvents(events: readonly Event[], store?: EncodedEventsStore, from = 0, maxBytes = Infinity): EncodedEvents & { next: number } {
    const w = this.w;
    w.reset();
    if (this.ends.length < events.length - from) this.ends = new Uint32Array(Math.max(events.length - from, this.ends.length * 2));
    const ends = this.ends;
    let n = 0;
    let i = from;
    for (; i < events.length; i++) {
      const start = w.pos;
      w.byte(EVENTS_TAG);
      const mark = w.reserve();
      this.event(events[i], w);
      w.finish(mark);
      if (w.pos > maxBytes && n > 0) {
        w.pos = start;
        break;
      }
      ends[n++] = w.pos;
    }
    let out: EncodedEvents;
    if (store) {
      out = store.allocate(w.pos, n);
      w.buf.copy(out.bytes, 0, 0, w.pos);
      out.ends.set(ends.subarray(0, n));
    } else {
      out = { bytes: w.copy(), ends: ends.slice(0, n) };
    }
    this.shrink();
    return Object.assign(out, { next: i });
  }

  /** One StreamEventsResponse from its object form. */
  encodeResponse(message: StreamEventsResponse): Buffer {
    this.w.reset();
    this.response(message, this.w);
    const bytes = this.w.copy();
    this.shrink();
    return bytes;
  }

  /** Drops a buffer grown by an unusually large batch, so one burst does not pin memory. */
  private shrink(): void {
    if (this.w.buf.length > 16 << 20) this.w.buf = Buffer.allocUnsafe(1 << 20);
  }
}

let shared: EventEncoder | undefined;

/** The process's encoder for tracer.proto as loaded by tracerPackageDefinition(). */
export function eventEncoder(): EventEncoder {
  shared ??= new EventEncoder();
  return shared;
}

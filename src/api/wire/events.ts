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

const EVENT = 'sctrace.v1.Event';
const RESPONSE = 'sctrace.v1.StreamEventsResponse';
/** Tag of StreamEventsResponse.events (field 1, length-delimited). */
const EVENTS_TAG = 0x0a;

/** Encodes events and StreamEventsResponse messages. Not reentrant: one writer is reused. */
export class EventEncoder {
  private readonly w = new ProtoWriter(1 << 20);
  private readonly event: EncodeFn;
  private readonly response: EncodeFn;

  constructor(definition: PackageDefinition = tracerPackageDefinition()) {
    const files = (definition[EVENT] as { fileDescriptorProtos?: Buffer[] }).fileDescriptorProtos;
    if (!files) throw new Error(`encoder: the package definition has no descriptors for ${EVENT}`);
    const encoders = compileEncoders(readSchemas(files), [RESPONSE]);
    this.event = encoders.get(EVENT)!;
    this.response = encoders.get(RESPONSE)!;
  }

  /** Frames each event as a StreamEventsResponse field, all in one buffer. */
  encodeEvents(events: readonly Event[]): EncodedEvents {
    const w = this.w;
    w.reset();
    const ends = new Uint32Array(events.length);
    for (let i = 0; i < events.length; i++) {
      w.byte(EVENTS_TAG);
      const mark = w.reserve();
      this.event(events[i], w);
      w.finish(mark);
      ends[i] = w.pos;
    }
    const bytes = w.copy();
    this.shrink();
    return { bytes, ends };
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

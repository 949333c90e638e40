/**
 * The bench client's StreamEvents call with its messages left as bytes (one serialized
 * StreamEventsResponse each), for counting them from the wire (wire.ts) instead of decoding.
 */
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { tracerPackageDefinition } from '../../src/api/proto';
import type { StreamEventsRequest } from '../../src/api/generated/sctrace/v1/StreamEventsRequest';

const STREAM_PATH = '/sctrace.v1.Tracer/StreamEvents';

/**
 * Channel options for a stream that should keep up with the service: grpc-js clients advertise a
 * 64 KiB HTTP/2 window by default, which caps a stream at one window per round trip of both event
 * loops (the bench measured 750k events/s against more than 875k with 16 MiB).
 */
export const STREAMING_OPTIONS: grpc.ClientOptions = { 'grpc.max_receive_message_length': 64 << 20, 'grpc-node.flow_control_window': 16 << 20 };

/** A channel for byte streams; `base` carries credentials' options (interceptors). */
export function streamingClient(address: string, credentials: grpc.ChannelCredentials, base: grpc.ClientOptions = {}): grpc.Client {
  return new grpc.Client(address, credentials, { ...base, ...STREAMING_OPTIONS });
}

/** Opens StreamEvents on `client`; each 'data' is a Buffer holding one StreamEventsResponse. */
export function streamEventBytes(client: grpc.Client, request: StreamEventsRequest): grpc.ClientReadableStream<Buffer> {
  const method = (tracerPackageDefinition()['sctrace.v1.Tracer'] as Record<string, MethodDefinition<object, object>>).StreamEvents;
  return client.makeServerStreamRequest<StreamEventsRequest, Buffer>(STREAM_PATH, (req) => method.requestSerialize(req), (bytes) => bytes, request);
}

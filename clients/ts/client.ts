/**
 * A connection to one sctraced: the unary calls as promises, and StreamEvents as a resumable
 * subscription (subscription.ts) or an async iterator of typed events (events.ts), decoded by the
 * compiled decoder (decoder.ts). Types are those generated from tracer.proto
 * (src/api/generated): 64-bit integers are decimal strings, as proto-loader gives them.
 */
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { tracerPackageDefinition } from '../../src/api/proto';
import type { GetCapabilitiesResponse__Output } from '../../src/api/generated/sctrace/v1/GetCapabilitiesResponse';
import type { GetProcessTreeResponse__Output } from '../../src/api/generated/sctrace/v1/GetProcessTreeResponse';
import type { ListTracesResponse__Output } from '../../src/api/generated/sctrace/v1/ListTracesResponse';
import type { StartTraceResponse__Output } from '../../src/api/generated/sctrace/v1/StartTraceResponse';
import type { StopTraceResponse__Output } from '../../src/api/generated/sctrace/v1/StopTraceResponse';
import type { StreamEventsResponse__Output } from '../../src/api/generated/sctrace/v1/StreamEventsResponse';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
import { decodersFromDescriptors, type DecodeFn } from './decoder';
import { RpcError, connectionHint, type FailureCause, type FailureHint } from './errors';
import { RunOpener, TraceEvents } from './events';
import { EventSubscription, type StreamOpener, type SubscribeOptions } from './subscription';

/** TLS material as PEM (file contents, not paths). */
export interface TlsOptions {
  /** CA certificate(s) the server's certificate must chain to; default: the system's roots. */
  ca?: Buffer | string;
  /** Client certificate and key, for servers that require them (mutual TLS). */
  cert?: Buffer | string;
  key?: Buffer | string;
  /** Name to check the server's certificate against, when it differs from the address's host. */
  serverName?: string;
}

export interface ConnectOptions {
  /** Connect with TLS (TCP addresses). Without it, and without `credentials`, the channel is plaintext. */
  tls?: TlsOptions;
  /** Channel credentials made elsewhere; replaces `tls`. */
  credentials?: grpc.ChannelCredentials;
  /** Sent as `authorization: Bearer TOKEN` with every call. */
  token?: string;
  /** Deadline of the unary calls, ms (default 60000: StartTrace may load BPF programs for seconds). */
  unaryTimeoutMs?: number;
  /** More grpc-js client options (channel options, interceptors); they override the defaults below. */
  channelOptions?: grpc.ClientOptions;
  /** Advice attached to failed calls (RpcError.hint); default: connectionHint. */
  hint?: FailureHint;
}

/**
 * grpc-js advertises a 64 KiB HTTP/2 window by default, which caps a stream at one window per
 * round trip of both event loops; a streaming consumer needs more (grpc-go and grpcio tune it).
 * A connection of its own per client (not shared with other clients of the process), so one
 * that is replaced after a stall (renew()) is this client's only; keepalive pings find a dead
 * connection that no call is waiting on.
 */
const CHANNEL_DEFAULTS: grpc.ChannelOptions = {
  'grpc-node.flow_control_window': 16 << 20,
  'grpc.max_receive_message_length': 64 << 20,
  'grpc.use_local_subchannel_pool': 1,
  'grpc.keepalive_time_ms': 20_000,
  'grpc.keepalive_timeout_ms': 10_000,
};

const SERVICE = 'sctrace.v1.Tracer';
const RESPONSE = 'sctrace.v1.StreamEventsResponse';
const EVENT = 'sctrace.v1.Event';

let decoders: Map<string, DecodeFn> | undefined;

function compiledDecoders(): Map<string, DecodeFn> {
  if (!decoders) {
    const files = (tracerPackageDefinition()[EVENT] as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos;
    decoders = decodersFromDescriptors(files, [RESPONSE, EVENT]);
  }
  return decoders;
}

/** Decodes a serialized StreamEventsResponse (e.g. bytes relayed from a stream elsewhere). */
export function decodeStreamEventsResponse(bytes: Uint8Array): StreamEventsResponse__Output {
  return compiledDecoders().get(RESPONSE)!(bytes) as StreamEventsResponse__Output;
}

/** `unix:/path` for a bare absolute path; other addresses as grpc-js takes them. */
export function normalizeAddress(address: string): string {
  return address.startsWith('/') ? `unix:${address}` : address;
}

/** Connects to the sctraced at `address` (unix:/path, /path or host:port). */
export function connect(address: string, options: ConnectOptions = {}): SctraceClient {
  return new SctraceClient(address, options);
}

export interface EventsOptions extends SubscribeOptions {
  /** Events buffered before the stream is paused (default 16384). */
  highWaterMark?: number;
}

export class SctraceClient implements StreamOpener {
  readonly address: string;
  private client: grpc.Client;
  private readonly makeChannel: () => grpc.Client;
  private readonly methods: Record<string, MethodDefinition<object, object>>;
  private readonly decodeResponseFn: DecodeFn;
  private readonly unaryTimeoutMs: number;
  private readonly token: string | undefined;
  private readonly hint: FailureHint;

  constructor(address: string, options: ConnectOptions = {}) {
    this.address = normalizeAddress(address);
    const channelOptions: grpc.ClientOptions = { ...CHANNEL_DEFAULTS, ...options.channelOptions };
    if (options.tls?.serverName) {
      channelOptions['grpc.ssl_target_name_override'] = options.tls.serverName;
      channelOptions['grpc.default_authority'] = options.tls.serverName;
    }
    const credentials = credentialsFor(options);
    this.makeChannel = () => new grpc.Client(this.address, credentials, channelOptions);
    this.client = this.makeChannel();
    this.methods = tracerPackageDefinition()[SERVICE] as Record<string, MethodDefinition<object, object>>;
    this.decodeResponseFn = compiledDecoders().get(RESPONSE)!;
    this.unaryTimeoutMs = options.unaryTimeoutMs ?? 60_000;
    this.token = options.token;
    this.hint = options.hint ?? connectionHint;
  }

  /** An RpcError of `rpc` on this connection, with this connection's advice. */
  rpcError(rpc: string, cause: FailureCause): RpcError {
    return new RpcError(rpc, this.address, cause, this.hint);
  }

  /** StartTrace: validates the spec on the server and starts recording. */
  startTrace(spec: TraceSpec): Promise<StartTraceResponse__Output> {
    return this.unary('StartTrace', { spec });
  }

  /** StopTrace: detaches the trace; its final counters come back. */
  stopTrace(traceId: string): Promise<StopTraceResponse__Output> {
    return this.unary('StopTrace', { trace_id: traceId });
  }

  /** ListTraces: every running trace of this node. */
  listTraces(): Promise<ListTracesResponse__Output> {
    return this.unary('ListTraces', {});
  }

  /**
   * GetProcessTree: the processes and threads a trace has seen (from its process and thread
   * events), each with its parent, exec filename, threads and exit; at most sctraced
   * --tree-max-nodes of them, the rest counted in dropped_nodes.
   */
  getProcessTree(traceId: string): Promise<GetProcessTreeResponse__Output> {
    return this.unary('GetProcessTree', { trace_id: traceId });
  }

  /** GetCapabilities: which backends this node can use, and its name. */
  getCapabilities(): Promise<GetCapabilitiesResponse__Output> {
    return this.unary('GetCapabilities', {});
  }

  /** A trace's events, resumed across disconnects, as an event stream (see EventSubscription). */
  subscribe(traceId: string, options: SubscribeOptions = {}): EventSubscription {
    return new EventSubscription(this, traceId, options);
  }

  /**
   * A trace's events as an async iterator: every event once, in order, across reconnects;
   * leaving the loop cancels the stream. It throws an RpcError when the trace is gone (NOT_FOUND)
   * or failed (ABORTED), when the server refuses the stream, or when reconnecting gave up.
   */
  events(traceId: string, options: EventsOptions = {}): TraceEvents {
    const opener = new RunOpener(this, this.decodeResponseFn);
    return new TraceEvents(new EventSubscription(opener, traceId, options), opener, options.highWaterMark);
  }

  /** Closes the channel; calls in flight fail with CANCELLED or UNAVAILABLE. */
  close(): void {
    this.client.close();
  }

  /**
   * Replaces the channel, so the next calls open a new connection: a subscription does it when
   * its stream went silent, since the silent connection may look alive to grpc-js for a while.
   * Calls already running on the old channel go on.
   */
  renew(): void {
    const old = this.client;
    this.client = this.makeChannel();
    old.close();
  }

  openStream(traceId: string, fromSequence: number): grpc.ClientReadableStream<Buffer> {
    const method = this.methods.StreamEvents;
    return this.client.makeServerStreamRequest<object, Buffer>(
      method.path,
      (request) => method.requestSerialize(request),
      (bytes) => bytes,
      { trace_id: traceId, from_sequence: fromSequence },
      this.metadata(),
    );
  }

  decodeResponse(bytes: Buffer): StreamEventsResponse__Output {
    return this.decodeResponseFn(bytes) as StreamEventsResponse__Output;
  }

  private metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    if (this.token !== undefined) metadata.set('authorization', `Bearer ${this.token}`);
    return metadata;
  }

  private unary<T>(rpc: string, request: object): Promise<T> {
    const method = this.methods[rpc];
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest<object, T>(
        method.path,
        (value) => method.requestSerialize(value),
        (bytes) => method.responseDeserialize(bytes) as T,
        request,
        this.metadata(),
        { deadline: Date.now() + this.unaryTimeoutMs },
        (err, response) => {
          if (err) reject(this.rpcError(rpc, err));
          else if (response === undefined) reject(this.rpcError(rpc, { code: grpc.status.INTERNAL, details: 'the server sent no response', message: '' }));
          else resolve(response);
        },
      );
    });
  }
}

function credentialsFor(options: ConnectOptions): grpc.ChannelCredentials {
  if (options.credentials) return options.credentials;
  const tls = options.tls;
  if (!tls) return grpc.credentials.createInsecure();
  const pem = (v: Buffer | string | undefined) => (v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(v));
  return grpc.credentials.createSsl(pem(tls.ca), pem(tls.key), pem(tls.cert));
}

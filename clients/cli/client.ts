/**
 * The one connection every command uses: finds the server address, loads the proto at run time
 * (the generated files are types only) and wraps the unary calls in promises whose errors carry
 * the RPC name, the gRPC status and a hint for the usual "is the service running?" failure.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/api/generated/tracer';
import type { TracerClient } from '../../src/api/generated/sctrace/v1/Tracer';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
import type { StartTraceResponse__Output } from '../../src/api/generated/sctrace/v1/StartTraceResponse';
import type { StopTraceResponse__Output } from '../../src/api/generated/sctrace/v1/StopTraceResponse';
import type { ListTracesResponse__Output } from '../../src/api/generated/sctrace/v1/ListTracesResponse';
import type { GetCapabilitiesResponse__Output } from '../../src/api/generated/sctrace/v1/GetCapabilitiesResponse';
import type { StreamEventsResponse__Output } from '../../src/api/generated/sctrace/v1/StreamEventsResponse';
import { CliError, UsageError } from './command';
import { channelSecurity, credentialHint, type ChannelSecurity, type CredentialOptions } from './credentials';

/** Where sctraced listens unless told otherwise. */
export const DEFAULT_SERVER = 'unix:/run/sctrace/sctrace.sock';

/** Environment variable that overrides DEFAULT_SERVER (and is overridden by --server). */
export const SERVER_ENV = 'SCTRACE_SERVER';

/**
 * proto-loader options matching `npm run gen:proto`, so runtime objects have the generated
 * `__Output` shapes: field names as in the proto, 64-bit numbers and enums as strings, defaults
 * filled in, and the name of the set oneof member in `kind`/`value`.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** Unary calls give up after this long; StartTrace may need a few seconds to load BPF programs. */
const UNARY_DEADLINE_MS = 60_000;

const PROTO_RELATIVE = path.join('proto', 'sctrace', 'v1', 'tracer.proto');

/**
 * The server address: `--server`, else $SCTRACE_SERVER, else the default socket. A bare
 * absolute path is taken as a Unix socket; grpc-js itself understands `unix:/path`,
 * `unix:///path` and `host:port`.
 */
export function resolveServerAddress(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const address = flag ?? (env[SERVER_ENV] || DEFAULT_SERVER);
  if (address.trim() === '') throw new UsageError('--server needs an address, e.g. unix:/run/sctrace/sctrace.sock');
  return address.startsWith('/') ? `unix:${address}` : address;
}

/**
 * The tracer.proto shipped with the package. Compiled, this file lives in dist/clients/cli/
 * (package root three levels up); run from source it is clients/cli/ (two levels up).
 */
export function findProtoFile(): string {
  const candidates = [path.resolve(__dirname, '../../..', PROTO_RELATIVE), path.resolve(__dirname, '../..', PROTO_RELATIVE)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new CliError(`cannot find ${PROTO_RELATIVE}; looked at ${candidates.join(' and ')}`);
  return found;
}

let cachedProto: ProtoGrpcType | undefined;

/** Loads tracer.proto once per process. */
function loadProto(): ProtoGrpcType {
  cachedProto ??= grpc.loadPackageDefinition(protoLoader.loadSync(findProtoFile(), LOADER_OPTIONS)) as unknown as ProtoGrpcType;
  return cachedProto;
}

/** A failed call: `<rpc>: <STATUS>: <details>`, plus a hint when the server was not reachable. */
export class RpcError extends Error {
  /** The gRPC status code. */
  readonly code: grpc.status;
  /** What to do about it, when the failure is a known setup problem; else undefined. */
  readonly hint: string | undefined;

  constructor(readonly rpc: string, readonly address: string, cause: grpc.ServiceError, security?: ChannelSecurity) {
    super(`${rpc}: ${grpc.status[cause.code] ?? cause.code}: ${describeDetails(cause)}`, { cause });
    this.name = 'RpcError';
    this.code = cause.code;
    this.hint = credentialHint(cause, security) ?? connectionHint(address, cause);
  }
}

/** The status details; grpc-js ends its connection errors with an empty "Resolution note:". */
function describeDetails(cause: grpc.ServiceError): string {
  return (cause.details || cause.message).replace(/\s*Resolution note:\s*$/, '');
}

/**
 * Explains a connection failure. grpc-js reports it as UNAVAILABLE with the socket error in the
 * details; a server may also answer UNAVAILABLE on purpose, so only socket errors get the hint.
 */
function connectionHint(address: string, cause: grpc.ServiceError): string | undefined {
  if (cause.code !== grpc.status.UNAVAILABLE) return undefined;
  const details = cause.details ?? '';
  if (/EACCES|EPERM/.test(details)) {
    return `no permission to connect to sctraced at ${address}: run as root, or ask for access to the socket`;
  }
  if (/No connection established|ENOENT|ECONNREFUSED|EHOSTUNREACH|ETIMEDOUT|Failed to connect|Name resolution failed/i.test(details)) {
    return `cannot reach sctraced at ${address}: start sctraced (as root), or pass --server ADDR / set ${SERVER_ENV} to where it listens`;
  }
  return undefined;
}

/** The connection a command asks for: `server` (else $SCTRACE_SERVER, else the default) with `credentials`. */
export function openConnection(server: string | undefined, credentials: CredentialOptions): TracerConnection {
  const address = resolveServerAddress(server);
  return new TracerConnection(address, channelSecurity(address, credentials));
}

/**
 * A connection to one sctraced. Calls may run concurrently; close() cancels nothing in flight
 * but lets the process exit once they finish.
 */
export class TracerConnection {
  private readonly client: TracerClient;

  /** `security` comes from credentials.ts; without it the channel is plaintext and sends no token. */
  constructor(
    readonly address: string,
    private readonly security?: ChannelSecurity,
  ) {
    const { Tracer } = loadProto().sctrace.v1;
    this.client = new Tracer(address, security?.credentials ?? grpc.credentials.createInsecure(), security?.options ?? {});
  }

  /** StartTrace: validates the spec on the server and starts recording. */
  startTrace(spec: TraceSpec): Promise<StartTraceResponse__Output> {
    return this.unary('StartTrace', (options, done) => this.client.StartTrace({ spec }, options, done));
  }

  /** StopTrace: detaches the trace; its final counters come back. */
  stopTrace(traceId: string): Promise<StopTraceResponse__Output> {
    return this.unary('StopTrace', (options, done) => this.client.StopTrace({ trace_id: traceId }, options, done));
  }

  /** ListTraces: every running trace. */
  listTraces(): Promise<ListTracesResponse__Output> {
    return this.unary('ListTraces', (options, done) => this.client.ListTraces({}, options, done));
  }

  /** GetCapabilities: which backends this node can use. */
  getCapabilities(): Promise<GetCapabilitiesResponse__Output> {
    return this.unary('GetCapabilities', (options, done) => this.client.GetCapabilities({}, options, done));
  }

  /** StreamEvents: a live stream; wrap it in an EventPump, which turns its errors into RpcErrors. */
  streamEvents(traceId: string): grpc.ClientReadableStream<StreamEventsResponse__Output> {
    return this.client.StreamEvents({ trace_id: traceId });
  }

  /** Wraps a service error of `rpc` with this connection's address. */
  rpcError(rpc: string, cause: grpc.ServiceError): RpcError {
    return new RpcError(rpc, this.address, cause, this.security);
  }

  /** Closes the channel. */
  close(): void {
    this.client.close();
  }

  private unary<T>(rpc: string, invoke: (options: grpc.CallOptions, done: grpc.requestCallback<T>) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      invoke({ deadline: Date.now() + UNARY_DEADLINE_MS }, (err, response) => {
        if (err) return reject(this.rpcError(rpc, err));
        if (response === undefined) return reject(new CliError(`${rpc}: the server sent no response`));
        return resolve(response);
      });
    });
  }
}

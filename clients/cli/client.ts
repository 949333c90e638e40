/**
 * The connection layer of the CLI, over the TypeScript client library (clients/ts): where the
 * servers are (--server, else $SCTRACE_SERVER; several, comma-separated, for fleet commands), one
 * TracerConnection per server with the credentials of credentials.ts and the CLI's advice on
 * failures, and resumable event streams that say on stderr when they reconnect.
 */
import type { ServiceError } from '@grpc/grpc-js';
import { connect, connectionHint, RpcError, type EventSubscription, type FailureCause, type Reconnect, type SctraceClient } from '../ts';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
import type { StartTraceResponse__Output } from '../../src/api/generated/sctrace/v1/StartTraceResponse';
import type { StopTraceResponse__Output } from '../../src/api/generated/sctrace/v1/StopTraceResponse';
import type { ListTracesResponse__Output } from '../../src/api/generated/sctrace/v1/ListTracesResponse';
import type { GetCapabilitiesResponse__Output } from '../../src/api/generated/sctrace/v1/GetCapabilitiesResponse';
import type { GetProcessTreeResponse__Output } from '../../src/api/generated/sctrace/v1/GetProcessTreeResponse';
import { UsageError } from './command';
import { channelSecurity, credentialHint, type ChannelSecurity, type CredentialOptions } from './credentials';

export { RpcError };

/** Where sctraced listens unless told otherwise. */
export const DEFAULT_SERVER = 'unix:/run/sctrace/sctrace.sock';

/** Environment variable that overrides DEFAULT_SERVER (and is overridden by --server). */
export const SERVER_ENV = 'SCTRACE_SERVER';

/**
 * The server addresses: `--server`, else $SCTRACE_SERVER, else the default socket; a comma
 * separates several (`--server a:7000,b:7000`). A bare absolute path is taken as a Unix socket;
 * grpc-js itself understands `unix:/path`, `unix:///path` and `host:port`.
 */
export function resolveServerAddresses(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const given = flag ?? (env[SERVER_ENV] || DEFAULT_SERVER);
  const addresses = given.split(',').map((a) => a.trim());
  if (addresses.some((a) => a === '')) {
    throw new UsageError(`--server needs addresses, e.g. unix:/run/sctrace/sctrace.sock or host1:7000,host2:7000 (got "${given}")`);
  }
  const unique = [...new Set(addresses.map((a) => (a.startsWith('/') ? `unix:${a}` : a)))];
  return unique;
}

/** The one server address of a command that talks to a single server. */
export function resolveServerAddress(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const addresses = resolveServerAddresses(flag, env);
  if (addresses.length > 1) throw new UsageError(`this command talks to one server; --server names ${addresses.length} (${addresses.join(', ')})`);
  return addresses[0];
}

/**
 * The CLI's advice: about credentials first (credentials.ts), else the library's, pointing at the
 * CLI's own flags for an unreachable server.
 */
function cliHint(security: ChannelSecurity | undefined): (cause: FailureCause, address: string) => string | undefined {
  return (cause, address) => {
    const credentials = credentialHint(cause as ServiceError, security);
    if (credentials) return credentials;
    const hint = connectionHint(cause, address);
    if (hint?.startsWith('cannot reach')) {
      return `cannot reach sctraced at ${address}: start sctraced (as root), or pass --server ADDR / set ${SERVER_ENV} to where it listens`;
    }
    return hint;
  };
}

/** The connection a command asks for: `server` (else $SCTRACE_SERVER, else the default) with `credentials`. */
export function openConnection(server: string | undefined, credentials: CredentialOptions): TracerConnection {
  return connectTo(resolveServerAddress(server), credentials);
}

/** A connection to `address` with `credentials` (credentials.ts: TLS, client certificate, token). */
export function connectTo(address: string, credentials: CredentialOptions): TracerConnection {
  return new TracerConnection(address, channelSecurity(address, credentials));
}

/**
 * A connection to one sctraced. Calls may run concurrently; close() cancels nothing in flight
 * but lets the process exit once they finish.
 */
export class TracerConnection {
  readonly client: SctraceClient;

  /** `security` comes from credentials.ts; without it the channel is plaintext and sends no token. */
  constructor(
    readonly address: string,
    security?: ChannelSecurity,
  ) {
    this.client = connect(address, { credentials: security?.credentials, channelOptions: security?.options, hint: cliHint(security) });
  }

  /** StartTrace: validates the spec on the server and starts recording. */
  startTrace(spec: TraceSpec): Promise<StartTraceResponse__Output> {
    return this.client.startTrace(spec);
  }

  /** StopTrace: detaches the trace; its final counters come back. */
  stopTrace(traceId: string): Promise<StopTraceResponse__Output> {
    return this.client.stopTrace(traceId);
  }

  /** ListTraces: every running trace. */
  listTraces(): Promise<ListTracesResponse__Output> {
    return this.client.listTraces();
  }

  /** GetProcessTree: the processes and threads a trace has seen. */
  getProcessTree(traceId: string): Promise<GetProcessTreeResponse__Output> {
    return this.client.getProcessTree(traceId);
  }

  /** GetCapabilities: which backends this node can use. */
  getCapabilities(): Promise<GetCapabilitiesResponse__Output> {
    return this.client.getCapabilities();
  }

  /**
   * StreamEvents from `fromSequence` (0: from now), resumed after a dropped connection; wrap it
   * in an EventPump, which turns its errors into RpcErrors. Reconnects are told on stderr,
   * prefixed with `label` when given.
   */
  streamEvents(traceId: string, fromSequence = 0, label = ''): EventSubscription {
    const subscription = this.client.subscribe(traceId, { fromSequence });
    subscription.on('reconnecting', (r: Reconnect) => {
      if (r.attempt === 1 || r.attempt % 10 === 0) process.stderr.write(`sctrace: ${label}${reconnectMessage(r)}\n`);
    });
    return subscription;
  }

  /** Wraps a service error of `rpc` with this connection's address. */
  rpcError(rpc: string, cause: FailureCause): RpcError {
    return this.client.rpcError(rpc, cause);
  }

  /** Closes the channel. */
  close(): void {
    this.client.close();
  }
}

/** "connection lost (…); resuming at event N in 0.2 s (attempt 3)". */
export function reconnectMessage(r: Reconnect): string {
  const at = r.fromSequence > 0 ? `at event ${r.fromSequence}` : 'from now';
  const attempt = r.attempt > 1 ? ` (attempt ${r.attempt})` : '';
  return `stream lost (${r.error.message}); resuming ${at} in ${(r.delayMs / 1000).toFixed(1)} s${attempt}`;
}

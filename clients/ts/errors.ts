/** Errors of the sctrace client library: a failed call keeps its RPC, address and gRPC status. */
import * as grpc from '@grpc/grpc-js';

/** What a failed call is given to explain itself: its status code and details. */
export type FailureCause = Pick<grpc.ServiceError, 'code' | 'details' | 'message'>;

/** Says what to do about a failure of a call to `address`, when it knows; else undefined. */
export type FailureHint = (cause: FailureCause, address: string) => string | undefined;

/** A failed call: `<rpc>: <STATUS>: <details>`, plus a hint when the server was not reachable. */
export class RpcError extends Error {
  /** The gRPC status code. */
  readonly code: grpc.status;
  /** The server's message. */
  readonly details: string;
  /** What to do about it, when the failure is a known setup problem; else undefined. */
  readonly hint: string | undefined;

  /** `hint` replaces the default advice (connectionHint). */
  constructor(
    readonly rpc: string,
    readonly address: string,
    cause: FailureCause,
    hint: FailureHint = connectionHint,
  ) {
    const details = describeDetails(cause);
    super(`${rpc}: ${grpc.status[cause.code] ?? cause.code}: ${details}`, { cause });
    this.name = 'RpcError';
    this.code = cause.code;
    this.details = details;
    this.hint = hint({ ...cause, details }, address);
  }
}

/** The status details; grpc-js ends its connection errors with an empty "Resolution note:". */
function describeDetails(cause: FailureCause): string {
  return (cause.details || cause.message).replace(/\s*Resolution note:\s*$/, '');
}

/**
 * Explains a connection failure. grpc-js reports it as UNAVAILABLE with the socket error in the
 * details; a server may also answer UNAVAILABLE on purpose, so only socket errors get the hint.
 */
export function connectionHint(cause: FailureCause, address: string): string | undefined {
  if (cause.code !== grpc.status.UNAVAILABLE) return undefined;
  const details = cause.details ?? '';
  if (/EACCES|EPERM/.test(details)) {
    return `no permission to connect to sctraced at ${address}: run as root, or ask for access to the socket`;
  }
  if (/No connection established|ENOENT|ECONNREFUSED|EHOSTUNREACH|ETIMEDOUT|Failed to connect|Name resolution failed/i.test(details)) {
    return `cannot reach sctraced at ${address}: is it running and listening there?`;
  }
  return undefined;
}

/**
 * Whether a stream that failed with `code` is worth opening again: the connection or the server
 * process went away (or the server is overloaded for a moment), as opposed to an answer about
 * the request itself (NOT_FOUND: the trace is gone; ABORTED: it failed; the rest: refused).
 */
export function isTransient(code: grpc.status): boolean {
  switch (code) {
    case grpc.status.UNAVAILABLE:
    case grpc.status.INTERNAL:
    case grpc.status.UNKNOWN:
    case grpc.status.DEADLINE_EXCEEDED:
    case grpc.status.RESOURCE_EXHAUSTED:
    case grpc.status.CANCELLED:
      return true;
    default:
      return false;
  }
}

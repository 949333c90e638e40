/**
 * The gate every call of every listener passes first (a grpc-js server interceptor, one per
 * listener so it knows the transport). On the call's metadata it authenticates: no or unknown
 * credentials end the call with UNAUTHENTICATED and nothing else, before the request is even
 * decoded. On the first request message it authorizes the method for the identity's role
 * (PERMISSION_DENIED naming role and call), takes the call from the identity's rate limit and
 * counts a stream against its connection's limit (RESOURCE_EXHAUSTED naming the limit), and logs
 * every refusal with the request's spec. Admitted calls carry their Caller, which the services
 * read with callerOf().
 */
import {
  Metadata,
  ResponderBuilder,
  ServerInterceptingCall,
  ServerListenerBuilder,
  status,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
} from '@grpc/grpc-js';
import type { Listener } from '../config/config';
import { connectionOf, type RateLimiter, type StreamCounter } from './limits';
import type { AuditLog } from './audit';
import type { Authenticator } from './authenticate';
import { UnauthenticatedError } from './errors';
import type { Caller } from './identity';
import { actionOf, allows, isOpenMethod, methodName, type Action } from './roles';

/** Caller of each admitted call, keyed by the call's Metadata object (which the handler gets). */
const callers = new WeakMap<Metadata, Caller>();

/** The caller the gate admitted; a call that did not pass the gate is refused (fail closed). */
export function callerOf(call: { metadata: Metadata }): Caller {
  const caller = callers.get(call.metadata);
  if (!caller) throw new UnauthenticatedError('the call did not pass the access gate');
  return caller;
}

/** The sentence a client gets when its role does not allow a call. */
export function roleDenial(caller: Caller, call: string, action: Action): string {
  const may = action === 'start' ? 'start traces' : action === 'stop' ? 'stop traces' : action === 'stream' ? 'stream traces' : `call ${call}`;
  return `identity ${caller.identity.name} has role ${caller.identity.role}, which may not ${may} (${call}); ask for an operator or admin identity`;
}

/** The request's spec and trace id, for the audit log. */
function requestFields(message: unknown): { spec?: never; traceId?: string } {
  if (typeof message !== 'object' || message === null) return {};
  const m = message as { spec?: never; trace_id?: unknown };
  return { ...(m.spec !== undefined ? { spec: m.spec } : {}), ...(typeof m.trace_id === 'string' && m.trace_id ? { traceId: m.trace_id } : {}) };
}

/** Builds the interceptor of each listener. */
export class Gate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly audit: AuditLog,
    private readonly rate: RateLimiter,
    private readonly streams: StreamCounter,
  ) {}

  /** The interceptor for calls arriving through `listener`. */
  interceptor(listener: Listener): ServerInterceptor {
    const socketPeer = listener.transport === 'unix' ? listener.address : undefined;
    return (method, call) =>
      isOpenMethod(method.path) ? new ServerInterceptingCall(call) : this.guard(method.path, method.responseStream, call, listener, socketPeer);
  }

  private guard(path: string, streaming: boolean, call: ServerInterceptingCallInterface, listener: Listener, socketPeer: string | undefined): ServerInterceptingCall {
    const name = methodName(path);
    let release = () => {};
    const peer = socketPeer ?? call.getPeer();
    let caller: Caller | undefined;
    let refused = false;
    let first = true;
    const refuse = (code: status, details: string, message?: unknown) => {
      refused = true;
      this.audit.record({ call: name, caller, peer, result: status[code], detail: details, ...requestFields(message) });
      call.sendStatus({ code, details, metadata: new Metadata() });
    };
    const incoming = new ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        const auth = this.authenticator.authenticate({ transport: listener.transport, metadata, certificate: call.getAuthContext().sslPeerCertificate });
        if (!auth.ok) return refuse(status.UNAUTHENTICATED, auth.reason);
        caller = { identity: auth.identity, credential: auth.credential, peer, transport: listener.transport };
        // Handlers, their logs and anything they forward never see the token.
        metadata.remove('authorization');
        callers.set(metadata, caller);
        next(metadata);
      })
      .withOnReceiveMessage((message, next) => {
        if (refused) return;
        if (first) {
          first = false;
          const action = actionOf(path);
          if (!allows(caller!.identity.role, action)) return refuse(status.PERMISSION_DENIED, roleDenial(caller!, name, action), message);
          try {
            this.rate.take(caller!.identity.name);
            if (streaming) release = this.streams.admit(connectionOf(call) ?? peer);
          } catch (err) {
            return refuse(status.RESOURCE_EXHAUSTED, (err as Error).message, message);
          }
        }
        next(message);
      })
      .withOnReceiveHalfClose((next) => {
        if (!refused) next();
      })
      .withOnCancel(() => release())
      .build();
    const responder = new ResponderBuilder()
      .withStart((next) => next(incoming))
      .withSendStatus((sent, next) => {
        release();
        next(sent);
      })
      .build();
    return new ServerInterceptingCall(call, responder);
  }
}

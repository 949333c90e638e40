/**
 * The sctrace.v1.Tracer gRPC service: request checking and status mapping around TraceManager.
 * Every handler answers exactly once; every error becomes a specific status with a message.
 * Calls arrive through the access gate (src/auth/gate.ts), which authenticated them and checked
 * the caller's role; the handlers apply what needs the traces themselves (whose trace it is),
 * and audit every start, stop and subscription.
 */
import os from 'node:os';
import { inject, injectable } from 'tsyringe';
import { status, type MethodDefinition, type Server, type ServiceDefinition, type ServerWritableStream, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import type { GetCapabilitiesResponse } from './generated/sctrace/v1/GetCapabilitiesResponse';
import type { GetProcessTreeRequest__Output } from './generated/sctrace/v1/GetProcessTreeRequest';
import type { GetProcessTreeResponse } from './generated/sctrace/v1/GetProcessTreeResponse';
import type { ListTracesResponse } from './generated/sctrace/v1/ListTracesResponse';
import type { StartTraceRequest__Output } from './generated/sctrace/v1/StartTraceRequest';
import type { StartTraceResponse } from './generated/sctrace/v1/StartTraceResponse';
import type { StopTraceRequest__Output } from './generated/sctrace/v1/StopTraceRequest';
import type { StopTraceResponse } from './generated/sctrace/v1/StopTraceResponse';
import type { StreamEventsRequest__Output } from './generated/sctrace/v1/StreamEventsRequest';
import type { StreamEventsResponse } from './generated/sctrace/v1/StreamEventsResponse';
import type { TracerHandlers } from './generated/sctrace/v1/Tracer';
import type { BackendSelector } from '../backends/select';
import type { TraceManager } from '../traces/manager';
import type { SyscallResolver } from '../syscalls/types';
import type { AuditLog } from '../auth/audit';
import { callerOf } from '../auth/gate';
import type { TraceAccess } from '../auth/access';
import { LimitExceededError, TraceQuota } from '../auth/limits';
import type { ServiceConfig } from '../config/config';
import { TOKENS } from '../di/tokens';
import { tracerGrpc } from './proto';
import { validateSpec } from './spec';
import { eventEncoder } from './wire/events';
import { toStatus } from './status';

/** Implements the Tracer RPCs. */
@injectable()
export class TracerService {
  private readonly quota: TraceQuota;

  constructor(
    @inject(TOKENS.Config) private readonly config: ServiceConfig,
    @inject(TOKENS.TraceManager) private readonly traces: TraceManager,
    @inject(TOKENS.BackendSelector) private readonly selector: BackendSelector,
    @inject(TOKENS.Syscalls) private readonly syscalls: SyscallResolver,
    @inject(TOKENS.TraceAccess) private readonly access: TraceAccess,
    @inject(TOKENS.AuditLog) private readonly audit: AuditLog,
  ) {
    this.quota = new TraceQuota(config.maxTracesPerIdentity);
  }

  /** Registers the service's handlers on `server`. */
  addToServer(server: Server): void {
    const handlers: TracerHandlers = {
      StartTrace: (call, callback) => void this.startTrace(call, callback),
      StreamEvents: (call) => this.streamEvents(call),
      StopTrace: (call, callback) => void this.stopTrace(call, callback),
      ListTraces: (call, callback) => this.listTraces(call, callback),
      GetCapabilities: (_call, callback) => this.getCapabilities(callback),
      GetProcessTree: (call, callback) => this.getProcessTree(call, callback),
    };
    server.addService(withPreEncodedEvents(tracerGrpc().sctrace.v1.Tracer.service), handlers);
  }

  private async startTrace(
    call: ServerUnaryCall<StartTraceRequest__Output, StartTraceResponse>,
    callback: sendUnaryData<StartTraceResponse>,
  ): Promise<void> {
    const spec = call.request.spec;
    let caller;
    try {
      caller = callerOf(call);
      const owner = caller.identity.name;
      const checked = validateSpec(this.access.admit(caller, spec), this.syscalls, process.pid, this.config);
      const release = this.quota.reserve(owner, this.traces.list().filter((t) => t.owner === owner).length);
      let trace;
      try {
        trace = await this.traces.start({ ...checked, owner });
      } finally {
        release();
      }
      const scoped = caller.identity.scope ? { effectiveSpec: trace.spec } : {};
      this.audit.record({ call: 'StartTrace', caller, result: 'OK', traceId: trace.id, spec, ...scoped });
      callback(null, { trace_id: trace.id, backend: trace.backend, effective_spec: trace.spec, node: this.config.nodeName });
    } catch (err) {
      const failure = toStatus(err);
      this.audit.record({ call: 'StartTrace', caller, peer: call.getPeer(), result: status[failure.code], detail: failure.details, spec });
      callback(failure);
    }
  }

  private streamEvents(call: ServerWritableStream<StreamEventsRequest__Output, StreamEventsResponse>): void {
    let subscription;
    let caller;
    try {
      caller = callerOf(call);
      const trace = this.traces.streamable(call.request.trace_id);
      this.access.checkStream(caller, trace);
      if (trace.subscriberCount >= this.config.maxSubscribers) {
        throw new LimitExceededError(`trace ${trace.id} already has ${trace.subscriberCount} subscribers, the most one trace may (sctraced --max-subscribers)`);
      }
      // Subscribing writes the first heartbeat at once: its headers tell the client that it is
      // subscribed, so it can start its workload without racing.
      subscription = trace.subscribe(
        {
          // A serialized StreamEventsResponse; the serializer passes Buffers through.
          write: (message, written) => call.write(message as unknown as StreamEventsResponse, written),
          once: (event, listener) => call.once(event, listener),
          end: () => call.end(),
          fail: (error) => call.emit('error', { code: status.ABORTED, details: `trace ${trace.id} failed: ${error.message}` }),
        },
        caller.peer,
        Number(call.request.from_sequence),
      );
      this.audit.record({ call: 'StreamEvents', caller, result: 'OK', traceId: trace.id });
    } catch (err) {
      const failure = toStatus(err);
      this.audit.record({ call: 'StreamEvents', caller, peer: call.getPeer(), result: status[failure.code], detail: failure.details, traceId: call.request.trace_id });
      call.emit('error', failure);
      return;
    }
    const { cancel } = subscription;
    // A dead client must not keep a cursor alive: 'cancelled' covers resets and disconnects.
    call.on('cancelled', cancel);
    call.on('error', cancel);
  }

  private async stopTrace(
    call: ServerUnaryCall<StopTraceRequest__Output, StopTraceResponse>,
    callback: sendUnaryData<StopTraceResponse>,
  ): Promise<void> {
    const traceId = call.request.trace_id;
    let caller;
    try {
      caller = callerOf(call);
      const trace = this.traces.get(traceId);
      this.access.checkStop(caller, trace);
      const counters = await trace.stop();
      this.audit.record({ call: 'StopTrace', caller, result: 'OK', traceId, spec: trace.spec });
      callback(null, { counters });
    } catch (err) {
      const failure = toStatus(err);
      this.audit.record({ call: 'StopTrace', caller, peer: call.getPeer(), result: status[failure.code], detail: failure.details, traceId });
      callback(failure);
    }
  }

  private listTraces(call: ServerUnaryCall<unknown, ListTracesResponse>, callback: sendUnaryData<ListTracesResponse>): void {
    try {
      const caller = callerOf(call);
      const traces = this.traces
        .list()
        .filter((t) => this.access.canSee(caller, t))
        .map((t) => ({
          trace_id: t.id,
          spec: t.spec,
          backend: t.backend,
          subscribers: t.subscriberCount,
          counters: t.counters(),
          started_ns: t.startedNs.toString(),
          owner: t.owner,
          node: this.config.nodeName,
        }));
      callback(null, { traces });
    } catch (err) {
      callback(toStatus(err));
    }
  }

  /** A trace's process tree, for whoever may stream the trace (a scoped viewer: in its scope). */
  private getProcessTree(call: ServerUnaryCall<GetProcessTreeRequest__Output, GetProcessTreeResponse>, callback: sendUnaryData<GetProcessTreeResponse>): void {
    try {
      const caller = callerOf(call);
      const trace = this.traces.streamable(call.request.trace_id);
      this.access.checkStream(caller, trace);
      callback(null, trace.processTree());
    } catch (err) {
      callback(toStatus(err));
    }
  }

  private getCapabilities(callback: sendUnaryData<GetCapabilitiesResponse>): void {
    try {
      callback(null, {
        backends: this.selector.capabilities(),
        default_backend: this.selector.defaultEngine()?.name ?? '',
        kernel: os.release(),
        arch: this.syscalls.arch,
        node: this.config.nodeName,
      });
    } catch (err) {
      callback(toStatus(err));
    }
  }
}

/**
 * The Tracer definition with a StreamEvents serializer that sends Buffers as they are: subscribers
 * write batches the trace encoded once (src/api/wire/events.ts) instead of objects for
 * protobufjs to convert and encode per subscriber. Objects still work, through the same encoder.
 */
function withPreEncodedEvents(service: ServiceDefinition): ServiceDefinition {
  const stream = service.StreamEvents as MethodDefinition<StreamEventsRequest__Output, StreamEventsResponse>;
  const encoder = eventEncoder();
  return {
    ...service,
    StreamEvents: {
      ...stream,
      responseSerialize: (value: StreamEventsResponse | Buffer) => (Buffer.isBuffer(value) ? value : encoder.encodeResponse(value)),
    },
  };
}

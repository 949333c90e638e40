/**
 * sctrace's TypeScript client library.
 *
 *   import { connect } from 'sctrace/client';
 *   const node = connect('unix:/run/sctrace/sctrace.sock');
 *   const { trace_id } = await node.startTrace({ syscalls: ['openat'], process_events: true });
 *   for await (const event of node.events(trace_id, { fromSequence: 1 })) console.log(event.sequence, event.kind);
 *
 * See README.md ("TypeScript client") for TLS, tokens, resuming and the decoder.
 */
export { connect, normalizeAddress, decodeStreamEventsResponse, SctraceClient, type ConnectOptions, type EventsOptions, type TlsOptions } from './client';
export { EventSubscription, type Heartbeat, type Reconnect, type RetryOptions, type SequencedRun, type StreamMessage, type StreamOpener, type SubscribeOptions } from './subscription';
export { TraceEvents, RunOpener, type RunCodec, type RunMessage } from './events';
export { EventRun, locateEvents } from './event-run';
export { RpcError, connectionHint, isTransient, type FailureCause, type FailureHint } from './errors';
export { launchStopped, LaunchError, processState, type ChildExit, type LaunchOptions, type StoppedCommand } from './launch';
export { compileDecoders, decodersFromDescriptors, type DecodeFn } from './decoder';
export type { Event__Output as Event } from '../../src/api/generated/sctrace/v1/Event';
export type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
export type { TraceInfo__Output as TraceInfo } from '../../src/api/generated/sctrace/v1/TraceInfo';
export type { TraceCounters__Output as TraceCounters } from '../../src/api/generated/sctrace/v1/TraceCounters';
export type { GetProcessTreeResponse__Output as ProcessTree } from '../../src/api/generated/sctrace/v1/GetProcessTreeResponse';
export type { ProcessNode__Output as ProcessNode } from '../../src/api/generated/sctrace/v1/ProcessNode';
export type { SyscallEvent__Output as SyscallEvent } from '../../src/api/generated/sctrace/v1/SyscallEvent';
export type { StreamEventsResponse__Output as StreamEventsResponse } from '../../src/api/generated/sctrace/v1/StreamEventsResponse';

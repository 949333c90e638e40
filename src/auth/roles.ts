/**
 * What each role may call. A viewer lists and streams traces (in its scope); an operator also
 * starts traces and stops its own; an admin may do everything. Methods are named by their gRPC
 * path; one this table does not know needs an admin, so a service added later is closed first.
 * The health service answers everyone, before authentication: it says nothing but SERVING.
 */
import type { Role } from './identity';

/** What a call does, as far as access is concerned. */
export type Action = 'read' | 'stream' | 'start' | 'stop' | 'admin';

const GRANTS: Record<Role, readonly Action[]> = {
  viewer: ['read', 'stream'],
  operator: ['read', 'stream', 'start', 'stop'],
  admin: ['read', 'stream', 'start', 'stop', 'admin'],
};

const ACTIONS: Record<string, Action> = {
  '/sctrace.v1.Tracer/StartTrace': 'start',
  '/sctrace.v1.Tracer/StopTrace': 'stop',
  '/sctrace.v1.Tracer/StreamEvents': 'stream',
  '/sctrace.v1.Tracer/ListTraces': 'read',
  '/sctrace.v1.Tracer/GetCapabilities': 'read',
  // What the trace's events said, so whoever may stream them.
  '/sctrace.v1.Tracer/GetProcessTree': 'stream',
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo': 'read',
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo': 'read',
};

/** Methods that need no identity at all. */
const OPEN = /^\/grpc\.health\.v1\.Health\//;

/** Whether `path` is answered without authentication. */
export function isOpenMethod(path: string): boolean {
  return OPEN.test(path);
}

/** The action of the method at `path`. */
export function actionOf(path: string): Action {
  return ACTIONS[path] ?? 'admin';
}

/** Whether `role` may perform `action`. */
export function allows(role: Role, action: Action): boolean {
  return GRANTS[role].includes(action);
}

/** "StartTrace" for Tracer methods, the whole path for others. */
export function methodName(path: string): string {
  return path.startsWith('/sctrace.v1.Tracer/') ? path.slice('/sctrace.v1.Tracer/'.length) : path;
}

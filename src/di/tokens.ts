/** Injection tokens of the service's container (wired in container.ts only). */
export const TOKENS = {
  Config: Symbol('ServiceConfig'),
  Logger: Symbol('Logger'),
  Syscalls: Symbol('SyscallResolver'),
  Engines: Symbol('CaptureEngine[]'),
  BackendSelector: Symbol('BackendSelector'),
  TraceManager: Symbol('TraceManager'),
  TracerService: Symbol('TracerService'),
  GrpcServer: Symbol('GrpcServer'),
  Metrics: Symbol('ServiceMetrics'),
  Identities: Symbol('Identity[] | null'),
  AuditLog: Symbol('AuditLog'),
  TraceAccess: Symbol('TraceAccess'),
  Gate: Symbol('Gate'),
} as const;

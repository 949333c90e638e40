/**
 * The composition root: the only place that decides which implementation serves which token.
 * main.ts builds it with the real backends; unit tests pass their own engines and resolver.
 */
import 'reflect-metadata';
import { container as rootContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { ServiceConfig } from '../config/config';
import type { CaptureEngine } from '../backends/backend';
import { BackendSelector } from '../backends/select';
import { EbpfEngine, defaultObjectPath } from '../backends/ebpf/engine';
import { KmodEngine } from '../backends/kmod/engine';
import { MeteredTraceManager } from '../metrics/trace-totals';
import { ServiceMetrics } from '../metrics/metrics';
import { packageVersion } from '../util/package';
import { TracerService } from '../api/tracer-service';
import { GrpcServer } from '../api/server';
import type { SyscallResolver } from '../syscalls/types';
import { AuditLog } from '../auth/audit';
import { Authenticator } from '../auth/authenticate';
import { TraceAccess } from '../auth/access';
import { Gate } from '../auth/gate';
import { RateLimiter, StreamCounter } from '../auth/limits';
import { loadIdentities } from '../auth/identities-file';
import type { Identity } from '../auth/identity';
import type { Logger } from '../util/log';
import { RetentionBudget } from '../traces/retention-budget';
import { TOKENS } from './tokens';

/** What the caller supplies; `engines` replaces the real backends (tests only). */
export interface ContainerInputs {
  config: ServiceConfig;
  log: Logger;
  syscalls: SyscallResolver;
  engines?: CaptureEngine[];
}

/** Builds a child container holding one service instance graph. */
export function buildContainer(inputs: ContainerInputs): DependencyContainer {
  const c = rootContainer.createChildContainer();
  const { config } = inputs;
  c.register(TOKENS.Config, { useValue: config });
  c.register(TOKENS.Logger, { useValue: inputs.log });
  c.register(TOKENS.Syscalls, { useValue: inputs.syscalls });
  c.register(TOKENS.Engines, {
    useFactory: instanceCachingFactory<CaptureEngine[]>(
      (d) =>
        inputs.engines ?? [
          new EbpfEngine(
            {
              objectPath: config.bpfObject || defaultObjectPath(),
              ringBytes: config.ringBytes,
              wakeupBytes: config.wakeupBytes,
              pollIntervalMs: config.pollIntervalMs,
              perSyscallMax: config.perSyscallMax,
              maxTraces: config.maxTraces,
            },
            d.resolve<SyscallResolver>(TOKENS.Syscalls),
          ),
          new KmodEngine(
            { ringBytes: config.ringBytes, wakeupBytes: config.wakeupBytes, pollIntervalMs: config.pollIntervalMs, maxTraces: config.maxTraces },
            d.resolve<SyscallResolver>(TOKENS.Syscalls),
          ),
        ],
    ),
  });
  c.register(TOKENS.BackendSelector, {
    useFactory: instanceCachingFactory((d) => new BackendSelector(d.resolve<CaptureEngine[]>(TOKENS.Engines))),
  });
  c.register(TOKENS.TraceManager, {
    useFactory: instanceCachingFactory(
      (d) =>
        // A TraceManager that also keeps service-wide totals for the metrics.
        new MeteredTraceManager(
          d.resolve<BackendSelector>(TOKENS.BackendSelector),
          {
            maxTraces: config.maxTraces,
            idleTimeoutMs: config.idleTimeoutMs,
            limits: { batchEvents: config.batchEvents, batchBytes: 1 << 20, heartbeatMs: config.heartbeatMs },
            retentionBudget: new RetentionBudget(config.retentionTotalBytes),
            treeMaxNodes: config.treeMaxNodes,
          },
          d.resolve<Logger>(TOKENS.Logger).child('traces'),
        ),
    ),
  });
  c.register(TOKENS.Metrics, {
    useFactory: instanceCachingFactory(
      (d) =>
        new ServiceMetrics(d.resolve<MeteredTraceManager>(TOKENS.TraceManager), d.resolve<BackendSelector>(TOKENS.BackendSelector), {
          version: packageVersion(),
        }),
    ),
  });
  c.register(TOKENS.Identities, {
    useFactory: instanceCachingFactory<Identity[] | null>((d) => {
      if (!config.authFile) return null;
      const identities = loadIdentities(config.authFile);
      const log = d.resolve<Logger>(TOKENS.Logger);
      log.info(`--auth ${config.authFile}: ${identities.length} identities`);
      for (const id of identities) {
        if (id.certCn !== undefined && !config.tlsClientCa) {
          log.warn(`--auth: identity ${id.name} has a cert_cn, but without --tls-client-ca no client certificate is asked for`);
        }
      }
      return identities;
    }),
  });
  c.register(TOKENS.AuditLog, { useFactory: instanceCachingFactory((d) => new AuditLog(d.resolve<Logger>(TOKENS.Logger).child('audit'))) });
  c.register(TOKENS.TraceAccess, { useValue: new TraceAccess() });
  c.register(TOKENS.Gate, {
    useFactory: instanceCachingFactory(
      (d) =>
        new Gate(
          new Authenticator(d.resolve<Identity[] | null>(TOKENS.Identities)),
          d.resolve<AuditLog>(TOKENS.AuditLog),
          new RateLimiter(config.rateLimit),
          new StreamCounter(config.maxStreamsPerConnection),
        ),
    ),
  });
  c.registerSingleton(TOKENS.TracerService, TracerService);
  c.registerSingleton(TOKENS.GrpcServer, GrpcServer);
  return c;
}

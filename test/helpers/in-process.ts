/** Runs the real service graph in this process on a temporary unix socket, with given engines. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULTS, type ServiceConfig } from '../../src/config/config';
import { buildContainer } from '../../src/di/container';
import { TOKENS } from '../../src/di/tokens';
import type { GrpcServer } from '../../src/api/server';
import type { TraceManager } from '../../src/traces/manager';
import type { CaptureEngine } from '../../src/backends/backend';
import type { SyscallResolver } from '../../src/syscalls/types';
import type { ServiceMetrics } from '../../src/metrics/metrics';
import { SilentLogger, type Logger } from '../../src/util/log';

/** A running in-process service. */
export interface InProcessService {
  /** The first listen address (the unix socket unless overridden). */
  address: string;
  /** Every bound address, in --listen order (TCP port 0 resolved). */
  addresses: string[];
  traces: TraceManager;
  metrics: ServiceMetrics;
  close(): Promise<void>;
}

/** Starts the service with `engines` and `syscalls`; config overrides apply on top of defaults. */
export async function startService(
  engines: CaptureEngine[],
  syscalls: SyscallResolver,
  overrides: Partial<ServiceConfig> = {},
  log: Logger = new SilentLogger(),
): Promise<InProcessService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-test-'));
  const config: ServiceConfig = { ...DEFAULTS, listen: [`unix:${dir}/s.sock`], ...overrides };
  const container = buildContainer({ config, log, syscalls, engines });
  const server = container.resolve<GrpcServer>(TOKENS.GrpcServer);
  const traces = container.resolve<TraceManager>(TOKENS.TraceManager);
  const addresses = await server.listen().catch((err: unknown) => {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    address: addresses[0],
    addresses,
    traces,
    metrics: container.resolve<ServiceMetrics>(TOKENS.Metrics),
    close: async () => {
      await traces.dispose();
      await server.shutdown(500);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

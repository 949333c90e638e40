#!/usr/bin/env node
/**
 * sctraced: the sctrace service. Reads its configuration (--config file, SCTRACED_* variables,
 * flags), loads the syscall catalog from the running kernel, wires the container, serves gRPC,
 * and on SIGINT/SIGTERM stops taking calls, stops every trace (detaching every BPF program), lets
 * subscribers take what is queued (--shutdown-grace) and exits.
 */
import 'reflect-metadata';
import { ConfigError, USAGE, parseConfig, type ServiceConfig } from './config/config';
import { applyNice } from './config/priority';
import { buildContainer } from './di/container';
import { TOKENS } from './di/tokens';
import type { GrpcServer } from './api/server';
import type { BackendSelector } from './backends/select';
import type { TraceManager } from './traces/manager';
import { SyscallCatalog } from './syscalls/catalog';
import { PinoLogger, type Logger } from './util/log';
import { MetricsEndpoint } from './metrics/endpoint';
import { HealthEndpoint } from './metrics/health-endpoint';
import type { ServiceMetrics } from './metrics/metrics';

async function main(): Promise<number> {
  let config: ServiceConfig | 'help';
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const lines = err.message.split('\n').map((line) => `sctraced: ${line}\n`);
    process.stderr.write(`${lines.join('')}sctraced --help lists the options, their defaults, the config file and SCTRACED_* variables\n`);
    return 2;
  }
  if (config === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = PinoLogger.create({ level: config.logLevel, format: config.logFormat });
  if (config.nice !== 0) log.info(`running at nice ${config.nice} (${applyNice(config.nice)} threads)`);
  const syscalls = SyscallCatalog.load({ log: (m) => log.child('syscalls').info(m) });
  const container = buildContainer({ config, log, syscalls });
  try {
    // Read --auth now, so a bad file stops the service with its own message.
    container.resolve(TOKENS.Identities);
  } catch (err) {
    process.stderr.write(`sctraced: ${(err as Error).message}\n`);
    return 2;
  }
  const server = container.resolve<GrpcServer>(TOKENS.GrpcServer);
  const traces = container.resolve<TraceManager>(TOKENS.TraceManager);
  reportCapabilities(container.resolve<BackendSelector>(TOKENS.BackendSelector), log);
  // The metrics port first: a taken port stops the service before it serves any trace.
  const metrics = config.metricsListen
    ? await MetricsEndpoint.listen(config.metricsListen, container.resolve<ServiceMetrics>(TOKENS.Metrics), log.child('metrics'))
    : undefined;
  const health = config.healthListen ? await HealthEndpoint.listen(config.healthListen, log.child('health')) : undefined;
  await server.listen();
  health?.serving(true);
  await untilSignal(log);
  health?.serving(false);
  log.info(`shutting down: no new calls; stopping every trace; subscribers get ${config.shutdownGraceMs / 1000} s to take what is queued`);
  // The servers stop taking calls first; the grace covers stopping the traces and the streams' last events.
  const drained = server.shutdown(config.shutdownGraceMs);
  await traces.dispose();
  await drained;
  await Promise.all([metrics?.close(), health?.close()]);
  log.info('stopped');
  return 0;
}

function reportCapabilities(selector: BackendSelector, log: Logger): void {
  for (const c of selector.capabilities()) {
    if (c.available) log.info(`backend ${c.name}: available`);
    else log.info(`backend ${c.name}: not available: ${c.reason}`);
  }
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
function untilSignal(log: Logger): Promise<void> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        log.warn(`${signal} again: exiting without cleanup`);
        process.exit(130);
      }
      received = true;
      log.info(`${signal} received`);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`sctraced: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

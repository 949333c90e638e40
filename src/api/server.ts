/**
 * The gRPC server: binds the listen address, serves Tracer, grpc.health.v1.Health and server
 * reflection, and shuts down gracefully with a deadline.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { inject, injectable } from 'tsyringe';
import { HealthImplementation } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import type { Logger } from '../util/log';
import { TOKENS } from '../di/tokens';
import { tracerPackageDefinition } from './proto';
import type { TracerService } from './tracer-service';

/** Fully-qualified name of the service, as health checks and reflection know it. */
export const TRACER_SERVICE_NAME = 'sctrace.v1.Tracer';

/** Owns the grpc-js Server. */
@injectable()
export class GrpcServer {
  private readonly server = new Server({
    // Subscribers can be slow readers of large batches; keep connections alive across idle periods.
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
  private readonly health = new HealthImplementation({ '': 'SERVING', [TRACER_SERVICE_NAME]: 'SERVING' });
  private boundAddress = '';

  constructor(
    @inject(TOKENS.TracerService) private readonly tracer: TracerService,
    @inject(TOKENS.Logger) private readonly log: Logger,
  ) {
    this.tracer.addToServer(this.server);
    this.health.addToServer(this.server);
    new ReflectionService(tracerPackageDefinition()).addToServer(this.server);
  }

  /** Binds `address` (unix:/path or host:port) and starts serving. Returns the bound address. */
  async listen(address: string): Promise<string> {
    if (address.startsWith('unix:')) await prepareUnixSocket(address.replace(/^unix:(\/\/)?/, ''));
    const port = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(address, ServerCredentials.createInsecure(), (err, p) => (err ? reject(bindError(address, err)) : resolve(p)));
    });
    this.boundAddress = address.startsWith('unix:') ? address : address.replace(/:\d+$/, `:${port}`);
    if (address.startsWith('unix:')) fs.chmodSync(address.replace(/^unix:(\/\/)?/, ''), 0o600);
    this.log.info(`listening on ${this.boundAddress}`);
    return this.boundAddress;
  }

  /** Stops accepting calls, lets running ones finish for up to `graceMs`, then cancels them. */
  async shutdown(graceMs = 2000): Promise<void> {
    this.health.setStatus('', 'NOT_SERVING');
    this.health.setStatus(TRACER_SERVICE_NAME, 'NOT_SERVING');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * Creates the socket's directory (root-only) and removes a stale socket left by a crash, but
 * never the socket of a service that still answers.
 */
async function prepareUnixSocket(socketPath: string): Promise<void> {
  fs.mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  if (!fs.existsSync(socketPath)) return;
  if (!fs.statSync(socketPath).isSocket()) throw new Error(`listen on unix:${socketPath}: the path exists and is not a socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new Error(`listen on unix:${socketPath}: another service is listening there (another sctraced?); stop it or choose another --listen`);
  fs.unlinkSync(socketPath);
}

function bindError(address: string, err: Error): Error {
  return new Error(`listen on ${address}: ${err.message} (is another sctraced running? choose another --listen)`);
}

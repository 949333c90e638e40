/**
 * grpc.health.v1 alone on a plaintext TCP port (--health-listen), for probes that cannot present
 * TLS client certificates: Kubernetes' gRPC liveness and readiness probes speak plaintext only.
 * It serves no trace data. Status: NOT_SERVING until the Tracer service listens, SERVING while it
 * does, NOT_SERVING again from the start of shutdown.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { TRACER_SERVICE_NAME } from '../api/server';
import { splitHostPort } from '../util/address';
import type { Logger } from '../util/log';

export class HealthEndpoint {
  private constructor(
    private readonly server: Server,
    private readonly health: HealthImplementation,
    /** The bound address, HOST:PORT (the real port when 0 was asked for). */
    readonly address: string,
  ) {}

  /** Binds `address` (HOST:PORT) and serves the health service, NOT_SERVING for now. */
  static async listen(address: string, log: Logger): Promise<HealthEndpoint> {
    if (!splitHostPort(address)) throw new Error(`--health-listen ${JSON.stringify(address)}: use HOST:PORT`);
    const server = new Server();
    const health = new HealthImplementation({ '': 'NOT_SERVING', [TRACER_SERVICE_NAME]: 'NOT_SERVING' });
    health.addToServer(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(new Error(`--health-listen ${address}: ${err.message}`)) : resolve(p),
      ),
    );
    const endpoint = new HealthEndpoint(server, health, address.replace(/:\d+$/, `:${port}`));
    log.info(`grpc.health.v1 (plaintext, health only) on ${endpoint.address}`);
    return endpoint;
  }

  /** Sets the status of the whole server and of the Tracer service. */
  serving(yes: boolean): void {
    const status = yes ? 'SERVING' : 'NOT_SERVING';
    this.health.setStatus('', status);
    this.health.setStatus(TRACER_SERVICE_NAME, status);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

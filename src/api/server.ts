/**
 * The gRPC servers: one grpc-js Server per listen address, so each one's access gate knows how
 * its clients arrive (unix socket, plaintext TCP, TLS, mutual TLS). Each serves Tracer,
 * grpc.health.v1.Health and server reflection; all shut down together, gracefully with a deadline.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Server, ServerCredentials, type ServerOptions } from '@grpc/grpc-js';
import { inject, injectable } from 'tsyringe';
import { HealthImplementation } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import type { Logger } from '../util/log';
import { TOKENS } from '../di/tokens';
import { listenerPlan, type Listener, type ServiceConfig } from '../config/config';
import { serverTlsCredentials } from '../auth/tls';
import { directoryBarrier, resolveGroup, secureSocket, socketDirMode } from '../auth/socket-access';
import type { Gate } from '../auth/gate';
import { tracerPackageDefinition } from './proto';
import type { TracerService } from './tracer-service';

/** Fully-qualified name of the service, as health checks and reflection know it. */
export const TRACER_SERVICE_NAME = 'sctrace.v1.Tracer';

/** Options of every listener's Server. */
const SERVER_OPTIONS: ServerOptions = {
  // Subscribers can be slow readers of large batches; keep connections alive across idle periods.
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_permit_without_calls': 1,
};

/** Owns the grpc-js Servers. */
@injectable()
export class GrpcServer {
  private readonly servers: Server[] = [];
  private readonly health = new HealthImplementation({ '': 'SERVING', [TRACER_SERVICE_NAME]: 'SERVING' });
  private readonly reflection = new ReflectionService(tracerPackageDefinition());

  constructor(
    @inject(TOKENS.Config) private readonly config: ServiceConfig,
    @inject(TOKENS.TracerService) private readonly tracer: TracerService,
    @inject(TOKENS.Gate) private readonly gate: Gate,
    @inject(TOKENS.Logger) private readonly log: Logger,
  ) {}

  /** Binds every --listen address and starts serving. Returns the bound addresses (TCP port 0 resolved). */
  async listen(): Promise<string[]> {
    const gid = this.config.socketGroup ? resolveGroup(this.config.socketGroup) : undefined;
    const bound: string[] = [];
    for (const listener of listenerPlan(this.config)) bound.push(await this.bind(listener, gid));
    return bound;
  }

  /** Stops accepting calls at once, lets running ones finish for up to `graceMs`, then cancels them. */
  async shutdown(graceMs = 2000): Promise<void> {
    this.health.setStatus('', 'NOT_SERVING');
    this.health.setStatus(TRACER_SERVICE_NAME, 'NOT_SERVING');
    await Promise.all(this.servers.map((server) => shutdownOne(server, graceMs)));
  }

  private async bind(listener: Listener, gid: number | undefined): Promise<string> {
    const { address, transport } = listener;
    const socketPath = transport === 'unix' ? address.replace(/^unix:(\/\/)?/, '') : '';
    if (socketPath) await prepareUnixSocket(socketPath, gid, (m) => this.log.warn(m));
    // The gate first: every call of this listener is authenticated and authorized before a handler runs.
    const server = new Server({
      ...SERVER_OPTIONS,
      interceptors: [this.gate.interceptor(listener)],
      // Refused before it is decoded, as RESOURCE_EXHAUSTED "Received message larger than max (N vs LIMIT)".
      'grpc.max_receive_message_length': this.config.maxRequestBytes,
      // A backstop below the gate's own per-connection limit: HTTP/2 refuses streams past it.
      'grpc.max_concurrent_streams': this.config.maxStreamsPerConnection + 100,
    });
    this.tracer.addToServer(server);
    this.health.addToServer(server);
    this.reflection.addToServer(server);
    const credentials =
      transport === 'tls' || transport === 'mtls'
        ? serverTlsCredentials(this.config, transport === 'mtls', (m) => this.log.warn(m))
        : ServerCredentials.createInsecure();
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(address, credentials, (err, p) => (err ? reject(bindError(address, err)) : resolve(p)));
    });
    this.servers.push(server);
    if (socketPath) secureSocket(socketPath, gid);
    const boundAddress = socketPath ? address : address.replace(/:\d+$/, `:${port}`);
    if (transport === 'tcp') {
      this.log.warn(`${boundAddress} serves plaintext gRPC (--insecure): anyone who can reach it can trace this host and read what it traces`);
    }
    this.log.info(`listening on ${boundAddress} (${describeTransport(listener, gid)})`);
    return boundAddress;
  }
}

function describeTransport(listener: Listener, gid: number | undefined): string {
  switch (listener.transport) {
    case 'unix':
      return gid === undefined ? 'unix socket, mode 0600' : `unix socket, mode 0660, group ${gid}`;
    case 'tcp':
      return 'plaintext';
    case 'tls':
      return 'TLS';
    case 'mtls':
      return 'mutual TLS';
  }
}

function shutdownOne(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Creates the socket's directory (root only, or traversable by the socket group) and removes a
 * stale socket left by a crash, but never the socket of a service that still answers.
 */
async function prepareUnixSocket(socketPath: string, gid: number | undefined, warn: (message: string) => void): Promise<void> {
  const dir = path.dirname(socketPath);
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true, mode: socketDirMode(gid) });
    if (gid !== undefined) fs.chownSync(dir, process.getuid?.() ?? 0, gid);
  } else if (gid !== undefined) {
    const barrier = directoryBarrier(dir, gid);
    if (barrier) warn(`--socket-group: ${barrier}`);
  }
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

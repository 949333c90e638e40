/**
 * The HTTP endpoint Prometheus scrapes: GET /metrics on --metrics-listen HOST:PORT. It serves the
 * metrics only (no trace data), so it may listen on the node's network while gRPC stays on TLS.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { splitHostPort } from '../util/address';
import type { Logger } from '../util/log';
import type { ServiceMetrics } from './metrics';

/** A listening metrics endpoint. */
export class MetricsEndpoint {
  private constructor(
    private readonly server: http.Server,
    /** The bound address, HOST:PORT (the real port when 0 was asked for). */
    readonly address: string,
  ) {}

  /** Binds `address` and serves `metrics` at /metrics. */
  static async listen(address: string, metrics: ServiceMetrics, log: Logger): Promise<MetricsEndpoint> {
    const parts = splitHostPort(address);
    if (!parts) throw new Error(`--metrics-listen ${JSON.stringify(address)}: use HOST:PORT`);
    const { host, port } = parts;
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://metrics');
      if (url.pathname !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('sctraced serves GET /metrics here\n');
        return;
      }
      metrics.render().then(
        (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(req.method === 'HEAD' ? undefined : text),
        (err: unknown) => {
          log.error(`rendering /metrics: ${(err as Error).message}`);
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${(err as Error).message}\n`);
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new Error(`--metrics-listen ${address}: ${err.message}`)));
      server.listen(port, host, () => resolve());
    });
    const bound = server.address() as AddressInfo;
    const shown = bound.family === 'IPv6' ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
    log.info(`metrics on http://${shown}/metrics`);
    return new MetricsEndpoint(server, shown);
  }

  /** Stops listening and closes open connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A TCP proxy in front of a service's socket, so a test can cut a client's connection the way a
 * network would (both directions closed at once, mid-stream) while the service keeps running.
 */
import net from 'node:net';

export interface Proxy {
  /** host:port clients connect to. */
  address: string;
  /** Connections cut so far. */
  cuts: number;
  /** Destroys every open connection; new ones are still accepted. */
  cutAll(): number;
  /** Stops forwarding on every open connection without closing it (a black-holed link). */
  stallAll(): number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 and forwards each connection to `target` (unix:/path or host:port). */
export async function startProxy(target: string): Promise<Proxy> {
  const open = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  const connectTarget = (): net.Socket => {
    if (target.startsWith('unix:')) return net.connect(target.slice('unix:'.length));
    const at = target.lastIndexOf(':');
    return net.connect(Number(target.slice(at + 1)), target.slice(0, at));
  };
  const server = net.createServer((client) => {
    const upstream = connectTarget();
    open.add(client);
    open.add(upstream);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const proxy: Proxy = {
    address: `127.0.0.1:${port}`,
    cuts: 0,
    stallAll: () => {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
      return pairs.size;
    },
    cutAll: () => {
      const n = open.size;
      for (const s of [...open]) s.destroy();
      open.clear();
      proxy.cuts += n > 0 ? 1 : 0;
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

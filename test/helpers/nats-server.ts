/** A real nats-server with JetStream (Debian's), on loopback, with its store in a temporary directory. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Why nats-server cannot run here, or null. */
export function natsServerUnavailableReason(): string | null {
  const probe = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
  return probe.error ? 'nats-server is not installed (Debian package nats-server; npm test installs it)' : null;
}

/** A running nats-server; restart() keeps its port and its JetStream store. */
export interface NatsServer {
  url: string;
  /** Stops it (SIGTERM) and starts it again on the same port with the same store. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

export async function startNatsServer(): Promise<NatsServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-nats-'));
  let output = '';
  let child: ChildProcess | undefined;
  let port = -1;
  const launch = async () => {
    const proc = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let mine = '';
    const take = (d: Buffer) => {
      mine += d;
      output += d;
    };
    proc.stdout.on('data', take);
    proc.stderr.on('data', take);
    const deadline = Date.now() + 10_000;
    while (!/Server is ready/.test(mine)) {
      if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode}:\n${mine}`);
      if (Date.now() > deadline) throw new Error(`nats-server did not start within 10 s:\n${mine}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    port = Number(/Listening for client connections on 127\.0\.0\.1:(\d+)/.exec(mine)?.[1]);
  };
  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  };
  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    restart: async (downMs = 500) => {
      await stop();
      await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    stop: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    log: () => output,
  };
}

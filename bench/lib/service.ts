/** The sctraced under test: the real dist/src/main.js in its own process on a private socket. */
import fs from 'node:fs';
import path from 'node:path';
import { LineChild, sleep } from './proc';

export interface Service {
  address: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts sctraced with `args` and waits until it listens. */
export async function startService(root: string, workDir: string, args: string[] = [], nodeArgs: string[] = []): Promise<Service> {
  fs.mkdirSync(workDir, { recursive: true });
  const socket = path.join(workDir, 'sctrace.sock');
  fs.rmSync(socket, { force: true });
  const child = new LineChild([process.execPath, ...nodeArgs, path.join(root, 'dist/src/main.js'), '--listen', `unix:${socket}`, '--log-level', 'warn', ...args]);
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(socket)) {
    if (child.child.exitCode !== null) throw new Error(`sctraced exited with ${child.child.exitCode}: ${child.stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sctraced did not listen within 30 s: ${child.stderr}`);
    }
    await sleep(50);
  }
  // The socket file appears at bind; give the server a moment to finish start-up.
  await sleep(200);
  return {
    address: `unix:${socket}`,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGINT');
      const code = await child.exited;
      if (code !== 0) process.stderr.write(`sctraced exited with ${code}: ${child.stderr}\n`);
    },
  };
}

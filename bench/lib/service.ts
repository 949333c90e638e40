/**
 * The sctraced under test: the real dist/src/main.js in its own process, started as the tests
 * start it (test/helpers/service-process.ts), on a socket in the bench's work directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnService } from '../../test/helpers/service-process';

export interface Service {
  address: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts sctraced with `args` (and node with `nodeArgs`) and waits until it listens. */
export async function startService(workDir: string, args: string[] = [], nodeArgs: string[] = []): Promise<Service> {
  fs.mkdirSync(workDir, { recursive: true });
  const socket = path.join(workDir, 'sctrace.sock');
  fs.rmSync(socket, { force: true });
  const service = await spawnService(args, { socket, nodeArgs });
  return {
    address: service.address,
    pid: service.pid,
    stop: async () => {
      const code = await service.stop();
      if (code !== 0) process.stderr.write(`sctraced exited with ${code}; the end of its log:\n${service.log().slice(-8192)}\n`);
    },
  };
}

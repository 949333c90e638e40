/**
 * The live sctraced of one test file: started in before() (unless the file's tests skip), a
 * client connected, stopped in after() with a check that it exited 0, and a work directory
 * removed at the end. Hooks a file registers before calling liveService() run before the start.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, connect } from './client';
import { spawnService, type ServiceProcess } from './service-process';

export interface LiveService {
  /** Set once before() ran and the file's tests do not skip. */
  service: ServiceProcess | undefined;
  client: ReturnType<typeof connect>;
  rpc: ReturnType<typeof api>;
  /** A temporary directory for the file's workloads, removed in after(). */
  readonly workdir: string;
  /** Backend name → why it is unavailable ('' when available), from GetCapabilities in before(). */
  readonly unavailable: Map<string, string>;
}

export interface LiveServiceOptions {
  /** sctraced's arguments (default: --idle-timeout 30). */
  args?: string[];
  /** Why the file's tests skip (then no service is started), or null. Read in before(). */
  skip?: () => string | null | undefined;
  /** The work directory's name prefix. */
  prefix?: string;
}

export function liveService(options: LiveServiceOptions = {}): LiveService {
  const live = { workdir: fs.mkdtempSync(path.join(os.tmpdir(), options.prefix ?? 'sctrace-it-')), unavailable: new Map() } as LiveService;
  before(async () => {
    if (options.skip?.()) return;
    live.service = await spawnService(options.args ?? ['--idle-timeout', '30']);
    live.client = connect(live.service.address);
    live.rpc = api(live.client);
    for (const b of (await live.rpc.caps()).backends) live.unavailable.set(b.name, b.available ? '' : b.reason);
  });
  after(async () => {
    live.client?.close();
    if (live.service) assert.equal(await live.service.stop(), 0, `sctraced exit code; log:\n${live.service.log()}`);
    fs.rmSync(live.workdir, { recursive: true, force: true });
  });
  return live;
}

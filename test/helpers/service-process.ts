/** Starts the real sctraced (dist/src/main.js) as a child process on a temporary unix socket. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchStopped } from '../../clients/ts/launch';
import { patience } from './patience';

/** Package root, from dist/test/helpers. */
export const ROOT = path.resolve(__dirname, '../../..');

/** A running sctraced. */
export interface ServiceProcess {
  /** Its unix socket. */
  address: string;
  /** Every address it listens on, in --listen order (the unix socket first; TCP port 0 resolved). */
  addresses: string[];
  pid: number;
  /** Everything it logged so far. */
  log(): string;
  /** Resolves when it has exited: its exit code, or the signal that killed it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGINT (unless it has exited already), then waits for exit; returns the exit code. */
  stop(): Promise<number | null>;
}

/** Where the service listens by default, and where its socket goes. */
export interface SpawnOptions {
  /** The unix socket's path (default: a fresh temporary directory's sctrace.sock). */
  socket?: string;
  /** Options for node itself (e.g. --cpu-prof), before the script. */
  nodeArgs?: string[];
}

/**
 * Spawns sctraced with `args` (more --listen addresses may be among them) and waits until it
 * listens on every address.
 */
export async function spawnService(args: string[] = [], options: SpawnOptions = {}): Promise<ServiceProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctraced-'));
  const socket = options.socket ?? path.join(dir, 'sctrace.sock');
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(ROOT, 'dist/src/main.js'), '--listen', `unix:${socket}`, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const listeners = 1 + args.filter((a) => a === '--listen' || a.startsWith('--listen=')).length;
  const listening = () => [...output.matchAll(/listening on (\S+)/g)].map((m) => m[1]);
  const wait = patience(20_000);
  const deadline = Date.now() + wait;
  while (listening().length < listeners) {
    if (child.exitCode !== null) throw new Error(`sctraced exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sctraced did not listen within ${wait / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    address: `unix:${socket}`,
    addresses: listening(),
    pid: child.pid!,
    log: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const { code } = await exited;
      fs.rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** A workload started stopped (SIGSTOP before exec), so a trace can be set up on its pid first. */
export interface StoppedChild {
  pid: number;
  /** Lets it run (SIGCONT). */
  resume(): void;
  /** Kills it (SIGKILL; also works while it is stopped), e.g. when a test fails before resume(). */
  kill(): void;
  /** Resolves with its exit code and its output once it has exited. */
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts `argv` stopped before its exec (the client library's launcher), its output collected. */
export async function spawnStopped(argv: string[], options: { cwd?: string } = {}): Promise<StoppedChild> {
  const launched = await launchStopped(argv, { cwd: options.cwd });
  let stdout = '';
  let stderr = '';
  launched.child.stdout!.on('data', (d) => (stdout += d));
  launched.child.stderr!.on('data', (d) => (stderr += d));
  const exited = launched.exited.then(({ code }) => ({ code, stdout, stderr }));
  return { pid: launched.pid, resume: launched.resume, kill: launched.kill, exited };
}

/** Programs and links loaded since `before` (a bpfObjects() result) that are still there. */
export function bpfAddedSince(before: { progs: Set<number>; links: Set<number> }): { progs: number[]; links: number[] } {
  const now = bpfObjects();
  return { progs: [...now.progs].filter((id) => !before.progs.has(id)), links: [...now.links].filter((id) => !before.links.has(id)) };
}

/**
 * What is still loaded of what was added since `before`, once the kernel had up to `timeoutMs`
 * to free it (programs go after an RCU grace period once their last reference is gone).
 */
export async function bpfLeftSince(before: { progs: Set<number>; links: Set<number> }, timeoutMs = 5000): Promise<{ progs: number[]; links: number[] }> {
  const deadline = Date.now() + timeoutMs;
  let left = bpfAddedSince(before);
  while (left.progs.length + left.links.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = bpfAddedSince(before);
  }
  return left;
}

/** Ids of loaded BPF programs and links (bpftool), to check that a trace leaves nothing behind. */
export function bpfObjects(): { progs: Set<number>; links: Set<number> } {
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  const ids = (kind: string) => {
    const out = execFileSync('bpftool', ['-j', kind, 'show'], { encoding: 'utf8' });
    return new Set<number>((JSON.parse(out || '[]') as { id: number }[]).map((o) => o.id));
  };
  return { progs: ids('prog'), links: ids('link') };
}

/**
 * The programs and links loaded since `before` that are still there after up to `timeoutMs`: the
 * kernel frees a program an RCU grace period after its last reference goes (a detached perf
 * event's takes longer), so a check right after a stop would see some for a moment.
 */
export async function leftBehind(before: ReturnType<typeof bpfObjects>, timeoutMs = 3000): Promise<{ progs: number[]; links: number[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = bpfObjects();
    const progs = [...now.progs].filter((id) => !before.progs.has(id));
    const links = [...now.links].filter((id) => !before.links.has(id));
    if ((progs.length === 0 && links.length === 0) || Date.now() > deadline) return { progs, links };
    await new Promise((r) => setTimeout(r, 20));
  }
}

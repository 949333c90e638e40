/**
 * The paced load generator of the bench (bench/c/getppid.c: N getppid calls at RATE per second
 * in 1 ms ticks, printing {"calls":N,...} on stderr), compiled with gcc at test time, so a test
 * knows exactly how many events a trace of it must account for.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandUnavailableReason } from './privileges';
import { ROOT } from './service-process';

let built: string | undefined;

/** Why the generator cannot be built here, or null. */
export function gccUnavailableReason(): string | null {
  return commandUnavailableReason(['gcc', '--version'], 'to build the load generator');
}

/** Path of the compiled generator (built once per process). */
export function getppidGenerator(): string {
  if (built) return built;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-load-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'getppid');
  execFileSync('gcc', ['-O2', '-o', out, path.join(ROOT, 'bench/c/getppid.c')], { stdio: ['ignore', 'ignore', 'pipe'] });
  built = out;
  return out;
}

/** The generator's report line: calls made and the rate achieved. */
export function parseGeneratorReport(stderr: string): { calls: number; rate: number } {
  const line = stderr.split('\n').find((l) => l.startsWith('{"calls"'));
  if (!line) throw new Error(`the load generator printed no report: ${stderr}`);
  return JSON.parse(line) as { calls: number; rate: number };
}

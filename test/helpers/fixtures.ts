/**
 * The C fixtures of test/fixtures, compiled with gcc once per test process, or taken prebuilt
 * from $SCTRACE_FIXTURES (scripts/kmod-test.sh builds them for the qemu guest, which has no
 * compiler).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandUnavailableReason } from './privileges';
import { ROOT } from './service-process';

const built = new Map<string, string>();
let dir: string | undefined;

/** Why fixture `name` can be neither found prebuilt nor built here, or null. */
export function fixtureUnavailableReason(name: string): string | null {
  const prebuilt = process.env.SCTRACE_FIXTURES;
  if (prebuilt) return fs.existsSync(path.join(prebuilt, name)) ? null : `fixture ${name} is not in SCTRACE_FIXTURES=${prebuilt}`;
  return commandUnavailableReason(['gcc', '--version'], `to build the test fixture test/fixtures/${name}.c`);
}

/** The path of fixture `name` (test/fixtures/NAME.c), built on first use. */
export function fixture(name: string): string {
  const prebuilt = process.env.SCTRACE_FIXTURES;
  if (prebuilt) return path.join(prebuilt, name);
  const known = built.get(name);
  if (known) return known;
  if (!dir) {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-fixtures-'));
    process.once('exit', () => fs.rmSync(made, { recursive: true, force: true }));
    dir = made;
  }
  const out = path.join(dir, name);
  execFileSync('gcc', ['-O1', '-Wall', '-pthread', '-o', out, path.join(ROOT, 'test/fixtures', `${name}.c`)], { stdio: ['ignore', 'ignore', 'pipe'] });
  built.set(name, out);
  return out;
}

/** The state letter of process `pid` in /proc/PID/stat (T: stopped), or "" once it is gone. */
export function stateOf(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return '';
  }
}

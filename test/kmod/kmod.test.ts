/**
 * The kmod backend live, as part of `npm test`: runs scripts/kmod-test.sh (the same as `npm run
 * test:kmod`), which boots a Debian kernel under qemu with the module and the project and runs the
 * real sctraced and the guest tests inside it. Skips with the script's reason when this machine
 * cannot run it (not root and packages missing, or they cannot be installed); fails instead when
 * CI=true. dist/ is already built by the time this runs, so the script does not rebuild it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { skipUnlessPossible } from '../helpers/privileges';

const ROOT = path.resolve(__dirname, '../../..');
/** scripts/kmod-test.sh's "cannot run here" status. */
const CANNOT_RUN = 77;

test('kmod backend in a qemu guest: module, sctraced, gRPC client, real workloads', { timeout: 20 * 60_000 }, async (t) => {
  const { code, output } = await run('bash', [path.join(ROOT, 'scripts/kmod-test.sh')], { SCTRACE_KMOD_NO_BUILD: '1' }, t.signal);
  if (code === CANNOT_RUN) {
    const reason = /SKIP: (.*)/.exec(output)?.[1] ?? 'scripts/kmod-test.sh cannot run here';
    if (skipUnlessPossible(t, reason)) return;
  }
  assert.equal(code, 0, `scripts/kmod-test.sh failed; the failing guest tests first:\n${failures(output)}\n\nthe whole output:\n${output}`);
  const summary = output.split('\n').filter((l) => /^[✔✖﹣ℹ]|\[kmod-test\] PASS/.test(l.trim()));
  process.stderr.write(`${summary.map((l) => `# ${l}`).join('\n')}\n`);
});

/**
 * The guest's failing tests with their errors (the spec reporter's ✖ lines and what is indented
 * under them), so a failure's cause leads the message even where the output is cut.
 */
function failures(output: string): string {
  const lines = output.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i].indexOf('✖');
    if (at < 0 || lines[i].slice(0, at).trim() !== '') continue;
    out.push(lines[i]);
    for (let j = i + 1; j < lines.length && j < i + 30; j++) {
      const indent = lines[j].length - lines[j].trimStart().length;
      if (lines[j].trim() !== '' && indent <= at) break;
      out.push(lines[j]);
    }
  }
  return out.length ? out.join('\n') : '(no ✖ line: see the end of the output)';
}

/** Runs `cmd`; an aborted test (timeout) sends it SIGTERM, which also ends its qemu. */
function run(cmd: string, args: string[], env: Record<string, string>, signal: AbortSignal): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let output = '';
    child.on('error', (err) => (output += `\n${err.message}`));
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

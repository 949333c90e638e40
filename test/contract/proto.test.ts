/**
 * proto/ hygiene: `buf lint` with proto/buf.yaml, `buf breaking` of the tree's proto against every
 * earlier version of it in the git history (so a change that breaks generated clients or the wire
 * fails here, whichever commit of a series made it), and docs/api.md regenerated from the proto's
 * comments must equal the checked-in file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/service-process';

const BUF = path.join(ROOT, 'node_modules', '.bin', 'buf');

/** Runs buf; returns its combined output and exit status. */
function buf(args: string[]): { status: number | null; output: string } {
  const run = spawnSync(BUF, args, { cwd: ROOT, encoding: 'utf8' });
  if (run.error) throw new Error(`cannot run ${BUF} (npm ci installs it with @bufbuild/buf): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

test('buf lint passes on proto/', () => {
  const { status, output } = buf(['lint', 'proto']);
  assert.equal(status, 0, `buf lint proto failed (rules in proto/buf.yaml):\n${output}`);
});

test('the proto is compatible with every earlier version in the git history (buf breaking)', (t) => {
  let revisions: string[];
  try {
    revisions = git(['log', '--format=%H', '--', 'proto/']).split('\n').filter(Boolean);
  } catch (err) {
    const reason = `not a git checkout with history, nothing to compare against: ${(err as Error).message}`;
    if (process.env.CI === 'true') throw new Error(reason);
    t.skip(reason);
    return;
  }
  if (git(['rev-parse', '--is-shallow-repository']) === 'true' && process.env.CI === 'true') {
    throw new Error('shallow clone: the earlier versions of proto/ are not in this history; CI needs a full clone');
  }
  assert.ok(revisions.length > 0, 'git log found no commit touching proto/');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-proto-'));
  try {
    const failures: string[] = [];
    for (const rev of revisions) {
      const against = path.join(dir, rev);
      fs.mkdirSync(against);
      execFileSync('sh', ['-c', `git archive "${rev}" proto | tar -x -C "${against}"`], { cwd: ROOT });
      // The earlier version is compared as plain files: its own buf.yaml, if any, must not decide.
      fs.rmSync(path.join(against, 'proto', 'buf.yaml'), { force: true });
      const { status, output } = buf(['breaking', 'proto', '--against', path.join(against, 'proto')]);
      if (status !== 0) failures.push(`against ${rev.slice(0, 12)} (${git(['log', '-1', '--format=%s', rev])}):\n${output}`);
    }
    assert.equal(failures.length, 0, `breaking changes (rules in proto/buf.yaml):\n${failures.join('\n')}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/api.md is what scripts/gen-api-docs.js generates from the proto', () => {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-api-docs.js'), '--check'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, `${run.stderr}${run.stdout}`);
});

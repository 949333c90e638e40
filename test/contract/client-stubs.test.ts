/**
 * The checked-in Python and Go stubs (clients/python/sctrace/v1, clients/go/sctracev1) are what
 * Debian's protoc and plugins generate from proto/ now: clients/generate.sh --check regenerates
 * them into a temporary directory and compares.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../helpers/service-process';

test('clients/python and clients/go stubs match proto/ (clients/generate.sh --check)', () => {
  const run = spawnSync('bash', [path.join(ROOT, 'clients', 'generate.sh'), '--check'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, `${run.stderr}${run.stdout}`);
});

/**
 * deploy/: the Helm chart lints and renders, the checked-in manifests are its rendering, and every
 * manifest validates against the Kubernetes schemas (deploy/check.sh); the validator itself
 * refuses what it must (a typo'd field, a wrong type).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../helpers/service-process';

test('deploy/check.sh: chart lint, render, manifests in sync and valid', () => {
  const run = spawnSync('bash', [path.join(ROOT, 'deploy/check.sh')], { encoding: 'utf8', timeout: 170_000 });
  assert.equal(run.status, 0, `deploy/check.sh failed:\n${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /kubernetes\/sctrace\.yaml: DaemonSet sctrace: valid/);
  assert.match(run.stdout, /chart lints, renders, and every manifest is valid/);
});

test('the manifest validator refuses an unknown field and a wrong type', () => {
  const manifest = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: broken}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      hostPid: true
      containers:
        - name: c
          image: i
          readinessProbe: {grpc: {port: "7071"}}
`;
  const run = spawnSync('node', [path.join(ROOT, 'deploy/tools/validate.mjs'), '-'], { input: manifest, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /\.spec\.template\.spec\.hostPid: unknown field of V1PodSpec \(did you mean hostPID\?\)/);
  assert.match(run.stdout, /readinessProbe\/grpc\/port must be integer/);
});

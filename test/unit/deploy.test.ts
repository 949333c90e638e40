/**
 * deploy/: the Helm chart lints and renders, the checked-in manifests are its rendering, and every
 * manifest validates against the Kubernetes schemas (deploy/check.sh); the validator itself
 * refuses what it must (a typo'd field, a wrong type).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigError, parseConfig } from '../../src/config/config';
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

/** The chart rendered with `values` (JSON), as objects. */
function renderChart(values: Record<string, unknown>): Record<string, any>[] {
  const helm = execFileSync('bash', [path.join(ROOT, 'deploy/tools/helm.sh')], { encoding: 'utf8' }).trim();
  const args = ['template', 'sctrace', path.join(ROOT, 'deploy/helm/sctrace'), '--namespace', 'sctrace'];
  for (const [key, value] of Object.entries(values)) args.push('--set-json', `${key}=${JSON.stringify(value)}`);
  // YAML 1.1, as Kubernetes reads manifests: `defaultMode: 0444` is octal there.
  return parseAllDocuments(execFileSync(helm, args, { encoding: 'utf8' }), { version: '1.1' }).map((d) => d.toJS() as Record<string, any>).filter(Boolean);
}

/** What sctraced makes of the rendered pod's arguments and config file (written where it would be mounted, here a temp dir). */
function serviceConfigOf(objects: Record<string, any>[]) {
  const daemonSet = objects.find((o) => o.kind === 'DaemonSet')!;
  const args: string[] = daemonSet.spec.template.spec.containers[0].args;
  const configMap = objects.find((o) => o.kind === 'ConfigMap');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-chart-config-'));
  try {
    const file = path.join(dir, 'sctraced.yaml');
    if (configMap) fs.writeFileSync(file, configMap.data['sctraced.yaml'], { mode: 0o644 });
    return { args, config: parseConfig(args.map((a) => (a === '/etc/sctrace/config/sctraced.yaml' ? file : a)), {}) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('chart value config: a ConfigMap sctraced reads with --config, its checksum on the pods; sctraced refuses a bad key in it', () => {
  const plain = serviceConfigOf(renderChart({}));
  assert.ok(!plain.args.includes('--config'), 'no config file without `config`');
  const objects = renderChart({ config: { 'max-traces': 32, 'retention-mb': 32, 'idle-timeout': 300 } });
  const pod = objects.find((o) => o.kind === 'DaemonSet')!.spec.template;
  assert.match(pod.metadata.annotations['checksum/config'], /^[0-9a-f]{64}$/);
  assert.deepEqual(pod.spec.volumes.find((v: { name: string }) => v.name === 'config').configMap, { name: 'sctrace-config', defaultMode: 0o444 });
  const { config } = serviceConfigOf(objects);
  assert.ok(config !== 'help');
  assert.deepEqual([config.maxTraces, config.retentionBytes, config.idleTimeoutMs], [32, 32 << 20, 300_000], 'the file is read');
  assert.equal(config.logFormat, 'json', "the chart's flags are read alongside it");
  assert.throws(() => serviceConfigOf(renderChart({ config: { 'max-trace': 32 } })), (err: unknown) => err instanceof ConfigError && /unknown key "max-trace" \(did you mean max-traces\?\)/.test(err.message));
});

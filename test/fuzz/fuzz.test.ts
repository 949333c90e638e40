/**
 * The fuzz test (test/fuzz/fuzz.ts) for about a minute in CI; SCTRACE_FUZZ_SECONDS changes the
 * length, SCTRACE_FUZZ_SEED replays a run, `npm run fuzz -- --seconds N` runs it on its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { opensslUnavailableReason } from '../helpers/certs';
import { RSS_GROWTH_LIMIT_MB, runFuzz } from './fuzz';

const seconds = Number(process.env.SCTRACE_FUZZ_SECONDS ?? 60);
const seed = process.env.SCTRACE_FUZZ_SEED ? Number(process.env.SCTRACE_FUZZ_SEED) : undefined;

test(`fuzz: ${seconds} s of mutated requests and HTTP/2 and TLS garbage; the service stays healthy, bounded and clean`, { timeout: (seconds + 120) * 1000 }, async (t) => {
  if (skipUnlessPossible(t, ebpfUnavailableReason(defaultObjectPath()) ?? opensslUnavailableReason())) return;
  const report = await runFuzz({ seconds, seed, log: (line) => process.stderr.write(`${line}\n`) });
  assert.deepEqual(report.failures, [], `seed ${report.seed}`);
  assert.ok(Object.values(report.runs).reduce((a, b) => a + b, 0) > seconds * 10, 'the fuzz ran');
  assert.ok(report.tracesStarted > 0, 'some fuzzed specs were valid and started real traces');
  assert.equal(report.healthyAfter, true, 'health checks answer SERVING afterwards');
  assert.ok(report.rssAfterMb - report.rssBeforeMb < RSS_GROWTH_LIMIT_MB, `RSS grew ${(report.rssAfterMb - report.rssBeforeMb).toFixed(1)} MB`);
  assert.deepEqual({ programs: report.leftPrograms, links: report.leftLinks }, { programs: [], links: [] });
  assert.equal(report.exitCode, 0);
});

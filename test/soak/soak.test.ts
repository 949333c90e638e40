/**
 * The soak test (test/soak/soak.ts) for about a minute in CI; SCTRACE_SOAK_SECONDS,
 * SCTRACE_SOAK_RATE and SCTRACE_SOAK_PAUSE change it, `npm run soak -- --seconds N` runs it on its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { opensslUnavailableReason } from '../helpers/certs';
import { gccUnavailableReason } from '../helpers/workload';
import { checkSoak, runSoak } from './soak';

const seconds = Number(process.env.SCTRACE_SOAK_SECONDS ?? 60);
const rate = Number(process.env.SCTRACE_SOAK_RATE ?? 100_000);
const pauseSeconds = Number(process.env.SCTRACE_SOAK_PAUSE ?? 3);

test(`soak: ${seconds} s at ${rate} getppid/s; steady, paused, TLS, reconnecting and cancelling subscribers each account for every event`, { timeout: (seconds + 120) * 1000 }, async (t) => {
  if (skipUnlessPossible(t, ebpfUnavailableReason(defaultObjectPath()) ?? opensslUnavailableReason() ?? gccUnavailableReason())) return;
  const report = await runSoak({ seconds, rate, pauseSeconds, log: (line) => process.stderr.write(`${line}\n`) });
  assert.deepEqual(checkSoak(report), []);
  assert.ok(report.calls >= rate * (seconds - 5) * 0.9, `the generator made ${report.calls} calls`);
  assert.ok(report.subscribers.find((s) => s.name === 'paused')!.lostSubscriber > 0, 'the paused subscriber overflowed its queue (and was told)');
  assert.ok(report.subscribers.find((s) => s.name === 'reconnecting')!.streams >= 5, 'the reconnecting subscriber reconnected');
});

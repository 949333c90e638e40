#!/usr/bin/env node
/** `npm run fuzz -- [--seconds N] [--seed S]`: the fuzz test on its own, for as long as asked (as root, with BPF). */
import { parseArgs } from 'node:util';
import { RSS_GROWTH_LIMIT_MB, runFuzz } from './fuzz';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, seed: { type: 'string' } } });
  const seconds = Number(values.seconds ?? 60);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`--seconds ${values.seconds}: a positive number of seconds`);
  const report = await runFuzz({ seconds, seed: values.seed === undefined ? undefined : Number(values.seed), log: (line) => process.stdout.write(`${line}\n`) });
  const ok =
    report.failures.length === 0 &&
    report.healthyAfter &&
    report.rssAfterMb - report.rssBeforeMb < RSS_GROWTH_LIMIT_MB &&
    report.leftPrograms.length + report.leftLinks.length === 0 &&
    report.exitCode === 0;
  process.stdout.write(ok ? 'fuzz: passed\n' : 'fuzz: FAILED\n');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`fuzz: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

#!/usr/bin/env node
/** `npm run soak -- [--seconds N] [--rate R] [--pause S]`: the soak test on its own, for as long as asked (as root, with BPF). */
import { parseArgs } from 'node:util';
import { checkSoak, runSoak } from './soak';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, rate: { type: 'string' }, pause: { type: 'string' } } });
  const seconds = Number(values.seconds ?? 60);
  const rate = Number(values.rate ?? 100_000);
  if (!(seconds >= 10)) throw new Error(`--seconds ${values.seconds}: at least 10`);
  if (!(rate >= 1000)) throw new Error(`--rate ${values.rate}: at least 1000 calls per second`);
  const pauseSeconds = Number(values.pause ?? 3);
  if (!(pauseSeconds > 0)) throw new Error(`--pause ${values.pause}: a positive number of seconds`);
  const problems = checkSoak(await runSoak({ seconds, rate, pauseSeconds, log: (line) => process.stdout.write(`${line}\n`) }));
  for (const p of problems) process.stdout.write(`soak: ${p}\n`);
  process.stdout.write(problems.length === 0 ? 'soak: passed\n' : 'soak: FAILED\n');
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`soak: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

#!/usr/bin/env node
/**
 * A consumer process built on the TypeScript client library, for the tests that restart a
 * client: follows a trace from a given sequence and reports, as JSON lines on stdout every 50 ms
 * and at the end, what it has seen: {"first","last","events","getppid","lost","gaps","dups"}.
 * A gap is a sequence number that did not follow the previous one (loss notices included), a dup
 * one that did not grow.
 *
 * usage: resume-consumer ADDRESS TRACE_ID FROM_SEQUENCE
 */
import { connect } from '../../clients/ts';

async function main(): Promise<void> {
  const [address, traceId, from] = process.argv.slice(2);
  const client = connect(address);
  const seen = { first: 0, last: 0, events: 0, getppid: 0, lost: 0, gaps: 0, dups: 0, done: false };
  const report = () => process.stdout.write(`${JSON.stringify(seen)}\n`);
  const timer = setInterval(report, 50);
  try {
    for await (const event of client.events(traceId, { fromSequence: Number(from) })) {
      const seq = Number(event.sequence);
      if (seen.first === 0) seen.first = seq;
      else if (seq <= seen.last) seen.dups++;
      else if (seq !== seen.last + 1 && event.kind !== 'lost') seen.gaps++;
      seen.last = seq;
      seen.events++;
      if (event.kind === 'lost') seen.lost += Number(event.lost!.count);
      else if (event.kind === 'syscall' && event.syscall!.name === 'getppid') seen.getppid++;
    }
    seen.done = true;
  } finally {
    clearInterval(timer);
    report();
    client.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`resume-consumer: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

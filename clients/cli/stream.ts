/**
 * `sctrace stream ID`: subscribe to a trace someone else started and print it like `trace`.
 * Only the subscription is ours: Ctrl-C cancels the stream and leaves the trace running.
 */
import { parseArgs } from 'node:util';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  parseFormat,
  parseInteger,
  parseOrUsage,
  singlePositional,
  type Command,
  type GlobalOptions,
} from './command';
import { openConnection } from './client';
import { credentialFlags, withFallback } from './credentials';
import { EventPump, type StreamEnd } from './event-pump';
import { Interrupts, signalExitCode } from './interrupts';
import { Output } from './output';
import { EventPrinter } from './printer';

const NAME = 'stream';

const STREAM_OPTIONS = {
  ...COMMON_OPTIONS,
  output: { type: 'string', short: 'o' },
  out: { type: 'string' },
  timestamps: { type: 'boolean', short: 't' },
  follow: { type: 'boolean', short: 'f' },
  from: { type: 'string' },
} as const;

const HELP = `Usage: sctrace stream [options] ID

Prints the events of a running trace (see 'sctrace list') until it stops or Ctrl-C.
Ctrl-C ends this subscription only; the trace keeps running (stop it with 'sctrace stop ID').

Options:
  -o, --output FORMAT   text (strace-like, default) or json (one event object per line)
      --out FILE        write the events to FILE instead of stdout
  -t, --timestamps      prefix text lines with the time of day, with microseconds
  -f, --follow          prefix every line with its thread id (as strace -f -o FILE does)
      --from N          start at event N (1: the trace's first) while the service retains it
                        (default: new events only); the stream resumes by itself after a
                        dropped connection

${COMMON_HELP}`;

/** `sctrace stream`. */
export const streamCommand: Command = { name: NAME, summary: 'print the events of a running trace', help: HELP, run: runStream };

async function runStream(argv: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseOrUsage(NAME, () =>
    parseArgs({ args: argv, options: STREAM_OPTIONS, strict: true, allowPositionals: true }),
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const traceId = singlePositional(NAME, positionals, 'trace ID');
  const from = values.from === undefined ? 0 : parseInteger(NAME, '--from', values.from, 1, Number.MAX_SAFE_INTEGER);
  const printer = new EventPrinter({ format: parseFormat(NAME, values.output), pidColumn: values.follow, pidBrackets: true, timestamps: values.timestamps ? 2 : 0 });
  const output = Output.open(values.out);
  const connection = openConnection(values.server ?? globals.server, withFallback(credentialFlags(values), globals));
  const interrupts = new Interrupts();
  try {
    const pump = new EventPump(connection.streamEvents(traceId, from), connection, printer, output, { ignorePid: process.pid });
    return await untilEnd(pump, interrupts, output);
  } finally {
    interrupts.dispose();
    connection.close();
    await output.close();
  }
}

/** Exit code: 0 when the trace stopped, 128+N on a signal; a failed stream is thrown for main to print. */
async function untilEnd(pump: EventPump, interrupts: Interrupts, output: Output): Promise<number> {
  const first = await Promise.race<StreamEnd | NodeJS.Signals | Error>([pump.ended, interrupts.received, output.failed]);
  pump.cancel();
  if (typeof first === 'string') return signalExitCode(first);
  if (first instanceof Error) {
    // A reader that went away (EPIPE, e.g. `| head`) is a normal way to stop reading.
    if ((first as NodeJS.ErrnoException).code !== 'EPIPE') process.stderr.write(`sctrace: writing the events: ${first.message}\n`);
    return 1;
  }
  if (first.kind === 'failed') throw first.error;
  return 0;
}

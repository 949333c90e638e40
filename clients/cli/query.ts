/**
 * The one-call commands (caps, list, stop) share one shape: parse `-o` and at most one
 * positional, make a single RPC, print the response as text or JSON, close the connection.
 */
import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, UsageError, parseFormat, parseOrUsage, singlePositional, type Command, type GlobalOptions } from './command';
import { openConnection, type TracerConnection } from './client';
import { credentialFlags, withFallback } from './credentials';

const QUERY_OPTIONS = { ...COMMON_OPTIONS, output: { type: 'string', short: 'o' } } as const;

/** What makes one query command different from another. */
export interface QuerySpec<T> {
  name: string;
  summary: string;
  help: string;
  /** Name of the one required positional argument, if the command takes one. */
  positional?: string;
  call(connection: TracerConnection, positional: string | undefined): Promise<T>;
  /** The text rendering of the response. */
  text(response: T, positional: string | undefined): string;
}

/** Builds the Command for `spec`. */
export function queryCommand<T>(spec: QuerySpec<T>): Command {
  const run = async (argv: string[], globals: GlobalOptions): Promise<number> => {
    const { values, positionals } = parseOrUsage(spec.name, () =>
      parseArgs({ args: argv, options: QUERY_OPTIONS, strict: true, allowPositionals: true }),
    );
    if (values.help) {
      process.stdout.write(spec.help);
      return 0;
    }
    let positional: string | undefined;
    if (spec.positional !== undefined) positional = singlePositional(spec.name, positionals, spec.positional);
    else if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, spec.name);
    const format = parseFormat(spec.name, values.output);
    const connection = openConnection(values.server ?? globals.server, withFallback(credentialFlags(values), globals));
    try {
      const response = await spec.call(connection, positional);
      process.stdout.write(format === 'json' ? `${JSON.stringify(response, null, 2)}\n` : spec.text(response, positional));
      return 0;
    } finally {
      connection.close();
    }
  };
  return { name: spec.name, summary: spec.summary, help: spec.help, run };
}

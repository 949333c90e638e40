/**
 * The one-call commands (caps, list, stop) share one shape: parse `-o` and the positionals, make
 * the call on the server, print the response as text or JSON, close the connection. With several
 * servers (`--server a,b,c`) the call goes to each of them at once: text shows every node's
 * answer (list: one table with a NODE column), JSON is a list of {server, node, response} or
 * {server, error}; a server that fails is reported on stderr while the others are printed, and
 * the exit code is 1.
 */
import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, UsageError, parseFormat, parseOrUsage, singlePositional, type Command, type GlobalOptions } from './command';
import { RpcError, connectTo, resolveServerAddresses, type TracerConnection } from './client';
import { credentialFlags, withFallback, type CredentialOptions } from './credentials';

const QUERY_OPTIONS = { ...COMMON_OPTIONS, output: { type: 'string', short: 'o' } } as const;

/** What one server answered. */
export type FleetAnswer<T> = { server: string; node: string; response: T } | { server: string; node: string; error: Error };

/** What makes one query command different from another. */
export interface QuerySpec<T> {
  name: string;
  summary: string;
  help: string;
  /** Name of the one required positional argument, if the command takes one. */
  positional?: string;
  /**
   * Several servers: how the command runs on all of them (default: `call` on each, printed with
   * fleetText); `stop` overrides it to take several trace ids, each living on one node.
   */
  fleet?(servers: string[], positionals: string[], format: 'text' | 'json', credentials: CredentialOptions): Promise<number>;
  call(connection: TracerConnection, positional: string | undefined): Promise<T>;
  /** The text rendering of the response. */
  text(response: T, positional: string | undefined): string;
  /** The node a response comes from, when it says (else the server address stands for it). */
  nodeOf?(response: T): string | undefined;
  /** Several servers: the text of their answers (default: each node's text under its name). */
  fleetText?(answers: { node: string; response: T }[], positional: string | undefined): string;
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
    const format = parseFormat(spec.name, values.output);
    const servers = resolveServerAddresses(values.server ?? globals.server);
    const credentials = withFallback(credentialFlags(values), globals);
    if (servers.length > 1 && spec.fleet) return spec.fleet(servers, positionals, format, credentials);
    let positional: string | undefined;
    if (spec.positional !== undefined) positional = singlePositional(spec.name, positionals, spec.positional);
    else if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, spec.name);
    if (servers.length === 1) {
      const connection = connectTo(servers[0], credentials);
      try {
        const response = await spec.call(connection, positional);
        process.stdout.write(format === 'json' ? `${JSON.stringify(response, null, 2)}\n` : spec.text(response, positional));
        return 0;
      } finally {
        connection.close();
      }
    }
    const answers = await askAll(servers, credentials, (connection) => spec.call(connection, positional), spec.nodeOf);
    return printAnswers(answers, format, (ok) => (spec.fleetText ?? sections(spec.text))(ok, positional));
  };
  return { name: spec.name, summary: spec.summary, help: spec.help, run };
}

/** Makes `call` on every server at once; never rejects. */
export async function askAll<T>(
  servers: string[],
  credentials: CredentialOptions,
  call: (c: TracerConnection) => Promise<T>,
  nodeOf?: (r: T) => string | undefined,
): Promise<FleetAnswer<T>[]> {
  return Promise.all(
    servers.map(async (server): Promise<FleetAnswer<T>> => {
      let connection: TracerConnection | undefined;
      try {
        connection = connectTo(server, credentials);
        const response = await call(connection);
        return { server, node: nodeOf?.(response) || server, response };
      } catch (err) {
        return { server, node: server, error: err as Error };
      } finally {
        connection?.close();
      }
    }),
  );
}

/** Prints the answers of several servers; 1 if any failed. */
export function printAnswers<T>(
  answers: FleetAnswer<T>[],
  format: 'text' | 'json',
  text: (ok: { node: string; response: T }[]) => string,
  /** JSON entries go here instead of stdout (the caller prints them together). */
  jsonInto?: unknown[],
): number {
  const ok = answers.filter((a): a is { server: string; node: string; response: T } => 'response' in a);
  if (format === 'json') {
    const out = answers.map((a) => ('response' in a ? a : { server: a.server, node: a.node, error: a.error.message }));
    if (jsonInto) jsonInto.push(...out);
    else process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else if (ok.length > 0) {
    process.stdout.write(text(ok));
  }
  let code = 0;
  for (const a of answers) {
    if ('error' in a) {
      code = 1;
      reportServerError(a.server, a.error);
    }
  }
  return code;
}

/** `sctrace: SERVER: rpc: STATUS: details`, and the hint if there is one. */
export function reportServerError(server: string, error: Error): void {
  const hint = error instanceof RpcError && error.hint ? `sctrace: ${error.hint}\n` : '';
  process.stderr.write(`sctrace: ${server}: ${error.message}\n${hint}`);
}

/** Each node's text under a `== node ==` line. */
function sections<T>(text: (response: T, positional: string | undefined) => string) {
  return (answers: { node: string; response: T }[], positional: string | undefined): string =>
    answers.map((a) => `== ${a.node} ==\n${text(a.response, positional)}`).join('');
}

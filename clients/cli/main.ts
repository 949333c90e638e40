#!/usr/bin/env node
/**
 * sctrace: the command-line client of sctraced. Parses the global options and the subcommand
 * name, runs the subcommand, prints any error once (report.ts) and exits with its code.
 */
// First: what this process inherited, before loading the rest opens descriptors of Node's own.
import './fds-at-start';
import { capsCommand } from './caps';
import { exportCommand } from './export';
import { COMMON_HELP, EXIT_USAGE, UsageError, type Command, type GlobalOptions } from './command';
import { listCommand } from './list';
import { reportError } from './report';
import { stopCommand } from './stop';
import { streamCommand } from './stream';
import { traceCommand } from './trace';
import { treeCommand } from './tree';

/** Every subcommand, in the order `--help` lists them. */
const COMMANDS: readonly Command[] = [traceCommand, streamCommand, exportCommand, listCommand, treeCommand, stopCommand, capsCommand];

const HELP = `Usage: sctrace [--server ADDR] [--tls-ca FILE] [--token-file FILE] ... COMMAND [options]

System-call tracing through the sctraced service.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(8)}${command.summary}`).join('\n')}

Run 'sctrace COMMAND --help' for a command's options.

${COMMON_HELP}`;

/** Global options that take a value, and where they go. */
const GLOBAL_FLAGS: Record<string, keyof GlobalOptions> = {
  '--server': 'server',
  '--tls-ca': 'tlsCa',
  '--tls-cert': 'tlsCert',
  '--tls-key': 'tlsKey',
  '--token-file': 'tokenFile',
};

/** Splits `[--server ADDR] [credential options] [--help] COMMAND ARGS...`. */
function parseGlobals(argv: string[]): { globals: GlobalOptions; help: boolean; rest: string[] } {
  const globals: GlobalOptions = {};
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-'); i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return { globals, help: true, rest: argv.slice(i + 1) };
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = GLOBAL_FLAGS[flag];
    if (key === undefined) throw new UsageError(`unknown option ${arg}`);
    if (eq > 0) globals[key] = arg.slice(eq + 1);
    else if (i + 1 < argv.length) globals[key] = argv[++i];
    else throw new UsageError(flag === '--server' ? '--server needs an address' : `${flag} needs a file name`);
  }
  return { globals, help: false, rest: argv.slice(i) };
}

/** Runs the command line; resolves to the exit code. */
async function main(argv: string[]): Promise<number> {
  const { globals, help, rest } = parseGlobals(argv);
  const [name, ...args] = rest;
  if (help || name === 'help') return printHelp(rest[help ? 0 : 1]);
  if (name === undefined) {
    process.stderr.write(HELP);
    return EXIT_USAGE;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) throw new UsageError(`unknown command "${name}"`);
  return command.run(args, globals);
}

/** `sctrace --help`, `sctrace help`, `sctrace help COMMAND`. */
function printHelp(name: string | undefined): number {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (name !== undefined && command === undefined) throw new UsageError(`unknown command "${name}"`);
  process.stdout.write(command?.help ?? HELP);
  return 0;
}

// A closed stdout (`sctrace list | head -0`) must not crash the one-shot commands; the streaming
// ones watch their own output and stop the trace cleanly.
process.stdout.on('error', () => undefined);

main(process.argv.slice(2))
  .catch(reportError)
  .then((code) => {
    // Exit explicitly, once stdout is flushed: a half-closed gRPC channel or a stray timer must
    // not keep the CLI alive. exitCode covers a stdout that never calls back.
    process.exitCode = code;
    process.stdout.write('', () => process.exit(code));
  });

/**
 * What every subcommand shares: the Command shape main.ts dispatches to, the errors that map to
 * exit codes, and small option parsers. Commands throw instead of exiting so that main.ts is the
 * one place that prints errors and ends the process.
 */

import type { CredentialOptions } from './credentials';

/** Options given before the subcommand name (`sctrace --server ADDR list`); a subcommand's own override them. */
export interface GlobalOptions extends CredentialOptions {
  /** `--server ADDR`. */
  server?: string;
}

/** One subcommand: `sctrace <name> ...`. */
export interface Command {
  /** The word after `sctrace`. */
  readonly name: string;
  /** One line for the command list in `sctrace --help`. */
  readonly summary: string;
  /** Full `--help` text, ending with a newline. */
  readonly help: string;
  /** Runs with the arguments after the name; resolves to the process exit code. */
  run(argv: string[], globals: GlobalOptions): Promise<number>;
}

/** Exit code for a command line that cannot be understood (as getopt-based tools do). */
export const EXIT_USAGE = 2;

/** The command line is wrong: main.ts prints the message with a pointer to --help, exit 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure that is fully described by its message (no stack trace is useful): exit 1. */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** Options every subcommand accepts, spread into each parseArgs configuration. */
export const COMMON_OPTIONS = {
  server: { type: 'string' },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'token-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The help lines for COMMON_OPTIONS, appended to every command's help text. */
export const COMMON_HELP = `Common options:
  --server ADDR     sctraced address: unix:/path, unix:///path or host:port
                    (default: $SCTRACE_SERVER, else unix:/run/sctrace/sctrace.sock);
                    several, comma-separated, for trace, list, stop and caps on a fleet
  --tls-ca FILE     TLS to a host:port server, checked against this CA (PEM; default:
                    the system's CAs); any TLS or token option means TLS on TCP
  --tls-cert FILE   client certificate for mutual TLS (PEM), with --tls-key FILE
  --tls-key FILE    its private key (PEM)
  --token-file FILE send the token in FILE as "authorization: Bearer TOKEN"
                    (default: $SCTRACE_TOKEN, if set)
  -h, --help        show this help
`;

/**
 * Runs a parseArgs call, turning its TypeError (unknown option, missing value) into a
 * UsageError so the user sees the message and not a stack trace.
 */
export function parseOrUsage<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), command);
  }
}

/** Output formats of every command that prints data. */
export type OutputFormat = 'text' | 'json';

/** Validates `-o/--output`. */
export function parseFormat(command: string, value: string | undefined): OutputFormat {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new UsageError(`--output must be text or json, not "${value}"`, command);
}

/** Parses a decimal integer option within [min, max]; `what` names the option in the error. */
export function parseInteger(command: string, what: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${what} must be an integer from ${min} to ${max}, not "${value}"`, command);
  }
  return n;
}

/** Parses a 64-bit unsigned decimal (kept as a string, as the generated types carry uint64). */
export function parseUint64(command: string, what: string, value: string): string {
  if (/^\d+$/.test(value) && BigInt(value) < 1n << 64n) return BigInt(value).toString();
  throw new UsageError(`${what} must be an unsigned 64-bit integer, not "${value}"`, command);
}

/** Exactly one positional argument (a trace id), or a usage error naming it. */
export function singlePositional(command: string, positionals: string[], what: string): string {
  if (positionals.length === 1 && positionals[0] !== '') return positionals[0];
  throw new UsageError(`expected one ${what}, got ${positionals.length}`, command);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

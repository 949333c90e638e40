/** Turns an error into its stderr lines and exit code: the one place errors are printed. */
import { CliError, EXIT_USAGE, UsageError } from './command';
import { RpcError } from './client';
import { CredentialError } from './credentials';

/** Prints `err` to stderr and returns the exit code it stands for. */
export function reportError(err: unknown): number {
  if (err instanceof UsageError) {
    const where = err.command === undefined ? '' : ` ${err.command}`;
    process.stderr.write(`sctrace:${where === '' ? '' : where + ':'} ${err.message}\nRun 'sctrace${where} --help' for usage.\n`);
    return EXIT_USAGE;
  }
  if (err instanceof RpcError) {
    process.stderr.write(`sctrace: ${err.message}\n${err.hint === undefined ? '' : `sctrace: ${err.hint}\n`}`);
    return 1;
  }
  if (err instanceof CliError || err instanceof CredentialError) {
    process.stderr.write(`sctrace: ${err.message}\n`);
    return 1;
  }
  // Anything else is a bug in this client: keep the stack for the report.
  process.stderr.write(`sctrace: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

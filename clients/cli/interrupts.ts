/**
 * Ctrl-C handling for the long-running commands. The first SIGINT/SIGTERM only records itself
 * (the handler does no work, so a signal during setup cannot leave a trace half-started); the
 * command notices it between steps or races its waits against `received`, then stops the trace
 * cleanly. A second signal means "now": exit at once.
 */
import { constants } from 'node:os';

const HANDLED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Records the first terminating signal; dispose() restores the default behaviour. */
export class Interrupts {
  /** Resolves with the first signal received. */
  readonly received: Promise<NodeJS.Signals>;
  /** The first signal received, if any: checked between setup steps. */
  signal: NodeJS.Signals | undefined;
  private readonly handler: (signal: NodeJS.Signals) => void;

  constructor() {
    let resolveReceived!: (signal: NodeJS.Signals) => void;
    this.received = new Promise((resolve) => (resolveReceived = resolve));
    this.handler = (signal) => {
      if (this.signal !== undefined) process.exit(signalExitCode(signal));
      this.signal = signal;
      resolveReceived(signal);
    };
    for (const signal of HANDLED) process.on(signal, this.handler);
  }

  /** Removes the handlers. */
  dispose(): void {
    for (const signal of HANDLED) process.off(signal, this.handler);
  }
}

/** The shell's exit status for death by `signal`: 128 + its number (130 for SIGINT). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

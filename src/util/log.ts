/**
 * The service's log: one line per message on stderr, with a timestamp and the component that
 * wrote it. Structured enough to grep, small enough to need no dependency.
 */

/** Severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** What every component logs through. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger whose lines name `component`. */
  child(component: string): Logger;
}

/** Writes to stderr; messages below `level` are dropped. */
export class StderrLogger implements Logger {
  constructor(
    private readonly level: LogLevel = 'info',
    private readonly component = 'sctraced',
  ) {}

  debug(message: string): void {
    this.write('debug', message);
  }
  info(message: string): void {
    this.write('info', message);
  }
  warn(message: string): void {
    this.write('warn', message);
  }
  error(message: string): void {
    this.write('error', message);
  }
  child(component: string): Logger {
    return new StderrLogger(this.level, component);
  }

  private write(level: LogLevel, message: string): void {
    if (RANK[level] < RANK[this.level]) return;
    process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} [${this.component}] ${message}\n`);
  }
}

/** Discards everything (unit tests). */
export class SilentLogger implements Logger {
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(): void {}
  child(): Logger {
    return this;
  }
}

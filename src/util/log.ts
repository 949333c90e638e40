/**
 * The service's log, through pino: one record per message on stderr with a time, a level, the
 * component that wrote it and structured fields. `json` writes pino's NDJSON (for a log
 * collector); `text` renders the same records as one readable line each (pino-pretty).
 *
 * Trace-related lines carry `trace_id` (and `identity` where the caller knows who asked): as a
 * field bound with child(…, { trace_id }), or, for a line that names its trace in the message
 * ("trace 1a2b3c4d5e6f …", as the trace bookkeeping writes them), taken from the message, so a
 * collector can filter one trace's lines either way.
 */
import pino, { type Logger as Pino } from 'pino';
import pretty from 'pino-pretty';

/** Severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** How records are written. */
export type LogFormat = 'json' | 'text';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'text'];

/** Structured fields of a record. */
export interface LogFields {
  /** The trace the line is about. */
  trace_id?: string;
  /** Who asked for it: the caller's authenticated identity (or its peer address). */
  identity?: string;
  [key: string]: string | number | boolean | undefined;
}

/** What every component logs through. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose records name `component` and carry `fields`. */
  child(component: string, fields?: LogFields): Logger;
}

/** Options of the service's logger. */
export interface LogOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where records go; stderr by default (tests pass a stream to read them back). */
  destination?: NodeJS.WritableStream;
}

/** A trace id as the trace manager makes them (12 hex digits), named in a message. */
const TRACE_IN_MESSAGE = /\btrace ([0-9a-f]{12})\b/;

/** The pino-backed logger. */
export class PinoLogger implements Logger {
  private constructor(private readonly pino: Pino) {}

  /** The root logger of a process; its records name `component`. */
  static create(options: LogOptions = {}, component = 'sctraced'): PinoLogger {
    const level = options.level ?? 'info';
    const format = options.format ?? 'text';
    const base = { component };
    if (format === 'json') {
      // Synchronous writes: a record is on stderr before the next line of code runs, so nothing
      // logged just before an exit is lost. Logging is never on the per-event path.
      const destination = options.destination ?? pino.destination({ fd: 2, sync: true });
      return new PinoLogger(pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, destination));
    }
    const stream = pretty({
      destination: options.destination ?? 2,
      sync: true,
      colorize: false,
      singleLine: true,
      translateTime: "UTC:yyyy-mm-dd'T'HH:MM:ss.l'Z'",
      ignore: 'pid,hostname,component',
      messageFormat: '[{component}] {msg}',
    });
    return new PinoLogger(pino({ level, base }, stream));
  }

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }
  child(component: string, fields: LogFields = {}): Logger {
    return new PinoLogger(this.pino.child({ ...fields, component }));
  }

  private write(level: LogLevel, message: string, fields: LogFields | undefined): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const record: LogFields = fields ? { ...fields } : {};
    if (record.trace_id === undefined && !this.boundTrace()) {
      const named = TRACE_IN_MESSAGE.exec(message);
      if (named) record.trace_id = named[1];
    }
    this.pino[level](record, message);
  }

  private boundTrace(): boolean {
    return this.pino.bindings().trace_id !== undefined;
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

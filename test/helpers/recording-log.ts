/** A Logger that keeps every line, so tests can check what the service logged (the audit log). */
import type { LogFields, Logger } from '../../src/util/log';

/** One logged line. */
export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  component: string;
  message: string;
  fields?: LogFields;
}

export class RecordingLogger implements Logger {
  constructor(
    readonly lines: LoggedLine[] = [],
    private readonly component = 'sctraced',
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'debug', component: this.component, message, fields });
  }
  info(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'info', component: this.component, message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'warn', component: this.component, message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', component: this.component, message, fields });
  }
  child(component: string): Logger {
    return new RecordingLogger(this.lines, component);
  }

  /** The audit entries logged so far, parsed. */
  audit(): Record<string, unknown>[] {
    return this.lines.filter((l) => l.component === 'audit').map((l) => JSON.parse(l.message.replace(/^audit /, '')) as Record<string, unknown>);
  }
}

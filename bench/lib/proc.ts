/** Process plumbing for the bench: line-oriented children, /proc counters, medians. */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';

/** A child whose stdout is read line by line; stderr is kept for error messages. */
export class LineChild {
  readonly child: ChildProcess;
  private lines: string[] = [];
  private waiters: (() => void)[] = [];
  private stderrText = '';
  readonly exited: Promise<number | null>;

  constructor(argv: string[], options: SpawnOptions = {}) {
    this.child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], ...options });
    let partial = '';
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts);
      this.wake();
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      // Keep the tail only: a tracer may be chatty.
      this.stderrText = (this.stderrText + chunk).slice(-8192);
      this.wake();
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.wake();
        resolve(code ?? (signal ? 128 : null));
      }),
    );
    this.child.on('error', (err) => {
      this.stderrText += `\nspawn ${argv[0]}: ${err.message}`;
      this.wake();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get stderr(): string {
    return this.stderrText;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The first unread stdout line matching `test`, consuming it and those before it. */
  async line(test: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.lines.findIndex(test);
      if (i >= 0) {
        const found = this.lines[i];
        this.lines = this.lines.slice(i + 1);
        return found;
      }
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`${what}: process exited (${this.child.exitCode ?? this.child.signalCode}); stderr: ${this.stderrText.trim()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: timed out after ${timeoutMs} ms; stderr: ${this.stderrText.trim()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next stdout line that parses as a JSON object with `key`. */
  async json<T>(key: string, timeoutMs: number, what: string): Promise<T> {
    const line = await this.line((l) => l.startsWith('{') && l.includes(`"${key}"`), timeoutMs, what);
    return JSON.parse(line) as T;
  }

  write(text: string): void {
    this.child.stdin!.write(text);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system, all threads) of a live process, in nanoseconds; 10 ms resolution. */
export function cpuNs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 (utime, stime) of proc(5), counted from the state field, which is field 3.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e9) / CLK_TCK;
}

/** CPU time all CPUs spent busy since boot (user, nice, system, irq, softirq, steal), nanoseconds. */
export function systemBusyNs(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + (steal || 0)) * 1e9) / CLK_TCK;
}

/** A /proc/PID/status value in kB (VmHWM, VmRSS). */
export function statusKb(pid: number, key: string): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${key}:\\s*(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

/** Resets the peak RSS (VmHWM) of `pid` to its current RSS (proc(5), clear_refs value 5). */
export function resetPeakRss(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** First line of a command's output, or '' if it fails. */
export function commandOutput(argv: string[]): string {
  try {
    return execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
  }
}

/**
 * For `trace --pid`: knows when every attached process (and, with --follow, every child forked
 * since) has exited, so the command ends like `strace -p` does. Exit events are the fast path; a
 * slow poll of the pids covers exit events that were lost.
 */
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';

const POLL_MS = 500;
/** After the poll finds them gone, time for their exit events to be printed. */
const GRACE_MS = 500;

/** A set of live thread-group ids that resolves `empty` when the last one is gone. */
export class ProcessSet {
  /** Resolves once no tracked process is left. */
  readonly empty: Promise<void>;
  private readonly alive: Set<number>;
  private resolveEmpty!: () => void;
  private readonly poller: NodeJS.Timeout;

  constructor(pids: number[], private readonly followChildren: boolean) {
    this.alive = new Set(pids);
    this.empty = new Promise((resolve) => (this.resolveEmpty = resolve));
    this.poller = setInterval(() => this.poll(), POLL_MS);
  }

  /** Updates the set from a stream event (fork adds with --follow, exit removes). */
  onEvent(event: Event__Output): void {
    const pid = event.task?.pid ?? 0;
    if (event.kind === 'fork' && this.followChildren && this.alive.has(pid) && event.fork) this.alive.add(event.fork.child_pid);
    if (event.kind === 'exit' && this.alive.delete(pid) && this.alive.size === 0) this.finish(0);
  }

  /** Stops polling; call when the trace ends for any reason. */
  dispose(): void {
    clearInterval(this.poller);
  }

  private poll(): void {
    for (const pid of this.alive) if (!processExists(pid)) this.alive.delete(pid);
    if (this.alive.size === 0) this.finish(GRACE_MS);
  }

  private finish(graceMs: number): void {
    this.dispose();
    setTimeout(this.resolveEmpty, graceMs);
  }
}

/** kill(pid, 0): ESRCH means gone; EPERM means it exists but is not ours. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

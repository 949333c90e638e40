/**
 * The service-wide bound on retained events (sctraced --retention-total-mb). Each trace's window
 * has its own limit (TraceSpec.retention_bytes, or --retention-mb); together they could ask for
 * tens of gigabytes (64 traces × 64 MiB), so their sum is bounded too. What is counted is memory:
 * the slabs of the one pool the windows share (slabs.ts), whole, the free ones included, and
 * chunks in buffers of their own. When a window needs memory the total does not have, free
 * slabs go first, then windows of stopped traces (kept a while for a client coming back) give
 * way, then the oldest chunks of the window holding the most are dropped,
 * until the total fits: a quiet trace keeps its few events, busy traces converge to equal
 * shares, and a subscriber whose unsent events go is told as for its own window's overflow
 * (EventsLost "subscriber", or "retention" when resuming).
 */

import { SlabPool, slabBytesFor } from './slabs';

/** What the budget needs of a window. */
export interface BudgetedWindow {
  /** Memory held now: its slabs, whole, and its chunks in buffers of their own. */
  readonly retainedBytes: number;
  /** Its trace has stopped: nothing more is appended, it is kept only for a client coming back. */
  readonly retired: boolean;
  /** Drops the window's oldest chunk if it holds more than one (or any, retired); whether it did. */
  evictForBudget(): boolean;
}

export class RetentionBudget {
  private readonly windows = new Set<BudgetedWindow>();
  /** Bytes the windows hold (their slabs, whole, and their chunks in buffers of their own). */
  private total = 0;
  /** The part of `total` stopped traces' windows hold, and how many those are (roomFor is O(1)). */
  private retiredBytes = 0;
  private retiredCount = 0;
  /** The slabs every window's chunks go into: what one window gives up, another reuses. */
  readonly pool: SlabPool;

  constructor(readonly limitBytes: number) {
    const slab = slabBytesFor(limitBytes);
    // Free slabs are kept (and counted) up to a sixteenth of the budget: enough for windows that
    // grow while others shrink, without holding memory nobody uses after traces end.
    this.pool = new SlabPool(slab, Math.max(2, Math.floor(limitBytes / 16 / slab)));
  }

  /** Bytes held by every window together, and the pool's free slabs. */
  get retainedBytes(): number {
    return this.total + this.pool.freeBytes;
  }

  /** A window starts counting (before its first append). */
  add(window: BudgetedWindow): void {
    this.windows.add(window);
  }

  /** A window's memory is given up (its trace is forgotten): its bytes no longer count. */
  remove(window: BudgetedWindow): void {
    if (!this.windows.delete(window)) return;
    this.total -= window.retainedBytes;
    if (window.retired) {
      this.retiredBytes -= window.retainedBytes;
      this.retiredCount--;
    }
  }

  /** A registered window's trace stopped (its `retired` just became true). */
  retire(window: BudgetedWindow): void {
    if (!this.windows.has(window)) return;
    this.retiredBytes += window.retainedBytes;
    this.retiredCount++;
  }

  /** A registered window's bytes changed by `delta` (its own appends and evictions). */
  changed(window: BudgetedWindow, delta: number): void {
    if (!this.windows.has(window)) return;
    this.total += delta;
    if (window.retired) this.retiredBytes += delta;
  }

  /**
   * Drops chunks until the total fits: free slabs first, then stopped traces' windows' chunks,
   * then the largest window's (each window of a running trace keeps its newest chunk).
   */
  enforce(): void {
    while (this.retainedBytes > this.limitBytes) {
      if (this.pool.dropFree()) continue;
      if (!this.evictOne()) return;
    }
  }

  /**
   * Before a window takes a slab of `bytes`: unless the pool has a free one, or a new one fits in
   * the budget, drops chunks (in enforce's order) until some slab is free. Past that (every slab
   * pinned by writes, every window down to its newest chunk) the slab is allocated anyway.
   */
  makeRoom(bytes: number): void {
    while (!this.pool.hasFree && this.retainedBytes + bytes > this.limitBytes) {
      if (!this.evictOne()) return;
    }
  }

  /** Drops free slabs beyond what the budget allows, after a window gave its memory back. */
  trim(): void {
    while (this.retainedBytes > this.limitBytes && this.pool.dropFree());
  }

  /** Drops one chunk of the first window in the order of `before`; whether one was dropped. */
  private evictOne(): boolean {
    let pick: BudgetedWindow | undefined;
    for (const w of this.windows) if (pick === undefined || before(w, pick)) pick = w;
    if (pick !== undefined && pick.evictForBudget()) return true;
    // That one holds a single chunk: try the others in the same order.
    const rest = [...this.windows].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    return rest.some((w) => w.evictForBudget());
  }

  /**
   * What `window` may hold without making the budget drop anything of a running trace: the budget
   * less what the other running traces' windows hold, and never less than an even share among
   * them (what they shrink to under pressure). Stopped traces' windows do not count: they give
   * way first, so their lingering never slows a running trace.
   */
  roomFor(window: BudgetedWindow): number {
    const mine = this.windows.has(window) && !window.retired;
    const others = this.total - this.retiredBytes - (mine ? window.retainedBytes : 0);
    const running = this.windows.size - this.retiredCount + (mine ? 0 : 1);
    const share = Math.floor(this.limitBytes / running);
    return Math.max(share, this.limitBytes - others);
  }
}

/** Whether `a` gives up memory before `b`: retired windows first, then the larger. */
function before(a: BudgetedWindow, b: BudgetedWindow): boolean {
  if (a.retired !== b.retired) return a.retired;
  return a.retainedBytes > b.retainedBytes;
}

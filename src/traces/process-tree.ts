/**
 * The processes and threads one trace has seen (GetProcessTree), built from the process and
 * thread events the trace delivers: ProcessFork gives a child node under its parent,
 * ThreadCreated a thread, ProcessExec a filename (and a non-leader exec ends the other threads,
 * as the kernel does), ThreadExit and ProcessExit the ends. A process or thread first met in
 * another of these events (one running before the trace) gets its node then, without a start.
 *
 * Bounded: at most `maxNodes` processes and threads together per trace; past it a new one gets no
 * node and is counted once (GetProcessTreeResponse.dropped_nodes), and its events only update what
 * has a node. Nodes stay after their exit: the tree is what the trace has seen.
 */
import type { Event } from '../api/generated/sctrace/v1/Event';
import type { GetProcessTreeResponse } from '../api/generated/sctrace/v1/GetProcessTreeResponse';
import type { ProcessNode } from '../api/generated/sctrace/v1/ProcessNode';
import type { ThreadNode } from '../api/generated/sctrace/v1/ThreadNode';

/** The default of sctraced --tree-max-nodes. */
export const TREE_MAX_NODES = 10_000;

interface ProcessEntry extends Required<Omit<ProcessNode, 'threads'>> {
  threads: Map<number, Required<ThreadNode>>;
}

/** GetProcessTreeResponse with every field there. */
export interface TreeSnapshot extends GetProcessTreeResponse {
  processes: (Required<Omit<ProcessNode, 'threads'>> & { threads: Required<ThreadNode>[] })[];
  dropped_nodes: string;
  node_limit: number;
}

/** One trace's tree. */
export class ProcessTree {
  private readonly processes = new Map<number, ProcessEntry>();
  private nodes = 0;
  private dropped = 0;
  /** What got no node (-pid for a process, tid for a thread), so that later events do not count it again; bounded like the nodes. */
  private readonly droppedIds = new Set<number>();

  constructor(private readonly maxNodes: number = TREE_MAX_NODES) {}

  /** Takes what a batch of the trace's events says about processes and threads. */
  observe(batch: readonly Event[]): void {
    for (const e of batch) {
      if (!e.task) continue;
      switch (e.kind) {
        case 'fork':
        case 'exec':
        case 'exit':
        case 'thread_created':
        case 'thread_exit':
          this.apply(e);
          break;
        default:
      }
    }
  }

  private apply(e: Event): void {
    const task = e.task!;
    const pid = task.pid ?? 0;
    const tid = task.tid ?? pid;
    const ts = String(e.timestamp_ns ?? '0');
    const proc = this.process(pid, task.ppid ?? 0, task.comm ?? '');
    if (proc && task.comm) proc.comm = task.comm;
    if (proc) this.thread(proc, tid);
    if (e.fork) {
      const child = this.process(e.fork.child_pid ?? 0, pid, task.comm ?? '');
      if (!child) return;
      child.start_ns = ts;
      child.clone_flags = String(e.fork.clone_flags ?? '0');
      const main = this.thread(child, child.pid);
      if (main) {
        main.start_ns = ts;
        main.clone_flags = child.clone_flags;
      }
    } else if (e.thread_created && proc) {
      const t = this.thread(proc, e.thread_created.tid ?? 0);
      if (!t) return;
      t.start_ns = ts;
      t.clone_flags = String(e.thread_created.clone_flags ?? '0');
    } else if (e.exec && proc) {
      proc.exec_filename = e.exec.filename ?? '';
      // Exec ends every other thread; a non-leader's takes the leader's tid.
      for (const t of proc.threads.values()) if (t.tid !== pid) end(t, ts);
    } else if (e.thread_exit && proc) {
      const t = proc.threads.get(tid);
      if (t) end(t, ts);
    } else if (e.exit && proc) {
      proc.exited = true;
      proc.exit_ns = ts;
      proc.exit_code = e.exit.exit_code ?? 0;
      proc.signal = e.exit.signal ?? 0;
      for (const t of proc.threads.values()) end(t, ts);
    }
  }

  /** The node of `pid`, made if there is room; undefined past the cap. */
  private process(pid: number, ppid: number, comm: string): ProcessEntry | undefined {
    let p = this.processes.get(pid);
    if (p || !pid) return p;
    if (!this.claim(-pid)) return undefined;
    p = { pid, ppid, comm, exec_filename: '', start_ns: '0', clone_flags: '0', exited: false, exit_ns: '0', exit_code: 0, signal: 0, threads: new Map() };
    this.processes.set(pid, p);
    return p;
  }

  private thread(p: ProcessEntry, tid: number): Required<ThreadNode> | undefined {
    let t = p.threads.get(tid);
    if (t || !tid) return t;
    if (!this.claim(tid)) return undefined;
    t = { tid, clone_flags: '0', start_ns: '0', exited: false, exit_ns: '0' };
    p.threads.set(tid, t);
    return t;
  }

  private claim(id: number): boolean {
    if (this.nodes < this.maxNodes) {
      this.nodes++;
      return true;
    }
    if (!this.droppedIds.has(id)) {
      this.dropped++;
      // Past as many dropped as kept, one met again is counted again: an overcount, never a silent loss.
      if (this.droppedIds.size < this.maxNodes) this.droppedIds.add(id);
    }
    return false;
  }

  /** The tree as GetProcessTree answers: processes in the order first seen, main thread first. */
  snapshot(): TreeSnapshot {
    const processes: TreeSnapshot['processes'] = [];
    for (const p of this.processes.values()) {
      const threads = [...p.threads.values()].map((t) => ({ ...t }));
      const main = threads.findIndex((t) => t.tid === p.pid);
      if (main > 0) threads.unshift(...threads.splice(main, 1));
      processes.push({ ...p, threads });
    }
    return { processes, dropped_nodes: String(this.dropped), node_limit: this.maxNodes };
  }
}

function end(t: Required<ThreadNode>, ts: string): void {
  if (t.exited) return;
  t.exited = true;
  t.exit_ns = ts;
}

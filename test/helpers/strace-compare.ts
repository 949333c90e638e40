/**
 * Compares one program's syscalls as strace saw them with what sctrace delivered, thread by
 * thread: the threads of the two runs are paired by order of creation (the first traced thread
 * with the first; then each thread's children in the order its clone/fork/vfork calls returned
 * them), each thread's calls are aligned (a diff on names, so one extra call does not shift the
 * rest), and every aligned pair is checked on three fields: the name, the return value and the
 * decoded path strings.
 *
 * Documented exclusions (each applied to both runs alike):
 * - Start-up: everything a root thread did before its first successful execve. strace's child
 *   runs strace's own preparation before exec'ing the program, sctrace's launcher is a stopped
 *   shell that then exec's it; neither is the program.
 * - rt_sigreturn: where it appears and what it returns depend on when an asynchronous signal
 *   (SIGCHLD from an exiting child) lands, which differs between runs (strace slows the tracee
 *   down by an order of magnitude). Its return value is the interrupted context's register.
 * - Pointer-valued returns (mmap, mremap, brk, shmat): address-space layout is randomized per
 *   run, so they compare as "succeeded or the same errno" only.
 * - Process and thread ids: returns that are pids or tids (clone, fork, wait4, getpid, ...) are
 *   compared through the thread pairing; the root's parent (strace itself, or the test process
 *   that launched the sctrace run) is paired with its counterpart.
 * - Which child a wait4(-1, ...) reaps first: when two children exit at about the same time (the
 *   two ends of a pipeline: the reader can see EOF and exit while the writer is still finishing
 *   its exit), the order in which they become zombies is a race. Each such wait4 compares as
 *   "reaped a child of this thread", and every thread gets one more field: the set of children
 *   its wait4 calls reaped, which must be the same.
 */
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import { formatArgs } from '../../clients/cli/printer';
import { quoteString } from '../../clients/cli/values';
import type { StraceCall } from './strace-log';

/** A return value reduced to what can be compared between runs. */
export type Ret =
  | { kind: 'value'; value: bigint }
  | { kind: 'error'; errno: string }
  /** The call never returned (exit_group), or was cut off. */
  | { kind: 'none' };

/** One call in either run, normalized. */
export interface Call {
  name: string;
  ret: Ret;
  /** Decoded path strings by argument position, as strace quotes them. */
  paths: Map<number, string>;
  /** Printed arguments (strace run only), to look paths up by position. */
  printed?: string[];
  /** The printed return value (strace run only), "3</etc/hostname>" with -y. */
  retText?: string;
  /** Arguments as sctrace's printer renders them (sctrace run only). */
  rendered?: string[];
  /** fd arguments sctrace named (strace -y style `3</etc/hostname>`), by printed position, and the returned fd's. */
  fdPaths?: Map<number, string>;
  retFdPath?: string;
  /** For mismatch reports. */
  text: string;
}

/** One thread's calls and the threads it created, in order. */
export interface Thread {
  tid: number;
  calls: Call[];
  children: number[];
}

/** Every thread of one run. */
export interface RunTrace {
  root: number;
  /** The root's parent process (strace, or the launcher's parent). */
  rootParent: number;
  threads: Map<number, Thread>;
}

/** Syscalls that create a thread or process and return its id to the parent. */
const CREATORS = new Set(['clone', 'clone3', 'fork', 'vfork']);
/** Syscalls whose successful return value is a process or thread id. */
const PID_RETURNING = new Set(['clone', 'clone3', 'fork', 'vfork', 'wait4', 'waitpid', 'getpid', 'gettid', 'getppid', 'getpgrp', 'getpgid', 'getsid', 'setsid', 'set_tid_address']);
/** Syscalls that reap a child and return its pid. */
const REAPERS = new Set(['wait4', 'waitpid']);
/** Syscalls whose successful return value is an address. */
const ADDRESS_RETURNING = new Set(['mmap', 'mremap', 'brk', 'shmat']);
/** Left out of both runs; see the file comment. */
const EXCLUDED = new Set(['rt_sigreturn']);

/** Parses strace's printed return ("3", "-1", "0x7f…", "022", "3</path>", "?"). */
function straceRet(call: StraceCall): Ret {
  if (call.errno !== '') return { kind: 'error', errno: call.errno };
  const word = call.ret.replace(/<.*$/, '');
  if (word === '?' || word === '') return { kind: 'none' };
  if (/^0x[0-9a-f]+$/i.test(word)) return { kind: 'value', value: BigInt(word) };
  if (/^0[0-7]+$/.test(word)) return { kind: 'value', value: BigInt(`0o${word.slice(1)}`) };
  if (/^-?\d+$/.test(word)) return { kind: 'value', value: BigInt(word) };
  throw new Error(`strace log: cannot read the return value of "${call.line}"`);
}

/** Builds the strace run's threads from its parsed log. */
export function straceRun(calls: StraceCall[], stracePid: number): RunTrace {
  const threads = new Map<number, Thread>();
  for (const c of calls) {
    let t = threads.get(c.tid);
    if (!t) threads.set(c.tid, (t = { tid: c.tid, calls: [], children: [] }));
    const ret = straceRet(c);
    t.calls.push({ name: c.name, ret, paths: new Map(), printed: c.args, retText: c.ret, text: c.line });
    if (CREATORS.has(c.name) && ret.kind === 'value' && ret.value > 0n) t.children.push(Number(ret.value));
  }
  if (calls.length === 0) throw new Error('strace log is empty');
  return finish({ root: calls[0].tid, rootParent: stracePid, threads });
}

/**
 * Builds the sctrace run's threads from the events of a trace on `root`. `withFdPaths`: render
 * arguments with fd paths, to compare with a strace -y log.
 */
export function sctraceRun(events: Event__Output[], root: number, withFdPaths = false): RunTrace {
  const threads = new Map<number, Thread>();
  let rootParent = 0;
  for (const e of events) {
    if (e.kind !== 'syscall' || !e.syscall || !e.task) continue;
    const s = e.syscall;
    const tid = e.task.tid;
    if (tid === root) rootParent = e.task.ppid;
    let t = threads.get(tid);
    if (!t) threads.set(tid, (t = { tid, calls: [], children: [] }));
    let ret: Ret;
    if (s.no_return) ret = { kind: 'none' };
    else if (s.errno_name !== '') ret = { kind: 'error', errno: s.errno_name };
    else ret = { kind: 'value', value: BigInt(s.ret) };
    const paths = new Map<number, string>();
    const fdPaths = new Map<number, string>();
    let shown = 0;
    s.decoded.forEach((a) => {
      if (a.ignored) return;
      if (a.value === 'str') paths.set(shown, quoteString(a.str ?? '', a.truncated));
      if (a.fd_path) fdPaths.set(shown, `${a.symbolic || a.int || a.uint}<${quoteString(a.fd_path).slice(1, -1)}>`);
      shown++;
    });
    const retFdPath = s.ret_fd_path ? `${s.ret}<${quoteString(s.ret_fd_path).slice(1, -1)}>` : undefined;
    t.calls.push({ name: s.name, ret, paths, fdPaths, retFdPath, rendered: formatArgs(s, withFdPaths), text: `${s.name}(${s.decoded.map((a) => (a.value === 'str' ? quoteString(a.str ?? '') : a.symbolic || a[a.value ?? 'uint'])).join(', ')}) = ${s.no_return ? '?' : s.ret}${s.errno_name ? ` ${s.errno_name}` : ''}` });
    if (CREATORS.has(s.name) && ret.kind === 'value' && ret.value > 0n) t.children.push(Number(ret.value));
  }
  if (!threads.has(root)) throw new Error(`no syscall of the traced process ${root} was delivered`);
  return finish({ root, rootParent, threads });
}

/** Applies the start-up and rt_sigreturn exclusions. */
function finish(run: RunTrace): RunTrace {
  const root = run.threads.get(run.root)!;
  const firstExec = root.calls.findIndex((c) => (c.name === 'execve' || c.name === 'execveat') && c.ret.kind === 'value' && c.ret.value === 0n);
  if (firstExec < 0) throw new Error(`thread ${run.root} made no successful execve`);
  root.calls = root.calls.slice(firstExec);
  for (const t of run.threads.values()) t.calls = t.calls.filter((c) => !EXCLUDED.has(c.name));
  return run;
}

/** One disagreement, for the report. */
export interface Mismatch {
  thread: string;
  field: 'name' | 'ret' | 'path' | 'thread';
  sctrace: string;
  strace: string;
}

/** Agreement of one program. */
export interface Comparison {
  /** Fields compared (name, return value and each path of every paired call; unpaired calls count all theirs). */
  fields: number;
  agreeing: number;
  calls: number;
  threads: number;
  mismatches: Mismatch[];
}

/**
 * Compares the two runs. sctrace's thread ids are paired with strace's by creation order; every
 * field of an unpaired thread or call counts as a disagreement.
 */
export function compareRuns(sctrace: RunTrace, strace: RunTrace): Comparison {
  const result: Comparison = { fields: 0, agreeing: 0, calls: 0, threads: 0, mismatches: [] };
  const pairs = pairThreads(sctrace, strace);
  const toStrace = new Map<number, number>(pairs.map(([a, b]) => [a, b]));
  toStrace.set(sctrace.rootParent, strace.rootParent);
  const pairedStrace = new Set(pairs.map(([, b]) => b));
  for (const [a, b] of pairs) {
    result.threads++;
    compareThread(sctrace.threads.get(a)!, strace.threads.get(b)!, toStrace, result);
  }
  for (const t of sctrace.threads.values()) {
    if (!toStrace.has(t.tid)) unpairedThread(t, 'sctrace', result);
  }
  for (const t of strace.threads.values()) {
    if (!pairedStrace.has(t.tid)) unpairedThread(t, 'strace', result);
  }
  return result;
}

/** Pairs the threads of two runs by creation order, from the roots (see the file comment). */
export function pairThreads(a: RunTrace, b: RunTrace): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  const walk = (x: number, y: number) => {
    pairs.push([x, y]);
    const tx = a.threads.get(x);
    const ty = b.threads.get(y);
    if (!tx || !ty) return;
    for (let i = 0; i < Math.min(tx.children.length, ty.children.length); i++) {
      // A created thread that made no syscall has no entry; pair it anyway so pids map.
      if (!a.threads.has(tx.children[i])) a.threads.set(tx.children[i], { tid: tx.children[i], calls: [], children: [] });
      if (!b.threads.has(ty.children[i])) b.threads.set(ty.children[i], { tid: ty.children[i], calls: [], children: [] });
      walk(tx.children[i], ty.children[i]);
    }
  };
  walk(a.root, b.root);
  return pairs;
}

function unpairedThread(t: Thread, side: 'sctrace' | 'strace', result: Comparison): void {
  for (const c of t.calls) result.fields += 2 + c.paths.size;
  result.mismatches.push({
    thread: `${side} ${t.tid}`,
    field: 'thread',
    sctrace: side === 'sctrace' ? `${t.calls.length} calls, no strace counterpart` : '',
    strace: side === 'strace' ? `${t.calls.length} calls, no sctrace counterpart` : '',
  });
}

function compareThread(a: Thread, b: Thread, toStrace: Map<number, number>, result: Comparison): void {
  const label = `${a.tid}~${b.tid}`;
  const reaped = reapedChildren(a, (pid) => toStrace.get(pid) ?? pid);
  const reapedStrace = reapedChildren(b, (pid) => pid);
  if (reaped.length > 0 || reapedStrace.length > 0) {
    result.fields++;
    if (reaped.join() === reapedStrace.join()) result.agreeing++;
    else result.mismatches.push({ thread: label, field: 'ret', sctrace: `reaped ${reaped.join(', ')}`, strace: `reaped ${reapedStrace.join(', ')}` });
  }
  const children = new Set(b.children);
  for (const [x, y] of align(a.calls, b.calls)) {
    result.calls++;
    if (x === undefined || y === undefined) {
      const c = (x ?? y)!;
      result.fields += 2 + (x ? x.paths.size : countQuoted(y!));
      result.mismatches.push({ thread: label, field: 'name', sctrace: x ? x.text : '(missing)', strace: y ? y.text : '(missing)' });
      continue;
    }
    result.fields += 2;
    result.agreeing++; // names agree by construction of the alignment
    if (sameRet(x, y, toStrace, children)) result.agreeing++;
    else result.mismatches.push({ thread: label, field: 'ret', sctrace: x.text, strace: y.text });
    for (const [i, text] of x.paths) {
      result.fields++;
      if (y.printed?.[i] === text) result.agreeing++;
      else result.mismatches.push({ thread: label, field: 'path', sctrace: `${x.name} arg ${i}: ${text}`, strace: y.text });
    }
  }
}

/** Quoted arguments of a strace call with no sctrace counterpart: its paths, roughly. */
function countQuoted(c: Call): number {
  return (c.printed ?? []).filter((p) => p.startsWith('"')).length;
}

/** Sorted pids a thread's wait4 calls returned, through `map`. */
function reapedChildren(t: Thread, map: (pid: number) => number): number[] {
  const out: number[] = [];
  for (const c of t.calls) if (REAPERS.has(c.name) && c.ret.kind === 'value' && c.ret.value > 0n) out.push(map(Number(c.ret.value)));
  return out.sort((p, q) => p - q);
}

function sameRet(x: Call, y: Call, toStrace: Map<number, number>, strChildren: Set<number>): boolean {
  const a = x.ret;
  const b = y.ret;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'none') return true;
  if (a.kind === 'error') return b.kind === 'error' && a.errno === b.errno;
  if (b.kind !== 'value') return false;
  if (ADDRESS_RETURNING.has(x.name)) return true;
  if (REAPERS.has(x.name) && a.value > 0n) return strChildren.has(toStrace.get(Number(a.value)) ?? -1) && strChildren.has(Number(b.value));
  // A pid of a paired thread maps; any other (the test runner's process group) must be equal.
  if (PID_RETURNING.has(x.name) && a.value > 0n) return BigInt(toStrace.get(Number(a.value)) ?? a.value) === b.value;
  return a.value === b.value;
}

/**
 * Pairs two call lists by a longest common subsequence of names; calls left over on either side
 * come back paired with undefined. Quadratic, which is fine for the thousands of calls of one
 * thread of a test program.
 */
export function align(a: Call[], b: Call[]): Array<[Call | undefined, Call | undefined]> {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i].name === b[j].name ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: Array<[Call | undefined, Call | undefined]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i].name === b[j].name) out.push([a[i++], b[j++]]);
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push([a[i++], undefined]);
    else out.push([undefined, b[j++]]);
  }
  while (i < n) out.push([a[i++], undefined]);
  while (j < m) out.push([undefined, b[j++]]);
  return out;
}

/** Addresses vary between runs (ASLR); any hex number of 9 or more digits is one. */
const ADDRESS = /0x[0-9a-f]{9,}/g;

/**
 * Compares every argument's rendering of every paired call: sctrace's printer output against
 * strace's printed text, addresses and hex-quoted random bytes normalized and sctrace's thread
 * ids mapped to strace's. One
 * field per argument position; a call with a different argument count counts its extra ones
 * as disagreements.
 */
export function compareArgs(sctrace: RunTrace, strace: RunTrace): Comparison {
  const result: Comparison = { fields: 0, agreeing: 0, calls: 0, threads: 0, mismatches: [] };
  const toStrace = new Map<number, number>(pairThreads(sctrace, strace));
  // Random bytes (getrandom's, which strace shows in hex) differ between runs too.
  const norm = (text: string) => text.replace(ADDRESS, '0xADDR').replace(/"(?:\\x[0-9a-f]{2})+"/g, '"<hex>"');
  const mapTids = (text: string) => text.replace(/\b\d{3,}\b/g, (n) => String(toStrace.get(Number(n)) ?? n));
  forEachCallPair(sctrace, strace, result, (c, d, thread) => {
    const mine = (c.rendered ?? []).map((r) => norm(mapTids(r)));
    const theirs = (d.printed ?? []).map(norm);
    const n = Math.max(mine.length, theirs.length);
    for (let i = 0; i < n; i++) {
      result.fields++;
      if (mine[i] === theirs[i]) result.agreeing++;
      else result.mismatches.push({ thread, field: 'path', sctrace: `${c.name} arg ${i}: ${mine[i] ?? '(none)'}   [${mine.join(', ')}]`, strace: d.text });
    }
  });
  return result;
}

/** Socket and pipe inode numbers differ between runs. */
const INODE = /:\[\d+\]/g;

/**
 * Compares the fd paths sctrace gave (SyscallArg.fd_path, SyscallEvent.ret_fd_path) with what
 * `strace -y` printed for the same fds: one field per fd sctrace named (inode numbers of sockets
 * and pipes normalized). `known` counts the fds strace named, to show sctrace's coverage.
 */
export function compareFdPaths(sctrace: RunTrace, strace: RunTrace): Comparison & { straceNamed: number } {
  const result = { fields: 0, agreeing: 0, calls: 0, threads: 0, mismatches: [] as Mismatch[], straceNamed: 0 };
  const norm = (text: string) => text.replace(INODE, ':[N]');
  forEachCallPair(sctrace, strace, result, (c, d, thread) => {
    const printed = d.printed ?? [];
    result.straceNamed += printed.filter((p) => /^-?\d+<.*>$/.test(p)).length;
    const check = (mine: string, theirs: string | undefined, what: string) => {
      result.fields++;
      if (theirs !== undefined && norm(mine) === norm(theirs)) result.agreeing++;
      else result.mismatches.push({ thread, field: 'path', sctrace: `${c.name} ${what}: ${mine}`, strace: d.text });
    };
    for (const [i, fdPath] of c.fdPaths ?? []) check(fdPath, printed[i], `arg ${i}`);
    if (c.retFdPath !== undefined) check(c.retFdPath, d.retText, 'return');
  });
  return result;
}

/**
 * Calls `visit` for each pair of calls both sides made, aligned within each pair of threads, and
 * counts the threads and calls it compared in `result`; `thread` names the pair ("sctraceTid~straceTid").
 */
function forEachCallPair(sctrace: RunTrace, strace: RunTrace, result: Comparison, visit: (c: Call, d: Call, thread: string) => void): void {
  for (const [a, b] of pairThreads(sctrace, strace)) {
    const x = sctrace.threads.get(a);
    const y = strace.threads.get(b);
    if (!x || !y) continue;
    result.threads++;
    for (const [c, d] of align(x.calls, y.calls)) {
      if (!c || !d) continue;
      result.calls++;
      visit(c, d, `${a}~${b}`);
    }
  }
}

/** "12345/12345 fields (100.00%)". */
export function agreementText(c: Pick<Comparison, 'agreeing' | 'fields'>): string {
  const pct = c.fields === 0 ? 100 : (100 * c.agreeing) / c.fields;
  return `${c.agreeing}/${c.fields} fields (${pct.toFixed(2)}%)`;
}

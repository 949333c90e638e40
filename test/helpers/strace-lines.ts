/**
 * Line-for-line comparison of two `-f -o FILE` logs: strace's, and the sctrace CLI's own output
 * (`sctrace trace -f -o FILE -- CMD`), for test/integration/strace-lines.test.ts. Each log is
 * read per thread (strace's `<unfinished ...>` / `<... resumed>` halves joined, signal and exit
 * lines kept), threads are paired by creation order and each pair's lines aligned as
 * strace-compare.ts does (pairThreads, align), and every aligned pair of lines must be equal
 * after normalizing what differs between any two runs of a program:
 * - addresses (ASLR): any hex number of 9 or more digits;
 * - process and thread ids: sctrace's run's ids are mapped to strace's through the pairing, the
 *   root's parent (the sctrace CLI, or strace) included;
 * - random bytes (getrandom's, shown in hex);
 * - socket and pipe inode numbers (`socket:[N]`, with -y);
 * - clock readings and run statistics: the numbers in the lines of calls that report the time
 *   or the system's state (TIME_VARYING below: clocks, resource usage, free disk space);
 * - ephemeral ports the kernel picks (`htons(N)` with N from 32768 up), key serials the kernel
 *   assigns (add_key's and request_key's return value), and runs of 9 or more hex digits inside
 *   strings (addresses in /proc/self/maps that a program reads);
 * - the padding before ` = ` of a strace line joined from two halves, recomputed for column 40
 *   as if the call had not been interrupted (strace padded the second half on its own).
 * A line only one side has (an unpaired call, a signal line sctrace cannot produce) counts as a
 * differing line; the figure is identical lines over all lines of both logs paired or not.
 */
import { align, pairThreads, type Call, type RunTrace, type Thread } from './strace-compare';
import { parseStraceLog, type StraceCall } from './strace-log';

/** Syscalls that create a thread or process and return its id to the parent. */
const CREATORS = new Set(['clone', 'clone3', 'fork', 'vfork']);

/** Calls whose printed numbers are clock readings or system statistics, different in every run. */
const TIME_VARYING = new Set([
  'clock_gettime', 'gettimeofday', 'time', 'times', 'sysinfo', 'getrusage', 'clock_adjtime', 'adjtimex', 'timerfd_gettime', 'statfs',
  'fstatfs', 'utimensat', 'utimes', 'futimesat',
]);
/** Calls whose return value is an id the kernel assigns anew in every run. */
const ASSIGNED_IDS = new Set(['add_key', 'request_key']);

/** strace's default -a. */
const COLUMN = 40;

/** The threads of one `-f -o FILE` log, with each line kept whole (the text of each Call). */
export function linesRun(log: string, rootParent: number): RunTrace {
  const calls = parseStraceLog(log, { notices: true });
  if (calls.length === 0) throw new Error('the log is empty');
  const threads = new Map<number, Thread>();
  for (const c of calls) {
    let t = threads.get(c.tid);
    if (!t) threads.set(c.tid, (t = { tid: c.tid, calls: [], children: [] }));
    t.calls.push({ name: c.name, ret: { kind: 'none' }, paths: new Map(), printed: c.args, text: realign(c) });
    if (CREATORS.has(c.name) && /^\d+$/.test(c.ret) && c.ret !== '0') t.children.push(Number(c.ret));
  }
  return { root: calls[0].tid, rootParent, threads };
}

/** A joined line's padding before ` = ` as strace pads an uninterrupted call (with its `PID ` column). */
function realign(c: StraceCall): string {
  if (!c.joined) return c.line;
  const m = /^(.*\)) +(= .*)$/.exec(c.line);
  if (!m) return c.line;
  const lead = Math.max(6, String(c.tid).length + 1);
  const head = `${m[1]} `;
  return `${head}${' '.repeat(Math.max(0, COLUMN - lead - head.length))}${m[2]}`;
}

/** One differing line. */
export interface LineMismatch {
  /** "sctraceTid~straceTid". */
  thread: string;
  /** The syscall (or `+++`, `---`) the line is about. */
  name: string;
  sctrace: string;
  strace: string;
}

/** Agreement of two logs, line by line. */
export interface LineComparison {
  /** Lines of both logs, a paired line counted once. */
  lines: number;
  identical: number;
  /** Lines of the strace log. */
  straceLines: number;
  mismatches: LineMismatch[];
}

/** Compares sctrace's log (`mine`) with strace's (`theirs`), both from linesRun. */
export function compareLines(mine: RunTrace, theirs: RunTrace): LineComparison {
  const result: LineComparison = { lines: 0, identical: 0, straceLines: 0, mismatches: [] };
  const pairs = pairThreads(mine, theirs);
  const ids = new Map<number, number>(pairs);
  ids.set(mine.rootParent, theirs.rootParent);
  const pairedMine = new Set(pairs.map(([a]) => a));
  const pairedTheirs = new Set(pairs.map(([, b]) => b));
  for (const t of theirs.threads.values()) result.straceLines += t.calls.length;
  const unpaired = (t: Thread, side: 'sctrace' | 'strace') => {
    for (const c of t.calls) {
      result.lines++;
      result.mismatches.push({ thread: `${side} ${t.tid}`, name: c.name, sctrace: side === 'sctrace' ? c.text : '(no such thread)', strace: side === 'strace' ? c.text : '(no such thread)' });
    }
  };
  for (const [a, b] of pairs) {
    const x = mine.threads.get(a);
    const y = theirs.threads.get(b);
    if (!x || !y) continue;
    for (const [c, d] of align(x.calls, y.calls)) {
      result.lines++;
      const ours = c ? normalize(c, ids) : '(missing)';
      const straces = d ? normalize(d, undefined) : '(missing)';
      if (ours === straces) result.identical++;
      else result.mismatches.push({ thread: `${a}~${b}`, name: (c ?? d)!.name, sctrace: ours, strace: straces });
    }
  }
  for (const t of mine.threads.values()) if (!pairedMine.has(t.tid)) unpaired(t, 'sctrace');
  for (const t of theirs.threads.values()) if (!pairedTheirs.has(t.tid)) unpaired(t, 'strace');
  return result;
}

/** A line with what differs between runs normalized; `ids` maps sctrace's ids to strace's. */
function normalize(c: Call, ids: Map<number, number> | undefined): string {
  let text = c.text
    .replace(/0x[0-9a-f]{9,}/g, '0xADDR')
    .replace(/"(?:[^"\\]|\\.)*"/g, (q) => q.replace(/[0-9a-f]{9,}/g, 'ADDR'))
    .replace(/"(?:\\x[0-9a-f]{2})+"/g, '"<random>"')
    .replace(/:\[\d+\]/g, ':[INODE]')
    .replace(/htons\((\d+)\)/g, (m, port: string) => (Number(port) >= 32768 ? 'htons(EPHEMERAL)' : m));
  if (ids) text = mapIds(text, ids);
  if (TIME_VARYING.has(c.name)) text = text.replace(/\b\d+\b/g, 'N');
  if (ASSIGNED_IDS.has(c.name)) text = text.replace(/= \d+$/, '= N');
  return text;
}

/** Numbers outside quoted strings that are sctrace's thread ids, as strace's. */
function mapIds(text: string, ids: Map<number, number>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = /^\d+/.exec(text.slice(i));
    if (m && (i === 0 || !/[\w.]/.test(text[i - 1]))) {
      // Ids are above 100 on any running system; smaller numbers are fds, counts, flags.
      const n = Number(m[0]);
      out += n > 100 ? String(ids.get(n) ?? m[0]) : m[0];
      i += m[0].length;
      continue;
    }
    out += text[i++];
  }
  return out;
}

/** "1234/1300 lines (94.92%)". */
export function linesText(c: Pick<LineComparison, 'identical' | 'lines'>): string {
  const pct = c.lines === 0 ? 100 : (100 * c.identical) / c.lines;
  return `${c.identical}/${c.lines} lines (${pct.toFixed(2)}%)`;
}

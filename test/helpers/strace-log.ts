/**
 * Reads the output of `strace -f -qq -o FILE` (default decoding) into per-thread lists of calls:
 * name, the printed arguments split at top level, and the printed return value. Interleaved
 * `<unfinished ...>` / `<... NAME resumed>` halves are joined first, so every call is whole.
 */

/** One syscall as strace printed it. */
export interface StraceCall {
  tid: number;
  name: string;
  /** The printed arguments, split at top-level commas ("AT_FDCWD", "\"/etc/hostname\"", ...). */
  args: string[];
  /** The first word after " = ": "3", "-1", "?", "0x7f12…"; "" when strace printed none. */
  ret: string;
  /** The errno name after a failing return ("ENOENT"), else "". */
  errno: string;
  /** What followed the return value, e.g. "(flags FD_CLOEXEC)" (with -y the fd path is in ret). */
  retExtra: string;
  /** The whole line, joined, without the tid. */
  line: string;
  /** Joined from `<unfinished ...>` and `<... resumed>` halves (its padding before ` = ` is the second half's). */
  joined?: boolean;
}

const UNFINISHED = ' <unfinished ...>';
// strace prints the rest right after `resumed>`: a space there is the call's own (clone3's ` => {...}`).
const RESUMED_RE = /^<\.\.\. ([A-Za-z0-9_?]+) resumed>(.*)$/;

/**
 * Parses the text of a strace -f log. Lines that are not syscalls (signals `--- ... ---`, exits
 * `+++ ... +++`) are skipped unless `notices` asks for them; an unfinished call that never
 * resumed (the thread died in it) is kept with an empty return.
 */
export function parseStraceLog(text: string, options: { notices?: boolean } = {}): StraceCall[] {
  const calls: StraceCall[] = [];
  const pending = new Map<number, { index: number; prefix: string }>();
  for (const raw of text.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(raw);
    if (!m) continue;
    const tid = Number(m[1]);
    const rest = m[2];
    if (rest.startsWith('---') || rest.startsWith('+++')) {
      // With `notices`, signal (`--- SIGCHLD {...} ---`) and exit (`+++ exited with 0 +++`) lines are kept, named by their first word.
      if (options.notices) calls.push({ tid, name: rest.slice(0, 3), args: [], ret: '', errno: '', retExtra: '', line: rest });
      continue;
    }
    const resumed = RESUMED_RE.exec(rest);
    if (resumed) {
      const open = pending.get(tid);
      if (!open) throw new Error(`strace log: "${raw}" resumes a call that was never started`);
      pending.delete(tid);
      calls[open.index] = { ...parseCall(tid, open.prefix + resumed[2]), joined: true };
      continue;
    }
    if (rest.endsWith(UNFINISHED)) {
      const prefix = rest.slice(0, -UNFINISHED.length);
      // Keep the call's place in its thread's order; it is replaced once it resumes.
      pending.set(tid, { index: calls.length, prefix });
      calls.push(parseCall(tid, `${prefix}) = ?`));
      continue;
    }
    calls.push(parseCall(tid, rest));
  }
  return calls;
}

/** `name(args) = ret rest` → StraceCall. */
export function parseCall(tid: number, line: string): StraceCall {
  const open = line.indexOf('(');
  if (open <= 0) throw new Error(`strace log: cannot find the call in "${line}"`);
  const name = line.slice(0, open);
  const { args, end } = splitArgs(line, open + 1);
  const after = line.slice(end + 1);
  const eq = /^\s*=\s*(\S+)\s*(.*)$/.exec(after);
  let ret = '';
  let errno = '';
  let retExtra = '';
  if (eq) {
    ret = eq[1];
    retExtra = eq[2];
    const e = /^(E[A-Z0-9_]+)\b\s*(.*)$/.exec(retExtra);
    if ((ret === '-1' || ret === '?') && e) {
      errno = e[1];
      retExtra = e[2];
    }
  }
  return { tid, name, args, ret, errno, retExtra, line };
}

/**
 * Splits the argument text that starts at `start` (just after the opening parenthesis) at
 * top-level commas, respecting quotes, brackets, braces, parentheses and comments, up to the
 * matching closing parenthesis. Returns the trimmed arguments and the index of that parenthesis.
 */
export function splitArgs(text: string, start: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let current = '';
  let i = start;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const close = endOfQuoted(text, i);
      current += text.slice(i, close + 1);
      i = close;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const stop = close < 0 ? text.length - 1 : close + 1;
      current += text.slice(i, stop + 1);
      i = stop;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ')') {
      if (depth === 0) break;
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim() !== '' || args.length > 0) args.push(current.trim());
  return { args, end: i };
}

/** Index of the quote closing the string that opens at `open`. */
function endOfQuoted(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

/**
 * strace's `-e QUALIFIER=SET` expressions, with strace's semantics (its basic_filters.c):
 * a SET is a comma-separated list; each leading `!` inverts it; `all` and `none` stand alone.
 * - trace=: syscall names, numbers, classes (`%file`, or the legacy `file`), `/REGEX` (POSIX
 *   extended, matched anywhere in the name), `?NAME` (no error when it matches nothing);
 * - status=: successful, failed, unfinished, unavailable, detached;
 * - quiet=: attach, exit (exits), path-resolution, personality, superseded (thread-execve);
 * - read=, write=: file descriptor numbers;
 * - decode-fds=: path, socket, dev, pidfd;
 * - signal=: signal names with or without SIG (any case), numbers 1..255.
 * A later -e of the same qualifier replaces the earlier one, as in strace.
 */
import { canonicalClass, SYSCALL_CLASSES } from '../../src/syscalls/classes';
import { UsageError } from './command';
import { signalName } from './values';

const NAME = 'trace';

/** A set of strace's: a finite list, or everything but a finite list. */
export class QualifiedSet<T> {
  constructor(
    /** Members, or (when `inverted`) the non-members. */
    readonly listed: ReadonlySet<T>,
    readonly inverted: boolean,
  ) {}

  static all<T>(): QualifiedSet<T> {
    return new QualifiedSet<T>(new Set(), true);
  }

  static none<T>(): QualifiedSet<T> {
    return new QualifiedSet<T>(new Set(), false);
  }

  has(value: T): boolean {
    return this.listed.has(value) !== this.inverted;
  }

  get isAll(): boolean {
    return this.inverted && this.listed.size === 0;
  }

  get isNone(): boolean {
    return !this.inverted && this.listed.size === 0;
  }
}

/** `QUALIFIER=VALUE`, or a bare VALUE meaning trace=VALUE. */
export function splitExpression(expr: string): { qualifier: string; value: string } {
  const eq = expr.indexOf('=');
  if (eq < 0) return { qualifier: 'trace', value: expr };
  return { qualifier: expr.slice(0, eq), value: expr.slice(eq + 1) };
}

/**
 * Parses a SET with `token` turning each element into members; returns null from `token` for
 * an element it does not know (a usage error naming it).
 */
function parseSet<T>(what: string, spec: string, token: (t: string) => readonly T[] | null): QualifiedSet<T> {
  let s = spec;
  let inverted = false;
  while (s.startsWith('!')) {
    inverted = !inverted;
    s = s.slice(1);
  }
  if (s === 'none') return new QualifiedSet<T>(new Set(), inverted);
  if (s === 'all') return new QualifiedSet<T>(new Set(), !inverted);
  const members = new Set<T>();
  const tokens = s.split(',');
  if (tokens.some((t) => t === '')) throw new UsageError(`-e ${what}=${spec}: empty element`, NAME);
  for (const t of tokens) {
    const found = token(t);
    if (found === null) throw new UsageError(`-e ${what}=${spec}: invalid ${what} "${t}"`, NAME);
    for (const m of found) members.add(m);
  }
  return new QualifiedSet(members, inverted);
}

/** strace's legacy class names without the `%`. */
const LEGACY_CLASSES = new Set(['desc', 'file', 'memory', 'process', 'signal', 'ipc', 'network']);

/**
 * -e trace=SET over the syscall names of the traced architecture (`names`, by number). Throws a
 * UsageError for a name, class or regex that matches nothing (unless it starts with `?`).
 */
export function parseTraceSet(spec: string, names: ReadonlyArray<readonly [string, number]>): QualifiedSet<string> {
  const byNumber = new Map(names.map(([n, nr]) => [nr, n]));
  const all = names.map(([n]) => n);
  const known = new Set(all);
  return parseSet('trace', spec, (raw) => {
    let t = raw;
    let optional = false;
    while (t.startsWith('?')) {
      optional = true;
      t = t.slice(1);
    }
    let found: string[];
    if (/^\d+$/.test(t)) found = byNumber.has(Number(t)) ? [byNumber.get(Number(t))!] : [];
    else if (t.startsWith('/')) {
      let re: RegExp;
      try {
        re = new RegExp(t.slice(1));
      } catch (err) {
        throw new UsageError(`-e trace=${spec}: bad regular expression "${t.slice(1)}": ${(err as Error).message}`, NAME);
      }
      found = all.filter((n) => re.test(n));
    } else if (t.startsWith('%') || LEGACY_CLASSES.has(t)) {
      const cls = canonicalClass(t.startsWith('%') ? t : `%${t}`);
      if (cls === undefined) return optional ? [] : null;
      found = SYSCALL_CLASSES[cls].filter((n) => known.has(n));
    } else found = known.has(t) ? [t] : [];
    if (found.length === 0 && !optional) return null;
    return found;
  });
}

/** Statuses of -e status= (strace's STATUS_*). */
export type SyscallStatus = 'successful' | 'failed' | 'unfinished' | 'unavailable' | 'detached';
const STATUSES: readonly SyscallStatus[] = ['successful', 'failed', 'unfinished', 'unavailable', 'detached'];

export function parseStatusSet(spec: string): QualifiedSet<SyscallStatus> {
  return parseSet('status', spec, (t) => (STATUSES.includes(t as SyscallStatus) ? [t as SyscallStatus] : null));
}

/** What -q, -qq and -e quiet= silence. */
export type QuietItem = 'attach' | 'exit' | 'path-resolution' | 'personality' | 'thread-execve';
const QUIET_NAMES: Readonly<Record<string, QuietItem>> = {
  attach: 'attach',
  exit: 'exit',
  exits: 'exit',
  'path-resolution': 'path-resolution',
  personality: 'personality',
  superseded: 'thread-execve',
  'thread-execve': 'thread-execve',
};

export function parseQuietSet(spec: string): QualifiedSet<QuietItem> {
  return parseSet('quiet', spec, (t) => (QUIET_NAMES[t] === undefined ? null : [QUIET_NAMES[t]]));
}

/** -e read=/write=: fd numbers. */
export function parseFdSet(what: string, spec: string): QualifiedSet<number> {
  return parseSet(what, spec, (t) => (/^\d+$/.test(t) && Number(t) <= 0x7fffffff ? [Number(t)] : null));
}

/** -e decode-fds=: which fd details to show. */
export type FdDecoding = 'path' | 'socket' | 'dev' | 'pidfd';
const FD_DECODINGS: readonly FdDecoding[] = ['path', 'socket', 'dev', 'pidfd'];

export function parseFdDecodingSet(spec: string): QualifiedSet<FdDecoding> {
  return parseSet('decode-fds', spec, (t) => (FD_DECODINGS.includes(t as FdDecoding) ? [t as FdDecoding] : null));
}

/** The highest signal number strace's -e signal= accepts. */
const SIGNAL_SET_MAX = 255;

/** -e signal=SET (strace's qualify_signals): which signals' lines (`--- SIG... ---`, `+++ killed by +++`) print. */
export function parseSignalSet(spec: string): QualifiedSet<number> {
  const byName = new Map<string, number>();
  for (let n = 1; n <= 64; n++) byName.set(signalName(n).slice(3).toUpperCase(), n);
  return parseSet('signal', spec, (t) => {
    if (/^\d+$/.test(t)) return Number(t) <= SIGNAL_SET_MAX ? [Number(t)] : null;
    const name = t.toUpperCase().replace(/^SIG/, '');
    const n = byName.get(name);
    return n === undefined ? null : [n];
  });
}

/**
 * The kernel's own syscall metadata: every syscall built with SYSCALL_DEFINEn has a
 * events/syscalls/sys_enter_<name>/format file in tracefs listing its arguments' C types and
 * names. Reading it needs tracefs mounted, which needs root on most systems.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where tracefs lives: its own mount point since Linux 4.1, else inside debugfs. */
export const TRACEFS_CANDIDATES: readonly string[] = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];

/** tracefs is not mounted and could not be mounted, or its syscall events are missing. */
export class TracefsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TracefsError';
  }
}

/**
 * Returns a tracefs directory that has `events/`, mounting tracefs on /sys/kernel/tracing
 * (and logging that it did) when no candidate has one. Throws TracefsError when the mount fails,
 * typically because the process is not root (mounting needs CAP_SYS_ADMIN).
 */
export function ensureTracefs(log: (msg: string) => void): string {
  for (const dir of TRACEFS_CANDIDATES) {
    const events = join(dir, 'events');
    try {
      statSync(events);
      return dir;
    } catch (err) {
      // Mounted but closed to us (tracefs is root-only by default): mounting again would not help.
      if ((err as NodeJS.ErrnoException).code === 'EACCES') {
        throw new TracefsError(`read ${events}: permission denied (tracefs is readable by root only)`);
      }
    }
  }
  const target = TRACEFS_CANDIDATES[0];
  try {
    execFileSync('mount', ['-t', 'tracefs', 'nodev', target], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    // mount(8) adds a "dmesg(1) may have more information" line; the first line is the cause.
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim().split('\n')[0];
    const why = stderr || (err as Error).message;
    throw new TracefsError(`mount tracefs on ${target}: ${why} (needs root; or mount it yourself: mount -t tracefs nodev ${target})`);
  }
  if (!existsSync(join(target, 'events'))) {
    throw new TracefsError(`mounted tracefs on ${target} but it has no events/ (kernel built without CONFIG_FTRACE_SYSCALLS?)`);
  }
  log(`mounted tracefs on ${target} (it was not mounted)`);
  return target;
}

/** One argument field of a sys_enter_* event. */
export interface TracefsField {
  /** e.g. "filename" */
  name: string;
  /** C type with single spaces, e.g. "const char *". */
  type: string;
  /**
   * The format file's signed: flag. Syscall events store every argument as an unsigned long
   * (kernel/trace/trace_syscalls.c), so this is 0 even for `int dfd`; use the type instead.
   */
  signed: boolean;
  /** Byte offset and size in the event record. */
  offset: number;
  size: number;
}

/** The parsed format of one sys_enter_<name> event. */
export interface SyscallFormat {
  /** The event name without "sys_enter_": the SYSCALL_DEFINE name, e.g. "newstat" for stat. */
  name: string;
  /** Tracepoint id (the format's ID: line). */
  id: number;
  /** Arguments in order (the fields after __syscall_nr). */
  args: TracefsField[];
}

const ENTER_PREFIX = 'sys_enter_';

/**
 * Parses every events/syscalls/sys_enter_<name>/format under `dir`, keyed by <name>. Throws
 * TracefsError when the syscall events directory is missing or unreadable.
 */
export function loadSyscallFormats(dir: string): Map<string, SyscallFormat> {
  const eventsDir = join(dir, 'events', 'syscalls');
  let entries: string[];
  try {
    entries = readdirSync(eventsDir);
  } catch (err) {
    throw new TracefsError(`read ${eventsDir}: ${(err as Error).message} (kernel built without CONFIG_FTRACE_SYSCALLS, or not root?)`);
  }
  const formats = new Map<string, SyscallFormat>();
  for (const entry of entries) {
    if (!entry.startsWith(ENTER_PREFIX)) continue;
    const file = join(eventsDir, entry, 'format');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new TracefsError(`read ${file}: ${(err as Error).message}`);
    }
    const name = entry.slice(ENTER_PREFIX.length);
    formats.set(name, parseFormat(name, text, file));
  }
  return formats;
}

const FIELD_RE = /^\s*field:(.+?);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d+);/;

/**
 * Parses one format file: the fields after `field:int __syscall_nr` are the arguments (the ones
 * before it are the common_* header every event shares). Exported for tests.
 */
export function parseFormat(name: string, text: string, where = name): SyscallFormat {
  const id = Number(/^ID:\s*(\d+)/m.exec(text)?.[1] ?? -1);
  const args: TracefsField[] = [];
  let sawNr = false;
  for (const line of text.split('\n')) {
    const m = FIELD_RE.exec(line);
    if (!m) continue;
    const decl = m[1].trim();
    if (!sawNr) {
      sawNr = /\b__syscall_nr$/.test(decl);
      continue;
    }
    // The name is the last word; everything before it (pointer stars included) is the type.
    const cut = decl.lastIndexOf(' ');
    if (cut < 0) throw new TracefsError(`${where}: cannot split "${decl}" into type and name`);
    args.push({
      name: decl.slice(cut + 1),
      type: decl.slice(0, cut).replace(/\s+/g, ' ').trim(),
      signed: m[4] === '1',
      offset: Number(m[2]),
      size: Number(m[3]),
    });
  }
  if (!sawNr) throw new TracefsError(`${where}: no __syscall_nr field; not a syscall event format?`);
  return { name, id, args };
}

/**
 * What each file descriptor of each traced process names, as strace -y shows it: a path
 * ("/etc/hostname", symlinks resolved as the kernel's d_path would), "socket:[INODE]",
 * "pipe:[INODE]", "anon_inode:[eventfd]". One FdState per trace, fed that trace's events in order
 * by SyscallCatalog.decode:
 * - successful opens record the path (relative names resolved against the process's cwd or the
 *   dirfd's path), socket/pipe/eventfd-like calls record what /proc/PID/fd/N says at decode time,
 *   dup, dup2, dup3 and fcntl(F_DUPFD) copy, close forgets, exec drops close-on-exec fds, chdir/fchdir move the
 *   cwd;
 * - a fork copies the parent's table (a fork record or the parent's clone return, whichever
 *   comes first; CLONE_FILES shares it, threads share their process's);
 * - for processes the trace found already running (and their children), an fd never seen opened
 *   is looked up once in /proc/PID/fd when first needed (it was opened before the trace).
 * Reading /proc at decode time races with the process: a short-lived fd may already be closed or
 * reused, so those lookups only keep answers of the expected kind. Paths are canonicalized with
 * realpath in the service's mount namespace (cached); a file already gone keeps its lexical path.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The few filesystem calls FdState makes, injectable for tests. */
export interface FdSystem {
  /** readlink(2); undefined on any error. */
  readlink(file: string): string | undefined;
  /** realpath(3); undefined on any error. */
  realpath(file: string): string | undefined;
}

/** The real filesystem. */
export const HOST_FS: FdSystem = {
  readlink: (file) => {
    try {
      return fs.readlinkSync(file);
    } catch {
      return undefined;
    }
  },
  realpath: (file) => {
    try {
      return fs.realpathSync.native(file);
    } catch {
      return undefined;
    }
  },
};

interface FdEntry {
  path: string;
  cloexec: boolean;
}

/** One process's view: its fd table (shared by its threads, and by CLONE_FILES children). */
interface ProcFds {
  fds: Map<number, FdEntry>;
  cwd: string | undefined;
  /** Started before the trace (or descends from such a process without having been seen opening everything): misses may be looked up in /proc. */
  fromProc: boolean;
  /** fds already looked up in /proc without an answer. */
  missed: Set<number>;
  /** The process that forked it, when the trace saw the fork. */
  parent: number | undefined;
}

/** Processes tracked per trace; beyond this the oldest is forgotten (a trace of a whole busy host). */
const MAX_PROCESSES = 32768;
/** Canonical paths cached per trace. */
const REALPATH_CACHE_LIMIT = 8192;
/** AT_FDCWD. */
const AT_FDCWD = -100;

/** The fd paths of one trace. Not shared between traces; not safe for concurrent use. */
export class FdState {
  private readonly procs = new Map<number, ProcFds>();
  private readonly canonical = new Map<string, string>();

  constructor(private readonly system: FdSystem = HOST_FS) {}

  /** What fd names in process pid, or '' when unknown. */
  path(pid: number, fd: number): string {
    if (fd < 0) return '';
    const proc = this.proc(pid);
    const entry = proc.fds.get(fd);
    if (entry) return entry.path;
    if (!proc.fromProc || proc.missed.has(fd)) return '';
    const link = this.system.readlink(`/proc/${pid}/fd/${fd}`);
    if (link === undefined) {
      proc.missed.add(fd);
      return '';
    }
    proc.fds.set(fd, { path: link, cloexec: false });
    return link;
  }

  /** The working directory of process pid, or '' when unknown. */
  cwdPath(pid: number): string {
    return this.cwd(pid) ?? '';
  }

  /** A successful open of `name` relative to `dirfd` returned `fd`. */
  opened(pid: number, fd: number, dirfd: number, name: string, cloexec: boolean): void {
    const abs = this.absolute(pid, dirfd, name);
    this.set(pid, fd, abs === undefined ? name : this.realpath(abs), cloexec);
  }

  /**
   * A call returned a new fd that is not a path (a socket, a pipe end, an eventfd): what
   * /proc/PID/fd/N says now, if it starts with `kind` ("socket:", "pipe:", "anon_inode:").
   */
  created(pid: number, fd: number, kind: string, cloexec: boolean): void {
    const link = this.system.readlink(`/proc/${pid}/fd/${fd}`);
    if (link !== undefined && link.startsWith(kind)) this.set(pid, fd, link, cloexec);
    else this.proc(pid).fds.delete(fd);
  }

  /** fd `to` now names what `from` did (dup, dup2, dup3, F_DUPFD). */
  dup(pid: number, from: number, to: number, cloexec: boolean): void {
    const p = this.path(pid, from);
    if (p === '') this.proc(pid).fds.delete(to);
    else this.set(pid, to, p, cloexec);
  }

  closed(pid: number, fd: number): void {
    const proc = this.proc(pid);
    proc.fds.delete(fd);
    proc.missed.delete(fd);
  }

  /** close_range: closes (or, with `cloexecOnly`, marks close-on-exec) the fds in [first, last]. */
  closedRange(pid: number, first: number, last: number, cloexecOnly: boolean): void {
    const proc = this.proc(pid);
    for (const [fd, entry] of proc.fds) {
      if (fd < first || fd > last) continue;
      if (cloexecOnly) entry.cloexec = true;
      else proc.fds.delete(fd);
    }
    // Pre-trace fds in the range are now closed too: stop asking /proc about them.
    if (!cloexecOnly && proc.fromProc) for (let fd = first; fd <= Math.min(last, first + 1024); fd++) proc.missed.add(fd);
  }

  setCloexec(pid: number, fd: number, cloexec: boolean): void {
    const entry = this.proc(pid).fds.get(fd);
    if (entry) entry.cloexec = cloexec;
  }

  /** A successful execve: close-on-exec fds are gone. */
  exec(pid: number): void {
    const proc = this.proc(pid);
    for (const [fd, entry] of proc.fds) if (entry.cloexec) proc.fds.delete(fd);
  }

  /** A successful chdir(name) or fchdir. */
  chdir(pid: number, dirfd: number, name: string): void {
    const abs = this.absolute(pid, dirfd, name);
    if (abs !== undefined) this.proc(pid).cwd = this.realpath(abs);
  }

  /** fchdir(fd). */
  fchdir(pid: number, fd: number): void {
    const p = this.path(pid, fd);
    if (p.startsWith('/')) this.proc(pid).cwd = p;
  }

  /**
   * Process `child` was forked by `parent`: it starts with a copy of the parent's table (or the
   * same table with `shareFiles`, CLONE_FILES). A child already known (its fork record came
   * first) is left alone.
   */
  onFork(parent: number, child: number, shareFiles = false): void {
    if (this.procs.get(child)?.parent === parent) return;
    const p = this.proc(parent);
    const fds = shareFiles ? p.fds : new Map([...p.fds].map(([fd, e]) => [fd, { ...e }]));
    this.track(child, { fds, cwd: p.cwd, fromProc: p.fromProc, missed: new Set(p.missed), parent });
  }

  onExit(pid: number): void {
    this.procs.delete(pid);
  }

  private set(pid: number, fd: number, p: string, cloexec: boolean): void {
    const proc = this.proc(pid);
    proc.fds.set(fd, { path: p, cloexec });
    proc.missed.delete(fd);
  }

  /** The process's entry; one seen for the first time started before the trace. */
  private proc(pid: number): ProcFds {
    let proc = this.procs.get(pid);
    if (!proc) {
      proc = { fds: new Map(), cwd: undefined, fromProc: true, missed: new Set(), parent: undefined };
      this.track(pid, proc);
    }
    return proc;
  }

  private track(pid: number, proc: ProcFds): void {
    this.procs.delete(pid);
    if (this.procs.size >= MAX_PROCESSES) this.procs.delete(this.procs.keys().next().value as number);
    this.procs.set(pid, proc);
  }

  /** `name` made absolute against dirfd (or the cwd for AT_FDCWD); undefined when the base is unknown. */
  private absolute(pid: number, dirfd: number, name: string): string | undefined {
    if (name.startsWith('/')) return path.posix.normalize(name);
    let base: string | undefined;
    if (dirfd === AT_FDCWD) base = this.cwd(pid);
    else {
      const p = this.path(pid, dirfd);
      base = p.startsWith('/') ? p : undefined;
    }
    return base === undefined ? undefined : path.posix.resolve(base, name);
  }

  private cwd(pid: number): string | undefined {
    const proc = this.proc(pid);
    if (proc.cwd === undefined && proc.fromProc) proc.cwd = this.system.readlink(`/proc/${pid}/cwd`);
    return proc.cwd;
  }

  private realpath(abs: string): string {
    let real = this.canonical.get(abs);
    if (real === undefined) {
      real = this.system.realpath(abs) ?? abs;
      if (this.canonical.size >= REALPATH_CACHE_LIMIT) this.canonical.clear();
      this.canonical.set(abs, real);
    }
    return real;
  }
}

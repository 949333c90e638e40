/**
 * What each file descriptor of each traced process names, as strace -y shows it: a path
 * ("/etc/hostname", symlinks resolved as the kernel's d_path would), "socket:[INODE]",
 * "pipe:[INODE]", "anon_inode:[eventfd]". One FdState per kernel pass, fed every record of the
 * pass in order by SyscallCatalog.decodeViews:
 * - successful opens record the path (relative names resolved against the process's cwd or the
 *   dirfd's path), socket/pipe/eventfd-like calls record what /proc/PID/fd/N says at decode time,
 *   dup, dup2, dup3 and fcntl(F_DUPFD) copy, close forgets, exec drops close-on-exec fds, chdir/fchdir move the
 *   cwd;
 * - a fork copies the parent's table (a fork record or the parent's clone return, whichever
 *   comes first; CLONE_FILES shares it, threads share their process's);
 * - a process the trace found already running (no fork seen) gets its table and cwd from
 *   /proc/PID/fd and /proc/PID/cwd: a trace target when the trace starts (track), any other
 *   when its first event is decoded; its children copy it;
 * - an fd the table does not know (opened by a call the trace does not select, or by one it
 *   does not model) is read from /proc/PID/fd/N when it is first asked for, as strace -y does,
 *   and kept; a failed lookup is remembered too (bounded), until the fd is opened;
 * - when none of the traces a record is for selects every call that changes fds (`refresh`,
 *   set per record), the table cannot be kept by events, so every answer for that record comes
 *   from /proc/PID/fd/N, re-read at most every REFRESH_MS per fd.
 * Reading /proc at decode time races with the process: it shows the table as it is when the
 * event is decoded, a few milliseconds after the fact, so it is read once per such process and
 * never again (a later lookup would see fds the process changed after the event being decoded:
 * the pipe a shell's child dup2'ed onto its stdin instead of the stdin it had). Socket and pipe
 * lookups keep only answers of the expected kind. Paths are canonicalized with realpath in the
 * service's mount namespace (cached); a file already gone keeps its lexical path.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FdDetails } from './fddetails';

/** The few filesystem calls FdState makes, injectable for tests. */
export interface FdSystem {
  /** readlink(2); undefined on any error. */
  readlink(file: string): string | undefined;
  /** Directory entry names; [] on any error. */
  readdir(dir: string): string[];
  /** realpath(3); undefined on any error. */
  realpath(file: string): string | undefined;
  /** A small text file (/proc/PID/net/netlink); undefined on any error. */
  readFile?(file: string): string | undefined;
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
  readdir: (dir) => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  },
  readFile: (file) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** What a socket fd is: its family and protocol (from its socket() call, or from /proc/net). */
export interface SocketInfo {
  family: number;
  protocol: number;
  /** The socket() type (SOCK_STREAM, ...), when the call was seen. */
  type?: number;
}

interface FdEntry {
  path: string;
  cloexec: boolean;
  socket?: SocketInfo;
  /** Refresh mode: when it was last confirmed (by an event or /proc), in milliseconds. */
  readAt?: number;
}

/** One process's view: its fd table (shared by its threads, and by CLONE_FILES children). */
interface ProcFds {
  fds: Map<number, FdEntry>;
  cwd: string | undefined;
  /** The process that forked it, when the trace saw the fork. */
  parent: number | undefined;
  /** fds /proc did not show when asked (bounded by MISSES_MAX). */
  misses?: Set<number>;
}

/** fds read from /proc per process at most (a process with thousands open keeps the rest unnamed). */
const SNAPSHOT_FDS_MAX = 1024;

/** Processes tracked per trace; beyond this the oldest is forgotten (a trace of a whole busy host). */
const MAX_PROCESSES = 32768;
/** Canonical paths cached per trace. */
const REALPATH_CACHE_LIMIT = 8192;
/** AT_FDCWD. */
const AT_FDCWD = -100;
/** PATH_MAX (include/uapi/linux/limits.h). */
const PATH_MAX = 4096;
/** Unknown fds remembered per process as absent from /proc (EBADF probes, closed fds). */
const MISSES_MAX = 256;
/** In refresh mode, how long an answer from /proc is reused. */
const REFRESH_MS = 10;
/** How long a process's /proc/PID/net/netlink table is reused. */
const NETLINK_TABLE_MS = 100;
/** AF_NETLINK (include/linux/socket.h). */
const AF_NETLINK = 16;

/** How an FdState keeps its tables. */
export interface FdStateOptions {
  /** Not every fd-changing call is traced: answer from /proc (see the file comment). */
  refresh?: boolean;
  /** Milliseconds now, for refresh mode (injectable for tests). */
  now?: () => number;
  /** -yy: sockets, devices and pidfds shown with their details (fddetails.ts). */
  details?: FdDetails;
}

/** The fd paths of one kernel pass (every trace of a backend); not safe for concurrent use. */
export class FdState {
  private readonly procs = new Map<number, ProcFds>();
  private readonly canonical = new Map<string, string>();

  /**
   * Not every fd-changing call of the records being decoded is traced: answer from /proc. Set
   * per record by the catalog (SyscallResolver.decodeViews' fdChangesTraced).
   */
  refresh: boolean;
  private readonly now: () => number;
  private readonly details: FdDetails | undefined;

  constructor(
    private readonly system: FdSystem = HOST_FS,
    options: FdStateOptions = {},
  ) {
    this.refresh = options.refresh ?? false;
    this.now = options.now ?? Date.now;
    this.details = options.details;
  }

  /**
   * Reads the fd table of running process pid now (a trace target, before the trace starts), so
   * its fds opened before the trace are named as they were then.
   */
  track(pid: number): void {
    this.proc(pid);
  }

  /** A socket() call returned `fd`: remember its family and protocol (netlink decoding needs the protocol). */
  setSocket(pid: number, fd: number, info: SocketInfo): void {
    const fds = this.proc(pid).fds;
    const entry = fds.get(fd);
    // Known to be a socket even when /proc could not name it (the process was already gone).
    if (entry) entry.socket = info;
    else fds.set(fd, { path: '', cloexec: false, socket: info });
  }

  /**
   * The family and protocol of socket `fd`, when known: from its socket() call, or for a
   * netlink socket made before the trace (or by a call it did not select) from
   * /proc/PID/net/netlink by inode, read at most every NETLINK_TABLE_MS.
   */
  socketInfo(pid: number, fd: number): SocketInfo | undefined {
    const entry = this.proc(pid).fds.get(fd);
    if (entry?.socket) return entry.socket;
    const path = entry?.path ?? this.path(pid, fd);
    const m = /^socket:\[(\d+)\]$/.exec(path);
    if (!m) return undefined;
    const protocol = this.netlinkProtocol(pid, m[1]);
    if (protocol === undefined) return undefined;
    const info = { family: AF_NETLINK, protocol };
    const kept = this.proc(pid).fds.get(fd);
    if (kept) kept.socket = info;
    return info;
  }

  private netlinkTable: { pid: number; readAt: number; byInode: Map<string, number> } | undefined;

  private netlinkProtocol(pid: number, inode: string): number | undefined {
    const now = this.now();
    if (!this.netlinkTable || this.netlinkTable.pid !== pid || now - this.netlinkTable.readAt > NETLINK_TABLE_MS) {
      const byInode = new Map<string, number>();
      // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
      for (const line of (this.system.readFile?.(`/proc/${pid}/net/netlink`) ?? '').split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length >= 10) byInode.set(f[9], Number(f[1]));
      }
      this.netlinkTable = { pid, readAt: now, byInode };
    }
    return this.netlinkTable.byInode.get(inode);
  }

  /** What fd names in process pid, or '' when unknown; without `lookup`, from the table alone. */
  path(pid: number, fd: number, lookup = true): string {
    if (fd < 0) return '';
    const proc = this.proc(pid);
    const entry = proc.fds.get(fd);
    if (!lookup) return entry?.path ?? '';
    if (entry !== undefined && !(this.refresh && this.now() - (entry.readAt ?? 0) > REFRESH_MS)) return entry.path;
    if (entry === undefined && proc.misses?.has(fd)) return '';
    return this.lookup(pid, proc, fd, entry);
  }

  /**
   * What strace prints between `<` and `>` after fd: its path, or with -yy (the `details`
   * option, or `details` for this answer) a socket's protocol and endpoints, a device's
   * numbers, a pidfd's pid; '' when unknown.
   */
  shown(pid: number, fd: number, lookup = true, details = this.details): string {
    const p = this.path(pid, fd, lookup);
    if (details === undefined || p === '') return p;
    return details.describe(pid, fd, p, this.proc(pid).fds.get(fd)?.socket) ?? p;
  }

  /**
   * Reads fd's target from /proc and keeps the answer (or the miss). What a socket() call said
   * of the fd stays while /proc shows the same socket, and when /proc shows nothing (refresh
   * mode, the process already gone): the call is the better evidence then.
   */
  private lookup(pid: number, proc: ProcFds, fd: number, old: FdEntry | undefined): string {
    const link = this.system.readlink(`/proc/${pid}/fd/${fd}`);
    if (link === undefined && old?.socket) {
      old.readAt = this.refresh ? this.now() : undefined;
      return old.path;
    }
    if (link === undefined) {
      proc.fds.delete(fd);
      if (!this.refresh) {
        proc.misses ??= new Set();
        if (proc.misses.size >= MISSES_MAX) proc.misses.clear();
        proc.misses.add(fd);
      }
      return '';
    }
    const socket = old?.socket && (old.path === link || (old.path === '' && link.startsWith('socket:'))) ? old.socket : undefined;
    proc.fds.set(fd, { path: link, cloexec: old?.cloexec ?? false, readAt: this.refresh ? this.now() : undefined, ...(socket && { socket }) });
    return link;
  }

  /**
   * The working directory of process pid, or '' when unknown or when it is PATH_MAX bytes or
   * longer: strace reads /proc/PID/cwd into a PATH_MAX buffer and prints nothing when it fills.
   */
  cwdPath(pid: number): string {
    const cwd = this.proc(pid).cwd ?? '';
    // Under PATH_MAX / 3 UTF-16 units it is under PATH_MAX bytes: no need to count them.
    return cwd.length >= PATH_MAX / 3 && Buffer.byteLength(cwd) >= PATH_MAX ? '' : cwd;
  }

  /** A successful open of `name` relative to `dirfd` returned `fd`. */
  opened(pid: number, fd: number, dirfd: number, name: string, cloexec: boolean): void {
    // An absolute name seen before needs neither normalizing nor realpath again.
    const known = name.startsWith('/') ? this.canonical.get(name) : undefined;
    if (known !== undefined) return this.set(pid, fd, known, cloexec);
    const abs = this.absolute(pid, dirfd, name);
    const real = abs === undefined ? name : this.realpath(abs);
    if (abs !== undefined && name.startsWith('/') && this.canonical.size < REALPATH_CACHE_LIMIT) this.canonical.set(name, real);
    this.set(pid, fd, real, cloexec);
  }

  /**
   * A call returned a new fd that is not a path (a socket, a pipe end, an eventfd): what
   * /proc/PID/fd/N says now, if it starts with `kind` ("socket:", "pipe:", "anon_inode:"), or
   * `name` (what /proc always says for it) when /proc cannot be read (the process is gone).
   */
  created(pid: number, fd: number, kind: string, cloexec: boolean, name?: string): void {
    const link = this.system.readlink(`/proc/${pid}/fd/${fd}`);
    if (link !== undefined && link.startsWith(kind)) this.set(pid, fd, link, cloexec);
    else if (link === undefined && name !== undefined) this.set(pid, fd, name, cloexec);
    else this.proc(pid).fds.delete(fd);
  }

  /** fd `to` now names what `from` did (dup, dup2, dup3, F_DUPFD). */
  dup(pid: number, from: number, to: number, cloexec: boolean): void {
    const p = this.path(pid, from);
    if (p === '') this.proc(pid).fds.delete(to);
    else this.set(pid, to, p, cloexec);
  }

  closed(pid: number, fd: number): void {
    this.proc(pid).fds.delete(fd);
  }

  /** close_range: closes (or, with `cloexecOnly`, marks close-on-exec) the fds in [first, last]. */
  closedRange(pid: number, first: number, last: number, cloexecOnly: boolean): void {
    const proc = this.proc(pid);
    for (const [fd, entry] of proc.fds) {
      if (fd < first || fd > last) continue;
      if (cloexecOnly) entry.cloexec = true;
      else proc.fds.delete(fd);
    }
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
   * same table with `shareFiles`, CLONE_FILES). A child already known is left alone: its fork
   * record came first, or (without process events) its own first events did, which then read
   * its table from /proc.
   */
  onFork(parent: number, child: number, shareFiles = false): void {
    if (this.procs.has(child)) return;
    const p = this.proc(parent);
    const fds = shareFiles ? p.fds : new Map([...p.fds].map(([fd, e]) => [fd, { ...e }]));
    this.remember(child, { fds, cwd: p.cwd, parent });
  }

  onExit(pid: number): void {
    this.procs.delete(pid);
  }

  private set(pid: number, fd: number, p: string, cloexec: boolean): void {
    const proc = this.proc(pid);
    // In refresh mode an entry an event made is trusted for REFRESH_MS, then /proc is asked again.
    proc.fds.set(fd, { path: p, cloexec, readAt: this.refresh ? this.now() : undefined });
    proc.misses?.delete(fd);
  }

  /** The process's entry; one seen for the first time started before the trace: read from /proc. */
  private proc(pid: number): ProcFds {
    let proc = this.procs.get(pid);
    if (!proc) {
      proc = this.snapshot(pid);
      this.remember(pid, proc);
    }
    return proc;
  }

  /** A running process's fd table and cwd as /proc shows them now (empty once it is gone). */
  private snapshot(pid: number): ProcFds {
    const fds = new Map<number, FdEntry>();
    const dir = `/proc/${pid}/fd`;
    for (const name of this.system.readdir(dir).slice(0, SNAPSHOT_FDS_MAX)) {
      const link = this.system.readlink(`${dir}/${name}`);
      if (link !== undefined && /^\d+$/.test(name)) fds.set(Number(name), { path: link, cloexec: false });
    }
    return { fds, cwd: this.system.readlink(`/proc/${pid}/cwd`), parent: undefined };
  }

  private remember(pid: number, proc: ProcFds): void {
    this.procs.delete(pid);
    if (this.procs.size >= MAX_PROCESSES) this.procs.delete(this.procs.keys().next().value as number);
    this.procs.set(pid, proc);
  }

  /** `name` made absolute against dirfd (or the cwd for AT_FDCWD); undefined when the base is unknown. */
  private absolute(pid: number, dirfd: number, name: string): string | undefined {
    if (name.startsWith('/')) return path.posix.normalize(name);
    let base: string | undefined;
    if (dirfd === AT_FDCWD) base = this.proc(pid).cwd;
    else {
      const p = this.path(pid, dirfd);
      base = p.startsWith('/') ? p : undefined;
    }
    return base === undefined ? undefined : path.posix.resolve(base, name);
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

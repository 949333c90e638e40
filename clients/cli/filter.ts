/**
 * Which events `trace` shows, by strace's rules that the kernel side does not apply: -e status=
 * (-z, -Z), -P PATH (a call whose path argument is PATH, or whose fd argument names it; done
 * here, on the client, for now: the kernel side still captures every selected call), and -e
 * trace=none. Applies to text and JSON output alike.
 */
import { realpathSync } from 'node:fs';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { SyscallEvent__Output } from '../../src/api/generated/sctrace/v1/SyscallEvent';
import { textBytes } from '../../src/syscalls/text';
import type { QualifiedSet, SyscallStatus } from './qualify';

/** What the filter needs of the display options. */
export interface FilterOptions {
  status: QualifiedSet<SyscallStatus>;
  paths: string[];
  noSyscalls: boolean;
}

export class EventFilter {
  private readonly paths: Set<string>;

  constructor(private readonly options: FilterOptions) {
    // strace matches the path as given and as realpath(3) resolves it.
    this.paths = new Set(options.paths.flatMap((p) => [p, resolved(p)]));
  }

  /** The -P paths that resolve elsewhere, for strace's "Requested path resolved into" notice. */
  resolvedPaths(): Array<[string, string]> {
    return this.options.paths.map((p): [string, string] => [p, resolved(p)]).filter(([p, r]) => p !== r);
  }

  accept(event: Event__Output): boolean {
    if (event.kind !== 'syscall' || !event.syscall) return true;
    if (this.options.noSyscalls) return false;
    const call = event.syscall;
    if (!this.options.status.isAll && !this.options.status.has(statusOf(call))) return false;
    return this.paths.size === 0 || this.touchesPath(call);
  }

  private touchesPath(call: SyscallEvent__Output): boolean {
    if (NO_PATH_ARGS.has(call.name)) return false;
    const fsconfigCmd = call.name === 'fsconfig' ? Number(call.decoded.find((a) => a.name === 'cmd')?.uint ?? -1) : undefined;
    for (const arg of call.decoded) {
      if (fsconfigCmd !== undefined && !fsconfigTests(arg.name, fsconfigCmd)) continue;
      // A dirfd's AT_FDCWD names the cwd for -y, but strace's -P never matches it (no fd to look up).
      if (arg.fd_path !== '' && arg.int !== '-100' && this.paths.has(arg.fd_path)) return true;
      if (arg.value === 'str' && !arg.unreadable && this.paths.has(Buffer.from(textBytes(arg.str ?? '', arg.str_bytes)).toString('utf8'))) return true;
    }
    return false;
  }
}

/**
 * Calls strace's -P never matches although they are file, descriptor or network calls: they have
 * no fd or path argument it tests (src/pathtrace.c of strace), whatever fd they take
 * (io_uring_enter's ring, fsmount's context, accept's listener).
 */
const NO_PATH_ARGS: ReadonlySet<string> = new Set([
  'accept', 'accept4', 'bpf', 'epoll_create', 'epoll_create1', 'eventfd', 'eventfd2', 'fanotify_init', 'fsmount', 'fsopen',
  'inotify_init', 'inotify_init1', 'io_uring_enter', 'io_uring_register', 'io_uring_setup', 'landlock_add_rule',
  'landlock_create_ruleset', 'landlock_restrict_self', 'memfd_create', 'memfd_secret', 'mq_getsetattr', 'mq_notify', 'mq_open',
  'mq_timedreceive', 'mq_timedsend', 'perf_event_open', 'pidfd_open', 'pipe', 'pipe2', 'signalfd', 'signalfd4', 'socket',
  'socketpair', 'timerfd_create', 'timerfd_gettime', 'timerfd_settime', 'userfaultfd',
]);

/**
 * The fsconfig arguments strace's -P tests: aux as the dirfd of FSCONFIG_SET_PATH(_EMPTY) (3, 4)
 * or the fd of FSCONFIG_SET_FD (5), and the path of the first two; never the context fd or key.
 */
function fsconfigTests(arg: string, cmd: number): boolean {
  if (arg === 'aux') return cmd >= 3 && cmd <= 5;
  return arg === '_value' && (cmd === 3 || cmd === 4);
}

/** How a call ended, in -e status= terms. */
function statusOf(call: SyscallEvent__Output): SyscallStatus {
  if (call.no_return) return 'unfinished';
  return call.errno_name !== '' ? 'failed' : 'successful';
}

function resolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

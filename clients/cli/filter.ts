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
    for (const arg of call.decoded) {
      if (arg.fd_path !== '' && this.paths.has(arg.fd_path)) return true;
      if (arg.value === 'str' && !arg.unreadable && this.paths.has(Buffer.from(textBytes(arg.str ?? '', arg.str_bytes)).toString('utf8'))) return true;
    }
    return false;
  }
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

/** A small SyscallResolver for server-core unit tests (no tracefs needed). */
import type { SyscallEvent } from '../../src/api/generated/sctrace/v1/SyscallEvent';
import type { FakeSession } from '../../src/backends/fake/engine';
import type { RawSyscall, SyscallInfo, SyscallResolver } from '../../src/syscalls/types';

const TABLE: SyscallInfo[] = [
  { nr: 0, name: 'read', args: [], readStringsAtEntry: false },
  { nr: 1, name: 'write', args: [], readStringsAtEntry: false },
  { nr: 39, name: 'getpid', args: [], readStringsAtEntry: false },
  { nr: 110, name: 'getppid', args: [], readStringsAtEntry: false },
  { nr: 257, name: 'openat', args: [], readStringsAtEntry: false },
];

/** Knows five syscalls and the class %file = {openat}. */
export class FakeSyscalls implements SyscallResolver {
  readonly arch = 'x86_64';
  all(): readonly SyscallInfo[] {
    return TABLE;
  }
  byNumber(nr: number): SyscallInfo | undefined {
    return TABLE.find((s) => s.nr === nr);
  }
  byName(name: string): SyscallInfo | undefined {
    return TABLE.find((s) => s.name === name);
  }
  resolve(nameOrClass: string): SyscallInfo[] {
    if (nameOrClass === '%file') return TABLE.filter((s) => s.name === 'openat');
    const one = this.byName(nameOrClass);
    return one ? [one] : [];
  }
  decode(raw: RawSyscall): SyscallEvent {
    return { nr: raw.nr, name: this.byNumber(raw.nr)?.name ?? `syscall_${raw.nr}`, ret: raw.ret.toString() };
  }
}

/** A syscall event as a backend would deliver it (no sequence yet). */
export function syscallEvent(pid: number, name: string, ret = 0) {
  const info = TABLE.find((s) => s.name === name);
  if (!info) throw new Error(`fake syscall table has no ${name}`);
  return {
    timestamp_ns: String(BigInt(Date.now()) * 1_000_000n),
    task: { pid, tid: pid, ppid: 1, uid: 0, gid: 0, comm: 'fake', cgroup_id: '1' },
    syscall: { nr: info.nr, name, ret: String(ret), args: [], decoded: [], arch: 'x86_64' },
    kind: 'syscall' as const,
  };
}

/** Emits `n` calls of `name` by pid 7 from the fake session, in batches of `batch` events. */
export function emitSyscalls(session: FakeSession, n: number, name: string, batch: number): void {
  for (let i = 0; i < n; i += batch) session.emit(Array.from({ length: Math.min(batch, n - i) }, () => syscallEvent(7, name)));
}

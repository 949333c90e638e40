/**
 * errno names and messages by number, from the generated header table plus the kernel-internal
 * restart codes a tracer sees at syscall exit; messages as strace prints them (strerror.ts).
 */
import { archTables, type ErrnoEntry } from './arch';
import { errnoMessage, STRACE_ERRNOS } from './strerror';

/**
 * Codes from the kernel's include/linux/errno.h (512 and up), which is not UAPI: user space never
 * receives them, but the sys_exit tracepoint fires before signal delivery turns them into a
 * restart or EINTR, so a traced call interrupted by a signal returns one of these (and a few leak
 * out unchanged: ENOTSUPP, ENOIOCTLCMD). strace names them; the table is strerror.ts's.
 */
const KERNEL_ERRNOS: readonly ErrnoEntry[] = STRACE_ERRNOS.filter(([n]) => n >= 512).map(([number, name, message]) => ({ name, number, message }));

/** Largest errno a syscall returns as -errno (MAX_ERRNO in include/linux/err.h). */
export const MAX_ERRNO = 4095;
const MIN_ERROR_RET = -BigInt(MAX_ERRNO);

/** Looks up errno names and messages; built once per architecture, then read-only. */
export class ErrnoTable {
  /** Primary entry per number, indexed directly: the hot path is one array read. */
  private readonly byNumber: (ErrnoEntry | undefined)[] = new Array(MAX_ERRNO + 1);
  private readonly byNameMap = new Map<string, ErrnoEntry>();

  /** Builds the table from header entries; aliases are found by name but never by number. */
  constructor(entries: readonly ErrnoEntry[]) {
    for (const e of [...entries, ...KERNEL_ERRNOS]) {
      this.byNameMap.set(e.name, e);
      if (e.aliasOf === undefined && e.number <= MAX_ERRNO && !this.byNumber[e.number]) this.byNumber[e.number] = e;
    }
  }

  /** The table for an architecture's generated headers. */
  static forArch(arch: string): ErrnoTable {
    return new ErrnoTable(archTables(arch).errnos);
  }

  /** "ENOENT" for 2; undefined for a number with no name. */
  name(errno: number): string | undefined {
    return this.byNumber[errno]?.name;
  }

  /**
   * "No such file or directory" for 2, as strace prints it (glibc's strerror text; the header's
   * comment for a name glibc does not know); undefined for a number with no name.
   */
  message(errno: number): string | undefined {
    const entry = this.byNumber[errno];
    return entry && (errnoMessage(entry.name) ?? entry.message);
  }

  /** The entry for a name, aliases included (EWOULDBLOCK → number 11). */
  byName(name: string): ErrnoEntry | undefined {
    return this.byNameMap.get(name);
  }

  /**
   * SyscallEvent.errno_name for a return value: the name when ret is in [-4095, -1], "" when
   * the call succeeded, and "ERRNO_<n>" for an error number without a name, so that an error
   * is never mistaken for success.
   */
  errnoNameForReturn(ret: bigint): string {
    if (ret >= 0n || ret < MIN_ERROR_RET) return '';
    const errno = -Number(ret);
    return this.byNumber[errno]?.name ?? `ERRNO_${errno}`;
  }
}

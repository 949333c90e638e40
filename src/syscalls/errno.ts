/**
 * errno names and messages by number, from the generated header table plus the kernel-internal
 * restart codes a tracer sees at syscall exit.
 */
import { archTables, type ErrnoEntry } from './arch';

/**
 * Codes from the kernel's include/linux/errno.h, which is not UAPI: user space never receives
 * them, but the sys_exit tracepoint fires before signal delivery turns them into a restart or
 * EINTR, so a traced call interrupted by a signal returns one of these (and a few leak out
 * unchanged: ENOTSUPP, ENOIOCTLCMD). Names are strace's; messages are strace's for the restart
 * codes and the kernel header's comments for the others.
 */
const KERNEL_ERRNOS: readonly ErrnoEntry[] = [
  { name: 'ERESTARTSYS', number: 512, message: 'To be restarted if SA_RESTART is set' },
  { name: 'ERESTARTNOINTR', number: 513, message: 'To be restarted' },
  { name: 'ERESTARTNOHAND', number: 514, message: 'To be restarted if no handler' },
  { name: 'ENOIOCTLCMD', number: 515, message: 'No ioctl command' },
  { name: 'ERESTART_RESTARTBLOCK', number: 516, message: 'Interrupted by signal' },
  { name: 'EPROBE_DEFER', number: 517, message: 'Driver requests probe retry' },
  { name: 'EOPENSTALE', number: 518, message: 'open found a stale dentry' },
  { name: 'EBADHANDLE', number: 521, message: 'Illegal NFS file handle' },
  { name: 'ENOTSYNC', number: 522, message: 'Update synchronization mismatch' },
  { name: 'EBADCOOKIE', number: 523, message: 'Cookie is stale' },
  { name: 'ENOTSUPP', number: 524, message: 'Operation is not supported' },
  { name: 'ETOOSMALL', number: 525, message: 'Buffer or request is too small' },
  { name: 'ESERVERFAULT', number: 526, message: 'An untranslatable error occurred' },
  { name: 'EBADTYPE', number: 527, message: 'Type not supported by server' },
  { name: 'EJUKEBOX', number: 528, message: 'Request initiated, but will not complete before timeout' },
  { name: 'EIOCBQUEUED', number: 529, message: 'iocb queued, will get completion event' },
  { name: 'ERECALLCONFLICT', number: 530, message: 'conflict with recalled state' },
];

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

  /** "No such file or directory" for 2; undefined for a number with no name. */
  message(errno: number): string | undefined {
    return this.byNumber[errno]?.message;
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

/**
 * strace's renderings of single values: quoted strings, hex pointers, errno and signal names.
 * Kept apart from printer.ts so the event layout and the value syntax can be read separately.
 */
import { constants } from 'node:os';
import { quoteText } from '../../src/syscalls/decoders/quote';

/**
 * Quotes a string argument like strace: printable ASCII as is, C escapes where they exist, every
 * other byte (including each byte of a UTF-8 sequence, as strace does) as an octal escape.
 * `truncated` appends strace's `...` after the closing quote. The service renders buffers with
 * the same code (src/syscalls/decoders/quote.ts).
 */
export function quoteString(value: string, truncated = false): string {
  return quoteText(value, truncated);
}

/** A uint64 carried as a decimal string, in hex (`0x7ffd1234`); non-numbers pass through. */
export function hex(decimal: string): string {
  return /^-?\d+$/.test(decimal) ? `0x${BigInt.asUintN(64, BigInt(decimal)).toString(16)}` : decimal;
}

/**
 * Error codes the kernel uses internally that leak to tracers as return values (from
 * include/linux/errno.h); user space never sees them, so os.constants does not have them.
 */
const KERNEL_ERRNOS: Readonly<Record<number, string>> = {
  512: 'ERESTARTSYS',
  513: 'ERESTARTNOINTR',
  514: 'ERESTARTNOHAND',
  515: 'ENOIOCTLCMD',
  516: 'ERESTART_RESTARTBLOCK',
};

/** glibc's strerror() texts for the errnos a trace commonly shows, plus strace's restart texts. */
const ERRNO_MESSAGES: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  EINTR: 'Interrupted system call',
  EIO: 'Input/output error',
  ENXIO: 'No such device or address',
  E2BIG: 'Argument list too long',
  ENOEXEC: 'Exec format error',
  EBADF: 'Bad file descriptor',
  ECHILD: 'No child processes',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  ENOTTY: 'Inappropriate ioctl for device',
  ETXTBSY: 'Text file busy',
  EFBIG: 'File too large',
  ENOSPC: 'No space left on device',
  ESPIPE: 'Illegal seek',
  EROFS: 'Read-only file system',
  EMLINK: 'Too many links',
  EPIPE: 'Broken pipe',
  EDOM: 'Numerical argument out of domain',
  ERANGE: 'Numerical result out of range',
  EDEADLK: 'Resource deadlock avoided',
  ENAMETOOLONG: 'File name too long',
  ENOLCK: 'No locks available',
  ENOSYS: 'Function not implemented',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
  ENODATA: 'No data available',
  ETIME: 'Timer expired',
  EOVERFLOW: 'Value too large for defined data type',
  EILSEQ: 'Invalid or incomplete multibyte or wide character',
  ENOTSOCK: 'Socket operation on non-socket',
  EDESTADDRREQ: 'Destination address required',
  EMSGSIZE: 'Message too long',
  EPROTOTYPE: 'Protocol wrong type for socket',
  ENOPROTOOPT: 'Protocol not available',
  EPROTONOSUPPORT: 'Protocol not supported',
  EOPNOTSUPP: 'Operation not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENETDOWN: 'Network is down',
  ENETUNREACH: 'Network is unreachable',
  ECONNABORTED: 'Software caused connection abort',
  ECONNRESET: 'Connection reset by peer',
  ENOBUFS: 'No buffer space available',
  EISCONN: 'Transport endpoint is already connected',
  ENOTCONN: 'Transport endpoint is not connected',
  ETIMEDOUT: 'Connection timed out',
  ECONNREFUSED: 'Connection refused',
  EHOSTUNREACH: 'No route to host',
  EALREADY: 'Operation already in progress',
  EINPROGRESS: 'Operation now in progress',
  ESTALE: 'Stale file handle',
  EDQUOT: 'Disk quota exceeded',
  ECANCELED: 'Operation canceled',
  ERESTARTSYS: 'To be restarted if SA_RESTART is set',
  ERESTARTNOINTR: 'To be restarted',
  ERESTARTNOHAND: 'To be restarted if no handler',
  ERESTART_RESTARTBLOCK: 'Interrupted by signal',
};

/**
 * Number → name. Several names share a number (EAGAIN/EWOULDBLOCK, EOPNOTSUPP/ENOTSUP); the one
 * with a message above wins, which is the one strace and glibc print.
 */
const ERRNO_NAMES: ReadonlyMap<number, string> = (() => {
  const byNumber = new Map<number, string>(Object.entries(KERNEL_ERRNOS).map(([n, name]) => [Number(n), name]));
  const entries = Object.entries(constants.errno);
  for (const [name, n] of entries) if (name in ERRNO_MESSAGES) byNumber.set(n, name);
  for (const [name, n] of entries) if (!byNumber.has(n)) byNumber.set(n, name);
  return byNumber;
})();

/** `2` → `ENOENT`; an unknown number → `E<n>`. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES.get(errno) ?? `E${errno}`;
}

/** `ENOENT` → `No such file or directory`; undefined for names outside the table. */
export function errnoMessage(name: string): string | undefined {
  return ERRNO_MESSAGES[name];
}

/** The kernel's "restart the call" codes, which strace shows as `= ? ERESTARTSYS (...)`. */
export function isRestartErrno(name: string): boolean {
  return name.startsWith('ERESTART');
}

/** Number → name; the first name Node lists wins (SIGABRT over SIGIOT, SIGIO over SIGPOLL). */
const SIGNAL_NAMES: ReadonlyMap<number, string> = (() => {
  const byNumber = new Map<number, string>();
  for (const [name, n] of Object.entries(constants.signals)) if (!byNumber.has(n)) byNumber.set(n, name);
  return byNumber;
})();

/** First and last real-time signal in the kernel's numbering, which strace uses for SIGRT_n. */
const KERNEL_SIGRTMIN = 32;
const KERNEL_SIGRTMAX = 64;

/** `9` → `SIGKILL`; real-time signals as strace prints them; anything else `SIG<n>`. */
export function signalName(signal: number): string {
  const name = SIGNAL_NAMES.get(signal);
  if (name !== undefined) return name;
  if (signal === KERNEL_SIGRTMIN) return 'SIGRTMIN';
  if (signal > KERNEL_SIGRTMIN && signal <= KERNEL_SIGRTMAX) return `SIGRT_${signal - KERNEL_SIGRTMIN}`;
  return `SIG${signal}`;
}

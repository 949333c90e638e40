/**
 * File syscalls other than open: access modes, AT_* flags, struct stat (strace's abbreviated
 * `{st_mode=S_IFREG|0644, st_size=37479, ...}`), readlink's and getcwd's paths, lseek's whence,
 * fcntl commands and their argument, ioctl request names, dup3/pipe2 flags, pipe fd pairs,
 * statx flags and masks, and octal modes of mkdir/chmod/umask.
 */
import type { ArchTables } from '../arch';
import type { RawBlob } from '../types';
import { formatMode, formatOpenFlags } from './open';
import { quoteBytes, quoteShown } from './quote';
import { argIndexOf, type ArgDecoder, type DecoderContext, type DecoderRegistry } from './registry';
import { cached, constant, fixedXlat, formatFlags, formatValue, hexValue, pointer, u32, xlat, type Xlat } from './xlat';

/** access(2) modes: POSIX values, the same everywhere (strace's access_modes). */
const ACCESS_MODES = fixedXlat([
  ['F_OK', 0],
  ['R_OK', 4],
  ['W_OK', 2],
  ['X_OK', 1],
]);

/** strace's at_flags order. */
const AT_FLAG_NAMES = ['AT_SYMLINK_NOFOLLOW', 'AT_REMOVEDIR', 'AT_SYMLINK_FOLLOW', 'AT_NO_AUTOMOUNT', 'AT_EMPTY_PATH', 'AT_RECURSIVE'];
/** strace's faccessat_flags. */
const FACCESSAT_FLAG_NAMES = ['AT_SYMLINK_NOFOLLOW', 'AT_EACCESS', 'AT_EMPTY_PATH'];
/** strace's at_statx_sync_types. */
const STATX_SYNC_NAMES = ['AT_STATX_SYNC_AS_STAT', 'AT_STATX_FORCE_SYNC', 'AT_STATX_DONT_SYNC', 'AT_STATX_SYNC_TYPE'];
/** strace's statx_masks. */
const STATX_MASK_NAMES = [
  'STATX_ALL', 'STATX_BASIC_STATS', 'STATX_TYPE', 'STATX_MODE', 'STATX_NLINK', 'STATX_UID', 'STATX_GID', 'STATX_ATIME',
  'STATX_MTIME', 'STATX_CTIME', 'STATX_INO', 'STATX_SIZE', 'STATX_BLOCKS', 'STATX_BTIME', 'STATX_MNT_ID', 'STATX_DIOALIGN',
];
/** strace's whence_codes. */
const WHENCE_NAMES = ['SEEK_SET', 'SEEK_CUR', 'SEEK_END', 'SEEK_DATA', 'SEEK_HOLE'];
/** strace's fcntlcmds. */
const FCNTL_NAMES = [
  'F_DUPFD', 'F_GETFD', 'F_SETFD', 'F_GETFL', 'F_SETFL', 'F_GETLK', 'F_SETLK', 'F_SETLKW', 'F_SETOWN', 'F_GETOWN', 'F_SETSIG',
  'F_GETSIG', 'F_GETLK64', 'F_SETLK64', 'F_SETLKW64', 'F_SETOWN_EX', 'F_GETOWN_EX', 'F_GETOWNER_UIDS', 'F_OFD_GETLK',
  'F_OFD_SETLK', 'F_OFD_SETLKW', 'F_SETLEASE', 'F_GETLEASE', 'F_NOTIFY', 'F_CANCELLK', 'F_DUPFD_CLOEXEC', 'F_SETPIPE_SZ',
  'F_GETPIPE_SZ', 'F_ADD_SEALS', 'F_GET_SEALS',
];
/** strace's f_seals. */
const SEAL_NAMES = ['F_SEAL_SEAL', 'F_SEAL_SHRINK', 'F_SEAL_GROW', 'F_SEAL_WRITE', 'F_SEAL_FUTURE_WRITE'];
/** strace's modetypes (file type bits of st_mode). */
const MODE_TYPE_NAMES = ['S_IFREG', 'S_IFSOCK', 'S_IFIFO', 'S_IFLNK', 'S_IFDIR', 'S_IFBLK', 'S_IFCHR'];
/** The terminal ioctls strace names by their request number (asm-generic/ioctls.h). */
const IOCTL_NAMES = [
  'TCGETS', 'TCSETS', 'TCSETSW', 'TCSETSF', 'TCGETA', 'TCSETA', 'TCSETAW', 'TCSETAF', 'TCSBRK', 'TCXONC', 'TCFLSH', 'TIOCEXCL',
  'TIOCNXCL', 'TIOCSCTTY', 'TIOCGPGRP', 'TIOCSPGRP', 'TIOCOUTQ', 'TIOCSTI', 'TIOCGWINSZ', 'TIOCSWINSZ', 'TIOCMGET', 'TIOCMBIS',
  'TIOCMBIC', 'TIOCMSET', 'TIOCGSOFTCAR', 'TIOCSSOFTCAR', 'FIONREAD', 'TIOCLINUX', 'TIOCCONS', 'TIOCGSERIAL', 'TIOCSSERIAL',
  'TIOCPKT', 'FIONBIO', 'TIOCNOTTY', 'TIOCSETD', 'TIOCGETD', 'TCSBRKP', 'TIOCSBRK', 'TIOCCBRK', 'TIOCGSID', 'TIOCGPTN',
  'TIOCSPTLCK', 'TIOCGDEV', 'TIOCSIG', 'TIOCVHANGUP', 'TIOCGPKT', 'TIOCGPTLCK', 'TIOCGEXCL', 'TIOCGPTPEER', 'FIONCLEX',
  'FIOCLEX', 'FIOASYNC', 'TIOCSERCONFIG', 'TIOCSERGWILD', 'TIOCSERSWILD', 'TIOCGLCKTRMIOS', 'TIOCSLCKTRMIOS',
  'TIOCSERGSTRUCT', 'TIOCSERGETLSR', 'TIOCSERGETMULTI', 'TIOCSERSETMULTI', 'TIOCMIWAIT', 'TIOCGICOUNT', 'FIOQSIZE',
];

/** strace's statx_attrs (include/uapi/linux/stat.h values, the same on every architecture). */
const STATX_ATTRS = fixedXlat([
  ['STATX_ATTR_COMPRESSED', 0x4], ['STATX_ATTR_IMMUTABLE', 0x10], ['STATX_ATTR_APPEND', 0x20], ['STATX_ATTR_NODUMP', 0x40],
  ['STATX_ATTR_ENCRYPTED', 0x800], ['STATX_ATTR_AUTOMOUNT', 0x1000], ['STATX_ATTR_MOUNT_ROOT', 0x2000],
  ['STATX_ATTR_VERITY', 0x100000], ['STATX_ATTR_DAX', 0x200000],
]);
/** strace's advise (posix_fadvise advice; x86_64 values of linux/fadvise.h, which s390 changes). */
const FADVISE = fixedXlat([
  ['POSIX_FADV_NORMAL', 0], ['POSIX_FADV_RANDOM', 1], ['POSIX_FADV_SEQUENTIAL', 2], ['POSIX_FADV_WILLNEED', 3],
  ['POSIX_FADV_DONTNEED', 4], ['POSIX_FADV_NOREUSE', 5],
]);

/** The open flags strace prints for dup3/pipe2 (open_mode_flags: no access mode, "0" when none). */
function openModeFlagsXlat(tables: ArchTables): Xlat {
  const f = tables.openFlags;
  const names = ['O_CREAT', 'O_EXCL', 'O_NOCTTY', 'O_TRUNC', 'O_APPEND', 'O_NONBLOCK', 'O_SYNC', '__O_SYNC', 'O_DSYNC', 'O_DIRECT',
    'O_LARGEFILE', 'O_NOFOLLOW', 'O_NOATIME', 'O_CLOEXEC', 'O_PATH', 'O_TMPFILE', '__O_TMPFILE', 'O_DIRECTORY', 'FASYNC'] as const;
  return names.map((n) => [n, BigInt(f[n])] as const);
}

/** A flags argument (the kernel's int: low 32 bits) rendered with `table`. */
export function flagsArg(argIndex: number, table: Xlat, unknown: string): ArgDecoder {
  const render = cached((v) => formatFlags(v, table, unknown));
  return (args) => render(u32(args[argIndex]));
}

/** A value argument (low 32 bits) rendered with `table`. */
export function valueArg(argIndex: number, table: Xlat, unknown: string): ArgDecoder {
  const render = cached((v) => formatValue(v, table, unknown));
  return (args) => render(u32(args[argIndex]));
}

/** A bytes blob when the kernel side delivered a readable one for `argIndex`. */
export function bytesOf(blobs: ReadonlyMap<number, RawBlob>, argIndex: number): (RawBlob & { kind: 'bytes' }) | undefined {
  const b = blobs.get(argIndex);
  return b?.kind === 'bytes' && !b.unreadable ? b : undefined;
}

/** A DataView over a blob's bytes. */
export function viewOf(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

/** strace's print_symbolic_mode_t: `S_IFREG|0644`, set-id bits named, or plain octal. */
export function symbolicModeFormatter(tables: ArchTables): (mode: number) => string {
  const types = xlat(tables, 'S_IF', MODE_TYPE_NAMES);
  const ifmt = constant(tables, 'S_IF', 'S_IFMT');
  return (mode) => {
    const type = mode & ifmt;
    const name = type === 0 ? '' : types.find(([, v]) => Number(v) === type)?.[0];
    if (name === undefined) return formatMode(mode);
    const bits = mode & ~ifmt;
    const special = `${bits & 0o4000 ? 'S_ISUID|' : ''}${bits & 0o2000 ? 'S_ISGID|' : ''}${bits & 0o1000 ? 'S_ISVTX|' : ''}`;
    return `${name}${name ? '|' : ''}${special}${formatMode(bits & 0o777)}`;
  };
}

/** Offsets in x86_64's struct stat (arch/x86/include/uapi/asm/stat.h). */
const STAT = { mode: 24, rdev: 40, size: 48, SIZE: 144 } as const;

/** glibc's major()/minor() of a dev_t. */
function makedev(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `makedev(${hexValue(major)}, ${hexValue(minor)})`;
}

/** A struct stat output, abbreviated like strace: mode, then rdev (devices) or size. */
export function statDecoder(argIndex: number, tables: ArchTables): ArgDecoder {
  if (tables.arch !== 'x86_64') return () => '';
  const ifmt = constant(tables, 'S_IF', 'S_IFMT');
  const chr = constant(tables, 'S_IF', 'S_IFCHR');
  const blk = constant(tables, 'S_IF', 'S_IFBLK');
  const format = symbolicModeFormatter(tables);
  const symbolicMode = cached((m) => format(Number(m)));
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < STAT.SIZE) return '';
    const v = viewOf(b.data);
    const mode = v.getUint32(STAT.mode, true);
    const type = mode & ifmt;
    const second = type === chr || type === blk ? `st_rdev=${makedev(v.getBigUint64(STAT.rdev, true))}` : `st_size=${v.getBigUint64(STAT.size, true)}`;
    return `{st_mode=${symbolicMode(BigInt(mode))}, ${second}, ...}`;
  };
}

/**
 * statx's output, abbreviated like strace: `{stx_mask=STATX_BASIC_STATS|STATX_MNT_ID,
 * stx_attributes=0, stx_mode=S_IFDIR|0700, stx_size=4096, ...}` (mode and size as the mask says).
 */
export function statxDecoder(argIndex: number, tables: ArchTables): ArgDecoder {
  const masks = xlat(tables, 'STATX', STATX_MASK_NAMES);
  const format = symbolicModeFormatter(tables);
  const typeOrMode = BigInt(constant(tables, 'STATX', 'STATX_TYPE') | constant(tables, 'STATX', 'STATX_MODE'));
  const size = BigInt(constant(tables, 'STATX', 'STATX_SIZE'));
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < 48 || call.ret < 0n) return '';
    const v = viewOf(b.data);
    const mask = BigInt(v.getUint32(0, true));
    let out = `{stx_mask=${formatFlags(mask, masks, 'STATX_???')}, stx_attributes=${formatFlags(v.getBigUint64(8, true), STATX_ATTRS, 'STATX_ATTR_???')}`;
    if (mask & typeOrMode) out += `, stx_mode=${format(v.getUint16(28, true))}`;
    if (mask & size) out += `, stx_size=${v.getBigUint64(40, true)}`;
    return `${out}, ...}`;
  };
}

/**
 * What the call wrote: getcwd's path (NUL-terminated, whole), readlink's target (as many bytes
 * as it returned, cut at the trace's string length as strace's printstrn cuts it).
 */
export function pathOutputDecoder(argIndex: number, nulTerminated: boolean): ArgDecoder {
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || call.ret < 0n) return '';
    if (nulTerminated) return quoteBytes(b.data, { truncated: b.truncated, stopAtNul: true });
    return quoteShown(b, call.options.stringMax);
  };
}

/** pipe/pipe2/socketpair's int[2] output: `[3, 4]`. */
export function fdPairDecoder(argIndex: number): ArgDecoder {
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < 8 || call.ret < 0n) return '';
    const v = viewOf(b.data);
    return `[${v.getInt32(0, true)}, ${v.getInt32(4, true)}]`;
  };
}

/** statx's flags: the sync type, then the AT_* flags. */
function statxFlagsDecoder(argIndex: number, tables: ArchTables): ArgDecoder {
  const sync = xlat(tables, 'AT', STATX_SYNC_NAMES);
  const at = xlat(tables, 'AT', AT_FLAG_NAMES);
  const syncMask = BigInt(constant(tables, 'AT', 'AT_STATX_SYNC_TYPE'));
  const render = cached((v) => {
    let out = formatFlags(v & syncMask, sync, 'AT_STATX_???');
    const rest = v & ~syncMask;
    if (rest !== 0n) out += `|${formatFlags(rest, at, 'AT_???')}`;
    return out;
  });
  return (args) => render(u32(args[argIndex]));
}

/** fcntl's third argument, as the command uses it; ignored by commands that take none. */
function fcntlArgDecoder(cmdIndex: number, argIndex: number, tables: ArchTables): ArgDecoder {
  const c = (name: string) => BigInt(constant(tables, 'F', name));
  const [SETFD, SETFL, DUPFD, DUPFD_CLOEXEC, SETPIPE_SZ, ADD_SEALS, SETOWN] = ['F_SETFD', 'F_SETFL', 'F_DUPFD', 'F_DUPFD_CLOEXEC', 'F_SETPIPE_SZ', 'F_ADD_SEALS', 'F_SETOWN'].map(c);
  const noArg = new Set(['F_GETFD', 'F_GETFL', 'F_GETOWN', 'F_GETSIG', 'F_GETPIPE_SZ', 'F_GET_SEALS', 'F_GETLEASE'].map(c));
  const fdFlags = xlat(tables, 'F', ['FD_CLOEXEC']);
  const seals = xlat(tables, 'F', SEAL_NAMES);
  return (args) => {
    const cmd = u32(args[cmdIndex]);
    const arg = args[argIndex] ?? 0n;
    if (noArg.has(cmd)) return null;
    if (cmd === SETFD) return formatFlags(u32(arg), fdFlags, 'FD_???');
    if (cmd === SETFL) return formatOpenFlags(Number(u32(arg)), tables.openFlags);
    if (cmd === DUPFD || cmd === DUPFD_CLOEXEC || cmd === SETPIPE_SZ || cmd === SETOWN) return BigInt.asIntN(32, arg).toString();
    if (cmd === ADD_SEALS) return formatFlags(u32(arg), seals, 'F_SEAL_???');
    return pointer(arg);
  };
}

/** Registers the file syscall decoders. */
export function registerFileDecoders(registry: DecoderRegistry): void {
  for (const syscall of ['access', 'faccessat', 'faccessat2']) {
    registry.register(syscall, 'mode', (ctx) => flagsArg(ctx.argIndex, ACCESS_MODES, 'F_???'));
  }
  registry.register('faccessat2', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'AT', FACCESSAT_FLAG_NAMES), 'AT_???'));
  const atFlags = (ctx: DecoderContext) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'AT', AT_FLAG_NAMES), 'AT_???');
  for (const [syscall, arg] of [
    ['newfstatat', 'flag'], ['unlinkat', 'flag'], ['fchownat', 'flag'], ['linkat', 'flags'], ['utimensat', 'flags'],
    ['execveat', 'flags'], ['name_to_handle_at', 'flag'], ['fchmodat2', 'flags'], ['open_tree', 'flags'],
  ] as const) {
    registry.register(syscall, arg, atFlags);
  }
  registry.register('statx', 'flags', (ctx) => statxFlagsDecoder(ctx.argIndex, ctx.tables));
  registry.register('statx', 'mask', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'STATX', STATX_MASK_NAMES), 'STATX_???'));
  registry.register('statx', 'buffer', (ctx) => statxDecoder(ctx.argIndex, ctx.tables));
  registry.register('fadvise64', 'advice', (ctx) => valueArg(ctx.argIndex, FADVISE, 'POSIX_FADV_???'));
  // By __NR name: stat, lstat and fstat are newstat, newlstat and newfstat in tracefs.
  for (const syscall of ['stat', 'lstat', 'fstat', 'newfstatat']) {
    registry.register(syscall, 'statbuf', (ctx) => statDecoder(ctx.argIndex, ctx.tables));
  }
  registry.register('readlink', 'buf', (ctx) => pathOutputDecoder(ctx.argIndex, false));
  registry.register('readlinkat', 'buf', (ctx) => pathOutputDecoder(ctx.argIndex, false));
  registry.register('getcwd', 'buf', (ctx) => pathOutputDecoder(ctx.argIndex, true));
  registry.register('lseek', 'whence', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'SEEK', WHENCE_NAMES), 'SEEK_???'));
  registry.register('fcntl', 'cmd', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'F', FCNTL_NAMES), 'F_???'));
  registry.register('fcntl', 'arg', (ctx) => fcntlArgDecoder(argIndexOf(ctx, 'cmd'), ctx.argIndex, ctx.tables));
  registry.register('ioctl', 'cmd', (ctx) => {
    const names = xlat(ctx.tables, 'IOCTL', IOCTL_NAMES);
    const render = cached((v) => names.find(([, n]) => n === v)?.[0] ?? hexValue(v));
    return (args) => render(u32(args[ctx.argIndex]));
  });
  registry.register('ioctl', 'arg', (ctx) => (args) => pointer(args[ctx.argIndex]));
  const modeFlags = (ctx: DecoderContext) => flagsArg(ctx.argIndex, openModeFlagsXlat(ctx.tables), 'O_???');
  registry.register('dup3', 'flags', modeFlags);
  registry.register('pipe2', 'flags', modeFlags);
  registry.register('pipe', 'fildes', (ctx) => fdPairDecoder(ctx.argIndex));
  registry.register('pipe2', 'fildes', (ctx) => fdPairDecoder(ctx.argIndex));
  const octalMode = (ctx: DecoderContext): ArgDecoder => (args) => formatMode(Number(BigInt.asUintN(16, args[ctx.argIndex] ?? 0n)));
  for (const syscall of ['mkdir', 'mkdirat', 'chmod', 'fchmod', 'fchmodat', 'fchmodat2', 'umask']) {
    registry.register(syscall, 'mode', octalMode);
  }
  registry.register('umask', 'mask', octalMode);
}

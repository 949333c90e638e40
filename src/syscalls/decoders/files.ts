/**
 * File syscalls other than open: access modes, AT_* flags, struct stat (strace's abbreviated
 * `{st_mode=S_IFREG|0644, st_size=37479, ...}`, every field with -v), struct statfs, readlink's
 * and getcwd's paths, lseek's whence, fcntl commands and their argument, dup3/pipe2 flags, pipe
 * fd pairs, statx flags and masks, mknod's mode and device, extended attribute values and
 * lists, renameat2 flags, directory entry counts, and octal modes of mkdir/chmod/umask.
 */
import type { ArchTables } from '../arch';
import type { RawBlob } from '../types';
import { formatMode, formatOpenFlags } from './open';
import { formatTimeComment, structArg } from './time';
import { quoteBytes, quoteShown } from './quote';
import { argIndexOf, bytesOf, derivedKey, entryBytesOf, viewOf, type ArgDecoder, type CallView, type DecoderContext, type DecoderRegistry } from './registry';
import { signalFormatter } from './signal';
import { cached, constant, fixedXlat, flagsArg, formatFlags, formatValue, hexValue, pointer, s32, u32, valueArg, xlat, type Xlat } from './xlat';

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
/** strace's falloc_flags. */
const FALLOC_NAMES = [
  'FALLOC_FL_KEEP_SIZE', 'FALLOC_FL_PUNCH_HOLE', 'FALLOC_FL_NO_HIDE_STALE', 'FALLOC_FL_COLLAPSE_RANGE', 'FALLOC_FL_ZERO_RANGE',
  'FALLOC_FL_INSERT_RANGE', 'FALLOC_FL_UNSHARE_RANGE',
];
/** strace's sync_file_range_flags and swap_flags (linux/fs.h, linux/swap.h), swapon's priority bits. */
const SYNC_FILE_RANGE_FLAGS = fixedXlat([['SYNC_FILE_RANGE_WAIT_BEFORE', 1], ['SYNC_FILE_RANGE_WRITE', 2], ['SYNC_FILE_RANGE_WAIT_AFTER', 4]]);
const SWAP_FLAGS = fixedXlat([['SWAP_FLAG_PREFER', 0x8000], ['SWAP_FLAG_DISCARD', 0x10000], ['SWAP_FLAG_DISCARD_ONCE', 0x20000], ['SWAP_FLAG_DISCARD_PAGES', 0x40000]]);
const SWAP_FLAG_PRIO_MASK = 0x7fffn;
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

/** include/uapi/linux/limits.h: the largest extended attribute value. */
const XATTR_SIZE_MAX = 65536n;

/** Offsets in x86_64's struct stat (arch/x86/include/uapi/asm/stat.h). */
const STAT = { mode: 24, rdev: 40, size: 48, SIZE: 144 } as const;

/** glibc's major()/minor() of a dev_t. */
export function makedev(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `makedev(${hexValue(major)}, ${hexValue(minor)})`;
}

/**
 * A struct stat output as strace prints it: abbreviated, mode then rdev (devices) or size; with
 * -v (`verbose`) every field, the times with their local time in a comment.
 */
export function statDecoder(argIndex: number, tables: ArchTables, verbose = false): ArgDecoder {
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
    if (!verbose) return `{st_mode=${symbolicMode(BigInt(mode))}, ${second}, ...}`;
    // x86_64's struct stat: dev, ino, nlink, mode, uid, gid, pad, rdev, size, blksize, blocks, then the three times.
    const u64 = (at: number) => v.getBigUint64(at, true);
    const time = (name: string, at: number) => {
      const sec = v.getBigInt64(at, true);
      const nsec = u64(at + 8);
      const comment = formatTimeComment(sec, nsec, 9);
      return `${name}=${sec}${comment ? ` /* ${comment} */` : ''}, ${name}_nsec=${nsec}`;
    };
    return (
      `{st_dev=${makedev(u64(0))}, st_ino=${u64(8)}, st_mode=${symbolicMode(BigInt(mode))}, st_nlink=${u64(16)}, st_uid=${v.getUint32(28, true)}, ` +
      `st_gid=${v.getUint32(32, true)}, st_blksize=${u64(56)}, st_blocks=${u64(64)}, ${second}, ${time('st_atime', 72)}, ${time('st_mtime', 88)}, ${time('st_ctime', 104)}}`
    );
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

/** strace's fsmagic names of the filesystems one meets (include/uapi/linux/magic.h values). */
const FS_MAGIC = fixedXlat([
  ['EXT2_SUPER_MAGIC', 0xef53], ['TMPFS_MAGIC', 0x01021994], ['PROC_SUPER_MAGIC', 0x9fa0], ['SYSFS_MAGIC', 0x62656572],
  ['BTRFS_SUPER_MAGIC', 0x9123683e], ['XFS_SUPER_MAGIC', 0x58465342], ['OVERLAYFS_SUPER_MAGIC', 0x794c7630],
  ['DEVPTS_SUPER_MAGIC', 0x1cd1], ['CGROUP2_SUPER_MAGIC', 0x63677270], ['NFS_SUPER_MAGIC', 0x6969], ['SQUASHFS_MAGIC', 0x73717368],
  ['V9FS_MAGIC', 0x01021997], ['FUSE_SUPER_MAGIC', 0x65735546], ['RAMFS_MAGIC', 0x858458f6], ['DEBUGFS_MAGIC', 0x64626720],
  ['TRACEFS_MAGIC', 0x74726163], ['BPF_FS_MAGIC', 0xcafe4a11], ['MSDOS_SUPER_MAGIC', 0x4d44], ['ISOFS_SUPER_MAGIC', 0x9660],
]);
/** strace's statfs_flags (the ST_* of include/linux/statfs.h). */
const ST_FLAGS = fixedXlat([
  ['ST_VALID', 0x20], ['ST_RDONLY', 0x1], ['ST_NOSUID', 0x2], ['ST_NODEV', 0x4], ['ST_NOEXEC', 0x8], ['ST_SYNCHRONOUS', 0x10],
  ['ST_MANDLOCK', 0x40], ['ST_WRITE', 0x80], ['ST_APPEND', 0x100], ['ST_IMMUTABLE', 0x200], ['ST_NOATIME', 0x400],
  ['ST_NODIRATIME', 0x800], ['ST_RELATIME', 0x1000], ['ST_NOSYMFOLLOW', 0x2000],
]);

/** x86_64's struct statfs: every field, as strace prints it. */
function statfsDecoder(argIndex: number): ArgDecoder {
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < 120 || call.ret < 0n) return '';
    const v = viewOf(b.data);
    const u = (at: number) => v.getBigUint64(at, true);
    const fsid = `{val=[${hexValue(BigInt(v.getUint32(56, true)))}, ${hexValue(BigInt(v.getUint32(60, true)))}]}`;
    return (
      `{f_type=${formatValue(u(0), FS_MAGIC, '')}`.replace(/ \/\* \*\/$/, '') +
      `, f_bsize=${u(8)}, f_blocks=${u(16)}, f_bfree=${u(24)}, f_bavail=${u(32)}, f_files=${u(40)}, f_ffree=${u(48)}, f_fsid=${fsid}, ` +
      `f_namelen=${u(64)}, f_frsize=${u(72)}, f_flags=${formatFlags(u(80), ST_FLAGS, 'ST_???')}}`
    );
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

/** strace's notifyflags (F_NOTIFY's DN_*: include/uapi/linux/fcntl.h, not in the generated group). */
const DN_FLAGS = fixedXlat([
  ['DN_ACCESS', 0x1], ['DN_MODIFY', 0x2], ['DN_CREATE', 0x4], ['DN_DELETE', 0x8], ['DN_RENAME', 0x10], ['DN_ATTRIB', 0x20],
  ['DN_MULTISHOT', 0x80000000],
]);
/** strace's lockfcmds and f_owner_types. */
const LOCK_TYPE_NAMES = ['F_RDLCK', 'F_WRLCK', 'F_UNLCK', 'F_EXLCK', 'F_SHLCK'];
const OWNER_TYPE_NAMES = ['F_OWNER_TID', 'F_OWNER_PID', 'F_OWNER_PGRP'];
/** sizeof(struct flock) on x86_64 (= struct flock64), sizeof(struct f_owner_ex). */
const FLOCK_SIZE = 32;
const OWNER_EX_SIZE = 8;

/** fcntl's struct flock: `{l_type=F_RDLCK, l_whence=SEEK_SET, l_start=0, l_len=4096}`, l_pid too for F_GETLK. */
function flockFormatter(tables: ArchTables): (v: DataView, getlk: boolean) => string {
  const types = xlat(tables, 'F', LOCK_TYPE_NAMES);
  const whence = xlat(tables, 'SEEK', WHENCE_NAMES);
  return (v, getlk) =>
    `{l_type=${formatValue(BigInt(v.getUint16(0, true)), types, 'F_???')}, l_whence=${formatValue(BigInt(v.getUint16(2, true)), whence, 'SEEK_???')}, ` +
    `l_start=${v.getBigInt64(8, true)}, l_len=${v.getBigInt64(16, true)}${getlk ? `, l_pid=${v.getInt32(24, true)}` : ''}}`;
}

/** fcntl's third argument, as the command uses it; ignored by commands that take none. */
function fcntlArgDecoder(cmdIndex: number, argIndex: number, tables: ArchTables): ArgDecoder {
  const c = (name: string) => BigInt(constant(tables, 'F', name));
  const [SETFD, SETFL, DUPFD, DUPFD_CLOEXEC, SETPIPE_SZ, ADD_SEALS, SETOWN, SETSIG, NOTIFY, SETLEASE] = [
    'F_SETFD', 'F_SETFL', 'F_DUPFD', 'F_DUPFD_CLOEXEC', 'F_SETPIPE_SZ', 'F_ADD_SEALS', 'F_SETOWN', 'F_SETSIG', 'F_NOTIFY', 'F_SETLEASE',
  ].map(c);
  const signal = signalFormatter(tables);
  const noArg = new Set(['F_GETFD', 'F_GETFL', 'F_GETOWN', 'F_GETSIG', 'F_GETPIPE_SZ', 'F_GET_SEALS', 'F_GETLEASE'].map(c));
  const fdFlags = xlat(tables, 'F', ['FD_CLOEXEC']);
  const seals = xlat(tables, 'F', SEAL_NAMES);
  const lockTypes = xlat(tables, 'F', LOCK_TYPE_NAMES);
  const ownerTypes = xlat(tables, 'F', OWNER_TYPE_NAMES);
  const flock = flockFormatter(tables);
  // [struct size, an output (shown at exit after success), l_pid shown] by command.
  const structs = new Map<bigint, readonly [number, boolean, boolean]>([
    [c('F_SETLK'), [FLOCK_SIZE, false, false]], [c('F_SETLKW'), [FLOCK_SIZE, false, false]], [c('F_OFD_SETLK'), [FLOCK_SIZE, false, false]],
    [c('F_OFD_SETLKW'), [FLOCK_SIZE, false, false]], [c('F_GETLK'), [FLOCK_SIZE, true, true]], [c('F_OFD_GETLK'), [FLOCK_SIZE, true, true]],
    [c('F_SETOWN_EX'), [OWNER_EX_SIZE, false, false]], [c('F_GETOWN_EX'), [OWNER_EX_SIZE, true, false]],
  ]);
  return (args, call) => {
    const cmd = u32(args[cmdIndex]);
    const arg = args[argIndex] ?? 0n;
    if (noArg.has(cmd)) return null;
    if (cmd === SETFD) return formatFlags(u32(arg), fdFlags, 'FD_???');
    if (cmd === SETFL) return formatOpenFlags(Number(u32(arg)), tables.openFlags);
    if (cmd === DUPFD || cmd === DUPFD_CLOEXEC || cmd === SETPIPE_SZ || cmd === SETOWN) return BigInt.asIntN(32, arg).toString();
    if (cmd === ADD_SEALS) return formatFlags(arg, seals, 'F_SEAL_???');
    if (cmd === NOTIFY) return formatFlags(arg, DN_FLAGS, 'DN_???');
    if (cmd === SETLEASE) return formatValue(arg, lockTypes, 'F_???');
    if (cmd === SETSIG) return signal(Number(s32(arg)));
    const shape = structs.get(cmd);
    if (!shape) return pointer(arg);
    const [size, output, getlk] = shape;
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < size || (output && call.ret < 0n)) return pointer(arg);
    const v = viewOf(b.data);
    if (size === FLOCK_SIZE) return flock(v, getlk);
    return `{type=${formatValue(BigInt(v.getUint32(0, true)), ownerTypes, 'F_OWNER_???')}, pid=${v.getInt32(4, true)}}`;
  };
}

/** The entries getdents returned: counted in the delivered bytes, or by the kernel side; undefined when neither has them all. */
function direntCount(call: CallView, argIndex: number): number | undefined {
  const counted = call.blobs.get(derivedKey(argIndex, DIRENTS_PART_COUNT));
  if (counted?.kind === 'count' && !counted.truncated && !counted.unreadable) return counted.count;
  const b = bytesOf(call.blobs, argIndex);
  if (!b || b.truncated || BigInt(b.data.length) !== call.ret) return undefined;
  // d_reclen is at offset 16 in both struct linux_dirent64 and (64-bit) struct linux_dirent.
  const reclenAt = 16;
  let count = 0;
  for (let at = 0; at + reclenAt + 2 <= b.data.length; count++) {
    const reclen = viewOf(b.data).getUint16(at + reclenAt, true);
    if (reclen === 0) break;
    at += reclen;
  }
  return count;
}

/** SCT_DIRENTS_PART_COUNT: the derived part of the kernel's entry count. */
const DIRENTS_PART_COUNT = 0;

/** MAX_HANDLE_SZ (include/linux/exportfs.h): the most of f_handle strace shows. */
const MAX_HANDLE_SZ = 128;

/**
 * name_to_handle_at's struct file_handle: the handle_bytes asked for, ` => ` the size needed when
 * the kernel changed it (EOVERFLOW), and after success the type and the handle in hex.
 */
function fileHandleDecoder(argIndex: number): ArgDecoder {
  return (_args, call) => {
    const entry = entryBytesOf(call.blobs, argIndex);
    const exit = bytesOf(call.blobs, argIndex);
    if (!entry || entry.data.length < 8) return '';
    const asked = viewOf(entry.data).getUint32(0, true);
    let out = `{handle_bytes=${asked}`;
    const eoverflow = -75n;
    if ((call.ret >= 0n || call.ret === eoverflow) && exit && exit.data.length >= 8) {
      const v = viewOf(exit.data);
      const size = v.getUint32(0, true);
      if (size !== asked) out += ` => ${size}`;
      if (call.ret >= 0n) {
        const len = Math.min(size, MAX_HANDLE_SZ);
        const handle = exit.data.length >= 8 + len ? quoteBytes(exit.data.subarray(8, 8 + len), { hex: true, truncated: size > len }) : '???';
        out += `, handle_type=${v.getInt32(4, true)}, f_handle=${handle}`;
      }
    }
    return `${out}}`;
  };
}

/** Registers the file syscall decoders. */
export function registerFileDecoders(registry: DecoderRegistry): void {
  for (const syscall of ['access', 'faccessat', 'faccessat2']) {
    registry.register(syscall, 'mode', (ctx) => flagsArg(ctx.argIndex, ACCESS_MODES, '?_OK'));
  }
  registry.register('faccessat2', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'AT', FACCESSAT_FLAG_NAMES), 'AT_???'));
  const atFlags = (ctx: DecoderContext) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'AT', AT_FLAG_NAMES), 'AT_???');
  for (const [syscall, arg] of [
    ['newfstatat', 'flag'], ['unlinkat', 'flag'], ['fchownat', 'flag'], ['linkat', 'flags'], ['utimensat', 'flags'],
    ['execveat', 'flags'], ['name_to_handle_at', 'flag'], ['fchmodat2', 'flags'],
  ] as const) {
    registry.register(syscall, arg, atFlags);
  }
  // ustat's dev is the kernel's unsigned int, its struct ustat an output.
  registry.register('ustat', 'dev', (ctx) => (args) => makedev(u32(args[ctx.argIndex])));
  registry.register('ustat', 'ubuf', (ctx) =>
    structArg(ctx.argIndex, 16, true, (v) => `{f_tfree=${v.getUint32(0, true)}, f_tinode=${v.getBigUint64(8, true)}}`),
  );
  registry.register('name_to_handle_at', 'handle', (ctx) => fileHandleDecoder(ctx.argIndex));
  registry.register('name_to_handle_at', 'mnt_id', (ctx) => structArg(ctx.argIndex, 4, true, (v) => `[${v.getInt32(0, true)}]`));
  registry.register('sync_file_range', 'flags', (ctx) => flagsArg(ctx.argIndex, SYNC_FILE_RANGE_FLAGS, 'SYNC_FILE_RANGE_???'));
  registry.register('swapon', 'swap_flags', (ctx) => (args) => {
    const v = u32(args[ctx.argIndex]);
    const rest = v & ~SWAP_FLAG_PRIO_MASK;
    return `${rest ? `${formatFlags(rest, SWAP_FLAGS, 'SWAP_FLAG_???')}|` : ''}${v & SWAP_FLAG_PRIO_MASK}`;
  });
  registry.register('fallocate', 'mode', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'FALLOC', FALLOC_NAMES), 'FALLOC_FL_???'));
  registry.register('statx', 'flags', (ctx) => statxFlagsDecoder(ctx.argIndex, ctx.tables));
  registry.register('statx', 'mask', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'STATX', STATX_MASK_NAMES), 'STATX_???'));
  registry.register('statx', 'buffer', (ctx) => statxDecoder(ctx.argIndex, ctx.tables));
  registry.register('fadvise64', 'advice', (ctx) => valueArg(ctx.argIndex, FADVISE, 'POSIX_FADV_???'));
  // By __NR name: stat, lstat and fstat are newstat, newlstat and newfstat in tracefs.
  for (const syscall of ['stat', 'lstat', 'fstat', 'newfstatat']) {
    registry.register(syscall, 'statbuf', (ctx) => statDecoder(ctx.argIndex, ctx.tables, ctx.style.verbose));
  }
  registry.register('readlink', 'buf', (ctx) => pathOutputDecoder(ctx.argIndex, false));
  registry.register('readlinkat', 'buf', (ctx) => pathOutputDecoder(ctx.argIndex, false));
  registry.register('getcwd', 'buf', (ctx) => pathOutputDecoder(ctx.argIndex, true));
  registry.register('lseek', 'whence', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'SEEK', WHENCE_NAMES), 'SEEK_???'));
  registry.register('fcntl', 'cmd', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'F', FCNTL_NAMES), 'F_???'));
  registry.register('fcntl', 'arg', (ctx) => fcntlArgDecoder(argIndexOf(ctx, 'cmd'), ctx.argIndex, ctx.tables));
  const modeFlags = (ctx: DecoderContext) => flagsArg(ctx.argIndex, openModeFlagsXlat(ctx.tables), 'O_???');
  registry.register('dup3', 'flags', modeFlags);
  registry.register('pipe2', 'flags', modeFlags);
  registry.register('pipe', 'fildes', (ctx) => fdPairDecoder(ctx.argIndex));
  registry.register('pipe2', 'fildes', (ctx) => fdPairDecoder(ctx.argIndex));
  // mknod: the file type and mode, and the device only for character and block devices.
  for (const syscall of ['mknod', 'mknodat']) {
    registry.register(syscall, 'mode', (ctx) => {
      const format = symbolicModeFormatter(ctx.tables);
      return (args) => format(Number(BigInt.asUintN(16, args[ctx.argIndex] ?? 0n)));
    });
    registry.register(syscall, 'dev', (ctx) => {
      const mode = argIndexOf(ctx, 'mode');
      const ifmt = BigInt(constant(ctx.tables, 'S_IF', 'S_IFMT'));
      const devices = new Set([constant(ctx.tables, 'S_IF', 'S_IFCHR'), constant(ctx.tables, 'S_IF', 'S_IFBLK')].map(BigInt));
      return (args) => (devices.has((args[mode] ?? 0n) & ifmt) ? makedev(BigInt.asUintN(32, args[ctx.argIndex] ?? 0n)) : null);
    });
  }
  for (const syscall of ['renameat2']) registry.register(syscall, 'flags', (ctx) => flagsArg(ctx.argIndex, fixedXlat([['RENAME_NOREPLACE', 1], ['RENAME_EXCHANGE', 2], ['RENAME_WHITEOUT', 4]]), 'RENAME_???'));
  for (const syscall of ['statfs', 'fstatfs']) registry.register(syscall, 'buf', (ctx) => statfsDecoder(ctx.argIndex));
  // Directory entries, counted as strace's abbreviated form shows them: over the delivered bytes
  // when all were delivered, else the kernel side's count over the whole buffer (SCT_READ_DIRENTS).
  for (const syscall of ['getdents64', 'getdents']) {
    registry.register(syscall, 'dirent', (ctx) => (args, call) => {
      if (call.ret < 0n) return '';
      const count = direntCount(call, ctx.argIndex);
      return count === undefined ? '' : `${pointer(args[ctx.argIndex])} /* ${count} entr${count === 1 ? 'y' : 'ies'} */`;
    });
  }
  // Extended attribute values as strace's print_xattr_val: the address beyond XATTR_SIZE_MAX,
  // else the bytes without a trailing NUL (QUOTE_OMIT_TRAILING_0); lists as strace's
  // print_xattr_list: the address for a zero size or a failure.
  const xattrValue = (b: ReturnType<typeof bytesOf>, size: bigint, reg: bigint | undefined, max: number) => {
    if (size > XATTR_SIZE_MAX) return pointer(reg);
    if (!b) return '';
    const whole = !b.truncated && b.data.length <= max;
    const data = whole && b.data.length > 0 && b.data[b.data.length - 1] === 0 ? b.data.subarray(0, -1) : b.data;
    return quoteShown({ data, truncated: b.truncated }, max);
  };
  for (const syscall of ['setxattr', 'lsetxattr', 'fsetxattr']) {
    registry.register(syscall, 'value', (ctx) => {
      const size = argIndexOf(ctx, 'size');
      return (args, call) => xattrValue(bytesOf(call.blobs, ctx.argIndex), args[size] ?? 0n, args[ctx.argIndex], call.options.stringMax);
    });
    registry.register(syscall, 'flags', (ctx) => flagsArg(ctx.argIndex, fixedXlat([['XATTR_CREATE', 1], ['XATTR_REPLACE', 2]]), 'XATTR_???'));
  }
  for (const syscall of ['getxattr', 'lgetxattr', 'fgetxattr']) {
    registry.register(syscall, 'value', (ctx) => (args, call) =>
      call.ret >= 0n ? xattrValue(bytesOf(call.blobs, ctx.argIndex), call.ret, args[ctx.argIndex], call.options.stringMax) : '',
    );
  }
  for (const syscall of ['listxattr', 'llistxattr', 'flistxattr']) {
    registry.register(syscall, 'list', (ctx) => {
      const size = argIndexOf(ctx, 'size');
      return (args, call) => {
        const b = bytesOf(call.blobs, ctx.argIndex);
        if ((args[size] ?? 0n) === 0n || call.ret < 0n) return pointer(args[ctx.argIndex]);
        return b ? quoteShown(b, call.options.stringMax) : '';
      };
    });
  }
  const octalMode = (ctx: DecoderContext): ArgDecoder => (args) => formatMode(Number(BigInt.asUintN(16, args[ctx.argIndex] ?? 0n)));
  for (const syscall of ['mkdir', 'mkdirat', 'chmod', 'fchmod', 'fchmodat', 'fchmodat2', 'umask']) {
    registry.register(syscall, 'mode', octalMode);
  }
  registry.register('umask', 'mask', octalMode);
}

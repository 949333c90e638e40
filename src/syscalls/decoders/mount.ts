/**
 * Mounting, old and new API, as strace prints it: mount's MS_* flags (the old magic named apart,
 * the type and data shown as addresses where the flags make the kernel ignore them), umount2's
 * flags, fsopen/fsmount/fspick/move_mount/open_tree flags, fsconfig's command and the arguments
 * each command uses, and mount_setattr's flags and struct mount_attr.
 */
import type { ArchTables } from '../arch';
import { extensibleTail } from './extensible';
import { textBytes } from '../text';
import { shownString } from './fields';
import { dirfdDecoder } from './fd';
import { quoteBytes, quoteShown } from './quote';
import { argIndexOf, bytesOf, viewOf, type ArgDecoder, type CallView, type DecoderRegistry } from './registry';
import { cached, constant, currentBindingStyle, fixedXlat, flagsArg, formatFlags, formatValue, pointer, s32, styled, u32, valueArg, xlat, type Xlat } from './xlat';

/** strace's mount_flags. */
const MS_NAMES = [
  'MS_RDONLY', 'MS_NOSUID', 'MS_NODEV', 'MS_NOEXEC', 'MS_SYNCHRONOUS', 'MS_REMOUNT', 'MS_MANDLOCK', 'MS_DIRSYNC', 'MS_NOSYMFOLLOW',
  'MS_NOATIME', 'MS_NODIRATIME', 'MS_BIND', 'MS_MOVE', 'MS_REC', 'MS_SILENT', 'MS_POSIXACL', 'MS_UNBINDABLE', 'MS_PRIVATE',
  'MS_SLAVE', 'MS_SHARED', 'MS_RELATIME', 'MS_KERNMOUNT', 'MS_I_VERSION', 'MS_STRICTATIME', 'MS_LAZYTIME', 'MS_SUBMOUNT',
  'MS_NOREMOTELOCK', 'MS_NOSEC', 'MS_BORN', 'MS_ACTIVE', 'MS_NOUSER',
];
/** strace's mount_attr_propagation. */
const PROPAGATION_NAMES = ['MS_UNBINDABLE', 'MS_PRIVATE', 'MS_SLAVE', 'MS_SHARED'];
/** strace's mount_attr_attr; fsmount's attr flags are its first seven. */
const MOUNT_ATTR_NAMES = [
  'MOUNT_ATTR_RDONLY', 'MOUNT_ATTR_NOSUID', 'MOUNT_ATTR_NODEV', 'MOUNT_ATTR_NOEXEC', 'MOUNT_ATTR_NOATIME', 'MOUNT_ATTR_STRICTATIME',
  'MOUNT_ATTR_NODIRATIME', 'MOUNT_ATTR_IDMAP', 'MOUNT_ATTR_NOSYMFOLLOW',
];
const FSMOUNT_ATTR_NAMES = MOUNT_ATTR_NAMES.slice(0, 7);
/** strace's fsconfig_cmds. */
const FSCONFIG_NAMES = [
  'FSCONFIG_SET_FLAG', 'FSCONFIG_SET_STRING', 'FSCONFIG_SET_BINARY', 'FSCONFIG_SET_PATH', 'FSCONFIG_SET_PATH_EMPTY', 'FSCONFIG_SET_FD',
  'FSCONFIG_CMD_CREATE', 'FSCONFIG_CMD_RECONFIGURE',
];
/** strace's move_mount_flags. */
const MOVE_MOUNT_NAMES = [
  'MOVE_MOUNT_F_SYMLINKS', 'MOVE_MOUNT_F_AUTOMOUNTS', 'MOVE_MOUNT_F_EMPTY_PATH', 'MOVE_MOUNT_T_SYMLINKS', 'MOVE_MOUNT_T_AUTOMOUNTS',
  'MOVE_MOUNT_T_EMPTY_PATH', 'MOVE_MOUNT_SET_GROUP',
];
/** strace's fspick_flags (include/uapi/linux/mount.h; not in the generated group). */
const FSPICK_FLAGS = fixedXlat([['FSPICK_CLOEXEC', 1], ['FSPICK_SYMLINK_NOFOLLOW', 2], ['FSPICK_NO_AUTOMOUNT', 4], ['FSPICK_EMPTY_PATH', 8]]);
/** strace's umount_flags (include/linux/fs.h: no UAPI header defines them). */
const UMOUNT_FLAGS = fixedXlat([['MNT_FORCE', 1], ['MNT_DETACH', 2], ['MNT_EXPIRE', 4], ['UMOUNT_NOFOLLOW', 8]]);
/** strace's mount_setattr_flags and open_tree_flags' AT_* part. */
const SETATTR_AT_NAMES = ['AT_SYMLINK_NOFOLLOW', 'AT_NO_AUTOMOUNT', 'AT_EMPTY_PATH', 'AT_RECURSIVE'];
const OPEN_TREE_NAMES = ['OPEN_TREE_CLONE', 'OPEN_TREE_CLOEXEC', 'AT_SYMLINK_NOFOLLOW', 'AT_REMOVEDIR', 'AT_SYMLINK_FOLLOW', 'AT_NO_AUTOMOUNT', 'AT_EMPTY_PATH', 'AT_RECURSIVE'];

/** An xlat whose names come from two header groups (open_tree's OPEN_TREE_* and AT_*). */
function mergedXlat(tables: ArchTables, names: readonly string[], groups: readonly string[]): Xlat {
  const parts = groups.map((g) => new Map(xlat(tables, g, names)));
  return names.flatMap((n) => {
    const v = parts.find((p) => p.has(n))?.get(n);
    return v === undefined ? [] : [[n, v] as const];
  });
}

/**
 * A string strace prints with printstr_ex(addr, 256, QUOTE_0_TERMINATED) (fsconfig's key and
 * string value): at most -s bytes, and a string of 256 bytes or more (no NUL within the 256 it
 * reads) is cut there with `...`.
 */
function shownString256(call: CallView, argIndex: number): string {
  const LIMIT = 256;
  if (call.options.stringMax < LIMIT) return shownString(call, argIndex, call.options.stringMax);
  const s = call.strings.get(argIndex);
  if (!s || s.unreadable) return '';
  const bytes = textBytes(s.text, s.bytes);
  return bytes.length >= LIMIT ? quoteBytes(bytes.subarray(0, LIMIT), { truncated: true }) : quoteBytes(bytes, { truncated: s.truncated });
}

/** mount(2): the flags, and which of type and data the kernel ignores with them (strace's ignore_type/ignore_data). */
function registerMount(registry: DecoderRegistry): void {
  const MGC_MSK = 0xffff0000n;
  const MGC_VAL = 0xc0ed0000n;
  const ignoring = (tables: ArchTables) => {
    const c = (n: string) => BigInt(constant(tables, 'MOUNT', n));
    const remount = c('MS_REMOUNT');
    const moves = ['MS_BIND', 'MS_MOVE', 'MS_SHARED', 'MS_PRIVATE', 'MS_SLAVE', 'MS_UNBINDABLE'].map(c).reduce((a, b) => a | b);
    return (raw: bigint) => {
      const flags = (raw & MGC_MSK) === MGC_VAL ? raw & ~MGC_MSK : raw;
      return { type: (flags & (remount | moves)) !== 0n, data: (flags & remount) === 0n && (flags & moves) !== 0n };
    };
  };
  registry.register('mount', 'flags', (ctx) => {
    const names = xlat(ctx.tables, 'MOUNT', MS_NAMES);
    const style = currentBindingStyle();
    const render = cached((raw) => {
      const magic = (raw & MGC_MSK) === MGC_VAL;
      const flags = magic ? raw & ~MGC_MSK : raw;
      const text = flags !== 0n || !magic ? formatFlags(flags, names, 'MS_???') : '';
      return styled(raw, magic ? `MS_MGC_VAL${text ? `|${text}` : ''}` : text, style);
    });
    return (args) => render(BigInt.asUintN(64, args[ctx.argIndex] ?? 0n));
  });
  for (const [arg, which] of [['type', 'type'], ['data', 'data']] as const) {
    registry.register('mount', arg, (ctx) => {
      const flags = argIndexOf(ctx, 'flags');
      const ignores = ignoring(ctx.tables);
      return (args) => (ignores(args[flags] ?? 0n)[which] ? pointer(args[ctx.argIndex]) : '');
    });
  }
  registry.register('umount2', 'flags', (ctx) => flagsArg(ctx.argIndex, UMOUNT_FLAGS, 'MNT_???'));
}

/** fsconfig: the command, and what it makes of the key, the value and aux (strace's fsconfig). */
function registerFsconfig(registry: DecoderRegistry): void {
  registry.register('fsconfig', 'cmd', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'MOUNT', FSCONFIG_NAMES), 'FSCONFIG_???'));
  const commands = (tables: ArchTables) => {
    const c = (n: string) => BigInt(constant(tables, 'MOUNT', `FSCONFIG_${n}`));
    return { flag: c('SET_FLAG'), string: c('SET_STRING'), binary: c('SET_BINARY'), path: c('SET_PATH'), pathEmpty: c('SET_PATH_EMPTY'), fd: c('SET_FD') };
  };
  registry.register('fsconfig', '_key', (ctx) => {
    const k = commands(ctx.tables);
    const named = new Set([k.flag, k.string, k.binary, k.path, k.pathEmpty, k.fd]);
    const cmd = argIndexOf(ctx, 'cmd');
    return (args, call) => (named.has(u32(args[cmd])) ? shownString256(call, ctx.argIndex) : pointer(args[ctx.argIndex]));
  });
  registry.register('fsconfig', 'aux', (ctx) => fsconfigAuxDecoder(ctx.argIndex, argIndexOf(ctx, 'cmd'), ctx.tables));
  registry.register('fsconfig', '_value', (ctx) => {
    const k = commands(ctx.tables);
    const cmd = argIndexOf(ctx, 'cmd');
    const aux = argIndexOf(ctx, 'aux');
    return (args, call) => {
      const c = u32(args[cmd]);
      if (c === k.path || c === k.pathEmpty) return shownString(call, ctx.argIndex, Infinity);
      if (c === k.string) return shownString256(call, ctx.argIndex);
      const n = Number(s32(args[aux]));
      if (c === k.binary && n >= 0 && n <= 1 << 20 && (args[ctx.argIndex] ?? 0n) !== 0n) {
        // Read at -s's default and whole (reads.ts): what strace shows must have been readable.
        const b = bytesOf(call.blobs, ctx.argIndex);
        const data = b?.data.subarray(0, Math.min(n, b.data.length));
        if (data && data.length >= Math.min(n, call.options.stringMax)) return quoteShown({ data, truncated: n > data.length }, call.options.stringMax, true);
      }
      return pointer(args[ctx.argIndex]);
    };
  });
}

/** fsconfig's aux: the dirfd of a path, or a number (an fd, a length). */
function fsconfigAuxDecoder(argIndex: number, cmdIndex: number, tables: ArchTables): ArgDecoder {
  const paths = new Set(['FSCONFIG_SET_PATH', 'FSCONFIG_SET_PATH_EMPTY'].map((n) => BigInt(constant(tables, 'MOUNT', n))));
  const dirfd = dirfdDecoder(argIndex);
  return (args, call) => (paths.has(u32(args[cmdIndex])) ? dirfd(args, call) : '');
}

/** mount_setattr's struct mount_attr (include/uapi/linux/mount.h: four u64, MOUNT_ATTR_SIZE_VER0 = 32). */
function mountAttrDecoder(argIndex: number, sizeIndex: number, tables: ArchTables): ArgDecoder {
  const SIZE = 32;
  const attrs = xlat(tables, 'MOUNT', MOUNT_ATTR_NAMES);
  const propagation = xlat(tables, 'MOUNT', PROPAGATION_NAMES);
  return (args, call) => {
    const size = args[sizeIndex] ?? 0n;
    const b = bytesOf(call.blobs, argIndex);
    if (size < BigInt(SIZE) || !b || b.data.length < SIZE) return '';
    const v = viewOf(b.data);
    const set = v.getBigUint64(0, true);
    const clr = v.getBigUint64(8, true);
    const userns = v.getBigUint64(24, true);
    return (
      `{attr_set=${formatFlags(set, attrs, 'MOUNT_ATTR_???')}, attr_clr=${formatFlags(clr, attrs, 'MOUNT_ATTR_???')}, ` +
      `propagation=${formatValue(v.getBigUint64(16, true), propagation, 'MS_???')}, userns_fd=${userns}${extensibleTail(b, SIZE, size, call.options.stringMax)}}`
    );
  };
}

/** Registers the mount decoders. */
export function registerMountDecoders(registry: DecoderRegistry): void {
  registerMount(registry);
  registerFsconfig(registry);
  registry.register('fsopen', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'MOUNT', ['FSOPEN_CLOEXEC']), 'FSOPEN_???'));
  registry.register('fsmount', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'MOUNT', ['FSMOUNT_CLOEXEC']), 'FSMOUNT_???'));
  registry.register('fsmount', 'attr_flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'MOUNT', FSMOUNT_ATTR_NAMES), 'MOUNT_ATTR_???'));
  registry.register('fspick', 'flags', (ctx) => flagsArg(ctx.argIndex, FSPICK_FLAGS, 'FSPICK_???'));
  registry.register('move_mount', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'MOUNT', MOVE_MOUNT_NAMES), 'MOVE_MOUNT_???'));
  registry.register('open_tree', 'flags', (ctx) => flagsArg(ctx.argIndex, mergedXlat(ctx.tables, OPEN_TREE_NAMES, ['MOUNT', 'AT']), 'OPEN_TREE_???'));
  registry.register('mount_setattr', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'AT', SETATTR_AT_NAMES), 'AT_???'));
  registry.register('mount_setattr', 'uattr', (ctx) => {
    const size = argIndexOf(ctx, 'usize');
    return size < 0 ? null : mountAttrDecoder(ctx.argIndex, size, ctx.tables);
  });
}

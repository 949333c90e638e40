/**
 * fanotify: fanotify_init's class, flags and event fd flags, fanotify_mark's flags, its 64-bit
 * event mask and its dirfd (FAN_NOFD for -1), as strace prints them.
 */
import type { ArchTables } from '../arch';
import { dirfdDecoder } from './fd';
import { openFlagsDecoder } from './open';
import type { DecoderRegistry } from './registry';
import { cached, currentBindingStyle, fixedXlat, flagsArg, formatFlags, formatValue, styled, u32, xlat, type Xlat } from './xlat';

const FAN_INIT = ['FAN_CLOEXEC', 'FAN_NONBLOCK', 'FAN_UNLIMITED_QUEUE', 'FAN_UNLIMITED_MARKS', 'FAN_ENABLE_AUDIT', 'FAN_REPORT_PIDFD', 'FAN_REPORT_TID', 'FAN_REPORT_FID', 'FAN_REPORT_DIR_FID', 'FAN_REPORT_NAME', 'FAN_REPORT_TARGET_FID'];
const FAN_CLASSES = ['FAN_CLASS_NOTIF', 'FAN_CLASS_CONTENT', 'FAN_CLASS_PRE_CONTENT'];
const FAN_MARK_FLAGS = [
  'FAN_MARK_ADD', 'FAN_MARK_REMOVE', 'FAN_MARK_DONT_FOLLOW', 'FAN_MARK_ONLYDIR', 'FAN_MARK_MOUNT', 'FAN_MARK_IGNORED_MASK',
  'FAN_MARK_IGNORED_SURV_MODIFY', 'FAN_MARK_FLUSH', 'FAN_MARK_FILESYSTEM', 'FAN_MARK_EVICTABLE', 'FAN_MARK_IGNORE',
];
/** Event bits in strace's order; FAN_DIR_MODIFY (below) sits between the _PERM bits and FAN_ONDIR. */
const FAN_EVENTS_HEAD = [
  'FAN_ACCESS', 'FAN_MODIFY', 'FAN_ATTRIB', 'FAN_CLOSE_WRITE', 'FAN_CLOSE_NOWRITE', 'FAN_OPEN', 'FAN_MOVED_FROM', 'FAN_MOVED_TO',
  'FAN_CREATE', 'FAN_DELETE', 'FAN_DELETE_SELF', 'FAN_MOVE_SELF', 'FAN_OPEN_EXEC', 'FAN_Q_OVERFLOW', 'FAN_FS_ERROR', 'FAN_OPEN_PERM',
  'FAN_ACCESS_PERM', 'FAN_OPEN_EXEC_PERM',
];
const FAN_EVENTS_TAIL = ['FAN_ONDIR', 'FAN_EVENT_ON_CHILD', 'FAN_RENAME'];
/** Linux 5.7 had it; the UAPI header dropped it again, strace still names it. */
const FAN_DIR_MODIFY = 0x80000;
/** FAN_NOFD: fanotify_mark's dirfd when the path alone names the object. */
const FAN_NOFD = -1;

/** fanotify_mark's event mask bits in print order. */
function eventFlags(tables: ArchTables): Xlat {
  return [...xlat(tables, 'FAN', FAN_EVENTS_HEAD), ...fixedXlat([['FAN_DIR_MODIFY', FAN_DIR_MODIFY]]), ...xlat(tables, 'FAN', FAN_EVENTS_TAIL)];
}

/** Registers the decoders of this module. */
export function registerFanotifyDecoders(registry: DecoderRegistry): void {
  registry.register('fanotify_init', 'flags', (ctx) => {
    const classes = xlat(ctx.tables, 'FAN', FAN_CLASSES);
    const flags = xlat(ctx.tables, 'FAN', FAN_INIT);
    const classMask = 0xcn;
    const style = currentBindingStyle();
    const render = cached((v) => {
      const cls = formatValue(v & classMask, classes, 'FAN_CLASS_???');
      const rest = v & ~classMask;
      return styled(v, rest === 0n ? cls : `${cls}|${formatFlags(rest, flags, 'FAN_???')}`, style);
    });
    return (args) => render(u32(args[ctx.argIndex]));
  });
  registry.register('fanotify_init', 'event_f_flags', (ctx) => openFlagsDecoder(ctx.argIndex, ctx.tables.openFlags));
  registry.register('fanotify_mark', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'FAN', FAN_MARK_FLAGS), 'FAN_MARK_???'));
  registry.register('fanotify_mark', 'mask', (ctx) => {
    const table = eventFlags(ctx.tables);
    const style = currentBindingStyle();
    const render = cached((v) => styled(v, formatFlags(v, table, 'FAN_???'), style));
    return (args) => render(BigInt.asUintN(64, args[ctx.argIndex] ?? 0n));
  });
  registry.register('fanotify_mark', 'dfd', (ctx) => {
    const nofd = styled(BigInt(FAN_NOFD), 'FAN_NOFD', currentBindingStyle(), true);
    const dirfd = dirfdDecoder(ctx.argIndex);
    return (args, call) => (Number(BigInt.asIntN(32, args[ctx.argIndex] ?? 0n)) === FAN_NOFD ? nofd : dirfd(args, call));
  });
}

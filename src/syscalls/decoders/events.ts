/**
 * Waiting and notification calls, and the flag words of the fd-creating calls, as strace prints
 * them: poll's pollfd array (`[{fd=3, events=POLLIN}]`, and the revents after the return value),
 * epoll's operations and events (`{events=EPOLLIN|EPOLLET, data={u32=42, u64=42}}`), eventfd,
 * epoll_create1, inotify, memfd and signalfd flags, inotify masks, splice flags, flock
 * operations.
 */
import type { ArchTables } from '../arch';
import { bytesOf, entryBytesOf, viewOf } from './registry';
import { formatTimespec, formatTimeval } from './time';
import { flagsArg, valueArg } from './xlat';
import { argIndexOf, type ArgDecoder, type DecoderRegistry } from './registry';
import { arrayText } from './fields';
import { READ_CAP } from '../reads';
import { cached, constant, fixedXlat, formatFlags, u32, xlat, type Xlat } from './xlat';

/** strace's pollflags. */
export const POLL_NAMES = ['POLLIN', 'POLLPRI', 'POLLOUT', 'POLLERR', 'POLLHUP', 'POLLNVAL', 'POLLRDNORM', 'POLLRDBAND', 'POLLWRNORM', 'POLLWRBAND', 'POLLMSG', 'POLLREMOVE', 'POLLRDHUP'];
/** strace's epollevents (include/uapi/linux/eventpoll.h). */
const EPOLL_EVENTS = fixedXlat([
  ['EPOLLIN', 0x1], ['EPOLLPRI', 0x2], ['EPOLLOUT', 0x4], ['EPOLLERR', 0x8], ['EPOLLHUP', 0x10], ['EPOLLNVAL', 0x20],
  ['EPOLLRDNORM', 0x40], ['EPOLLRDBAND', 0x80], ['EPOLLWRNORM', 0x100], ['EPOLLWRBAND', 0x200], ['EPOLLMSG', 0x400],
  ['EPOLLRDHUP', 0x2000], ['EPOLLEXCLUSIVE', 1 << 28], ['EPOLLWAKEUP', 1 << 29], ['EPOLLONESHOT', 1 << 30], ['EPOLLET', 2 ** 31],
]);
/** strace's epollctls. */
const EPOLL_CTL_NAMES = ['EPOLL_CTL_ADD', 'EPOLL_CTL_DEL', 'EPOLL_CTL_MOD'];
/** strace's inotify_flags. */
const INOTIFY_NAMES = [
  'IN_ACCESS', 'IN_MODIFY', 'IN_ATTRIB', 'IN_CLOSE_WRITE', 'IN_CLOSE_NOWRITE', 'IN_OPEN', 'IN_MOVED_FROM', 'IN_MOVED_TO', 'IN_CREATE',
  'IN_DELETE', 'IN_DELETE_SELF', 'IN_MOVE_SELF', 'IN_UNMOUNT', 'IN_Q_OVERFLOW', 'IN_IGNORED', 'IN_ONLYDIR', 'IN_DONT_FOLLOW',
  'IN_EXCL_UNLINK', 'IN_MASK_CREATE', 'IN_MASK_ADD', 'IN_ISDIR', 'IN_ONESHOT',
];
/** strace's memfd_create_flags. */
const MFD_NAMES = ['MFD_CLOEXEC', 'MFD_ALLOW_SEALING', 'MFD_HUGETLB'];
/** strace's splice_flags (fcntl.h's SPLICE_F_*, the same everywhere). */
const SPLICE_FLAGS = fixedXlat([['SPLICE_F_MOVE', 1], ['SPLICE_F_NONBLOCK', 2], ['SPLICE_F_MORE', 4], ['SPLICE_F_GIFT', 8]]);
/** strace's flockcmds. */
const LOCK_NAMES = ['LOCK_SH', 'LOCK_EX', 'LOCK_NB', 'LOCK_UN', 'LOCK_MAND', 'LOCK_RW', 'LOCK_READ', 'LOCK_WRITE'];

/** Flags that are O_CLOEXEC/O_NONBLOCK under other names (eventfd's EFD_*, signalfd's SFD_*, inotify's IN_*). */
function fdFlags(tables: ArchTables, prefix: string, extra: ReadonlyArray<readonly [string, number]> = []): Xlat {
  const f = tables.openFlags;
  return fixedXlat([...extra, [`${prefix}_CLOEXEC`, f.O_CLOEXEC], [`${prefix}_NONBLOCK`, f.O_NONBLOCK]]);
}

/** An x86_64 struct epoll_event (packed: u32 events, u64 data). */
function formatEpollEvent(v: DataView, at: number): string {
  const events = BigInt(v.getUint32(at, true));
  const data = v.getBigUint64(at + 4, true);
  return `{events=${formatFlags(events, EPOLL_EVENTS, 'EPOLL???')}, data={u32=${data & 0xffffffffn}, u64=${data}}}`;
}

/** poll's array: the fds and events it asked for (read at exit, they are unchanged). */
function pollfdsDecoder(argIndex: number, nfdsIndex: number, flags: Xlat): ArgDecoder {
  return (args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    const n = Number(u32(args[nfdsIndex]));
    // strace abbreviates arrays at -s elements.
    const max = call.options.stringMax;
    // Read with SCT_RD_HEAD: pollfds that run into unmapped memory show up to it.
    if (!b) return '';
    // A negative fd is ignored by the kernel: strace shows no events for it.
    return arrayText(args[argIndex] ?? 0n, BigInt(n), 8, b.data, max, (v, at) => {
      const fd = v.getInt32(at, true);
      return fd < 0 ? `{fd=${fd}}` : `{fd=${fd}, events=${formatFlags(BigInt(v.getUint16(at + 4, true)), flags, 'POLL???')}}`;
    }, READ_CAP);
  };
}

/** poll's note after the return value: the fds with events, `[{fd=3, revents=POLLIN}]`. */
function pollNote(argIndex: number, nfdsIndex: number, flags: Xlat): ArgDecoder {
  return (args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    const n = Number(u32(args[nfdsIndex]));
    if (!b || call.ret <= 0n || b.data.length < 8 * n) return '';
    const v = viewOf(b.data);
    const ready: string[] = [];
    for (let i = 0; i < n; i++) {
      const revents = v.getUint16(8 * i + 6, true);
      if (revents !== 0) ready.push(`{fd=${v.getInt32(8 * i, true)}, revents=${formatFlags(BigInt(revents), flags, 'POLL???')}}`);
    }
    return ready.length ? `[${ready.join(', ')}]` : '';
  };
}

/** The fds set in an fd_set's bytes, below nfds, at most `limit` of them. */
function setFds(data: Uint8Array, nfds: number, limit = Infinity): number[] {
  const fds: number[] = [];
  for (let fd = 0; fd < nfds && fd < data.length * 8 && fds.length < limit; fd++) {
    if (data[fd >> 3] & (1 << (fd & 7))) fds.push(fd);
  }
  return fds;
}

/** select's nfds as the kernel takes it (an int; a negative one is none). */
function selectNfds(args: readonly bigint[], nfdsIndex: number): number {
  const n = Number(BigInt.asIntN(32, args[nfdsIndex] ?? 0n));
  return n < 0 ? 0 : Math.min(n, 1024 * 1024);
}

/** select's fd set as it was at entry: `[3 6]`, NULL, or the address when it was not delivered. */
function fdSetDecoder(argIndex: number, nfdsIndex: number): ArgDecoder {
  return (args, call) => {
    if ((args[argIndex] ?? 0n) === 0n) return '';
    const b = entryBytesOf(call.blobs, argIndex);
    return b ? `[${setFds(b.data, selectNfds(args, nfdsIndex)).join(' ')}]` : '';
  };
}

/**
 * select's ready sets after the return value, as strace counts them: the sets in order, each fd
 * set in them until as many as the call returned are named (`in [6], out [7]`).
 */
function readySetsNote(nfdsIndex: number, firstSet: number): ArgDecoder {
  const names = ['in', 'out', 'except'];
  return (args, call) => {
    let left = Number(call.ret);
    const parts: string[] = [];
    for (let i = 0; i < 3 && left > 0; i++) {
      const b = (args[firstSet + i] ?? 0n) !== 0n ? bytesOf(call.blobs, firstSet + i) : undefined;
      if (!b) continue;
      const fds = setFds(b.data, selectNfds(args, nfdsIndex), left);
      left -= fds.length;
      if (fds.length > 0) parts.push(`${names[i]} [${fds.join(' ')}]`);
    }
    return parts.join(', ');
  };
}

/**
 * A timeout read at entry and at exit (select, pselect6, ppoll): the argument is its entry value,
 * the note after a positive return the time left (`left {tv_sec=0, tv_usec=999}`).
 */
function timeoutArg(argIndex: number, format: (v: DataView) => string): ArgDecoder {
  return (_args, call) => {
    const b = entryBytesOf(call.blobs, argIndex);
    return b && b.data.length >= 16 ? format(viewOf(b.data)) : '';
  };
}

function timeLeftNote(argIndex: number, format: (v: DataView) => string): ArgDecoder {
  return (args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if ((args[argIndex] ?? 0n) === 0n || call.ret <= 0n || !b || b.data.length < 16) return '';
    return `left ${format(viewOf(b.data))}`;
  };
}

/** Registers select's and pselect6's fd sets and timeouts, and ppoll's timeout. */
function registerSelectDecoders(registry: DecoderRegistry): void {
  for (const [syscall, timeout, format] of [['select', 'tvp', formatTimeval], ['pselect6', 'tsp', formatTimespec]] as const) {
    for (const set of ['inp', 'outp', 'exp']) registry.register(syscall, set, (ctx) => fdSetDecoder(ctx.argIndex, argIndexOf(ctx, 'n')));
    registry.registerNote(syscall, 'exp', (ctx) => readySetsNote(argIndexOf(ctx, 'n'), argIndexOf(ctx, 'inp')));
    registry.register(syscall, timeout, (ctx) => timeoutArg(ctx.argIndex, format));
    registry.registerNote(syscall, timeout, (ctx) => timeLeftNote(ctx.argIndex, format));
  }
  registry.register('ppoll', 'tsp', (ctx) => timeoutArg(ctx.argIndex, formatTimespec));
  registry.registerNote('ppoll', 'tsp', (ctx) => timeLeftNote(ctx.argIndex, formatTimespec));
}

/** Registers the event and flag decoders. */
export function registerEventDecoders(registry: DecoderRegistry): void {
  registry.register('eventfd2', 'flags', (ctx) => flagsArg(ctx.argIndex, fdFlags(ctx.tables, 'EFD', [['EFD_SEMAPHORE', 1]]), 'EFD_???'));
  registry.register('epoll_create1', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'EPOLL', ['EPOLL_CLOEXEC']), 'EPOLL_???'));
  registry.register('epoll_ctl', 'op', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'EPOLL', EPOLL_CTL_NAMES), 'EPOLL_CTL_???'));
  registry.register('epoll_ctl', 'event', (ctx) => {
    const op = argIndexOf(ctx, 'op');
    const del = BigInt(constant(ctx.tables, 'EPOLL', 'EPOLL_CTL_DEL'));
    // EPOLL_CTL_DEL ignores the event: strace shows its address.
    return (args, call) => {
      if (u32(args[op]) === del) return '';
      const b = bytesOf(call.blobs, ctx.argIndex);
      return b && b.data.length >= 12 ? formatEpollEvent(viewOf(b.data), 0) : '';
    };
  });
  for (const syscall of ['epoll_wait', 'epoll_pwait']) {
    registry.register(syscall, 'events', (ctx) => (_args, call) => {
      const b = bytesOf(call.blobs, ctx.argIndex);
      if (!b || call.ret < 0n || b.data.length < 12 * Number(call.ret)) return '';
      const v = viewOf(b.data);
      return `[${Array.from({ length: Number(call.ret) }, (_, i) => formatEpollEvent(v, 12 * i)).join(', ')}]`;
    });
  }
  // strace's inotify_init_flags name IN_NONBLOCK first (eventfd's and signalfd's CLOEXEC first).
  registry.register('inotify_init1', 'flags', (ctx) => flagsArg(ctx.argIndex, [...fdFlags(ctx.tables, 'IN')].reverse(), 'IN_???'));
  registry.register('inotify_add_watch', 'mask', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'IN', INOTIFY_NAMES), 'IN_???'));
  // strace's memfd_secret_flags: O_CLOEXEC, unknown bits in bare hex (printflags with no default).
  registry.register('memfd_secret', 'flags', (ctx) => flagsArg(ctx.argIndex, fixedXlat([['O_CLOEXEC', ctx.tables.openFlags.O_CLOEXEC]]), ''));
  registry.register('memfd_create', 'flags', (ctx) => {
    const names = xlat(ctx.tables, 'MFD', MFD_NAMES);
    const hugeShift = 26n;
    const render = cached((v) => {
      const huge = v >> hugeShift;
      const text = formatFlags(v & ((1n << hugeShift) - 1n), names, 'MFD_???');
      return huge === 0n ? text : `${text === '0' ? '' : `${text}|`}${huge}<<MFD_HUGE_SHIFT`;
    });
    return (args) => render(u32(args[ctx.argIndex]));
  });
  registry.register('signalfd4', 'flags', (ctx) => flagsArg(ctx.argIndex, fdFlags(ctx.tables, 'SFD'), 'SFD_???'));
  for (const syscall of ['splice', 'tee', 'vmsplice']) registry.register(syscall, 'flags', (ctx) => flagsArg(ctx.argIndex, SPLICE_FLAGS, 'SPLICE_F_???'));
  registry.register('flock', 'cmd', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'LOCK', LOCK_NAMES), 'LOCK_???'));
  const pollFlags = (tables: ArchTables) => xlat(tables, 'POLL', POLL_NAMES);
  for (const syscall of ['poll', 'ppoll']) {
    registry.register(syscall, 'ufds', (ctx) => pollfdsDecoder(ctx.argIndex, argIndexOf(ctx, 'nfds'), pollFlags(ctx.tables)));
    registry.registerNote(syscall, 'ufds', (ctx) => pollNote(ctx.argIndex, argIndexOf(ctx, 'nfds'), pollFlags(ctx.tables)));
  }
  registerSelectDecoders(registry);
}

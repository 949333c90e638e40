/**
 * ioctl as strace prints it: the request by name (every name the headers give its number,
 * joined with " or ", from the table scripts/gen-ioctls.js generates), the numbered families
 * strace spells out (`EVIOCGNAME(64)`), `_IOC(_IOC_READ, 0x58, 0x1, 0x4)` for an unknown request;
 * then the argument as the request uses it: none (TIOCEXCL), a value (TCFLSH's TCIFLUSH, TCSBRK's
 * 1), an int behind a pointer (`[3]`), struct termios and winsize, modem and inode flags, or the
 * argument in hex for requests strace does not decode. Outputs are shown after success only,
 * inputs always. The kernel side reads the argument at the size its request gives (SCT_READ_IOCTL:
 * the _IOC size, or ioctlArgSizes' table for requests whose number does not say it), at exit (an
 * input is unchanged by then), and the value at entry too when the argument is read and written.
 */
import type { ArchTables } from '../arch';
import { btrfsShapes } from './ioctl/btrfs';
import { evdevNumbered } from './ioctl/evdev';
import { familyShapes } from './ioctl/families';
import { kdShapes } from './ioctl/kd';
import { fsShapes } from './ioctl/fs';
import { gpioShapes } from './ioctl/gpio';
import { mtdShapes } from './ioctl/mtd';
import { nsfsShapes } from './ioctl/nsfs';
import { loopShapes } from './ioctl/loop';
import { ubiShapes } from './ioctl/ubi';
import { hdioShapes } from './ioctl/hdio';
import { seccompShapes } from './ioctl/seccomp';
import { scsiShapes } from './ioctl/scsi';
import { ptpShapes } from './ioctl/ptp';
import { rtcShapes } from './ioctl/rtc';
import { sockShapes } from './ioctl/sock';
import type { ArgShape } from './ioctl/shape';
import { v4l2Shapes } from './ioctl/v4l2';
import { fixedCString } from './fields';
import { bytesOf, entryBytesOf, viewOf } from './registry';
import { argIndexOf, type CallView, type DecoderRegistry } from './registry';
import { cached, constant, currentBindingStyle, fixedXlat, formatFlags, formatValue, hexValue, pointer, styled, u32, xlat, type ConstantStyle } from './xlat';

/** _IOC field layout of x86_64 (asm-generic/ioctl.h). */
const IOC = { NRBITS: 8, TYPEBITS: 8, SIZEBITS: 14, DIRSHIFT: 30, NONE: 0, WRITE: 1, READ: 2 } as const;
const iocType = (code: number) => (code >>> 8) & 0xff;
const iocNr = (code: number) => code & 0xff;
const iocSize = (code: number) => (code >>> 16) & 0x3fff;
const iocDir = (code: number) => code >>> IOC.DIRSHIFT;
/** strace's ioctl_dirs, printed as flags. */
const IOC_DIRS = fixedXlat([['_IOC_NONE', IOC.NONE], ['_IOC_READ', IOC.READ], ['_IOC_WRITE', IOC.WRITE]]);

/** `_IOC(_IOC_READ, 0x58, 0x1, 0x4)`. */
function iocText(code: number): string {
  return `_IOC(${formatFlags(BigInt(iocDir(code)), IOC_DIRS, '_IOC_???')}, ${hexValue(BigInt(iocType(code)))}, ${hexValue(BigInt(iocNr(code)))}, ${hexValue(BigInt(iocSize(code)))})`;
}

/** strace's evdev and hiddev requests whose number carries a length or an event type. */
function numberedRequest(code: number, verbose: boolean): string | undefined {
  const type = String.fromCharCode(iocType(code));
  const nr = iocNr(code);
  const dir = iocDir(code);
  const size = iocSize(code);
  if (type === 'E' && (dir === IOC.READ || dir === IOC.WRITE)) {
    const numbered = evdevNumbered(nr, size, dir === IOC.READ, verbose);
    if (numbered) return numbered;
  }
  if (type === 'E' && dir === IOC.READ) {
    const named: Record<number, string> = { 0x06: 'EVIOCGNAME', 0x07: 'EVIOCGPHYS', 0x08: 'EVIOCGUNIQ', 0x09: 'EVIOCGPROP', 0x0a: 'EVIOCGMTSLOTS', 0x18: 'EVIOCGKEY', 0x19: 'EVIOCGLED', 0x1a: 'EVIOCGSND', 0x1b: 'EVIOCGSW' };
    if (named[nr]) return `${named[nr]}(${size})`;
  }
  if (type === 'H' && dir === IOC.READ) {
    const named: Record<number, string> = { 0x04: 'HIDIOCGRAWNAME', 0x05: 'HIDIOCGRAWPHYS', 0x06: 'HIDIOCSFEATURE', 0x08: 'HIDIOCGRAWUNIQ', 0x12: 'HIDIOCGPHYS' };
    if (named[nr]) return `${named[nr]}(${size})`;
  }
  if (type === 'H' && dir === (IOC.READ | IOC.WRITE)) {
    if (nr === 0x06) return `HIDIOCSFEATURE(${size})`;
    if (nr === 0x07) return `HIDIOCGFEATURE(${size})`;
  }
  if (type === 'M' && dir === IOC.WRITE) return `MIXER_WRITE(${nr})`;
  if (type === 'M' && dir === IOC.READ) return `MIXER_READ(${nr})`;
  if (type === 'U' && dir === IOC.READ && nr === 0x2c) return `UI_GET_SYSNAME(${size})`;
  if (type === 'j' && dir === IOC.READ && nr === 0x13) return `JSIOCGNAME(${size})`;
  if (type === 'k' && dir === IOC.WRITE && nr === 0) return `SPI_IOC_MESSAGE(${size})`;
  return undefined;
}

/** The request's names as strace prints them. */
export function requestFormatter(tables: ArchTables, style: ConstantStyle = 'abbrev'): (code: number) => string {
  const names = new Map<number, string[]>();
  for (const [code, name] of tables.ioctls) {
    const list = names.get(code);
    if (list) list.push(name);
    else names.set(code, [name]);
  }
  return (code) => {
    const numbered = numberedRequest(code, style === 'verbose');
    const known = names.get(code);
    if (known) return numbered ? `${numbered} or ${known.join(' or ')}` : known.join(' or ');
    return numbered ?? iocText(code);
  };
}

/** strace's term_iflags, term_lflags, term_cflags and the delay fields of term_oflags. */
const TERM_IFLAGS = ['IGNBRK', 'BRKINT', 'IGNPAR', 'PARMRK', 'INPCK', 'ISTRIP', 'INLCR', 'IGNCR', 'ICRNL', 'IUCLC', 'IXON', 'IXANY', 'IXOFF', 'IMAXBEL', 'IUTF8'];
const TERM_OFLAGS = ['XTABS', 'OPOST', 'OLCUC', 'ONLCR', 'OCRNL', 'ONOCR', 'ONLRET', 'OFILL', 'OFDEL', 'PAGEOUT', 'WRAP'];
const TERM_LFLAGS = ['ISIG', 'ICANON', 'XCASE', 'ECHO', 'ECHOE', 'ECHOK', 'ECHONL', 'NOFLSH', 'IEXTEN', 'ECHOCTL', 'ECHOPRT', 'ECHOKE', 'FLUSHO', 'PENDIN', 'TOSTOP', 'EXTPROC', 'DEFECHO'];
const TERM_CFLAGS = ['CSTOPB', 'CREAD', 'PARENB', 'PARODD', 'HUPCL', 'CLOCAL', 'CTVB', 'CMSPAR', 'CRTSCTS'];
const OFLAG_DELAYS: ReadonlyArray<readonly [string, string[], string]> = [
  ['NLDLY', ['NL0', 'NL1', 'NL2', 'NL3'], 'NL?'],
  ['CRDLY', ['CR0', 'CR1', 'CR2', 'CR3'], 'CR?'],
  ['TABDLY', ['XTABS', 'TAB0', 'TAB1', 'TAB2', 'TAB3'], 'TAB?'],
  ['BSDLY', ['BS1', 'BS0'], 'BS?'],
  ['VTDLY', ['VT0', 'VT1'], 'VT?'],
  ['FFDLY', ['FF0', 'FF1'], 'FF?'],
];
const BAUDS = [
  'B0', 'B50', 'B75', 'B110', 'B134', 'B150', 'B200', 'B300', 'B600', 'B1200', 'B1800', 'B2400', 'B4800', 'B9600', 'B19200', 'B38400',
  'B57600', 'B76800', 'B115200', 'B153600', 'B230400', 'B307200', 'B460800', 'B500000', 'B576000', 'B614400', 'B921600', 'B1000000',
  'B1152000', 'B1500000', 'B2000000', 'B2500000', 'B3000000', 'B3500000', 'B4000000', 'EXTA', 'EXTB', 'BOTHER',
];
const TERMIOS_CC = ['VINTR', 'VQUIT', 'VERASE', 'VKILL', 'VEOF', 'VTIME', 'VMIN', 'VSWTC', 'VSTART', 'VSTOP', 'VSUSP', 'VEOL', 'VREPRINT', 'VDISCARD', 'VWERASE', 'VLNEXT', 'VEOL2'];
const LINE_DISCS = ['N_TTY', 'N_SLIP', 'N_MOUSE', 'N_PPP', 'N_STRIP', 'N_AX25', 'N_X25', 'N_6PACK', 'N_MASC', 'N_R3964', 'N_PROFIBUS_FDL', 'N_IRDA', 'N_SMSBLOCK', 'N_HDLC', 'N_SYNC_PPP', 'N_HCI', 'N_GIGASET_M101', 'N_SLCAN', 'N_PPS', 'N_V253', 'N_CAIF', 'N_GSM0710', 'N_TI_WL', 'N_TRACESINK', 'N_TRACEROUTER', 'N_NCI', 'N_SPEAKUP', 'N_NULL'];
/** strace's modem_flags (asm-generic/termios.h; not all in the generated constants). */
const MODEM = fixedXlat([
  ['TIOCM_LE', 0x1], ['TIOCM_DTR', 0x2], ['TIOCM_RTS', 0x4], ['TIOCM_ST', 0x8], ['TIOCM_SR', 0x10], ['TIOCM_CTS', 0x20], ['TIOCM_CAR', 0x40],
  ['TIOCM_RNG', 0x80], ['TIOCM_DSR', 0x100], ['TIOCM_OUT1', 0x2000], ['TIOCM_OUT2', 0x4000], ['TIOCM_LOOP', 0x8000],
]);
/** strace's fs_ioc_flags. */
const FS_FLAGS = [
  'FS_SECRM_FL', 'FS_UNRM_FL', 'FS_COMPR_FL', 'FS_SYNC_FL', 'FS_IMMUTABLE_FL', 'FS_APPEND_FL', 'FS_NODUMP_FL', 'FS_NOATIME_FL',
  'FS_DIRTY_FL', 'FS_COMPRBLK_FL', 'FS_NOCOMP_FL', 'FS_ENCRYPT_FL', 'FS_INDEX_FL', 'FS_IMAGIC_FL', 'FS_JOURNAL_DATA_FL',
  'FS_NOTAIL_FL', 'FS_DIRSYNC_FL', 'FS_TOPDIR_FL', 'FS_HUGE_FILE_FL', 'FS_EXTENT_FL', 'FS_VERITY_FL', 'FS_EA_INODE_FL',
  'FS_EOFBLOCKS_FL', 'FS_NOCOW_FL', 'FS_DAX_FL', 'FS_INLINE_DATA_FL', 'FS_PROJINHERIT_FL', 'FS_CASEFOLD_FL', 'FS_RESERVED_FL',
];

/** strace's decode_termios (abbreviated, or in full with -v). */
function termiosFormatter(tables: ArchTables, verbose: boolean, termio = false): (v: DataView) => string {
  const t = (name: string) => BigInt(constant(tables, 'TERM', name));
  const iflags = xlat(tables, 'TERM', TERM_IFLAGS);
  const oflags = xlat(tables, 'TERM', TERM_OFLAGS);
  const lflags = xlat(tables, 'TERM', TERM_LFLAGS);
  const cflags = xlat(tables, 'TERM', TERM_CFLAGS);
  const delays = OFLAG_DELAYS.map(([mask, names, unknown]) => [t(mask), xlat(tables, 'TERM', names), unknown] as const);
  const bauds = xlat(tables, 'TERM', BAUDS);
  const csizes = xlat(tables, 'TERM', ['CS5', 'CS6', 'CS7', 'CS8']);
  const [CBAUD, CSIZE, CIBAUD] = [t('CBAUD'), t('CSIZE'), t('CIBAUD')];
  const IBSHIFT = 16n;
  const cc = xlat(tables, 'TERM', TERMIOS_CC);
  const discs = xlat(tables, 'TERM', LINE_DISCS);
  const oflag = cached((value) => {
    let rest = value;
    const parts: string[] = [];
    for (const [mask, names, unknown] of delays) {
      parts.push(formatValue(rest & mask, names, unknown));
      rest &= ~mask;
    }
    parts.push(formatFlags(rest, oflags, ''));
    return parts.join('|');
  });
  const cflag = cached((value) => {
    const parts = [formatValue(value & CBAUD, bauds, 'B???')];
    if (value & CIBAUD) parts.push(`${formatValue((value & CIBAUD) >> IBSHIFT, bauds, 'B???')}<<IBSHIFT`);
    parts.push(formatValue(value & CSIZE, csizes, 'CS?'));
    parts.push(formatFlags(value & ~(CBAUD | CIBAUD | CSIZE), cflags, ''));
    return parts.join('|');
  });
  // struct termios (and termios2, which adds speeds strace shows only in full) has int flags and
  // 19 control characters; the old struct termio (TCGETA) short flags and 8.
  const [word, ncc] = termio ? [2, 8] : [4, 19];
  return (v) => {
    const f = (i: number) => BigInt(word === 2 ? v.getUint16(i * 2, true) : v.getUint32(i * 4, true));
    let out = `{c_iflag=${formatFlags(f(0), iflags, '')}, c_oflag=${oflag(f(1))}, c_cflag=${cflag(f(2))}, c_lflag=${formatFlags(f(3), lflags, '')}, `;
    if (!verbose) return `${out}...}`;
    out += `c_line=${formatValue(BigInt(v.getUint8(4 * word)), discs, 'N_???')}, c_cc=[`;
    const chars: string[] = [];
    for (let i = 0; i < ncc; i++) chars.push(`[${cc.find(([, n]) => n === BigInt(i))?.[0] ?? i}] = ${hexValue(BigInt(v.getUint8(4 * word + 1 + i)))}`);
    return `${out}${chars.join(', ')}]}`;
  };
}

const winsize = (v: DataView) => `{ws_row=${v.getUint16(0, true)}, ws_col=${v.getUint16(2, true)}, ws_xpixel=${v.getUint16(4, true)}, ws_ypixel=${v.getUint16(6, true)}}`;

/** How each request strace decodes shows its argument, by request number. */
function argShapes(tables: ArchTables, verbose: boolean, style: ConstantStyle): Map<number, ArgShape> {
  const byName = new Map<string, number>();
  for (const [code, name] of tables.ioctls) byName.set(name, code);
  const shapes = new Map<number, ArgShape>();
  const set = (names: readonly string[], shape: ArgShape) => {
    for (const n of names) {
      const code = byName.get(n);
      if (code !== undefined) shapes.set(code, shape);
    }
  };
  familyShapes({ set, tables, style, verbose });
  kdShapes({ set, tables, style, verbose });
  v4l2Shapes({ set, tables, style, verbose });
  fsShapes({ set, tables, style, verbose });
  ptpShapes({ set, tables, style, verbose });
  gpioShapes({ set, tables, style, verbose });
  rtcShapes({ set, tables, style, verbose });
  mtdShapes({ set, tables, style, verbose });
  sockShapes({ set, tables, style, verbose });
  btrfsShapes({ set, tables, style, verbose });
  nsfsShapes({ set, tables, style, verbose });
  loopShapes({ set, tables, style, verbose });
  ubiShapes({ set, tables, style, verbose });
  hdioShapes({ set, tables, style, verbose });
  seccompShapes({ set, tables, style, verbose });
  scsiShapes({ set, tables, style, verbose });
  const termios = termiosFormatter(tables, verbose);
  set(['TCGETS', 'TIOCGLCKTRMIOS'], { kind: 'struct', output: true, size: 36, format: termios });
  set(['TCSETS', 'TCSETSW', 'TCSETSF', 'TIOCSLCKTRMIOS'], { kind: 'struct', output: false, size: 36, format: termios });
  set(['TCGETS2'], { kind: 'struct', output: true, size: 44, format: termios });
  set(['TCSETS2', 'TCSETSW2', 'TCSETSF2'], { kind: 'struct', output: false, size: 44, format: termios });
  const termio = termiosFormatter(tables, verbose, true);
  set(['TCGETA'], { kind: 'struct', output: true, size: 18, format: termio });
  set(['TCSETA', 'TCSETAW', 'TCSETAF'], { kind: 'struct', output: false, size: 18, format: termio });
  set(['TIOCGWINSZ'], { kind: 'struct', output: true, size: 8, format: winsize });
  set(['TIOCSWINSZ'], { kind: 'struct', output: false, size: 8, format: winsize });
  set(['TCXONC'], { kind: 'value', xlat: xlat(tables, 'TERM', ['TCOOFF', 'TCOON', 'TCIOFF', 'TCION']), unknown: 'TC???' });
  set(['TCFLSH'], { kind: 'value', xlat: xlat(tables, 'TERM', ['TCIFLUSH', 'TCOFLUSH', 'TCIOFLUSH']), unknown: 'TC???' });
  set(['TCSBRK', 'TCSBRKP', 'TIOCSCTTY'], { kind: 'value', signed: true });
  const modem = MODEM;
  set(['TIOCMGET'], { kind: 'flags', output: true, xlat: modem, unknown: 'TIOCM_???' });
  set(['TIOCMBIS', 'TIOCMBIC', 'TIOCMSET'], { kind: 'flags', output: false, xlat: modem, unknown: 'TIOCM_???' });
  set(['TIOCGPGRP', 'TIOCGSID', 'TIOCGETD', 'TIOCGSOFTCAR', 'TIOCGPTN', 'FIONREAD', 'TIOCOUTQ', 'TIOCGEXCL', 'TIOCGDEV'], { kind: 'int', output: true });
  set(['TIOCSPGRP', 'TIOCSETD', 'FIONBIO', 'FIOASYNC', 'TIOCPKT', 'TIOCSSOFTCAR', 'TIOCSPTLCK'], { kind: 'int', output: false });
  set(['TIOCSBRK', 'TIOCCBRK', 'TIOCCONS', 'TIOCNOTTY', 'TIOCEXCL', 'TIOCNXCL', 'FIOCLEX', 'FIONCLEX', 'TIOCVHANGUP', 'TIOCSSERIAL'], { kind: 'none' });
  const fsFlags = xlat(tables, 'FS_FL', FS_FLAGS);
  set(['FS_IOC_GETFLAGS', 'FS_IOC32_GETFLAGS'], { kind: 'flags', output: true, xlat: fsFlags, unknown: 'FS_???_FL' });
  set(['FS_IOC_SETFLAGS', 'FS_IOC32_SETFLAGS'], { kind: 'flags', output: false, xlat: fsFlags, unknown: 'FS_???_FL' });
  // Block devices (strace's block_ioctl).
  set(['BLKRASET', 'BLKFRASET'], { kind: 'value' });
  set(['BLKSECTGET', 'BLKROTATIONAL'], { kind: 'int', output: true, unsigned: true, bytes: 2 });
  set(['BLKROGET', 'BLKBSZGET', 'BLKSSZGET', 'BLKALIGNOFF'], { kind: 'int', output: true });
  set(['BLKROSET', 'BLKBSZSET'], { kind: 'int', output: false });
  set(['BLKPBSZGET', 'BLKIOMIN', 'BLKIOOPT', 'BLKDISCARDZEROES', 'BLKGETZONESZ', 'BLKGETNRZONES'], { kind: 'int', output: true, unsigned: true });
  set(['BLKRAGET', 'BLKFRAGET'], { kind: 'int', output: true, bytes: 8 });
  set(['BLKGETSIZE', 'BLKGETSIZE64', 'BLKGETDISKSEQ'], { kind: 'int', output: true, unsigned: true, bytes: 8 });
  // struct blkpg_ioctl_arg: op, flags, datalen, and data's address (strace shows the partition
  // behind it when it can read it, which the kernel side does not read).
  const BLKPG_OPS = fixedXlat([['BLKPG_ADD_PARTITION', 1], ['BLKPG_DEL_PARTITION', 2], ['BLKPG_RESIZE_PARTITION', 3]]);
  set(['BLKPG'], {
    kind: 'struct',
    output: false,
    size: 24,
    format: (v) =>
      `{op=${styled(BigInt(v.getInt32(0, true)), formatValue(BigInt(v.getInt32(0, true)), BLKPG_OPS, 'BLKPG_???'), style)}, flags=${v.getInt32(4, true)}, ` +
      `datalen=${v.getInt32(8, true)}, data=${pointer(v.getBigUint64(16, true))}}`,
  });
  // struct blk_user_trace_setup as given, and the name the kernel gave the trace after a success.
  set(['BLKTRACESETUP'], {
    kind: 'struct',
    output: false,
    inout: true,
    size: 72,
    format: (v, call, atEntry, given) => {
      const g = given ?? v;
      const name = !atEntry && call.ret >= 0n ? `, name=${fixedCString(new Uint8Array(v.buffer, v.byteOffset, 32))}` : '';
      return `{act_mask=${g.getUint16(32, true)}, buf_size=${g.getUint32(36, true)}, buf_nr=${g.getUint32(40, true)}, start_lba=${g.getBigUint64(48, true)}, ` +
        `end_lba=${g.getBigUint64(56, true)}, pid=${g.getUint32(64, true)}${name}}`;
    },
  });
  // FICLONE takes the source file descriptor as its argument.
  set(['FICLONE'], { kind: 'value', signed: true });
  set(['BLKFLSBUF', 'BLKRRPART', 'BLKTRACESTART', 'BLKTRACESTOP', 'BLKTRACETEARDOWN', 'FIFREEZE', 'FITHAW'], { kind: 'none' });
  // The inode-flags calls of 'X': FIFREEZE/FITHAW take no argument above.
  return shapes;
}

/** Bytes of what an int, flags or struct shape points to. */
function pointedSize(shape: ArgShape): number {
  if (shape.kind === 'struct') return shape.size;
  if (shape.kind === 'int') return shape.bytes ?? 4;
  return shape.kind === 'flags' ? 4 : 0;
}

/**
 * The argument of one request as its shape says: null when strace shows none, '' when it cannot
 * be shown (then: its value in hex). A pointer strace decodes shows as NULL when it is one.
 */
function renderArg(shape: ArgShape, arg: bigint, argIndex: number, call: CallView): string | null {
  switch (shape.kind) {
    case 'none':
      return null;
    case 'value':
      if (shape.format) return shape.format(arg);
      if (shape.xlat) return formatValue(arg, shape.xlat, shape.unknown ?? '???');
      return shape.signed ? BigInt.asIntN(32, arg).toString() : arg.toString();
    case 'ptr':
      return arg === 0n ? 'NULL' : '';
    default: {
      if (arg === 0n) return 'NULL';
      const size = pointedSize(shape);
      // An input read and written is there at entry too (a failed call has no exit read).
      const outputOnly = shape.output && !(shape.kind === 'struct' && shape.inout);
      const exit = outputOnly && call.ret < 0n ? undefined : bytesOf(call.blobs, argIndex);
      const entry = outputOnly ? undefined : entryBytesOf(call.blobs, argIndex);
      const b = exit ?? entry;
      if (!b || b.data.length < size) return '';
      const v = viewOf(b.data);
      if (shape.kind === 'struct') return shape.format(v, call, b !== exit, entry && entry.data.length >= size ? viewOf(entry.data) : undefined);
      if (shape.kind === 'flags') return `[${formatFlags(BigInt(v.getUint32(0, true)), shape.xlat, shape.unknown)}]`;
      let n: bigint;
      if (size === 1) n = BigInt(v.getUint8(0));
      else if (size === 2) n = BigInt(v.getUint16(0, true));
      else if (size === 8) n = shape.unsigned ? v.getBigUint64(0, true) : v.getBigInt64(0, true);
      else n = BigInt(shape.unsigned ? v.getUint32(0, true) : v.getInt32(0, true));
      return `[${shape.xlat ? formatFlags(n, shape.xlat, shape.unknown ?? '???') : n}]`;
    }
  }
}

/** A request's argument size and direction as the kernel side reads it (struct sct_ioctl_size). */
export interface IoctlArgSize {
  request: number;
  /** Bytes; 0: nothing to read (the argument is a value, or there is none). */
  size: number;
  /** _IOC_READ (2: an output), _IOC_WRITE (1: an input). */
  dir: number;
}

/**
 * SCT_IOCTL_SIZES_MAX: entries of the kernel's ioctl size table (an eBPF hash map; the module
 * searches its array by halves, so the entries go to it in ascending request order).
 */
export const IOCTL_SIZES_MAX = 256;

/**
 * The ioctl size table for the kernel side: each request this decoder shows whose number does
 * not give the size and direction of what it shows (TCGETS has no _IOC encoding; BLKBSZGET is
 * encoded as a size_t, the kernel passes an int; TCSBRK's argument is a value, no pointer).
 */
export function ioctlArgSizes(tables: ArchTables): IoctlArgSize[] {
  const out: IoctlArgSize[] = [];
  const unread: IoctlArgSize[] = [];
  for (const [request, shape] of argShapes(tables, false, 'abbrev')) {
    // A pointer not shown is read as its number says (harmless; a decoder of it will need it).
    if (shape.kind === 'ptr') continue;
    const size = pointedSize(shape);
    let dir: number = IOC.NONE;
    if (shape.kind === 'struct' || shape.kind === 'int' || shape.kind === 'flags') {
      dir = shape.kind === 'struct' && shape.inout ? IOC.READ | IOC.WRITE : shape.output ? IOC.READ : IOC.WRITE;
    }
    const encoded = iocDir(request) === IOC.NONE ? 0 : iocSize(request);
    if (size === 0 && encoded === 0) continue;
    // What the number encodes serves when it is the size and covers the direction (an input
    // that is also written is read at entry too).
    if (size === encoded && (iocDir(request) & dir) === dir && (dir !== IOC.NONE || iocDir(request) === IOC.NONE)) continue;
    (size === 0 ? unread : out).push({ request, size, dir });
  }
  // Requests whose argument is no pointer are not read at all, as far as the table has room.
  return [...out, ...unread].slice(0, IOCTL_SIZES_MAX).sort((a, b) => a.request - b.request);
}

/** The input requests numbered by a length, an event type or an axis (EVIOCGNAME(64)) take a pointer. */
const EVDEV_NUMBERED: ArgShape = { kind: 'ptr' };

/** Registers ioctl's request and argument decoders. */
export function registerIoctlDecoders(registry: DecoderRegistry): void {
  registry.register('ioctl', 'cmd', (ctx) => {
    const style = currentBindingStyle();
    const format = requestFormatter(ctx.tables, style);
    const render = cached((v) => styled(v, format(Number(v)), style));
    return (args) => render(u32(args[ctx.argIndex]));
  });
  registry.register('ioctl', 'arg', (ctx) => {
    const shapes = argShapes(ctx.tables, ctx.style.verbose, currentBindingStyle());
    const cmd = argIndexOf(ctx, 'cmd');
    return (args, call) => {
      const arg = args[ctx.argIndex] ?? 0n;
      const code = Number(u32(args[cmd]));
      const shape = shapes.get(code) ?? (iocType(code) === 0x45 && numberedRequest(code, false) ? EVDEV_NUMBERED : undefined);
      const shown = shape ? renderArg(shape, arg, ctx.argIndex, call) : '';
      // What strace does not decode it prints as the value in hex (0 as "0"), pointer or not.
      return shown === '' ? hexValue(arg) : shown;
    };
  });
}

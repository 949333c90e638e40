/**
 * The virtual console requests of linux/kd.h ('K') as strace's kd_ioctl shows them: tones and
 * sounds as a number with their frequency in a comment, LEDs and modes by name, KDSIGACCEPT's
 * signal, the I/O port of KDADDIO relative to GPFIRST, struct kbentry; the other requests that
 * take a pointer as NULL or its address.
 */
import { signalFormatter } from '../signal';
import { fixedXlat, formatFlags, formatValue, hexValue, styled, type Xlat } from '../xlat';
import { givenStruct, type ShapeContext } from './shape';

/** The PIT's input clock (Hz): KIOCSOUND and KDMKTONE take its divisor. */
const PIT_TICK_RATE = 1193182n;
const LEDS = fixedXlat([['LED_SCR', 1], ['LED_NUM', 2], ['LED_CAP', 4]]);
/** KDGKBLED/KDSKBLED: the LEDs and, four bits up, their default state. */
const DEFAULT_LEDS = fixedXlat([['LED_SCR', 1], ['LED_NUM', 2], ['LED_CAP', 4], ['LED_SCR<<4', 0x10], ['LED_NUM<<4', 0x20], ['LED_CAP<<4', 0x40]]);
const KBD_MODES = fixedXlat([['K_RAW', 0], ['K_XLATE', 1], ['K_MEDIUMRAW', 2], ['K_UNICODE', 3], ['K_OFF', 4]]);
const META = fixedXlat([['K_METABIT', 3], ['K_ESCPREFIX', 4]]);
const MODES = fixedXlat([['KD_TEXT', 0], ['KD_GRAPHICS', 1], ['KD_TEXT0', 2], ['KD_TEXT1', 3]]);
const KEY_TABLES = fixedXlat([['K_NORMTAB', 0], ['K_SHIFTTAB', 1], ['K_ALTTAB', 2], ['K_ALTSHIFTTAB', 3]]);
const KEYMAP_FLAGS = fixedXlat(['KG_SHIFT', 'KG_ALTGR', 'KG_CTRL', 'KG_ALT', 'KG_SHIFTL', 'KG_SHIFTR', 'KG_CTRLL', 'KG_CTRLR'].map((n, i) => [`1<<${n}`, 1 << i]));
/** Key types (KTYP of a key value), by number. */
const KEY_TYPES = ['KT_LATIN', 'KT_FN', 'KT_SPEC', 'KT_PAD', 'KT_DEAD', 'KT_CONS', 'KT_CUR', 'KT_SHIFT', 'KT_META', 'KT_ASCII', 'KT_LOCK', 'KT_LETTER', 'KT_SLOCK', 'KT_DEAD2', 'KT_BRL'];
/** Key types whose value is a character. */
const CHAR_TYPES = new Set([0, 8, 11, 13]);
/** KDADDIO/KDDELIO: the ports of the graphics adapters. */
const GPFIRST = 0x3b4n;
const GPLAST = 0x3dfn;

/** The function keys (KT_FN) by value, as linux/keyboard.h names them. */
const FN_KEYS: string[] = Array.from({ length: 256 }, (_, i) => {
  const named = ['K_FIND', 'K_INSERT', 'K_REMOVE', 'K_SELECT', 'K_PGUP', 'K_PGDN', 'K_MACRO', 'K_HELP', 'K_DO', 'K_PAUSE'];
  if (i < 20) return `K_F${i + 1}`;
  if (i < 30) return named[i - 20];
  return i === 255 ? 'K_UNDO' : `K_F${i - 9}`;
});
const SHIFTS = ['SHIFT', 'ALTGR', 'CTRL', 'ALT', 'SHIFTL', 'SHIFTR', 'CTRLL', 'CTRLR', 'CAPSSHIFT'];
const SPEC_KEYS: Record<number, string> = {
  ...['HOLE', 'ENTER', 'SH_REGS', 'SH_MEM', 'SH_STAT', 'BREAK', 'CONS', 'CAPS', 'NUM', 'HOLD', 'SCROLLFORW', 'SCROLLBACK', 'BOOT', 'CAPSON', 'COMPOSE',
    'SAK', 'DECRCONSOLE', 'INCRCONSOLE', 'SPAWNCONSOLE', 'BARENUMLOCK'].map((n) => `K_${n}`),
  126: 'K_ALLOCATED',
  127: 'K_NOSUCHMAP',
};
/** The named keys of each key type whose values linux/keyboard.h names (by KVAL). */
const NAMED_KEYS: Record<number, Record<number, string>> = {
  1: { ...FN_KEYS },
  2: SPEC_KEYS,
  3: { ...[...Array.from({ length: 10 }, (_, i) => `P${i}`), 'PPLUS', 'PMINUS', 'PSTAR', 'PSLASH', 'PENTER', 'PCOMMA', 'PDOT', 'PPLUSMINUS', 'PPARENL', 'PPARENR'].map((n) => `K_${n}`) },
  4: {
    ...['DGRAVE', 'DACUTE', 'DCIRCM', 'DTILDE', 'DDIERE', 'DCEDIL', 'DMACRON', 'DBREVE', 'DABDOT', 'DABRING', 'DDBACUTE', 'DCARON', 'DOGONEK', 'DIOTA',
      'DVOICED', 'DSEMVOICED', 'DBEDOT', 'DHOOK', 'DHORN', 'DSTROKE', 'DABCOMMA', 'DABREVCOMMA', 'DDBGRAVE', 'DINVBREVE', 'DBECOMMA', 'DCURRENCY', 'DGREEK'].map((n) => `K_${n}`),
  },
  6: { ...['K_DOWN', 'K_LEFT', 'K_RIGHT', 'K_UP'] },
  7: { ...SHIFTS.map((n) => `K_${n}`) },
  9: { ...[...Array.from({ length: 10 }, (_, i) => `K_ASC${i}`), ...Array.from({ length: 10 }, (_, i) => `K_HEX${i}`), ...'abcdef'.split('').map((c) => `K_HEX${c}`)] },
  10: { ...SHIFTS.map((n) => `K_${n}LOCK`) },
  12: { ...SHIFTS.map((n) => `K_${n}_SLOCK`) },
  14: { ...['K_BRL_BLANK', ...Array.from({ length: 10 }, (_, i) => `K_BRL_DOT${i + 1}`)] },
};
const FONT_OPS = fixedXlat([['KD_FONT_OP_SET', 0], ['KD_FONT_OP_GET', 1], ['KD_FONT_OP_SET_DEFAULT', 2], ['KD_FONT_OP_COPY', 3]]);
const FONT_FLAGS = fixedXlat([['KD_FONT_FLAG_DONT_RECALC', 1], ['KD_FONT_FLAG_OLD', 0x80000000]]);

/** A user pointer inside a struct. */
function ptr(v: DataView, at: number): string {
  const p = v.getBigUint64(at, true);
  return p === 0n ? 'NULL' : hexValue(p);
}

/** A byte as strace's print_char shows it quoted, with whitespace escaped. */
function charText(c: number): string {
  const escapes: Record<number, string> = { 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 39: "\\'", 92: '\\\\' };
  if (escapes[c]) return `'${escapes[c]}'`;
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `'\\x${c.toString(16).padStart(2, '0')}'`;
}

/** kb_value: hex, and in a comment K(type, value). */
function keyValue(value: number, raw: boolean): string {
  const hex = hexValue(BigInt(value));
  if (raw) return hex;
  const type = value >> 8;
  const kval = value & 0xff;
  const name = NAMED_KEYS[type]?.[kval];
  if (name) return `${hex} /* ${name} */`;
  const typeText = KEY_TYPES[type] ?? hexValue(BigInt(type));
  return `${hex} /* K(${typeText}, ${CHAR_TYPES.has(type) ? charText(kval) : hexValue(BigInt(kval))}) */`;
}

export function kdShapes(ctx: ShapeContext): void {
  const { set, style } = ctx;
  const raw = style === 'raw';
  const named = (table: Xlat, unknown: string, flags = false) => (v: bigint) => styled(v, flags ? formatFlags(v, table, unknown) : formatValue(v, table, unknown), style);
  set(['KIOCSOUND'], {
    kind: 'value',
    format: (arg) => (raw ? arg.toString() : `${arg} /* ${arg !== 0n && PIT_TICK_RATE / arg !== 0n ? `${PIT_TICK_RATE / arg} Hz` : 'off'} */`),
  });
  set(['KDMKTONE'], {
    kind: 'value',
    format: (arg) => {
      const ticks = (arg >> 16n) & 0xffffn;
      const count = arg & 0xffffn;
      const freq = ticks && count ? PIT_TICK_RATE / count : 0n;
      const text = ticks ? `${ticks}<<16|${count}` : String(count);
      return raw ? text : `${text} /* ${freq ? `${freq} Hz, ${ticks} ms` : 'off'} */`;
    },
  });
  const leds = named(LEDS, 'LED_???', true);
  const defaultLeds = named(DEFAULT_LEDS, 'LED_???', true);
  set(['KDSETLED'], { kind: 'value', format: (arg) => leds(arg & 0xffn) });
  set(['KDSKBLED'], { kind: 'value', format: (arg) => defaultLeds(arg & 0xffn) });
  set(['KDGETLED'], { kind: 'int', output: true, bytes: 1, xlat: LEDS, unknown: 'LED_???' });
  set(['KDGKBLED'], { kind: 'int', output: true, bytes: 1, xlat: DEFAULT_LEDS, unknown: 'LED_???' });
  set(['KDSETMODE'], { kind: 'value', format: (arg) => named(MODES, 'KD_???')(BigInt.asUintN(32, arg)) });
  const kbdMode = (v: bigint) => {
    const name = KBD_MODES.find(([, n]) => n === v)?.[0];
    return styled(v, name ?? `${v} /* K_??? */`, style, true);
  };
  set(['KDSKBMODE'], { kind: 'value', format: (arg) => kbdMode(BigInt.asIntN(32, arg)) });
  set(['KDSKBMETA'], { kind: 'value', format: (arg) => named(META, 'K_???')(BigInt.asUintN(32, arg)) });
  const signal = signalFormatter(ctx.tables);
  set(['KDSIGACCEPT'], { kind: 'value', format: (arg) => (arg < 0x7fffffffn ? signal(Number(arg)) : arg.toString()) });
  set(['KDADDIO', 'KDDELIO'], {
    kind: 'value',
    format: (arg) => (arg >= GPFIRST && arg <= GPLAST && !raw ? `${hexValue(arg)} /* GPFIRST + ${arg - GPFIRST} */` : hexValue(arg)),
  });
  set(['KDENABIO', 'KDDISABIO', 'KDMAPDISP', 'KDUNMAPDISP', 'PIO_FONTRESET'], { kind: 'none' });
  const kbTable = (t: number) => {
    const name = KEY_TABLES.find(([, n]) => n === BigInt(t))?.[0];
    return name ? styled(BigInt(t), name, style) : styled(BigInt(t), formatFlags(BigInt(t), KEYMAP_FLAGS, 'K_???'), style);
  };
  // struct kbentry {u8 kb_table, kb_index; u16 kb_value}: KDGKBENT's value is its output.
  set(['KDGKBENT', 'KDSKBENT'], {
    kind: 'struct',
    output: false,
    inout: true,
    size: 4,
    format: (v, call, entry) => {
      const head = `{kb_table=${kbTable(v.getUint8(0))}, kb_index=${v.getUint8(1)}`;
      const get = Number(BigInt.asUintN(32, call.args[1] ?? 0n)) === 0x4b46;
      if (get && (entry || call.ret < 0n)) return `${head}}`;
      return `${head}, kb_value=${keyValue(v.getUint16(2, true), raw)}}`;
    },
  });
  // struct kbsentry: kb_func (what KDGKBSENT is given), then the string it returns.
  set(['KDGKBSENT'], givenStruct(1, (v) => `{kb_func=${styled(BigInt(v.getUint8(0)), `KVAL(${FN_KEYS[v.getUint8(0)]})`, style)}}`));
  const x32 = (v: DataView, at: number) => hexValue(BigInt(v.getUint32(at, true)));
  // struct kbkeycode: scancode, keycode (KDGETKEYCODE returns the keycode).
  set(['KDSETKEYCODE'], { kind: 'struct', output: false, size: 8, format: (v) => `{scancode=${x32(v, 0)}, keycode=${x32(v, 4)}}` });
  set(['KDGETKEYCODE'], givenStruct(8, (v) => `{scancode=${x32(v, 0)}, keycode=${x32(v, 4)}}`));
  // struct kbd_repeat: delay, period (set, and returned).
  set(['KDKBDREP'], givenStruct(8, (v) => `{delay=${v.getInt32(0, true)}, period=${v.getInt32(4, true)}}`));
  // struct unimapinit.
  set(['PIO_UNIMAPCLR'], {
    kind: 'struct', output: false, size: 6,
    format: (v) => `{advised_hashsize=${v.getUint16(0, true)}, advised_hashstep=${v.getUint16(2, true)}, advised_hashlevel=${v.getUint16(4, true)}}`,
  });
  // struct unimapdesc: entry_ct, entries (GIO_UNIMAP returns the count; the pairs are not read).
  set(['GIO_UNIMAP'], givenStruct(16, (v) => `{entry_ct=${v.getUint16(0, true)} => ${v.getUint16(0, true)}, entries=${ptr(v, 8)}}`));
  set(['PIO_UNIMAP'], {
    kind: 'struct', output: false, size: 16,
    format: (v) => {
      const entries = v.getBigUint64(8, true) === 0n ? 'NULL' : v.getUint16(0, true) === 0 ? '[]' : '';
      return entries === '' ? '' : `{entry_ct=${v.getUint16(0, true)}, entries=${entries}}`;
    },
  });
  // struct consolefontdesc: charcount, charheight, chardata (what GIO_FONTX is given).
  set(['GIO_FONTX'], givenStruct(16, (v) => `{charcount=${v.getUint16(0, true)}, charheight=${v.getUint16(2, true)}, chardata=${ptr(v, 8)}}`));
  // struct console_font_op: op, flags, width, height, charcount, data; a font to set (its data) is not read.
  set(['KDFONTOP'], givenStruct(32, (v) => {
    const op = v.getUint32(0, true);
    if (op <= 3 && op !== 1) return '';
    const u = (at: number) => v.getUint32(at, true);
    return `{op=${named(FONT_OPS, 'KD_FONT_OP_???')(BigInt(op))}, flags=${named(FONT_FLAGS, 'KD_FONT_FLAG_???', true)(BigInt(u(4)))}, width=${u(8)}, height=${u(12)}, charcount=${u(16)}, data=${ptr(v, 24)}}`;
  }));
  set([
    'KDGKBTYPE', 'KDGETMODE', 'GIO_SCRNMAP', 'PIO_SCRNMAP', 'GIO_UNISCRNMAP', 'PIO_UNISCRNMAP', 'KDGKBMODE', 'KDSKBSENT',
    'KDGKBDIACR', 'KDSKBDIACR', 'KDGKBDIACRUC', 'KDSKBDIACRUC', 'GIO_FONT', 'PIO_FONT', 'KDGKBMETA',
    'GIO_CMAP', 'PIO_CMAP', 'PIO_FONTX',
  ], { kind: 'ptr' });
}

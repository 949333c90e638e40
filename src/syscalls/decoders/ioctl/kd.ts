/**
 * The virtual console requests of linux/kd.h ('K') as strace's kd_ioctl shows them: tones and
 * sounds as a number with their frequency in a comment, LEDs and modes by name, KDSIGACCEPT's
 * signal, the I/O port of KDADDIO relative to GPFIRST, struct kbentry; the other requests that
 * take a pointer as NULL or its address.
 */
import { signalFormatter } from '../signal';
import { fixedXlat, formatFlags, formatValue, hexValue, styled, type Xlat } from '../xlat';
import type { ShapeContext } from './shape';

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
  set(['KDSETMODE'], { kind: 'value', format: named(MODES, 'KD_???') });
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
  set([
    'KDGKBTYPE', 'KDGETMODE', 'GIO_SCRNMAP', 'PIO_SCRNMAP', 'GIO_UNISCRNMAP', 'PIO_UNISCRNMAP', 'KDGKBMODE', 'KDGKBSENT', 'KDSKBSENT',
    'KDGKBDIACR', 'KDSKBDIACR', 'KDGKBDIACRUC', 'KDSKBDIACRUC', 'KDGETKEYCODE', 'KDSETKEYCODE', 'KDKBDREP', 'GIO_FONT', 'PIO_FONT', 'KDGKBMETA',
    'PIO_UNIMAPCLR', 'GIO_CMAP', 'PIO_CMAP', 'KDFONTOP', 'GIO_FONTX', 'PIO_FONTX', 'GIO_UNIMAP', 'PIO_UNIMAP',
  ], { kind: 'ptr' });
}

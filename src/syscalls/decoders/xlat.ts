/**
 * strace's two ways of printing a constant, rebuilt on the architecture's generated header
 * values (src/syscalls/generated): a value that is one of several names (printxval: "SEEK_SET",
 * or "0x63 /* AF_??? *\/" when unknown) and a set of flags (printflags: "O_RDONLY|O_CLOEXEC",
 * unknown bits appended in hex, "0" for none). The names and their order are strace's; the
 * values come from the headers, so another architecture's values follow automatically.
 */
import type { ArchTables } from '../arch';
import type { ArgDecoder } from './registry';

/** Name and value pairs, in print order. */
export type Xlat = ReadonlyArray<readonly [string, bigint]>;

/** The header value of `name` in `group`; throws at load when the headers lack it. */
export function constant(tables: ArchTables, group: string, name: string): number {
  const value = tables.constants[group]?.[name];
  if (value === undefined) throw new Error(`decoder needs ${name} (group ${group}), which the ${tables.arch} headers do not define`);
  return value;
}

/**
 * An xlat from names in print order, with values from `group`. Names the headers do not define
 * are left out (they exist on other architectures or in other strace versions), so the same
 * name list serves every architecture.
 */
export function xlat(tables: ArchTables, group: string, names: readonly string[]): Xlat {
  const values = tables.constants[group] ?? {};
  const out: Array<readonly [string, bigint]> = [];
  for (const name of names) {
    const v = values[name];
    if (v !== undefined) out.push([name, BigInt(v)]);
  }
  return out;
}

/** An xlat of explicit values, for constants no UAPI header defines. */
export function fixedXlat(pairs: ReadonlyArray<readonly [string, number | bigint]>): Xlat {
  return pairs.map(([n, v]) => [n, BigInt(v)] as const);
}

/** strace's print_xlat_val: hex with 0x, and plain "0" for zero. */
export function hexValue(value: bigint): string {
  return value === 0n ? '0' : `0x${value.toString(16)}`;
}

/** printxval: the name of `value`, or the value in hex with an "unknown" comment. */
export function formatValue(value: bigint, table: Xlat, unknown: string): string {
  for (const [name, v] of table) if (v === value) return name;
  return `${hexValue(value)} /* ${unknown} */`;
}

/**
 * printflags: the names whose bits are all set, in table order, each clearing its bits; a
 * zero-valued name only when the whole value is zero; leftover bits in hex after the names, or
 * alone with an "unknown" comment when no name matched; "0" for zero without a zero name.
 */
export function formatFlags(value: bigint, table: Xlat, unknown: string): string {
  let rest = value;
  let out = '';
  for (const [name, v] of table) {
    if (rest === 0n && out !== '') break;
    if ((v === 0n && value === 0n && out === '') || (v !== 0n && (rest & v) === v)) {
      out += out === '' ? name : `|${name}`;
      rest &= ~v;
    }
  }
  if (out === '') return rest === 0n ? '0' : unknown === '' ? hexValue(rest) : `${hexValue(rest)} /* ${unknown} */`;
  return rest === 0n ? out : `${out}|${hexValue(rest)}`;
}

/** How constants render (strace -X): by name, as the number, or both. */
export type ConstantStyle = 'abbrev' | 'raw' | 'verbose';

/**
 * The style decoders are being bound with. The catalog binds each set of plans under
 * withBindingStyle; helpers that render constants (flagsArg, valueArg, the open flags) read it
 * once when they are bound, so a bound decoder renders in one style and needs no lookup per event.
 */
let bindingStyle: ConstantStyle = 'abbrev';

/** Runs `bind` with decoders bound in `style`. */
export function withBindingStyle<T>(style: ConstantStyle, bind: () => T): T {
  const previous = bindingStyle;
  bindingStyle = style;
  try {
    return bind();
  } finally {
    bindingStyle = previous;
  }
}

/** The style of the decoders being bound now. */
export function currentBindingStyle(): ConstantStyle {
  return bindingStyle;
}

/**
 * A constant's rendering in `style`: the name(s) (`abbrev`), the number in hex (`raw`; or in
 * decimal for `decimal`), or the number with the name(s) in a comment (`verbose`). A rendering
 * that already says the value is unknown keeps its own comment.
 */
export function styled(value: bigint, abbrev: string, style: ConstantStyle, decimal = false): string {
  if (style === 'abbrev') return abbrev;
  const number = decimal ? value.toString() : hexValue(value);
  if (style === 'raw' || abbrev === number || abbrev.startsWith(`${number} /*`)) return style === 'raw' ? number : abbrev;
  return `${number} /* ${abbrev} */`;
}

/** Distinct values per bound decoder are few; beyond this many, renderings are not cached. */
const CACHE_LIMIT = 256;

/**
 * Memoizes a rendering of integers (flag words, commands) per bound decoder. Keyed by number
 * (a Map hashes numbers much faster than BigInts); values beyond 2^53 are not cached.
 */
export function cached(render: (value: bigint) => string): (value: bigint) => string {
  const cache = new Map<number, string>();
  return (value) => {
    if (value > 0x1fffffffffffffn || value < 0n) return render(value);
    const key = Number(value);
    let text = cache.get(key);
    if (text === undefined) {
      text = render(value);
      if (cache.size < CACHE_LIMIT) cache.set(key, text);
    }
    return text;
  };
}

/** The register as the kernel's `int`/`unsigned int` parameter sees it: the low 32 bits. */
export function u32(reg: bigint | undefined): bigint {
  return BigInt.asUintN(32, reg ?? 0n);
}

/** The low 32 bits as a signed int. */
export function s32(reg: bigint | undefined): bigint {
  return BigInt.asIntN(32, reg ?? 0n);
}

/** A pointer as strace prints it: NULL or hex. */
export function pointer(reg: bigint | undefined): string {
  const v = reg ?? 0n;
  return v === 0n ? 'NULL' : `0x${v.toString(16)}`;
}

/** A flags argument (the kernel's int: low 32 bits) rendered with `table`. */
export function flagsArg(argIndex: number, table: Xlat, unknown: string): ArgDecoder {
  const style = currentBindingStyle();
  const render = cached((v) => styled(v, formatFlags(v, table, unknown), style));
  return (args) => render(u32(args[argIndex]));
}

/** A value argument (low 32 bits) rendered with `table`. */
export function valueArg(argIndex: number, table: Xlat, unknown: string): ArgDecoder {
  const style = currentBindingStyle();
  const render = cached((v) => styled(v, formatValue(v, table, unknown), style));
  return (args) => render(u32(args[argIndex]));
}


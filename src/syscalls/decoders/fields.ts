/**
 * Table-driven struct printing (and 64-bit flag arguments) for the kernel-object decoders (bpf_attr, io_uring's register
 * structs): a struct is a list of fields at fixed offsets, printed `{name=value, ...}` from the
 * bytes the kernel side read, as strace's PRINT_FIELD_* macros print them. A field may be a
 * version gate (`since`): strace stops before it when the caller's size does not reach it.
 */
import type { RawString } from '../types';
import { textBytes } from '../text';
import { ifindexText } from './net';
import { quoteBytes } from './quote';
import { viewOf } from './registry';
import type { ArgDecoder, CallView } from './registry';
import { cached, currentBindingStyle, formatFlags, formatValue, hexValue, pointer, styled, type Xlat } from './xlat';

/** How one field prints. */
export type FieldKind =
  | { t: 'u32' }
  | { t: 'u64' }
  | { t: 'x32' }
  | { t: 'x64' }
  /** An fd or other signed int. */
  | { t: 's32' }
  | { t: 'addr' }
  | { t: 'xval'; table: Xlat; unknown: string; width?: 8 | 16 | 32 }
  | { t: 'flags'; table: Xlat; unknown: string; width?: 32 | 64 }
  /** A char array of `size` bytes (PRINT_FIELD_CSTRING_SZ). */
  | { t: 'cstr'; size: number }
  /** An unsigned 32-bit value in decimal with its name in a comment when it has one (PRINT_FIELD_XVAL_U_VERBOSE). */
  | { t: 'uverbose'; table: Xlat }
  | { t: 'ifindex' }
  | { t: 'kver' }
  /** A pointer to an array of the u32 count at `countAt`: NULL, `[]` when empty, else its address (elements not read). */
  | { t: 'array'; countAt: number }
  /**
   * A pointer to a string the kernel side read behind it (SCT_READ_INNER): the string, cut at
   * -s unless a path, else the address.
   */
  | { t: 'str'; path?: boolean };

/** The string the kernel side read behind the pointer field at byte `at`, when it did. */
export type InnerStrings = (at: number) => RawString | undefined;

export interface Field {
  name: string;
  at: number;
  kind: FieldKind;
  /** strace prints this field and the ones after it only when the size given reaches past `at`. */
  since?: boolean;
  /** Printed only when this returns true for the struct's bytes (strace's conditional fields). */
  when?: (v: DataView) => boolean;
}

/** The bytes of a field's width. */
function width(kind: FieldKind): number {
  switch (kind.t) {
    case 'u64':
    case 'x64':
    case 'addr':
    case 'array':
    case 'str':
      return 8;
    case 'xval':
      return (kind.width ?? 32) / 8;
    case 'flags':
      return (kind.width ?? 32) / 8;
    case 'cstr':
      return kind.size;
    default:
      return 4;
  }
}

/** Reads an unsigned field of `bytes` bytes (zero beyond the view, as strace's zeroed copy). */
function readUint(v: DataView, at: number, bytes: number): bigint {
  if (at + bytes > v.byteLength) return 0n;
  switch (bytes) {
    case 1:
      return BigInt(v.getUint8(at));
    case 2:
      return BigInt(v.getUint16(at, true));
    case 8:
      return v.getBigUint64(at, true);
    default:
      return BigInt(v.getUint32(at, true));
  }
}

/** A C string in a fixed array of `size` bytes: up to its NUL, or cut with `...` when it has none. */
export function fixedCString(data: Uint8Array): string {
  const nul = data.indexOf(0);
  if (nul >= 0) return quoteBytes(data.subarray(0, nul));
  return `${quoteBytes(data.subarray(0, Math.max(0, data.length - 1)))}...`;
}

/** A string the kernel side read, as strace's printstr (cut at `max`) or printpath (`max` Infinity) shows it. */
export function stringText(s: RawString, max: number): string {
  const bytes = textBytes(s.text, s.bytes);
  const cut = bytes.length > max;
  return quoteBytes(cut ? bytes.subarray(0, max) : bytes, { truncated: cut || s.truncated });
}

/**
 * The string argument `argIndex` as strace shows it, cut at `max` bytes like printstr, or ''
 * (the default rendering) when it was not read.
 */
export function shownString(call: CallView, argIndex: number, max: number): string {
  const s = call.strings.get(argIndex);
  return !s || s.unreadable ? '' : stringText(s, max);
}

/** One field's value; `len` is how many bytes of the struct the caller supplied. */
export function fieldValue(v: DataView, f: Field, len: number, inner?: InnerStrings, max = Infinity): string {
  const k = f.kind;
  if (k.t === 'cstr') {
    const size = Math.min(k.size, Math.max(0, len - f.at), v.byteLength - f.at);
    return fixedCString(new Uint8Array(v.buffer, v.byteOffset + f.at, Math.max(0, size)));
  }
  const n = readUint(v, f.at, width(k));
  switch (k.t) {
    case 'u32':
    case 'u64':
      return n.toString();
    case 'x32':
    case 'x64':
      return hexValue(n);
    case 's32':
      return BigInt.asIntN(32, n).toString();
    case 'addr':
      return pointer(n);
    case 'xval':
      return formatValue(n, k.table, k.unknown);
    case 'uverbose': {
      const name = k.table.find(([, value]) => value === n)?.[0];
      return name === undefined ? n.toString() : `${n} /* ${name} */`;
    }
    case 'flags':
      return formatFlags(n, k.table, k.unknown);
    case 'ifindex':
      return ifindexText(Number(n));
    case 'kver':
      return `KERNEL_VERSION(${n >> 16n}, ${(n >> 8n) & 0xffn}, ${n & 0xffn})`;
    case 'array':
      return n !== 0n && readUint(v, k.countAt, 4) === 0n ? '[]' : pointer(n);
    case 'str': {
      const s = n === 0n ? undefined : inner?.(f.at);
      return s && !s.unreadable ? stringText(s, k.path ? Infinity : max) : pointer(n);
    }
  }
}

/**
 * `name=value, ...` of the fields a caller supplying `len` bytes reaches (the fields before the
 * first `since` gate at or past `len` are all printed, from zeroes where `len` is short).
 */
export function formatFields(data: Uint8Array, fields: readonly Field[], len: number, inner?: InnerStrings, max?: number): string {
  const v = viewOf(data);
  const parts: string[] = [];
  for (const f of fields) {
    if (f.since && len <= f.at) break;
    if (f.when && !f.when(v)) continue;
    parts.push(`${f.name}=${fieldValue(v, f, len, inner, max)}`);
  }
  return parts.join(', ');
}

/**
 * What strace appends for bytes past the struct it knows (`attrSize`): nothing when they are all
 * zero, else `...`, or with -v the bytes in hex and their range.
 */
export function extraData(data: Uint8Array, attrSize: number, verbose: boolean): string {
  if (data.length <= attrSize) return '';
  const rest = data.subarray(attrSize);
  if (rest.every((b) => b === 0)) return '';
  if (!verbose) return ', ...';
  return `, extra_data=${quoteBytes(rest, { hex: true })} /* bytes ${attrSize}..${attrSize + rest.length - 1} */`;
}

/** A flags argument the kernel takes as an unsigned long (all 64 bits; flagsArg takes 32). */
export function flags64Arg(argIndex: number, table: Xlat, unknown: string): ArgDecoder {
  const style = currentBindingStyle();
  const render = cached((v) => styled(v, formatFlags(v, table, unknown), style));
  return (args) => render(BigInt.asUintN(64, args[argIndex] ?? 0n));
}

/**
 * An array behind a pointer as strace's print_array prints it: NULL, `[]` when it has no
 * elements, its address when the kernel side did not deliver the elements shown (`data`, the
 * array's bytes from its start) or when its size wraps, else at most `max` elements (-s) and
 * `...` for the rest. `headCap`: the read was made with SCT_RD_HEAD at most that many bytes, so
 * data shorter than asked for ends where the memory did: the elements before it are shown, then
 * `... /* ADDR *\/` at the first unreadable one (also when it is the one past `max`, which
 * print_array fetches before it prints `...`).
 */
export function arrayText(
  ptr: bigint,
  count: bigint,
  elem: number,
  data: Uint8Array | undefined,
  max: number,
  render: (v: DataView, at: number) => string,
  headCap?: number,
): string {
  if (ptr === 0n) return 'NULL';
  if (count === 0n) return '[]';
  const shown = count < BigInt(max) ? Number(count) : max;
  if (count * BigInt(elem) + ptr > 0xffffffffffffffffn) return pointer(ptr);
  const asked = headCap === undefined ? 0 : Number(count * BigInt(elem) < BigInt(headCap) ? count * BigInt(elem) : BigInt(headCap));
  const memoryEnds = data !== undefined && headCap !== undefined && data.length < asked;
  const readable = memoryEnds ? Math.floor(data.length / elem) : shown;
  if (!data || readable === 0 || (!memoryEnds && data.length < shown * elem)) return pointer(ptr);
  const v = viewOf(data);
  const items: string[] = [];
  for (let i = 0; i < Math.min(shown, readable); i++) items.push(render(v, i * elem));
  if (readable < shown || (readable === shown && BigInt(shown) < count && memoryEnds)) items.push(`... /* ${pointer(ptr + BigInt(readable * elem))} */`);
  else if (BigInt(shown) < count) items.push('...');
  return `[${items.join(', ')}]`;
}

/**
 * The pieces every netlink family is printed with, as strace prints them (its nlattr.c): the
 * memory a message was read from, attributes (`[{nla_len=8, nla_type=IFLA_MTU}, 65536]`, several
 * as an array, at most -s of them) and the common attribute payloads (integers, strings,
 * addresses, flags, nested attributes).
 *
 * Everything is addressed by offset into the call's buffer, because strace reads a message piece
 * by piece from the traced process: a piece that lies past what could be read prints as its
 * address (`0x7f...`), the rest as usual. The kernel side delivers the readable bytes.
 */
import type { ArchTables } from '../../arch';
import { hwaddrText, ifindexText, ipv6Text } from '../net';
import { quoteBytes } from '../quote';
import { fixedXlat, formatFlags, formatValue, hexValue, type ConstantStyle, type Xlat } from '../xlat';

export const NLA_HDRLEN = 4;
export const align4 = (n: number) => (n + 3) & ~3;

/** An enum of consecutive values from `start` (UAPI enums, whose order is their ABI); '' skips a value. */
export function seq(names: readonly string[], start = 0): Xlat {
  return fixedXlat(names.map((name, i): [string, number] => [name, i + start]).filter(([name]) => name !== ''));
}

/** The call's buffer: the bytes that could be read, and the user address they start at. */
export class Mem {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly base: bigint) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Whether `len` bytes at `at` could be read. */
  has(at: number, len: number): boolean {
    return at >= 0 && at + len <= this.bytes.length;
  }

  /** The address of offset `at`, as strace prints a pointer. */
  addr(at: number): string {
    const a = this.base + BigInt(at);
    return a === 0n ? 'NULL' : `0x${a.toString(16)}`;
  }

  u8(at: number): number {
    return this.bytes[at];
  }
  u16(at: number): number {
    return this.view.getUint16(at, true);
  }
  u32(at: number): number {
    return this.view.getUint32(at, true);
  }
  s32(at: number): number {
    return this.view.getInt32(at, true);
  }
  u64(at: number): bigint {
    return this.view.getBigUint64(at, true);
  }
}

/** What a decoder sees of the call being printed. */
export interface Ctx {
  mem: Mem;
  /** -s: bytes of a hex payload, and attributes and messages in an array. */
  max: number;
  tables: ArchTables;
  /** strace's addrfams. */
  families: Xlat;
  /** -X: how constants are shown. */
  style: ConstantStyle;
}

/**
 * One attribute's payload at `at`, `len` bytes; undefined means strace's default, the bytes in
 * hex. `opaque` is what the enclosing message passes down (its family, or the attribute's type
 * for a table that decodes every type alike).
 */
export type NlaDecoder = (c: Ctx, at: number, len: number, opaque: number) => string | undefined;

/** A set of attributes: their names, the unknown comment, and decoders by type. */
export interface AttrSpec {
  names: Xlat;
  unknown: string;
  decoders?: ReadonlyMap<number, NlaDecoder>;
  /** One decoder for every type, given the type as `opaque` (strace's size-0 tables). */
  all?: NlaDecoder;
}

/** An AttrSpec whose decoders are given by name (names the table lacks are ignored). */
export function attrSpec(names: Xlat, unknown: string, decoders: Record<string, NlaDecoder> = {}): AttrSpec {
  const byType = new Map<number, NlaDecoder>();
  for (const [name, value] of names) {
    const d = decoders[name];
    if (d) byType.set(Number(value), d);
  }
  return { names, unknown, decoders: byType };
}

/** printstr with QUOTE_FORCE_HEX: the first -s bytes in hex, or the address when unreadable. */
export function hex(c: Ctx, at: number, len: number): string {
  const shown = Math.min(len, c.max);
  if (!c.mem.has(at, shown)) return c.mem.addr(at);
  return quoteBytes(c.mem.bytes.subarray(at, at + shown), { hex: true, truncated: len > c.max });
}

/** A struct of `size` bytes at `at`: `show()` when readable, else its address (umove_or_printaddr). */
export function obj(c: Ctx, at: number, size: number, show: () => string): string {
  return c.mem.has(at, size) ? show() : c.mem.addr(at);
}

/**
 * The walk strace makes over messages and attributes alike (decode_netlink, decode_nlattr): one
 * `item` per header of `hdrLen` bytes whose length field (`lengthAt`) fits, an array when there
 * are several, at most -s of them, a short tail in hex and an unreadable one as its address.
 */
export function walk(c: Ctx, at: number, len: number, hdrLen: number, lengthAt: (at: number) => number, item: (at: number, len: number) => string): string {
  const out: string[] = [];
  let array = false;
  for (;;) {
    if (len < hdrLen) {
      out.push(hex(c, at, len));
      break;
    }
    if (!c.mem.has(at, hdrLen)) {
      out.push(array ? `... /* ${c.mem.addr(at)} */` : c.mem.addr(at));
      break;
    }
    if (out.length === c.max) {
      out.push('...');
      break;
    }
    const itemLen = lengthAt(at);
    const next = itemLen >= hdrLen && len >= align4(itemLen) ? len - align4(itemLen) : 0;
    if (next) array = true;
    out.push(item(at, len));
    if (!next) break;
    at += align4(itemLen);
    len = next;
  }
  return array ? `[${out.join(', ')}]` : out[0];
}

/** decode_nlattr: the attributes in `len` bytes at `at`. */
export function attrs(c: Ctx, at: number, len: number, spec: AttrSpec, opaque = 0): string {
  return walk(c, at, len, NLA_HDRLEN, (a) => c.mem.u16(a), (a, rest) => attr(c, a, Math.min(c.mem.u16(a), rest), c.mem.u16(a), c.mem.u16(a + 2), spec, opaque));
}

function attr(c: Ctx, at: number, shownLen: number, nlaLen: number, rawType: number, spec: AttrSpec, opaque: number): string {
  const flags = `${rawType & 0x8000 ? 'NLA_F_NESTED|' : ''}${rawType & 0x4000 ? 'NLA_F_NET_BYTEORDER|' : ''}`;
  const type = rawType & 0x3fff;
  const name = spec.unknown === '' ? hexValue(BigInt(type)) : formatValue(BigInt(type), spec.names, spec.unknown);
  const head = `{nla_len=${nlaLen}, nla_type=${flags}${name}}`;
  if (shownLen <= NLA_HDRLEN) return head;
  const dataLen = shownLen - NLA_HDRLEN;
  const decoder = spec.all ?? spec.decoders?.get(type);
  const shown = decoder?.(c, at + NLA_HDRLEN, dataLen, spec.all ? rawType : opaque) ?? hex(c, at + NLA_HDRLEN, dataLen);
  return `[${head}, ${shown}]`;
}

/** Nested attributes of `spec`. */
export function nested(spec: AttrSpec): NlaDecoder {
  return (c, at, len, opaque) => attrs(c, at, len, spec, opaque);
}

/** An integer of `size` bytes: at least that many, the rest ignored (decode_nla_u32 and kin). */
function integer(size: 1 | 2 | 4 | 8, show: (c: Ctx, at: number) => string): NlaDecoder {
  return (c, at, len) => (len < size ? undefined : obj(c, at, size, () => show(c, at)));
}
export const u8 = integer(1, (c, at) => String(c.mem.u8(at)));
export const u16 = integer(2, (c, at) => String(c.mem.u16(at)));
export const u32 = integer(4, (c, at) => String(c.mem.u32(at)));
export const u64 = integer(8, (c, at) => String(c.mem.u64(at)));
export const s8 = integer(1, (c, at) => String(c.mem.view.getInt8(at)));
export const s16 = integer(2, (c, at) => String(c.mem.view.getInt16(at, true)));
export const s32 = integer(4, (c, at) => String(c.mem.s32(at)));
export const s64 = integer(8, (c, at) => String(c.mem.view.getBigInt64(at, true)));
const hexOf = (v: number | bigint) => `0x${v.toString(16)}`.replace(/^0x0$/, '0');
export const x8 = integer(1, (c, at) => hexOf(c.mem.u8(at)));
export const x16 = integer(2, (c, at) => hexOf(c.mem.u16(at)));
export const x32 = integer(4, (c, at) => hexOf(c.mem.u32(at)));
export const x64 = integer(8, (c, at) => hexOf(c.mem.u64(at)));
/** Network byte order integers: `htons(N)`, `htonl(N)`. */
export const be16 = integer(2, (c, at) => `htons(${c.mem.view.getUint16(at, false)})`);
export const be32 = integer(4, (c, at) => `htonl(${c.mem.view.getUint32(at, false)})`);
export const be64 = integer(8, (c, at) => `htobe64(${c.mem.view.getBigUint64(at, false)})`);

/** An unsigned value of `size` bytes (or of the payload's length up to 8 when size is 0), little-endian. */
export function uintOf(c: Ctx, at: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(c.mem.u8(at + i));
  return v;
}

/** decode_nla_xval: a value named by `table`, of `size` bytes (0: the payload's length, at most 8). */
export function xval(table: Xlat, unknown: string, size = 0): NlaDecoder {
  return (c, at, len) => {
    if (len > 8 || len < size) return undefined;
    const n = size ? Math.min(len, size) : len;
    return obj(c, at, n, () => formatValue(uintOf(c, at, n), table, unknown));
  };
}

/** decode_nla_flags: flags named by `table`, of `size` bytes (0: the payload's length, at most 8). */
export function flags(table: Xlat, unknown: string, size = 0): NlaDecoder {
  return (c, at, len) => {
    if (len > 8 || len < size) return undefined;
    const n = size ? Math.min(len, size) : len;
    return obj(c, at, n, () => formatFlags(uintOf(c, at, n), table, unknown));
  };
}

/**
 * decode_nla_str: the first -s bytes as a string, a NUL in the last shown byte left out; `...`
 * after it unless it ended with that NUL (strace expects one).
 */
export const str: NlaDecoder = (c, at, len) => {
  const size = Math.min(len, c.max);
  if (!c.mem.has(at, size)) return c.mem.addr(at);
  const bytes = c.mem.bytes.subarray(at, at + size);
  const nul = size > 0 && bytes[size - 1] === 0;
  return quoteBytes(nul ? bytes.subarray(0, size - 1) : bytes, { truncated: !nul && len > 0 });
};

/** printstr with QUOTE_0_TERMINATED: up to the first NUL of the first -s bytes, `...` when none ends it there. */
export const cstr: NlaDecoder = (c, at, len) => {
  const size = Math.min(len, c.max);
  if (!c.mem.has(at, size)) return c.mem.addr(at);
  const bytes = c.mem.bytes.subarray(at, at + size);
  const nul = bytes.indexOf(0);
  if (nul >= 0) return quoteBytes(bytes.subarray(0, nul));
  // A NUL right after the -s bytes still ends the string.
  const ended = len > c.max && c.mem.has(at + size, 1) && c.mem.u8(at + size) === 0;
  return quoteBytes(bytes, { truncated: len > 0 && !ended });
};

/** printstrn: `len` bytes as a string, cut at -s. */
export const strn: NlaDecoder = (c, at, len) => {
  const shown = Math.min(len, c.max);
  if (!c.mem.has(at, shown)) return c.mem.addr(at);
  return quoteBytes(c.mem.bytes.subarray(at, at + shown), { truncated: len > c.max });
};

export { ifindexText };
export const ifindex = integer(4, (c, at) => ifindexText(c.mem.u32(at)));

/** A hardware address: `xx:xx:...` (at most MAX_ADDR_LEN, 32 bytes). */
export const hwaddr: NlaDecoder = (c, at, len) => {
  if (len > 32) return undefined;
  return obj(c, at, len, () => hwaddrText(c.mem.bytes.subarray(at, at + len)));
};

export const inAddr = integer(4, (c, at) => `inet_addr("${Array.from(c.mem.bytes.subarray(at, at + 4)).join('.')}")`);
export const in6Addr: NlaDecoder = (c, at, len) =>
  len < 16 ? undefined : obj(c, at, 16, () => `inet_pton(AF_INET6, "${ipv6Text(c.mem.bytes.subarray(at, at + 16))}")`);
/** decode_inet_addr: an address of the message's family (`opaque`), in hex for other families or when short. */
export function familyAddr(inet: number, inet6: number): NlaDecoder {
  return (c, at, len, family) => {
    const size = family === inet ? 4 : family === inet6 ? 16 : 0;
    if (!size || len < size) return hex(c, at, len);
    return size === 4 ? inAddr(c, at, len, 0) : in6Addr(c, at, len, 0);
  };
}

/** printxval: the name of `value`, its hex with the `unknown` comment, or bare hex when there is no comment. */
export function named(value: number | bigint, table: Xlat, unknown: string): string {
  return unknown === '' ? (table.find(([, v]) => v === BigInt(value))?.[0] ?? hexValue(BigInt(value))) : formatValue(BigInt(value), table, unknown);
}

/** print_array with indices: `[[IDX_A]=1, [IDX_B]=2]` (`array`'s rules), unknown indices in decimal. */
export function indexedArray(size: 4 | 8, table: Xlat, unknown: string, signed = false): NlaDecoder {
  return array(size, (c, p, i) => {
    const v = size === 8 ? String(c.mem.u64(p)) : signed ? String(c.mem.s32(p)) : String(c.mem.u32(p));
    return `[${table.find(([, x]) => x === BigInt(i))?.[0] ?? `${i} /* ${unknown} */`}]=${v}`;
  });
}

/** A struct of unsigned fields of one size, as many as its size when the payload holds it whole. */
export function fields(names: readonly string[], size: 4 | 8, minLen = names.length * size): NlaDecoder {
  return (c, at, len) => {
    if (len < minLen) return undefined;
    return obj(c, at, names.length * size, () => `{${names.map((name, i) => `${name}=${size === 8 ? c.mem.u64(at + 8 * i) : c.mem.u32(at + 4 * i)}`).join(', ')}}`);
  };
}

/** decode_nla_clock_t: clock ticks (at most 8 bytes), with the seconds in a comment at USER_HZ 100. */
export const clockT: NlaDecoder = (c, at, len) => {
  if (len > 8) return undefined;
  return obj(c, at, len, () => {
    const v = uintOf(c, at, len);
    if (v === 0n || c.style === 'raw') return String(v);
    return `${v} /* ${v / 100n}.${String(v % 100n).padStart(2, '0')} s */`;
  });
};

/** struct rtnl_link_stats64 (u64 fields) and rtnl_link_stats (u32, without the last), in order. */
const LINK_STATS = [
  'rx_packets', 'tx_packets', 'rx_bytes', 'tx_bytes', 'rx_errors', 'tx_errors', 'rx_dropped', 'tx_dropped', 'multicast', 'collisions',
  'rx_length_errors', 'rx_over_errors', 'rx_crc_errors', 'rx_frame_errors', 'rx_fifo_errors', 'rx_missed_errors', 'tx_aborted_errors',
  'tx_carrier_errors', 'tx_fifo_errors', 'tx_heartbeat_errors', 'tx_window_errors', 'rx_compressed', 'tx_compressed', 'rx_nohandler',
  'rx_otherhost_dropped',
];
/**
 * Link statistics of `size`-byte fields: the struct of an older kernel (up to tx_compressed, or
 * rx_nohandler) when the payload is exactly that long, the whole struct when it is at least as long.
 */
export function linkStats(size: 4 | 8): NlaDecoder {
  const all = size === 8 ? 25 : 24;
  return (c, at, len) => {
    const n = len >= all * size ? all : len === 24 * size ? 24 : len === 23 * size ? 23 : 0;
    if (n === 0) return undefined;
    return obj(c, at, n * size, () => `{${LINK_STATS.slice(0, n).map((name, i) => `${name}=${size === 8 ? c.mem.u64(at + 8 * i) : c.mem.u32(at + 4 * i)}`).join(', ')}}`);
  };
}

/** A struct of `size` bytes (`show` at its offset), then what follows it in hex; undefined when shorter. */
export function structThenHex(size: number, show: (c: Ctx, at: number) => string): NlaDecoder {
  return (c, at, len) => {
    if (len < size) return undefined;
    const head = obj(c, at, size, () => show(c, at));
    return len > size ? `${head}, ${hex(c, at + size, len - size)}` : head;
  };
}

/** decode_nla_uid: a uid or gid, -1 for the all-ones value. */
export const uid = integer(4, (c, at) => (c.mem.u32(at) === 0xffffffff ? '-1' : String(c.mem.u32(at))));

/**
 * print_array of `size`-byte elements (`show` each): `[1, 2]`, at most -s of them, an element
 * past the readable bytes as `... /* address *\/` (the whole as its address when the first is);
 * undefined for less than one element.
 */
export function array(size: number, show: (c: Ctx, at: number, index: number) => string): NlaDecoder {
  return (c, at, len) => {
    const n = Math.floor(len / size);
    if (n === 0) return undefined;
    if (!c.mem.has(at, size)) return c.mem.addr(at);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      if (i === c.max) {
        out.push('...');
        break;
      }
      const p = at + i * size;
      if (!c.mem.has(p, size)) {
        out.push(`... /* ${c.mem.addr(p)} */`);
        break;
      }
      out.push(show(c, p, i));
    }
    return `[${out.join(', ')}]`;
  };
}

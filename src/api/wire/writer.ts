/**
 * An append-only protobuf writer over one reusable buffer. Nested messages are written in place:
 * `reserve()` leaves one byte for the length, `finish()` fills it in, moving the body when the
 * length needs more than one byte (rare for events: most nested messages are under 128 bytes).
 *
 * 64-bit integers arrive as decimal strings (proto-loader's `longs: String`), numbers, bigints
 * or Long-like {low, high} objects; they are split into two unsigned 32-bit halves (`lo`, `hi`)
 * without allocating.
 */

const TWO_32 = 4294967296;

export class ProtoWriter {
  buf: Buffer;
  pos = 0;
  /** Halves of the last 64-bit value parsed by set64. */
  private lo = 0;
  private hi = 0;
  /** The last long decimal's digits above the lowest nine, and their value (parseDecimal). */
  private highText = '';
  private highValue = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Forgets what was written; keeps the buffer. */
  reset(): void {
    this.pos = 0;
  }

  /** A copy of bytes [from, pos), owned by the caller. */
  copy(from = 0): Buffer {
    const out = Buffer.allocUnsafe(this.pos - from);
    this.buf.copy(out, 0, from, this.pos);
    return out;
  }

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** An unsigned value below 2^32. */
  varint32(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let v = value >>> 0;
    let pos = this.pos;
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** int32 / enum: negative values are sign-extended to ten bytes, as the wire format requires. */
  int32(value: number): void {
    const v = value | 0;
    if (v >= 0) this.varint32(v);
    else this.varint64(v >>> 0, 0xffffffff);
  }

  sint32(value: number): void {
    const v = value | 0;
    this.varint32(((v << 1) ^ (v >> 31)) >>> 0);
  }

  varint64(lo: number, hi: number): void {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (hi !== 0) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 0x7f) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  /**
   * Parses a 64-bit value into lo/hi (two's complement for negatives). Returns false when the
   * value is zero, so callers can skip proto3 defaults without a second parse.
   */
  set64(value: unknown): boolean {
    if (typeof value === 'string') this.parseDecimal(value);
    else if (typeof value === 'number') this.fromNumber(value);
    else if (typeof value === 'bigint') {
      const v = BigInt.asUintN(64, value);
      this.lo = Number(v & 0xffffffffn);
      this.hi = Number(v >> 32n);
    } else if (value !== null && typeof value === 'object' && 'low' in value && 'high' in value) {
      this.lo = (value as { low: number }).low >>> 0;
      this.hi = (value as { high: number }).high >>> 0;
    } else {
      throw new TypeError(`not a 64-bit integer: ${String(value)}`);
    }
    return this.lo !== 0 || this.hi !== 0;
  }

  private fromNumber(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`not a 64-bit integer: ${value}`);
    const negative = value < 0;
    const magnitude = Math.trunc(Math.abs(value));
    // `>>> 0` is ToUint32, i.e. modulo 2^32, exact for doubles; `%` would call fmod.
    this.lo = magnitude >>> 0;
    this.hi = Math.floor(magnitude / TWO_32) >>> 0;
    if (negative) this.negate();
  }

  /** Decimal digits with an optional sign, exact for the whole 64-bit range (wrapping beyond it). */
  private parseDecimal(s: string): void {
    const len = s.length;
    let i = 0;
    let negative = false;
    const first = len > 0 ? s.charCodeAt(0) : 0;
    if (first === 45 || first === 43) {
      negative = first === 45;
      i = 1;
    }
    if (i >= len || len - i > 20) throw new TypeError(`not a 64-bit integer: ${JSON.stringify(s)}`);
    if (len - i <= 15) {
      // Up to 15 digits fit a double exactly.
      const n = digits(s, i, len);
      this.lo = n >>> 0;
      this.hi = Math.floor(n / TWO_32) >>> 0;
    } else {
      // value = high * 1e9 + low, with high < 2^37; split high at 2^16 so every product is exact.
      // Timestamps share their leading digits for a second: the parsed high part is kept.
      const split = len - 9;
      let high: number;
      if (this.highText.length === split - i && s.startsWith(this.highText, i)) {
        high = this.highValue;
      } else {
        high = digits(s, i, split);
        this.highText = s.slice(i, split);
        this.highValue = high;
      }
      const low = digits(s, split, len);
      const highTop = Math.floor(high / 65536);
      const a = (high - highTop * 65536) * 1e9 + low; // < 2^47
      const b = highTop * 1e9; // < 2^51; value = b * 2^16 + a
      const aHi = Math.floor(a / TWO_32);
      const bHi = Math.floor(b / 65536);
      let lo = a - aHi * TWO_32 + (b - bHi * 65536) * 65536;
      let carry = 0;
      if (lo >= TWO_32) {
        lo -= TWO_32;
        carry = 1;
      }
      this.lo = lo >>> 0;
      this.hi = (aHi + bHi + carry) >>> 0;
    }
    if (negative) this.negate();
  }

  private negate(): void {
    this.lo = (~this.lo + 1) >>> 0;
    this.hi = (~this.hi + (this.lo === 0 ? 1 : 0)) >>> 0;
  }

  /** uint64 / int64 from set64's halves. */
  write64(): void {
    this.varint64(this.lo, this.hi);
  }

  /** sint64 (zigzag) from set64's halves. */
  writeSint64(): void {
    const sign = this.hi >>> 31 ? 0xffffffff : 0;
    const hi = (((this.hi << 1) | (this.lo >>> 31)) ^ sign) >>> 0;
    const lo = ((this.lo << 1) ^ sign) >>> 0;
    this.varint64(lo, hi);
  }

  /** fixed64 / sfixed64 from set64's halves. */
  writeFixed64(): void {
    this.ensure(8);
    this.buf.writeUInt32LE(this.lo, this.pos);
    this.buf.writeUInt32LE(this.hi, this.pos + 4);
    this.pos += 8;
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  float(value: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(value, this.pos);
    this.pos += 4;
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** A length-prefixed UTF-8 string. ASCII is copied by hand; anything else goes through Buffer. */
  string(s: string): void {
    const n = s.length;
    if (n < 128) {
      this.ensure(n + 1);
      const buf = this.buf;
      const start = this.pos;
      let pos = start + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[pos++] = c;
      }
      if (i === n) {
        buf[start] = n;
        this.pos = pos;
        return;
      }
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varint32(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(s, this.pos, bytes, 'utf8');
  }

  /** The first `n` bytes of `data`, as they are (already encoded). */
  raw(data: Uint8Array, n: number): void {
    this.ensure(n);
    const buf = this.buf;
    let pos = this.pos;
    if (n <= 64) for (let i = 0; i < n; i++) buf[pos++] = data[i];
    else {
      buf.set(data.subarray(0, n), pos);
      pos += n;
    }
    this.pos = pos;
  }

  /** A length-prefixed byte string; a string is taken as base64, as protobufjs's fromObject does. */
  bytes(value: Uint8Array | string): void {
    const data = typeof value === 'string' ? Buffer.from(value, 'base64') : value;
    this.varint32(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Starts a length-delimited body; returns the mark to pass to finish(). */
  reserve(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Writes the length of the body begun at `mark`, moving the body if the length needs more than one byte. */
  finish(mark: number): void {
    const len = this.pos - mark - 1;
    if (len < 0x80) {
      this.buf[mark] = len;
      return;
    }
    const extra = len < 1 << 14 ? 1 : len < 1 << 21 ? 2 : len < 1 << 28 ? 3 : 4;
    this.ensure(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    let v = len;
    let p = mark;
    while (v > 0x7f) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[p] = v;
    this.pos += extra;
  }
}

/** The decimal number in s[from, to); throws on a non-digit. At most 16 digits stay exact. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new TypeError(`not a 64-bit integer: ${JSON.stringify(s)}`);
    n = n * 10 + d;
  }
  return n;
}

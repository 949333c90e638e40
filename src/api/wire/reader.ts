/**
 * A cursor over protobuf bytes: varints, length-delimited values and skipping, for the two
 * places that read the wire format by hand (descriptor.ts reads the proto's descriptors,
 * walk.ts the events of a StreamEventsResponse). The client library's decoder is generated
 * code of its own (clients/ts/decoder.ts).
 */
export class WireReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** A varint as a double (exact below 2^53, which every length, count and sequence read here is). */
  varint(): number {
    const buf = this.buf;
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = buf[this.pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
  }

  /** A length-delimited value as a reader over its bytes; this one moves past it. */
  sub(): WireReader {
    const len = this.varint();
    const end = this.pos + len;
    if (end > this.end) throw new Error('field runs past the message');
    const sub = new WireReader(this.buf, this.pos, end);
    this.pos = end;
    return sub;
  }

  /** A length-delimited UTF-8 string. */
  string(): string {
    const r = this.sub();
    return Buffer.from(r.buf.buffer, r.buf.byteOffset + r.pos, r.end - r.pos).toString('utf8');
  }

  /** Skips the value of a field with wire type `wt`. */
  skip(wt: number): void {
    if (wt === 0) this.varint();
    else if (wt === 1) this.pos += 8;
    else if (wt === 2) {
      // Not `this.pos += this.varint()`: that adds to the position from before the length.
      const len = this.varint();
      this.pos += len;
    } else if (wt === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wt}`);
    if (this.pos > this.end) throw new Error('field runs past the message');
  }

  /** Calls `onField(number, wireType)` for each field; the callback consumes the value or returns false to skip it. */
  fields(onField: (field: number, wireType: number) => boolean): void {
    while (this.pos < this.end) {
      const tag = this.varint();
      if (!onField(Math.floor(tag / 8), tag & 7)) this.skip(tag & 7);
    }
  }
}

/**
 * A protobuf decoder compiled from tracer.proto's descriptors, the counterpart of the service's
 * compiled encoder (src/api/wire/compile.ts): one generated function per message type, all in one
 * closure sharing the read position, so a consumer decodes a stream at well over a million events
 * a second on one core where the generic protobufjs path takes about 2 µs an event.
 *
 * The output is exactly what proto-loader gives with the options the generated types assume
 * (keepCase, longs: String, enums: String, defaults: true, oneofs: true): every field present with
 * its default, 64-bit integers as decimal strings, the set member of a oneof named in its virtual
 * field (`kind`, `value`), absent members left out; test/unit/ts-client-decoder.test.ts checks it
 * against protobufjs. Short strings that repeat from one message to the next (task names, syscall
 * names, argument names and types) are recognised from their bytes and not decoded again.
 */
import { FieldType, WIRE_LEN, reachableFrom, readSchemas, wireType, type FieldSchema, type MessageSchema, type Schemas } from '../../src/api/wire/descriptor';

/** Decodes one serialized message. */
export type DecodeFn<T = unknown> = (bytes: Uint8Array) => T;

/** Strings up to this many bytes are remembered per field, to recognise a repeat without decoding. */
const CACHED_STRING_BYTES = 32;
/** Values remembered per string field (a power of two). */
const CACHE_SLOTS = 8;



/** The runtime the generated functions close over: position, 64-bit halves, readers. */
const RUNTIME = `
let buf; let p = 0; let lo = 0; let hi = 0;
function fail(what) { throw new Error('decode: ' + what + ' at byte ' + p); }
function v32() {
  let b = buf[p++]; if (b < 128) return b;
  let r = b & 127;
  b = buf[p++]; r |= (b & 127) << 7; if (b < 128) return r;
  b = buf[p++]; r |= (b & 127) << 14; if (b < 128) return r;
  b = buf[p++]; r |= (b & 127) << 21; if (b < 128) return r;
  b = buf[p++]; r |= (b & 15) << 28; if (b < 128) return r >>> 0;
  for (let i = 0; i < 5; i++) if (buf[p++] < 128) return r >>> 0;
  fail('varint longer than 10 bytes');
}
function v64() {
  let b = buf[p++]; let l = b & 127; let h = 0;
  if (b >= 128) { b = buf[p++]; l |= (b & 127) << 7;
  if (b >= 128) { b = buf[p++]; l |= (b & 127) << 14;
  if (b >= 128) { b = buf[p++]; l |= (b & 127) << 21;
  if (b >= 128) { b = buf[p++]; l |= (b & 15) << 28; h = (b & 127) >> 4;
  if (b >= 128) { b = buf[p++]; h |= (b & 127) << 3;
  if (b >= 128) { b = buf[p++]; h |= (b & 127) << 10;
  if (b >= 128) { b = buf[p++]; h |= (b & 127) << 17;
  if (b >= 128) { b = buf[p++]; h |= (b & 127) << 24;
  if (b >= 128) { b = buf[p++]; h |= (b & 1) << 31;
  if (b >= 128) fail('varint longer than 10 bytes'); } } } } } } } } }
  lo = l >>> 0; hi = h >>> 0;
}
function f64() {
  lo = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
  hi = (buf[p + 4] | (buf[p + 5] << 8) | (buf[p + 6] << 16) | (buf[p + 7] << 24)) >>> 0;
  p += 8;
}
function f32() { const v = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)); p += 4; return v; }
function pad7(n) { const s = '' + n; return s.length === 7 ? s : '0000000'.slice(s.length) + s; }
// Unsigned decimal of hi:lo, built from numbers below 2^31 only: V8 turns those into strings
// fast (and caches them); a larger number takes its general double-to-string path, several
// times slower. Above 2^53, in base-10^7 digits of 24-bit limbs:
// 2^24 = 10^7 + 6777216, 2^48 = (2 * 10^7 + 8147497) * 10^7 + 6710656.
function u64s(l, h) {
  if (h === 0 && l < 0x80000000) return '' + l;
  if (h < 0x200000) {
    const v = h * 4294967296 + l;
    const q = Math.floor(v / 10000000);
    return q + pad7(v - q * 10000000); // q < 2^53 / 10^7 < 2^31
  }
  const low = l & 0xffffff, mid = ((l >>> 24) | (h << 8)) & 0xffffff, high = (h >>> 16) & 0xffff;
  let a = low + mid * 6777216 + high * 6710656;
  let b = mid + high * 8147497;
  let c = high * 2;
  if (a >= 10000000) { b += Math.floor(a / 10000000); a %= 10000000; }
  if (b >= 10000000) { c += Math.floor(b / 10000000); b %= 10000000; }
  // Such values are nanosecond timestamps: those of one batch share their digits above the
  // lowest seven (10 ms), so that prefix is kept from one call to the next.
  const top = c * 10000000 + b;
  if (top !== topValue) { topValue = top; topText = c + pad7(b); }
  return topText + pad7(a);
}
let topValue = -1; let topText = '';
function s64s(l, h) {
  if ((h & 0x80000000) === 0) return u64s(l, h);
  l = (~l + 1) >>> 0; h = (~h + (l === 0 ? 1 : 0)) >>> 0;
  return '-' + u64s(l, h);
}
function zz64s(l, h) {
  const neg = -(l & 1);
  return s64s((((l >>> 1) | (h << 31)) ^ neg) >>> 0, ((h >>> 1) ^ neg) >>> 0);
}
function str(n) {
  const e = p + n; if (e > buf.length) fail('string runs past the message');
  const s = buf.utf8Slice(p, e); p = e; return s;
}
// A string field's recent values and their bytes, in ${CACHE_SLOTS} slots picked by length and end
// bytes (a field of a repeated message, like SyscallArg.name, cycles through a few values): a
// repeat is recognised by comparing bytes.
function cache() {
  return { n: new Int32Array(${CACHE_SLOTS}).fill(-1), s: new Array(${CACHE_SLOTS}).fill(''), b: new Uint8Array(${CACHE_SLOTS * CACHED_STRING_BYTES}) };
}
function cstr(n, c) {
  if (n > ${CACHED_STRING_BYTES} || n === 0) return n === 0 ? '' : str(n);
  const e = p + n; if (e > buf.length) fail('string runs past the message');
  const slot = (n * 7 + buf[p] * 3 + buf[e - 1]) & ${CACHE_SLOTS - 1};
  const b = c.b, at = slot * ${CACHED_STRING_BYTES};
  if (c.n[slot] === n) {
    let i = 0;
    while (i < n && b[at + i] === buf[p + i]) i++;
    if (i === n) { p = e; return c.s[slot]; }
  }
  for (let i = 0; i < n; i++) b[at + i] = buf[p + i];
  const s = buf.utf8Slice(p, e);
  c.n[slot] = n; c.s[slot] = s; p = e;
  return s;
}
const EMPTY = Buffer.alloc(0);
function bytes(n) {
  const e = p + n; if (e > buf.length) fail('bytes run past the message');
  const out = Buffer.allocUnsafe(n); buf.copy(out, 0, p, e); p = e; return out;
}
function skip(wt) {
  if (wt === 0) { while (buf[p++] >= 128) { if (p > buf.length) fail('truncated varint'); } }
  else if (wt === 1) p += 8;
  else if (wt === 2) { const n = v32(); p += n; }
  else if (wt === 5) p += 4;
  else fail('unsupported wire type ' + wt);
}
function end(n) { const e = p + n; if (e > buf.length) fail('message runs past its container'); return e; }
`;

/** proto-loader's default for a singular field, as source. */
function defaultCode(f: FieldSchema, schemas: Schemas): string {
  if (f.repeated) return '[]';
  switch (f.type) {
    case FieldType.STRING:
      return "''";
    case FieldType.BYTES:
      // One shared empty Buffer (it has no bytes to change): a new one per message costs more
      // than the rest of a small message.
      return 'EMPTY';
    case FieldType.BOOL:
      return 'false';
    case FieldType.MESSAGE:
      return 'null';
    case FieldType.ENUM:
      return JSON.stringify(enumDefault(f, schemas));
    case FieldType.INT64:
    case FieldType.UINT64:
    case FieldType.SINT64:
    case FieldType.FIXED64:
    case FieldType.SFIXED64:
      return "'0'";
    default:
      return '0';
  }
}

function enumDefault(f: FieldSchema, schemas: Schemas): string {
  const e = schemas.enums.get(f.typeName);
  if (!e) throw new Error(`decoder: enum ${f.typeName} is not in the descriptors`);
  for (const [name, number] of e.values) if (number === 0) return name;
  return e.values.keys().next().value ?? '';
}

/** Source reading one scalar value of `f` (the tag already consumed), as an expression. */
function scalarCode(f: FieldSchema, cacheName: string, enumRef: string): string {
  switch (f.type) {
    case FieldType.STRING:
      return cacheName ? `cstr(v32(), ${cacheName})` : 'str(v32())';
    case FieldType.BYTES:
      return 'bytes(v32())';
    case FieldType.BOOL:
      return 'v32() !== 0';
    case FieldType.UINT32:
      return 'v32() >>> 0';
    case FieldType.INT32:
      return 'v32() | 0';
    case FieldType.SINT32:
      return '((x) => (x >>> 1) ^ -(x & 1))(v32())';
    case FieldType.ENUM:
      return `((x) => ${enumRef}.get(x) ?? x)(v32() | 0)`;
    case FieldType.FIXED32:
      return 'f32() >>> 0';
    case FieldType.SFIXED32:
      return 'f32() | 0';
    case FieldType.FLOAT:
      return '((x) => (p += 4, x))(buf.readFloatLE(p))';
    case FieldType.DOUBLE:
      return '((x) => (p += 8, x))(buf.readDoubleLE(p))';
    case FieldType.UINT64:
      return '(v64(), u64s(lo, hi))';
    case FieldType.INT64:
      return '(v64(), s64s(lo, hi))';
    case FieldType.SINT64:
      return '(v64(), zz64s(lo, hi))';
    case FieldType.FIXED64:
      return '(f64(), u64s(lo, hi))';
    case FieldType.SFIXED64:
      return '(f64(), s64s(lo, hi))';
    default:
      throw new Error(`decoder: unsupported field type ${f.type}`);
  }
}

function tagOf(f: FieldSchema, wt: number): number {
  return f.number * 8 + wt;
}

interface Compiled {
  source: string;
  caches: string[];
}

/** Source of one message's decode function `D<index>(end)`. */
function messageSource(schema: MessageSchema, index: number, messageIndex: Map<string, number>, enumIndex: Map<string, number>, schemas: Schemas): Compiled {
  const caches: string[] = [];
  const defaults = schema.fields.filter((f) => f.oneof === null).map((f) => `${JSON.stringify(f.name)}: ${defaultCode(f, schemas)}`);
  const cases: string[] = [];
  for (const f of schema.fields) {
    const key = JSON.stringify(f.name);
    const set = (expr: string): string => {
      if (f.oneof === null) return `m[${key}] = ${expr};`;
      const virtual = JSON.stringify(schema.oneofs[f.oneof]);
      // The last member of a oneof on the wire wins; an earlier one is removed.
      return `{ const k = m[${virtual}]; if (k !== undefined && k !== ${key}) delete m[k]; m[${key}] = ${expr}; m[${virtual}] = ${key}; }`;
    };
    if (f.type === FieldType.MESSAGE) {
      const d = `D${messageIndex.get(f.typeName)}`;
      const expr = `${d}(end(v32()))`;
      cases.push(`case ${tagOf(f, WIRE_LEN)}: ${f.repeated ? `m[${key}].push(${expr});` : set(expr)} break;`);
      continue;
    }
    let cacheName = '';
    if (f.type === FieldType.STRING) {
      cacheName = `C${index}_${f.number}`;
      caches.push(cacheName);
    }
    const enumRef = f.type === FieldType.ENUM ? `N[${enumIndex.get(f.typeName)}]` : '';
    const value = scalarCode(f, cacheName, enumRef);
    const wt = wireType(f.type);
    if (f.repeated) {
      cases.push(`case ${tagOf(f, wt)}: m[${key}].push(${value}); break;`);
      // Packed form; accepted for any repeated scalar, as parsers must.
      if (wt !== WIRE_LEN) cases.push(`case ${tagOf(f, WIRE_LEN)}: { const e = end(v32()); const a = m[${key}]; while (p < e) a.push(${value}); if (p !== e) fail('packed field overruns'); } break;`);
    } else {
      cases.push(`case ${tagOf(f, wt)}: ${set(value)} break;`);
    }
  }
  const source = `function D${index}(e) {
  const m = { ${defaults.join(', ')} };
  while (p < e) {
    let t = buf[p++];
    if (t > 127) { p--; t = v32(); }
    switch (t) {
      ${cases.join('\n      ')}
      default: skip(t & 7);
    }
  }
  if (p !== e) fail('${schema.fullName} overruns its length');
  return m;
}`;
  return { source, caches };
}

/** Decoders for every message reachable from `roots`, by full name. */
export function compileDecoders(schemas: Schemas, roots: string[]): Map<string, DecodeFn> {
  const { messages: order, messageIndex, enums, enumIndex } = reachableFrom(schemas, roots, 'decoder');
  const enumTables = enums.map((e) => new Map([...e.values].map(([name, number]) => [number, name])));
  const parts = order.map((schema, i) => messageSource(schema, i, messageIndex, enumIndex, schemas));
  const caches = parts.flatMap((c) => c.caches).map((name) => `const ${name} = cache();`);
  const entries = order.map((_, i) => `function (b) { buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength); p = 0; const m = D${i}(b.length); buf = undefined; return m; }`);
  const source = `${RUNTIME}\n${caches.join('\n')}\n${parts.map((c) => c.source).join('\n')}\nreturn [${entries.join(',\n')}];`;
  // Source generated above from the proto's own descriptors, never from input.
  const factory = new Function('N', 'Buffer', source) as (n: Map<number, string>[], buffer: typeof Buffer) => DecodeFn[];
  const decoders = factory(enumTables, Buffer);
  return new Map(order.map((s, i) => [s.fullName, decoders[i]]));
}

/** Decoders compiled from serialized FileDescriptorProtos (proto-loader's `fileDescriptorProtos`). */
export function decodersFromDescriptors(files: readonly Uint8Array[], roots: string[]): Map<string, DecodeFn> {
  return compileDecoders(readSchemas(files), roots);
}

/**
 * Compiles one encode function per message type from the schemas of tracer.proto, so the hot path
 * writes protobuf without protobufjs's fromObject/encode (docs/kernel-costs.md: a hand-written encoder of the
 * wire format is ~3× faster; measured here 8–11× on events, whose 64-bit fields arrive as
 * decimal strings that fromObject turns into Long objects first).
 *
 * The functions are generated source, like protobufjs's own encoders: a field read through a
 * fixed property name keeps V8's inline caches monomorphic, where a loop over a field table would
 * make every read a megamorphic keyed load. The input is the plain-object form proto-loader
 * accepts (keepCase names, 64-bit values as string/number/Long, enums as names or numbers), and
 * the output decodes to the same message as proto-loader's serializer gives, with two
 * differences in bytes only: proto3 default values of singular non-oneof fields are left out (the
 * canonical encoding; protobufjs writes them when the property is present), and a lone UTF-16
 * surrogate becomes U+FFFD (Buffer's UTF-8) where protobufjs writes it as is.
 */
import { FieldType, WIRE_LEN, reachableFrom, wireType, type FieldSchema, type MessageSchema, type Schemas } from './descriptor';
import type { ProtoWriter } from './writer';

/** Writes the fields of one message (no tag or length of its own). */
export type EncodeFn = (message: object, w: ProtoWriter) => void;


const SIXTY_FOUR = new Set<number>([FieldType.INT64, FieldType.UINT64, FieldType.SINT64, FieldType.FIXED64, FieldType.SFIXED64]);


/** Source that writes a field's tag. */
function tagCode(number: number, wt: number): string {
  const tag = number * 8 + wt;
  return tag < 0x80 ? `w.byte(${tag});` : `w.varint32(${tag});`;
}

/**
 * Source that writes one scalar value `x` (no tag). 64-bit values must have gone through
 * w.set64(x) first. `enumRef` names the enum's value table for ENUM fields.
 */
function valueCode(type: number, x: string, enumRef: string): string {
  switch (type) {
    case FieldType.STRING:
      return `w.string(typeof ${x} === 'string' ? ${x} : String(${x}));`;
    case FieldType.BYTES:
      return `w.bytes(${x});`;
    case FieldType.BOOL:
      return `w.byte(${x} ? 1 : 0);`;
    case FieldType.UINT32:
      return `w.varint32(${x} >>> 0);`;
    case FieldType.INT32:
      return `w.int32(${x} | 0);`;
    case FieldType.SINT32:
      return `w.sint32(${x} | 0);`;
    case FieldType.ENUM:
      return `w.int32(typeof ${x} === 'string' ? (${enumRef}.get(${x}) ?? 0) : ${x} | 0);`;
    case FieldType.FIXED32:
    case FieldType.SFIXED32:
      return `w.fixed32(${x} | 0);`;
    case FieldType.FLOAT:
      return `w.float(+${x});`;
    case FieldType.DOUBLE:
      return `w.double(+${x});`;
    case FieldType.INT64:
    case FieldType.UINT64:
      return 'w.write64();';
    case FieldType.SINT64:
      return 'w.writeSint64();';
    case FieldType.FIXED64:
    case FieldType.SFIXED64:
      return 'w.writeFixed64();';
    default:
      throw new Error(`unsupported field type ${type}`);
  }
}

/** Condition under which a singular non-oneof scalar `v` (not null) differs from its proto3 default. */
function notDefaultCode(type: number, enumRef: string): string {
  switch (type) {
    case FieldType.STRING:
      return `v !== ''`;
    case FieldType.BYTES:
      return 'v.length > 0';
    case FieldType.BOOL:
      return 'v';
    case FieldType.UINT32:
      return '(v >>> 0) !== 0';
    case FieldType.ENUM:
      return `(typeof v === 'string' ? (${enumRef}.get(v) ?? 0) : v | 0) !== 0`;
    case FieldType.FLOAT:
    case FieldType.DOUBLE:
      return '+v !== 0';
    default:
      if (SIXTY_FOUR.has(type)) return 'w.set64(v)';
      return '(v | 0) !== 0';
  }
}

/**
 * The last frozen object of one message type that was encoded, and its bytes (length prefix and
 * body): a frozen object cannot have changed since, so the same one is written by copying them.
 */
interface Memo {
  m: object | undefined;
  b: Buffer;
  n: number;
}

/** Source that writes the nested message `x` of type `f.typeName` (its tag already written). */
function nestedCode(f: FieldSchema, messageIndex: Map<string, number>, memoIndex: Map<string, number>): string {
  const enc = `E[${messageIndex.get(f.typeName)}]`;
  const k = memoIndex.get(f.typeName);
  if (k === undefined) return `at = w.reserve(); ${enc}(x, w); w.finish(at);`;
  return (
    `const c = C[${k}]; if (x === c.m) w.raw(c.b, c.n); ` +
    `else { const s = w.pos; at = w.reserve(); ${enc}(x, w); w.finish(at); ` +
    `if (Object.isFrozen(x)) { c.n = w.pos - s; if (c.b.length < c.n) c.b = Buffer.allocUnsafe(2 * c.n); w.buf.copy(c.b, 0, s, w.pos); c.m = x; } }`
  );
}

function fieldCode(f: FieldSchema, messageIndex: Map<string, number>, enumIndex: Map<string, number>, memoIndex: Map<string, number>): string {
  const read = `v = m[${JSON.stringify(f.name)}];`;
  const enumRef = f.type === FieldType.ENUM ? `N[${enumIndex.get(f.typeName)}]` : '';
  const is64 = SIXTY_FOUR.has(f.type);
  if (f.type === FieldType.MESSAGE) {
    const one = `${tagCode(f.number, WIRE_LEN)} ${nestedCode(f, messageIndex, memoIndex)}`;
    if (f.repeated) return `${read} if (v != null) for (let i = 0; i < v.length; i++) { const x = v[i]; ${one} }`;
    return `${read} if (v != null) { const x = v; ${one} }`;
  }
  if (f.repeated && f.packed) {
    const elem = is64 ? `w.set64(v[i]); ${valueCode(f.type, 'v[i]', enumRef)}` : valueCode(f.type, 'v[i]', enumRef);
    return `${read} if (v != null && v.length > 0) { ${tagCode(f.number, WIRE_LEN)} at = w.reserve(); for (let i = 0; i < v.length; i++) { ${elem} } w.finish(at); }`;
  }
  if (f.repeated) {
    const elem = `${is64 ? 'w.set64(v[i]); ' : ''}${tagCode(f.number, wireType(f.type))} ${valueCode(f.type, 'v[i]', enumRef)}`;
    return `${read} if (v != null) for (let i = 0; i < v.length; i++) { ${elem} }`;
  }
  const write = `${tagCode(f.number, wireType(f.type))} ${valueCode(f.type, 'v', enumRef)}`;
  if (f.oneof !== null) {
    // A set oneof member (or proto3 optional) is written even when it holds the default value.
    return `${read} if (v != null) { ${is64 ? 'w.set64(v); ' : ''}${write} }`;
  }
  return `${read} if (v != null && ${notDefaultCode(f.type, enumRef)}) { ${write} }`;
}

/** Generated source of one message's encoder. */
function messageSource(schema: MessageSchema, messageIndex: Map<string, number>, enumIndex: Map<string, number>, memoIndex: Map<string, number>): string {
  const lines = schema.fields.map((f) => `  ${fieldCode(f, messageIndex, enumIndex, memoIndex)}`);
  return `return function encode_${schema.fullName.replace(/\W/g, '_')}(m, w) {\n  let v; let at;\n${lines.join('\n')}\n};`;
}

/**
 * Encoders for every message reachable from `roots`, by full name. Nested messages of the types
 * in `memoized` that are frozen objects are encoded once while the same object comes again
 * (e.g. the record decoder's Task, shared by the consecutive events of a thread).
 */
export function compileEncoders(schemas: Schemas, roots: string[], memoized: readonly string[] = []): Map<string, EncodeFn> {
  const { messages: order, messageIndex, enums, enumIndex } = reachableFrom(schemas, roots, 'encoder');
  const enumTables = enums.map((e) => e.values);
  const memoIndex = new Map(memoized.map((name, i) => [name, i]));
  const memos: Memo[] = memoized.map(() => ({ m: undefined, b: Buffer.allocUnsafe(256), n: 0 }));
  const encoders: EncodeFn[] = [];
  for (const schema of order) {
    // Source generated above from the proto's own descriptors, never from input.
    const factory = new Function('E', 'N', 'C', messageSource(schema, messageIndex, enumIndex, memoIndex)) as (
      e: EncodeFn[],
      n: Map<string, number>[],
      c: Memo[],
    ) => EncodeFn;
    encoders.push(factory(encoders, enumTables, memos));
  }
  return new Map(order.map((s, i) => [s.fullName, encoders[i]]));
}

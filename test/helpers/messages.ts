/**
 * Messages with every field set, built from the loaded schema (so a field added to tracer.proto is
 * covered without touching the tests): for the compiled encoder's and decoder's tests, which
 * compare them with protobufjs.
 */
import { FieldType, type FieldSchema, type MessageSchema, type Schemas } from '../../src/api/wire/descriptor';

export const UNICODE = 'žluťoučký kůň ✓ 日本語 🙂';

/** A value of `f`'s type; `variant` picks among interesting ones (0: extreme, 1: default, 2: ordinary). */
function valueOf(schemas: Schemas, f: FieldSchema, variant: number, depth: number): unknown {
  switch (f.type) {
    case FieldType.STRING:
      return [UNICODE, '', `${f.name}-${'x'.repeat(140)}`][variant];
    case FieldType.BYTES:
      return [Buffer.from([0, 1, 2, 255, 128]), Buffer.alloc(0), Buffer.alloc(300, 7)][variant];
    case FieldType.BOOL:
      return [true, false, true][variant];
    case FieldType.UINT32:
    case FieldType.FIXED32:
      return [4294967295, 0, 1234][variant];
    case FieldType.INT32:
    case FieldType.SINT32:
    case FieldType.SFIXED32:
      return [-2147483648, 0, -5][variant];
    case FieldType.UINT64:
    case FieldType.FIXED64:
      return ['18446744073709551615', '0', '1764000000123456789'][variant];
    case FieldType.INT64:
    case FieldType.SINT64:
    case FieldType.SFIXED64:
      return ['-9223372036854775808', '0', '-2'][variant];
    case FieldType.DOUBLE:
    case FieldType.FLOAT:
      return [-1.5, 0, 0.25][variant];
    case FieldType.ENUM:
      return [...schemas.enums.get(f.typeName)!.values.keys()].at(-1);
    case FieldType.MESSAGE:
      return depth > 3 ? {} : sampleMessage(schemas, schemas.messages.get(f.typeName)!, variant, 0, depth + 1);
    default:
      throw new Error(`test does not know field type ${f.type}`);
  }
}

/** A message with every field set, and member `oneofPick` (cycling) of each oneof. */
export function sampleMessage(schemas: Schemas, schema: MessageSchema, variant: number, oneofPick: number, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  schema.oneofs.forEach((name, index) => {
    const members = schema.fields.filter((f) => f.oneof === index);
    const chosen = members[oneofPick % members.length];
    out[chosen.name] = f1(schemas, chosen, variant, depth);
    out[name] = chosen.name;
  });
  for (const f of schema.fields) {
    if (f.oneof !== null) continue;
    out[f.name] = f1(schemas, f, variant, depth);
  }
  return out;
}

function f1(schemas: Schemas, f: FieldSchema, variant: number, depth: number): unknown {
  if (!f.repeated) return valueOf(schemas, f, variant, depth);
  return variant === 1 ? [] : [valueOf(schemas, f, 0, depth), valueOf(schemas, f, 2, depth), valueOf(schemas, f, 1, depth)];
}


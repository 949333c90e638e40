/**
 * Message schemas read from the serialized FileDescriptorProtos that proto-loader keeps for every
 * type (`MessageTypeDefinition.fileDescriptorProtos`), so the encoder follows tracer.proto as it
 * is loaded, including oneof membership, which the JSON form of proto-loader's descriptors loses
 * (it reports oneofIndex 0 for every field). Field numbers are those of
 * google/protobuf/descriptor.proto.
 */

import { WireReader } from './reader';

/** FieldDescriptorProto.Type values. */
export const FieldType = {
  DOUBLE: 1,
  FLOAT: 2,
  INT64: 3,
  UINT64: 4,
  INT32: 5,
  FIXED64: 6,
  FIXED32: 7,
  BOOL: 8,
  STRING: 9,
  GROUP: 10,
  MESSAGE: 11,
  BYTES: 12,
  UINT32: 13,
  ENUM: 14,
  SFIXED32: 15,
  SFIXED64: 16,
  SINT32: 17,
  SINT64: 18,
} as const;

/** Wire types of the protobuf encoding. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** The wire type a field of `type` (a FieldType) is written with, unpacked. */
export function wireType(type: number): number {
  switch (type) {
    case FieldType.DOUBLE:
    case FieldType.FIXED64:
    case FieldType.SFIXED64:
      return WIRE_FIXED64;
    case FieldType.FLOAT:
    case FieldType.FIXED32:
    case FieldType.SFIXED32:
      return WIRE_FIXED32;
    case FieldType.STRING:
    case FieldType.BYTES:
    case FieldType.MESSAGE:
      return WIRE_LEN;
    default:
      return WIRE_VARINT;
  }
}

export interface FieldSchema {
  name: string;
  number: number;
  type: number;
  repeated: boolean;
  /** For a repeated scalar: written packed (proto3's default unless [packed = false]). */
  packed: boolean;
  /** Index into the message's oneofs; proto3 `optional` fields are synthetic oneofs. */
  oneof: number | null;
  /** Fully-qualified name (no leading dot) of a message or enum type. */
  typeName: string;
}

export interface MessageSchema {
  fullName: string;
  fields: FieldSchema[];
  oneofs: string[];
  /** A map<K, V> entry type (not supported by the encoder). */
  mapEntry: boolean;
}

export interface EnumSchema {
  fullName: string;
  values: Map<string, number>;
}

export interface Schemas {
  messages: Map<string, MessageSchema>;
  enums: Map<string, EnumSchema>;
}

/** Reads every message and enum of the given serialized FileDescriptorProtos. */
export function readSchemas(files: readonly Uint8Array[]): Schemas {
  const schemas: Schemas = { messages: new Map(), enums: new Map() };
  const pending: { schema: MessageSchema; typeNames: string[] }[] = [];
  for (const file of files) {
    const r = new WireReader(file);
    let pkg = '';
    const messages: WireReader[] = [];
    const enums: WireReader[] = [];
    r.fields((field, wt) => {
      if (field === 2 && wt === 2) pkg = r.string();
      else if (field === 4 && wt === 2) messages.push(r.sub());
      else if (field === 5 && wt === 2) enums.push(r.sub());
      else return false;
      return true;
    });
    for (const m of messages) readMessage(m, pkg, schemas, pending);
    for (const e of enums) readEnum(e, pkg, schemas);
  }
  for (const { schema, typeNames } of pending) {
    schema.fields.forEach((f, i) => {
      if (typeNames[i]) f.typeName = resolveType(typeNames[i], schema.fullName, schemas);
    });
  }
  return schemas;
}

function join(scope: string, name: string): string {
  return scope ? `${scope}.${name}` : name;
}

function readMessage(r: WireReader, scope: string, schemas: Schemas, pending: { schema: MessageSchema; typeNames: string[] }[]): void {
  let name = '';
  const fields: WireReader[] = [];
  const nested: WireReader[] = [];
  const enums: WireReader[] = [];
  const oneofs: string[] = [];
  let mapEntry = false;
  r.fields((field, wt) => {
    if (wt !== 2) return false;
    if (field === 1) name = r.string();
    else if (field === 2) fields.push(r.sub());
    else if (field === 3) nested.push(r.sub());
    else if (field === 4) enums.push(r.sub());
    else if (field === 7) {
      const opts = r.sub();
      opts.fields((f, w) => (f === 7 && w === 0 ? ((mapEntry = opts.varint() !== 0), true) : false));
    } else if (field === 8) {
      const decl = r.sub();
      decl.fields((f, w) => (f === 1 && w === 2 ? (oneofs.push(decl.string()), true) : false));
    } else return false;
    return true;
  });
  const fullName = join(scope, name);
  const schema: MessageSchema = { fullName, fields: [], oneofs, mapEntry };
  const typeNames: string[] = [];
  for (const f of fields) {
    const parsed = readField(f);
    schema.fields.push(parsed.field);
    typeNames.push(parsed.typeName);
  }
  schemas.messages.set(fullName, schema);
  pending.push({ schema, typeNames });
  for (const n of nested) readMessage(n, fullName, schemas, pending);
  for (const e of enums) readEnum(e, fullName, schemas);
}

function readField(r: WireReader): { field: FieldSchema; typeName: string } {
  const field: FieldSchema = { name: '', number: 0, type: 0, repeated: false, packed: true, oneof: null, typeName: '' };
  let typeName = '';
  let packedOption: boolean | null = null;
  r.fields((f, wt) => {
    if (f === 1 && wt === 2) field.name = r.string();
    else if (f === 3 && wt === 0) field.number = r.varint();
    else if (f === 4 && wt === 0) field.repeated = r.varint() === 3;
    else if (f === 5 && wt === 0) field.type = r.varint();
    else if (f === 6 && wt === 2) typeName = r.string();
    else if (f === 9 && wt === 0) field.oneof = r.varint();
    else if (f === 8 && wt === 2) {
      const opts = r.sub();
      opts.fields((o, w) => (o === 2 && w === 0 ? ((packedOption = opts.varint() !== 0), true) : false));
    } else return false;
    return true;
  });
  const scalar = field.type !== FieldType.STRING && field.type !== FieldType.BYTES && field.type !== FieldType.MESSAGE && field.type !== FieldType.GROUP;
  field.packed = field.repeated && scalar && packedOption !== false;
  return { field, typeName };
}

function readEnum(r: WireReader, scope: string, schemas: Schemas): void {
  let name = '';
  const values = new Map<string, number>();
  r.fields((f, wt) => {
    if (f === 1 && wt === 2) name = r.string();
    else if (f === 2 && wt === 2) {
      const v = r.sub();
      let vName = '';
      let vNumber = 0;
      v.fields((vf, vw) => {
        if (vf === 1 && vw === 2) vName = v.string();
        else if (vf === 2 && vw === 0) vNumber = v.varint() | 0;
        else return false;
        return true;
      });
      values.set(vName, vNumber);
    } else return false;
    return true;
  });
  const fullName = join(scope, name);
  schemas.enums.set(fullName, { fullName, values });
}

/** Resolves a type reference the way protoc does: innermost enclosing scope first. */
function resolveType(ref: string, from: string, schemas: Schemas): string {
  if (ref.startsWith('.')) return ref.slice(1);
  const parts = from.split('.');
  for (let i = parts.length; i >= 0; i--) {
    const candidate = join(parts.slice(0, i).join('.'), ref);
    if (schemas.messages.has(candidate) || schemas.enums.has(candidate)) return candidate;
  }
  throw new Error(`descriptor: type ${ref} referenced from ${from} is not defined`);
}

/** The messages and enums reachable from some root messages, numbered in the order found. */
export interface Reachable {
  messages: MessageSchema[];
  messageIndex: Map<string, number>;
  enums: EnumSchema[];
  enumIndex: Map<string, number>;
}

/**
 * Walks the message types reachable from `roots` through message fields, for the compiled encoder
 * and decoder (which number them to call each other). `who` names the caller in errors; maps
 * and groups, which tracer.proto does not use, are refused.
 */
export function reachableFrom(schemas: Schemas, roots: string[], who: string): Reachable {
  const found: Reachable = { messages: [], messageIndex: new Map(), enums: [], enumIndex: new Map() };
  const visit = (name: string) => {
    if (found.messageIndex.has(name)) return;
    const schema = schemas.messages.get(name);
    if (!schema) throw new Error(`${who}: message ${name} is not in the descriptors`);
    if (schema.mapEntry) throw new Error(`${who}: ${name} is a map entry; map fields are not supported`);
    found.messageIndex.set(name, found.messages.length);
    found.messages.push(schema);
    for (const f of schema.fields) {
      if (f.type === FieldType.GROUP) throw new Error(`${who}: ${name}.${f.name} is a group; groups are not supported`);
      if (f.type === FieldType.MESSAGE) visit(f.typeName);
      if (f.type === FieldType.ENUM && !found.enumIndex.has(f.typeName)) {
        const e = schemas.enums.get(f.typeName);
        if (!e) throw new Error(`${who}: enum ${f.typeName} is not in the descriptors`);
        found.enumIndex.set(f.typeName, found.enums.length);
        found.enums.push(e);
      }
    }
  };
  for (const root of roots) visit(root);
  return found;
}

#!/usr/bin/env node
// Validates Kubernetes manifests (YAML files, several documents each; "-" reads stdin) against the
// Kubernetes schemas, two ways:
//   - kubernetes-models: types, required fields, enums and formats of every object (its ajv
//     validators are generated from the Kubernetes OpenAPI schemas);
//   - unknown fields, which those schemas allow but which are almost always typos (hostPid for
//     hostPID) that the API server drops or refuses: every key must be a field of the type the
//     official JavaScript client's models (@kubernetes/client-node, from the same OpenAPI spec)
//     give for that place.
// Prints one line per document; exits 1 if any is invalid.
import fs from 'node:fs';
import { parseAllDocuments } from 'yaml';
import * as clientModels from '@kubernetes/client-node/dist/gen/models/all.js';

/** The kubernetes-models class of apiVersion/kind, e.g. apps/v1 DaemonSet. */
async function modelClass(apiVersion, kind) {
  const module = await import(`kubernetes-models/${apiVersion}/${kind}`).catch(() => null);
  return module?.[kind] ?? null;
}

/** The client-node model name of apiVersion/kind: v1 Service -> V1Service, apps/v1 DaemonSet -> V1DaemonSet. */
function clientTypeName(apiVersion, kind) {
  const version = apiVersion.split('/').pop();
  return version.charAt(0).toUpperCase() + version.slice(1) + kind;
}

/** Unknown fields of `value`, which should be of client-node type `type`, as "path: ..." strings. */
function unknownFields(value, type, path, out) {
  if (value === null || value === undefined) return out;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, array[1], `${path}[${i}]`, out));
    return out;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === 'object') for (const [k, v] of Object.entries(value)) unknownFields(v, map[1], `${path}.${k}`, out);
    return out;
  }
  const model = clientModels[type];
  if (!model?.attributeTypeMap || typeof value !== 'object' || Array.isArray(value)) return out;
  const fields = new Map(model.attributeTypeMap.map((a) => [a.baseName, a.type]));
  for (const [key, v] of Object.entries(value)) {
    if (!fields.has(key)) {
      const near = [...fields.keys()].find((f) => f.toLowerCase() === key.toLowerCase());
      out.push(`${path}.${key}: unknown field of ${type}${near ? ` (did you mean ${near}?)` : ''}`);
    }
    else unknownFields(v, fields.get(key), `${path}.${key}`, out);
  }
  return out;
}

/** Problems of one parsed document (empty when valid). */
async function check(doc) {
  if (typeof doc !== 'object' || doc === null) return ['not an object'];
  const { apiVersion, kind } = doc;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['apiVersion and kind are required'];
  const Model = await modelClass(apiVersion, kind);
  if (!Model) return [`${apiVersion} ${kind}: not a Kubernetes object kubernetes-models knows`];
  const problems = [];
  try {
    new Model(doc).validate();
  } catch (err) {
    problems.push(String(err.message ?? err));
  }
  const typeName = clientTypeName(apiVersion, kind);
  if (!clientModels[typeName]) problems.push(`${apiVersion} ${kind}: no client model ${typeName} to check field names against`);
  else unknownFields(doc, typeName, '', problems);
  return problems;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: validate.mjs FILE.yaml... ("-" for stdin)\n');
  process.exit(2);
}
let failed = 0;
let checked = 0;
for (const file of files) {
  const text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  for (const parsed of parseAllDocuments(text)) {
    if (parsed.errors.length) {
      failed++;
      console.log(`${file}: YAML: ${parsed.errors.map((e) => e.message).join('; ')}`);
      continue;
    }
    const doc = parsed.toJS();
    if (doc === null) continue;
    checked++;
    const name = `${file}: ${doc.kind ?? '?'} ${doc.metadata?.name ?? '?'}`;
    const problems = await check(doc);
    if (problems.length) {
      failed++;
      for (const p of problems) console.log(`${name}: INVALID: ${p}`);
    } else {
      console.log(`${name}: valid`);
    }
  }
}
console.log(`${checked} objects checked, ${failed} invalid`);
process.exit(failed || checked === 0 ? 1 : 0);

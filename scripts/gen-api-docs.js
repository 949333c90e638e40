#!/usr/bin/env node
/**
 * Generates docs/api.md, the API reference, from the comments in proto/. The proto is compiled by
 * buf (the same compiler `buf lint` and `buf breaking` use) into a FileDescriptorSet that keeps
 * the source comments (SourceCodeInfo); this script only renders it, so the reference says what
 * the proto says and nothing else.
 *
 * Usage: node scripts/gen-api-docs.js [--check]
 *   --check  write nothing; exit 1, naming the command to run, when docs/api.md is not what the
 *            proto generates (npm test runs this through test/contract/proto.test.ts).
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'docs', 'api.md');
const BUF = path.join(ROOT, 'node_modules', '.bin', 'buf');

// FileDescriptorProto / DescriptorProto / ServiceDescriptorProto field numbers, as used in
// SourceCodeInfo.Location.path (google/protobuf/descriptor.proto).
const FILE_MESSAGE = 4;
const FILE_ENUM = 5;
const FILE_SERVICE = 6;
const FILE_SYNTAX = 12;
const MESSAGE_FIELD = 2;
const MESSAGE_NESTED = 3;
const MESSAGE_ENUM = 4;
const MESSAGE_ONEOF = 8;
const ENUM_VALUE = 2;
const SERVICE_METHOD = 2;

/** The compiled proto/, as the JSON form of a FileDescriptorSet with source info. */
function compile() {
  if (!fs.existsSync(BUF)) throw new Error(`${BUF} is missing: run npm ci (the @bufbuild/buf package ships it)`);
  const json = execFileSync(BUF, ['build', 'proto', '--as-file-descriptor-set', '-o', '-#format=json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return JSON.parse(json);
}

/** Comment text of each element, keyed by its SourceCodeInfo path. */
function commentsOf(file) {
  const byPath = new Map();
  for (const loc of file.sourceCodeInfo?.location ?? []) {
    const text = (loc.leadingComments ?? loc.trailingComments ?? '').trim();
    if (text !== '') byPath.set((loc.path ?? []).join('.'), text);
  }
  return (p) => byPath.get(p.join('.')) ?? '';
}

/** A comment as one paragraph per blank-line-separated block, lines re-joined. */
function paragraphs(text) {
  return text
    .split(/\n\s*\n/)
    .map((block) => block.split('\n').map((l) => l.trim()).join(' '))
    .filter((p) => p !== '');
}

/** A comment inside a table cell: one line, pipes escaped. */
function cell(text) {
  return paragraphs(text).join(' ').replace(/\|/g, '\\|');
}

function anchor(fullName) {
  return fullName.replace(/^\./, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** Renders one file of the set. */
function renderFile(file, lines) {
  const comment = commentsOf(file);
  const pkg = file.package ?? '';
  const local = (typeName) => typeName.replace(/^\./, '').replace(new RegExp(`^${pkg.replace(/\./g, '\\.')}\\.`), '');
  const typeLink = (typeName) => `[${local(typeName)}](#${anchor(typeName)})`;
  const mapEntries = new Map();
  const collectMaps = (msg, prefix) => {
    for (const nested of msg.nestedType ?? []) {
      const full = `${prefix}.${nested.name}`;
      if (nested.options?.mapEntry) mapEntries.set(full, nested);
      collectMaps(nested, full);
    }
  };
  for (const msg of file.messageType ?? []) collectMaps(msg, `.${pkg}.${msg.name}`);

  const scalar = (field) => {
    if (field.typeName) return typeLink(field.typeName);
    return field.type.replace(/^TYPE_/, '').toLowerCase();
  };
  const typeOf = (field) => {
    const entry = field.typeName && mapEntries.get(field.typeName);
    if (entry) return `map<${scalar(entry.field[0])}, ${scalar(entry.field[1])}>`;
    if (field.label === 'LABEL_REPEATED') return `repeated ${scalar(field)}`;
    if (field.proto3Optional) return `optional ${scalar(field)}`;
    return scalar(field);
  };

  lines.push(`## \`${file.name}\``, '');
  for (const p of paragraphs(comment([FILE_SYNTAX]))) lines.push(p, '');
  lines.push(`Package \`${pkg}\`.`, '');

  (file.service ?? []).forEach((svc, si) => {
    const full = `.${pkg}.${svc.name}`;
    lines.push(`### service ${svc.name}`, '', `<a id="${anchor(full)}"></a>`, '');
    for (const p of paragraphs(comment([FILE_SERVICE, si]))) lines.push(p, '');
    lines.push('| RPC | request | response | description |', '|---|---|---|---|');
    (svc.method ?? []).forEach((m, mi) => {
      const req = `${m.clientStreaming ? 'stream ' : ''}${typeLink(m.inputType)}`;
      const res = `${m.serverStreaming ? 'stream ' : ''}${typeLink(m.outputType)}`;
      lines.push(`| \`${m.name}\` | ${req} | ${res} | ${cell(comment([FILE_SERVICE, si, SERVICE_METHOD, mi]))} |`);
    });
    lines.push('');
  });

  const renderEnum = (en, full, p) => {
    lines.push(`### enum ${local(full)}`, '', `<a id="${anchor(full)}"></a>`, '');
    for (const para of paragraphs(comment(p))) lines.push(para, '');
    lines.push('| name | number | description |', '|---|---:|---|');
    (en.value ?? []).forEach((v, vi) => lines.push(`| \`${v.name}\` | ${v.number ?? 0} | ${cell(comment([...p, ENUM_VALUE, vi]))} |`));
    lines.push('');
  };

  const renderMessage = (msg, full, p) => {
    if (msg.options?.mapEntry) return;
    lines.push(`### ${local(full)}`, '', `<a id="${anchor(full)}"></a>`, '');
    for (const para of paragraphs(comment(p))) lines.push(para, '');
    const realOneofs = (msg.oneofDecl ?? []).map((_, i) => i).filter((i) => !(msg.field ?? []).some((f) => f.oneofIndex === i && f.proto3Optional));
    if ((msg.field ?? []).length === 0) {
      lines.push('No fields.', '');
    } else {
      lines.push('| field | number | type | description |', '|---|---:|---|---|');
      (msg.field ?? []).forEach((f, fi) => {
        const inOneof = f.oneofIndex !== undefined && realOneofs.includes(f.oneofIndex);
        const oneofNote = inOneof ? `(oneof \`${msg.oneofDecl[f.oneofIndex].name}\`) ` : '';
        lines.push(`| \`${f.name}\` | ${f.number} | ${typeOf(f)} | ${oneofNote}${cell(comment([...p, MESSAGE_FIELD, fi]))} |`);
      });
      lines.push('');
    }
    for (const oi of realOneofs) {
      const text = cell(comment([...p, MESSAGE_ONEOF, oi]));
      const members = (msg.field ?? []).filter((f) => f.oneofIndex === oi).map((f) => `\`${f.name}\``);
      lines.push(`oneof \`${msg.oneofDecl[oi].name}\` (${members.join(', ')})${text ? `: ${text}` : ''}`, '');
    }
    const reserved = [
      ...(msg.reservedRange ?? []).map((r) => (r.end - 1 === r.start ? `${r.start}` : `${r.start} to ${r.end - 1}`)),
      ...(msg.reservedName ?? []).map((n) => `\`${n}\``),
    ];
    if (reserved.length > 0) lines.push(`Reserved: ${reserved.join(', ')}.`, '');
    (msg.enumType ?? []).forEach((en, ei) => renderEnum(en, `${full}.${en.name}`, [...p, MESSAGE_ENUM, ei]));
    (msg.nestedType ?? []).forEach((nested, ni) => renderMessage(nested, `${full}.${nested.name}`, [...p, MESSAGE_NESTED, ni]));
  };

  (file.messageType ?? []).forEach((msg, i) => renderMessage(msg, `.${pkg}.${msg.name}`, [FILE_MESSAGE, i]));
  (file.enumType ?? []).forEach((en, i) => renderEnum(en, `.${pkg}.${en.name}`, [FILE_ENUM, i]));
}

/** The whole reference as Markdown. */
function render(set) {
  const lines = [
    '# sctrace API reference',
    '',
    '<!-- Generated by scripts/gen-api-docs.js from the comments in proto/: edit the proto, then run',
    '     `npm run gen:api-docs`. npm test fails when this file is stale. -->',
    '',
  ];
  for (const file of [...set.file].sort((a, b) => a.name.localeCompare(b.name))) renderFile(file, lines);
  while (lines[lines.length - 1] === '') lines.pop();
  return `${lines.join('\n')}\n`;
}

function main(argv) {
  const check = argv.includes('--check');
  const wanted = render(compile());
  if (check) {
    const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
    if (current !== wanted) {
      process.stderr.write(`${path.relative(ROOT, OUT)} is stale: it does not match the comments in proto/; run npm run gen:api-docs and commit it\n`);
      return 1;
    }
    return 0;
  }
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, wanted);
  process.stderr.write(`gen-api-docs: wrote ${path.relative(ROOT, OUT)}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { render };

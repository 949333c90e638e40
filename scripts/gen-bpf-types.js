#!/usr/bin/env node
/**
 * Generates src/backends/ebpf/generated/bpf.ts from the BTF of the built BPF object, as
 * cilium/ebpf's bpf2go does for Go: the program, map and global names (as string-literal types,
 * so a misspelled name does not compile), the enumerators of the contract (bpf/shared/
 * sctrace_event.h declares its constants as enums so that they reach the BTF), and the byte
 * offsets and sizes of the contract's structs as the compiler laid them out. The TypeScript side
 * reads every layout and constant of the kernel contract from here, never from a copy by hand;
 * test/contract/layout.test.ts checks the generated file against the object it came from.
 *
 * Usage: node scripts/gen-bpf-types.js [--object bpf/build/sctrace.bpf.o] [--out DIR]
 * Needs bpftool (Debian: bpftool), which `npm run setup` installs.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** The structs of the contract whose layout user space needs (bpf/shared/sctrace_event.h). */
const STRUCTS = [
  'sct_header',
  'sct_syscall',
  'sct_exec',
  'sct_fork',
  'sct_exit',
  'sct_usage',
  'sct_thread_exit',
  'sct_switch',
  'sct_signal',
  'sct_blob',
  'sct_syscall_meta',
  'sct_read',
  'sct_syscall_reads',
  'sct_ioctl_size',
  'sct_control',
];

function args() {
  const out = { object: path.join(ROOT, 'bpf/build/sctrace.bpf.o'), out: path.join(ROOT, 'src/backends/ebpf/generated') };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--object') out.object = path.resolve(argv[++i]);
    else if (argv[i] === '--out') out.out = path.resolve(argv[++i]);
    else throw new Error(`gen-bpf-types: unknown argument ${argv[i]}`);
  }
  return out;
}

/**
 * Parses `bpftool btf dump file OBJ format raw` into types by id: kind, name, size, and the
 * member, enumerator or section-variable lines under each.
 */
function parseBtf(text) {
  const types = new Map();
  let current;
  for (const line of text.split('\n')) {
    const head = /^\[(\d+)\] ([A-Z_]+) '([^']*)'(.*)$/.exec(line);
    if (head) {
      current = { id: Number(head[1]), kind: head[2], name: head[3], attrs: attributes(head[4]), items: [] };
      types.set(current.id, current);
      continue;
    }
    if (!current || !/^\s/.test(line)) continue;
    const member = /^\s+'([^']*)' type_id=(\d+) bits_offset=(\d+)/.exec(line);
    if (member) {
      current.items.push({ name: member[1], type: Number(member[2]), bitsOffset: Number(member[3]) });
      continue;
    }
    const enumerator = /^\s+'([^']+)' val=(-?\d+)/.exec(line);
    if (enumerator) {
      current.items.push({ name: enumerator[1], value: Number(enumerator[2]) });
      continue;
    }
    const secinfo = /^\s+type_id=(\d+) offset=(\d+) size=(\d+) \(VAR '([^']+)'\)/.exec(line);
    if (secinfo) current.items.push({ name: secinfo[4], type: Number(secinfo[1]), offset: Number(secinfo[2]), size: Number(secinfo[3]) });
  }
  return types;
}

function attributes(rest) {
  const out = {};
  for (const m of rest.matchAll(/(\w+)=(\S+?)(?:,|\s|$)/g)) out[m[1]] = m[2];
  return out;
}

function byName(types, kind, name) {
  for (const t of types.values()) if (t.kind === kind && t.name === name) return t;
  return undefined;
}

/** Byte offsets of a struct's members (bitfields are not part of the contract). */
function structLayout(types, name) {
  const t = byName(types, 'STRUCT', name);
  if (!t) throw new Error(`gen-bpf-types: struct ${name} is not in the object's BTF (is it referenced by the programs?)`);
  const layout = { SIZE: Number(t.attrs.size) };
  for (const m of t.items) {
    if (m.bitsOffset % 8 !== 0) throw new Error(`gen-bpf-types: ${name}.${m.name} is a bitfield`);
    layout[m.name] = m.bitsOffset / 8;
  }
  return layout;
}

function main() {
  const { object, out } = args();
  if (!fs.existsSync(object)) throw new Error(`gen-bpf-types: ${object} not built (run make -C bpf)`);
  let raw;
  try {
    raw = execFileSync('bpftool', ['btf', 'dump', 'file', object, 'format', 'raw'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (err) {
    throw new Error(`gen-bpf-types: bpftool btf dump of ${object} failed: ${err.message} (install bpftool)`);
  }
  const types = parseBtf(raw);
  const programs = [...types.values()].filter((t) => t.kind === 'FUNC' && t.attrs.linkage === 'global').map((t) => t.name).sort();
  const section = (name) => byName(types, 'DATASEC', name)?.items.map((v) => v.name).sort() ?? [];
  const enums = {};
  for (const t of types.values()) {
    if ((t.kind !== 'ENUM' && t.kind !== 'ENUM64') || !t.name.startsWith('sct_')) continue;
    enums[t.name] = Object.fromEntries(t.items.map((e) => [e.name, e.value]));
  }
  const structs = Object.fromEntries(STRUCTS.map((name) => [name, structLayout(types, name)]));
  const literal = (values) => values.map((v) => JSON.stringify(v)).join(', ');
  const text = `/**
 * Generated by scripts/gen-bpf-types.js from the BTF of bpf/build/sctrace.bpf.o. Do not edit:
 * \`npm run build\` regenerates it whenever the object is rebuilt.
 */

/** Programs of the object (global functions). */
export const PROGRAMS = [${literal(programs)}] as const;
export type ProgramName = (typeof PROGRAMS)[number];

/** Maps of the object (the .maps section). */
export const MAPS = [${literal(section('.maps'))}] as const;
export type MapName = (typeof MAPS)[number];

/** const volatile globals (.rodata), set before load. */
export const RODATA = [${literal(section('.rodata'))}] as const;
export type RodataName = (typeof RODATA)[number];

/** Mutable globals (.bss), mapped by user space after load. */
export const BSS = [${literal(section('.bss'))}] as const;

/** The enumerators of bpf/shared/sctrace_event.h and the programs. */
export const ENUMS = ${JSON.stringify(enums, null, 2)} as const;

/** Byte offsets of the contract's struct members, and each struct's SIZE. */
export const STRUCTS = ${JSON.stringify(structs, null, 2)} as const;
`;
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, 'bpf.ts');
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (before !== text) fs.writeFileSync(file, text);
  process.stderr.write(`gen-bpf-types: ${path.relative(ROOT, file)}: ${programs.length} programs, ${section('.maps').length} maps, ${Object.keys(enums).length} enums${before === text ? ' (unchanged)' : ''}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

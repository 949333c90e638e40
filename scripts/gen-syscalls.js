#!/usr/bin/env node
/**
 * Generates src/syscalls/generated/<arch>.ts from the kernel UAPI headers that Debian installs
 * with linux-libc-dev: the syscall numbers (asm/unistd_64.h), the errno names and messages
 * (asm-generic/errno-base.h, errno.h) and the open(2) flag values (asm/fcntl.h over
 * asm-generic/fcntl.h, which differ between architectures: O_DIRECTORY is 0200000 on x86_64 but
 * 040000 on arm64).
 *
 * Usage: node scripts/gen-syscalls.js [--arch x86_64] [--include-dir /usr/include] [--out DIR]
 *
 * The headers, not the running kernel, are the source of numbers because they are what the
 * build machine can read without privileges; a kernel newer than the headers has syscalls this
 * table does not name (they decode as syscall_<nr>). Point --include-dir at newer headers to
 * pick those up.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/**
 * Where each architecture keeps its headers, relative to the include directory. Adding an
 * architecture means adding an entry here (and a parser for its unistd scheme: arm64's
 * asm/unistd.h builds numbers from asm-generic/unistd.h with __NR3264_* macros, which needs a
 * macro-aware reader rather than the plain "#define __NR_x N" one below).
 */
const ARCHES = {
  x86_64: {
    unistd: 'x86_64-linux-gnu/asm/unistd_64.h',
    errno: ['asm-generic/errno-base.h', 'asm-generic/errno.h'],
    // First definition wins: the arch header is included before the generic one, whose
    // definitions are all guarded by #ifndef.
    fcntl: ['x86_64-linux-gnu/asm/fcntl.h', 'asm-generic/fcntl.h'],
  },
};

/** open(2) flag macros the decoders render; values come from the headers. */
const OPEN_FLAG_NAMES = [
  'O_ACCMODE', 'O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_CREAT', 'O_EXCL', 'O_NOCTTY', 'O_TRUNC',
  'O_APPEND', 'O_NONBLOCK', 'O_DSYNC', 'FASYNC', 'O_DIRECT', 'O_LARGEFILE', 'O_DIRECTORY',
  'O_NOFOLLOW', 'O_NOATIME', 'O_CLOEXEC', '__O_SYNC', 'O_SYNC', 'O_PATH', '__O_TMPFILE', 'O_TMPFILE',
];

class GenError extends Error {}

function parseArgs(argv) {
  const opts = { arch: 'x86_64', includeDir: '/usr/include', out: path.join(__dirname, '..', 'src', 'syscalls', 'generated') };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new GenError(`${key} needs a value`);
    if (key === '--arch') opts.arch = value;
    else if (key === '--include-dir') opts.includeDir = value;
    else if (key === '--out') opts.out = value;
    else throw new GenError(`unknown option ${key}`);
    i++;
  }
  return opts;
}

function readHeader(includeDir, rel) {
  const file = path.join(includeDir, rel);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') {
      throw new GenError(`${file} not found: install the Debian package linux-libc-dev (apt-get install linux-libc-dev)`);
    }
    throw new GenError(`read ${file}: ${err.message}`);
  }
}

/** `#define __NR_read 0` lines, sorted by number. */
function parseSyscalls(text, file) {
  const out = [];
  for (const m of text.matchAll(/^#define\s+__NR_([a-z0-9_]+)\s+(\d+)\s*$/gm)) {
    out.push([m[1], Number(m[2])]);
  }
  if (out.length === 0) throw new GenError(`${file}: no "#define __NR_<name> <number>" lines; header format changed?`);
  return out.sort((a, b) => a[1] - b[1]);
}

/**
 * `#define ENOENT 2 /* No such file or directory *\/` lines; an alias (`#define EWOULDBLOCK
 * EAGAIN`) takes the number of its target and its own comment when it has one.
 */
function parseErrnos(texts, files) {
  const byName = new Map();
  const out = [];
  for (const text of texts) {
    for (const m of text.matchAll(/^#define\s+(E[A-Z0-9]+)\s+(\d+|E[A-Z0-9]+)[ \t]*(?:\/\*\s*(.*?)\s*\*\/)?[ \t]*$/gm)) {
      const [, name, value, comment] = m;
      let entry;
      if (/^\d+$/.test(value)) {
        entry = { name, number: Number(value), message: comment ?? name };
      } else {
        const target = byName.get(value);
        if (!target) throw new GenError(`${files.join(', ')}: ${name} aliases ${value}, which is not defined before it`);
        entry = { name, number: target.number, message: comment ?? target.message, aliasOf: target.name };
      }
      byName.set(name, entry);
      out.push(entry);
    }
  }
  if (out.length === 0) throw new GenError(`${files.join(', ')}: no "#define E<NAME> <number>" lines; header format changed?`);
  return out;
}

/** Evaluates the header's flag expressions: octal/decimal literals and earlier names joined by |. */
function evalFlagExpr(expr, known, where) {
  let value = 0;
  for (const part of expr.replace(/[()]/g, '').split('|')) {
    const token = part.trim();
    if (/^0[0-7]*$/.test(token)) value |= parseInt(token, 8);
    else if (/^[1-9]\d*$/.test(token)) value |= Number(token);
    else if (known.has(token)) value |= known.get(token);
    else throw new GenError(`${where}: cannot evaluate "${expr}"`);
  }
  return value >>> 0;
}

function parseOpenFlags(texts, files) {
  const known = new Map();
  for (let i = 0; i < texts.length; i++) {
    for (const m of texts[i].matchAll(/^#define\s+(O_[A-Z_]+|__O_[A-Z_]+|FASYNC)\s+([^/\n]+?)\s*(?:\/\*.*)?$/gm)) {
      if (!known.has(m[1])) known.set(m[1], evalFlagExpr(m[2], known, files[i]));
    }
  }
  const out = {};
  for (const name of OPEN_FLAG_NAMES) {
    if (!known.has(name)) throw new GenError(`${files.join(', ')}: ${name} is not defined`);
    out[name] = known.get(name);
  }
  return out;
}

/** The header version, so a reader of the generated file knows which kernel's table it holds. */
function headerVersion(includeDir) {
  try {
    const text = fs.readFileSync(path.join(includeDir, 'linux/version.h'), 'utf8');
    const part = (what) => text.match(new RegExp(`LINUX_VERSION_${what}\\s+(\\d+)`))?.[1];
    const [a, b, c] = [part('MAJOR'), part('PATCHLEVEL'), part('SUBLEVEL')];
    return a && b && c ? `${a}.${b}.${c}` : 'unknown';
  } catch {
    return 'unknown';
  }
}

function render(arch, spec, includeDir, syscalls, errnos, openFlags) {
  const sources = [spec.unistd, ...spec.errno, ...spec.fcntl].map((f) => path.join(includeDir, f));
  const lines = [
    `// Generated by scripts/gen-syscalls.js from Linux ${headerVersion(includeDir)} UAPI headers; do not edit.`,
    `// Sources: ${sources.join(', ')}`,
    '',
    '/** Architecture these numbers belong to. */',
    `export const ARCH = ${JSON.stringify(arch)};`,
    '',
    '/** [name, number] for every `#define __NR_<name> <number>`, by number. */',
    'export const SYSCALL_NUMBERS: ReadonlyArray<readonly [string, number]> = [',
    ...syscalls.map(([name, nr]) => `  [${JSON.stringify(name)}, ${nr}],`),
    '];',
    '',
    '/** Every errno macro in header order; aliases (EWOULDBLOCK) name the entry they share a number with. */',
    'export const ERRNOS: ReadonlyArray<{ readonly name: string; readonly number: number; readonly message: string; readonly aliasOf?: string }> = [',
    ...errnos.map((e) => `  { ${Object.entries(e).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')} },`),
    '];',
    '',
    '/** open(2) flag values of this architecture. */',
    'export const OPEN_FLAGS = {',
    ...Object.entries(openFlags).map(([name, value]) => `  ${name}: 0o${value.toString(8)},`),
    '} as const;',
    '',
  ];
  return lines.join('\n');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const spec = ARCHES[opts.arch];
  if (!spec) throw new GenError(`unsupported architecture ${opts.arch} (known: ${Object.keys(ARCHES).join(', ')})`);
  const syscalls = parseSyscalls(readHeader(opts.includeDir, spec.unistd), spec.unistd);
  const errnos = parseErrnos(spec.errno.map((f) => readHeader(opts.includeDir, f)), spec.errno);
  const openFlags = parseOpenFlags(spec.fcntl.map((f) => readHeader(opts.includeDir, f)), spec.fcntl);
  const text = render(opts.arch, spec, opts.includeDir, syscalls, errnos, openFlags);
  const outFile = path.join(opts.out, `${opts.arch}.ts`);
  fs.mkdirSync(opts.out, { recursive: true });
  // Rewriting an unchanged file would only defeat incremental builds.
  const old = fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : null;
  if (old !== text) fs.writeFileSync(outFile, text);
  console.log(`gen-syscalls: ${outFile}: ${syscalls.length} syscalls, ${errnos.length} errnos${old === text ? ' (unchanged)' : ''}`);
}

try {
  main();
} catch (err) {
  if (!(err instanceof GenError)) throw err;
  console.error(`gen-syscalls: ${err.message}`);
  process.exit(1);
}

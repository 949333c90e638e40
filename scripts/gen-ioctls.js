#!/usr/bin/env node
/**
 * Generates src/syscalls/generated/ioctls-<arch>.ts: every ioctl request the kernel's UAPI
 * headers define, by number, as strace's table is made (its maint/ioctls_gen.sh): requests
 * written with the _IO/_IOR/_IOW/_IOWR/_IOC macros (a prefix such as DRM_ allowed) in any header
 * are evaluated by the C compiler, since their numbers encode struct sizes of this architecture;
 * requests written as plain hex numbers are read from the headers that define them so (the
 * terminal, socket, loop, cdrom, ... families), with their type byte checked.
 *
 * Run by the build (`npm run gen:ioctls`). It compiles a few hundred small programs (about half
 * a minute), so it does nothing when its output is newer than this script and the kernel headers
 * (linux/version.h); `--force` regenerates anyway.
 * Usage: node scripts/gen-ioctls.js [--include-dir /usr/include] [--arch x86_64] [--cc cc] [--force]
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

/** Header trees searched for macro-form requests, relative to the include directory. */
const TREES = ['linux', 'asm-generic', 'misc', 'mtd', 'rdma', 'sound', 'video', 'xen', 'scsi', 'drm'];
/** The architecture's own headers (asm/...), and how they are included. */
const ARCH_DIRS = { x86_64: 'x86_64-linux-gnu/asm' };

/** Headers with requests as plain hex numbers, and the request type byte they use (a regex). */
const HEX_HEADERS = [
  ['03', ['linux/hdreg.h']],
  ['22', ['scsi/sg.h']],
  ['46', ['linux/fb.h']],
  ['4B', ['linux/kd.h']],
  ['4C', ['linux/loop.h']],
  ['53', ['linux/cdrom.h', 'scsi/scsi.h', 'scsi/scsi_ioctl.h']],
  ['(46|54|66|74)', ['asm/ioctls.h', 'asm-generic/ioctls.h']],
  ['56', ['linux/vt.h']],
  ['7[12]', ['linux/videotext.h']],
  ['89', ['asm/sockios.h', 'asm-generic/sockios.h', 'linux/sockios.h']],
  ['8B', ['linux/wireless.h']],
];

const MACRO_RE = /^\s*#\s*define\s+([A-Z][A-Z0-9_]*)\s+([A-Z]+)?_S?(IO|IOW|IOR|IOWR|IOC)\s*\([^)]/gm;

/**
 * What to include before a header, tried in turn until it compiles: the _IO macros (many headers
 * expect user space to include linux/ioctl.h first), then the C library's common types, then the
 * kernel headers that declare the structs some requests are sized by.
 */
const PREAMBLES = [
  ['linux/types.h', 'linux/ioctl.h'],
  ['sys/types.h', 'stdint.h', 'stddef.h', 'sys/time.h', 'sys/socket.h', 'sys/ioctl.h', 'linux/types.h', 'linux/ioctl.h',
    'linux/posix_types.h', 'linux/time.h', 'linux/if.h', 'netinet/in.h', 'linux/limits.h'],
  ['stddef.h', 'linux/types.h', 'linux/ioctl.h', 'asm/termbits.h', 'linux/serial.h', 'linux/fiemap.h', 'linux/blktrace_api.h'],
];

function parseArgs(argv) {
  const opts = { includeDir: '/usr/include', arch: 'x86_64', cc: defaultCompiler(), out: path.join(__dirname, '..', 'src', 'syscalls', 'generated'), force: false };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--force') {
      opts.force = true;
      i--;
      continue;
    }
    if (value === undefined) throw new Error(`${key} needs a value`);
    if (key === '--include-dir') opts.includeDir = value;
    else if (key === '--arch') opts.arch = value;
    else if (key === '--cc') opts.cc = value;
    else if (key === '--out') opts.out = value;
    else throw new Error(`unknown option ${key}`);
  }
  return opts;
}

/** Every .h file below `dir` (relative names). */
function headersUnder(root, dir) {
  const out = [];
  const walk = (rel) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const name = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(name);
      else if (e.name.endsWith('.h')) out.push(name);
    }
  };
  walk(dir);
  return out.sort();
}

/** Plain-hex requests: [name, code, header]. */
function hexRequests(includeDir, archDir) {
  const out = [];
  for (const [type, headers] of HEX_HEADERS) {
    const re = new RegExp(`^\\s*#\\s*define\\s+([A-Z][A-Z0-9_]*)\\s+(0x${type}[0-9A-Fa-f]{2})\\b`, 'gim');
    for (const h of headers) {
      const file = path.join(includeDir, h.startsWith('asm/') ? h.replace(/^asm\//, `${archDir}/`) : h);
      if (!fs.existsSync(file)) continue;
      for (const m of fs.readFileSync(file, 'utf8').matchAll(re)) out.push([m[1], parseInt(m[2], 16), h]);
    }
  }
  return out;
}

/**
 * Requests strace leaves out of its table: v4l2-subdev.h's aliases of videodev2.h requests (the
 * same numbers), so that strace prints VIDIOC_G_EDID alone, not "VIDIOC_G_EDID or VIDIOC_SUBDEV_G_EDID".
 */
const OMITTED = new Set(['DV_TIMINGS_CAP', 'ENUM_DV_TIMINGS', 'ENUMSTD', 'G_DV_TIMINGS', 'G_EDID', 'G_STD', 'QUERY_DV_TIMINGS', 'QUERYSTD', 'S_DV_TIMINGS', 'S_EDID', 'S_STD'].map((n) => `VIDIOC_SUBDEV_${n}`));

/** The macro-form request names of a header (a definition may continue on the next line: PTP_SYS_OFFSET_PRECISE). */
function macroNames(text) {
  const joined = text.replace(/\\\n/g, ' ');
  return [...new Set([...joined.matchAll(MACRO_RE)].map((m) => m[1]))].filter((n) => !OMITTED.has(n));
}

/** Runs a program printing `names` after the first preamble with which `header` compiles; null when none does. */
function evaluate(cc, dir, header, names) {
  for (const preamble of PREAMBLES) {
    const got = evaluateWith(cc, dir, header, names, preamble);
    if (got !== null) return got;
  }
  return null;
}

function evaluateWith(cc, dir, header, names, preamble) {
  const src = path.join(dir, 'probe.c');
  const exe = path.join(dir, 'probe');
  const includes = [...preamble, header].map((h) => `#include <${h}>`).join('\n');
  const prints = names.map((n) => `\tprintf("%s %u\\n", "${n}", (unsigned int)(${n}));`).join('\n');
  fs.writeFileSync(src, `${includes}\n#include <stdio.h>\nint main(void)\n{\n${prints}\n\treturn 0;\n}\n`);
  try {
    execFileSync(cc, ['-w', '-o', exe, src], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const out = execFileSync(exe, { encoding: 'utf8' });
  return out.trim().split('\n').filter(Boolean).map((line) => {
    const [name, code] = line.split(' ');
    return [name, Number(code), header];
  });
}

/** Macro-form requests of every header: [name, code, header]; headers that would not compile are reported. */
function macroRequests(opts, archDir, tmp) {
  const out = [];
  const failed = [];
  const headers = [...TREES.flatMap((t) => headersUnder(opts.includeDir, t)), ...headersUnder(opts.includeDir, archDir).map((h) => h.replace(`${archDir}/`, 'asm/'))];
  for (const header of headers) {
    const file = path.join(opts.includeDir, header.startsWith('asm/') ? header.replace(/^asm\//, `${archDir}/`) : header);
    const names = macroNames(fs.readFileSync(file, 'utf8'));
    if (names.length === 0) continue;
    let got = evaluate(opts.cc, tmp, header, names);
    if (got === null) {
      // One name at a time: a header may define requests whose structs it cannot declare alone.
      got = names.flatMap((n) => evaluate(opts.cc, tmp, header, [n]) ?? []);
      if (got.length < names.length) failed.push(`${header} (${names.length - got.length} of ${names.length})`);
    }
    out.push(...got);
  }
  return { requests: out, failed };
}

function render(arch, includeDir, rows) {
  const lines = rows.map(([name, code]) => `  [0x${code.toString(16)}, ${JSON.stringify(name)}],`);
  return `// Generated by scripts/gen-ioctls.js from the ${arch} UAPI headers in ${includeDir}; do not edit.\n\n` +
    `/** [request, name] of every ioctl request the headers define, by request then name. */\n` +
    `export const IOCTLS: ReadonlyArray<readonly [number, string]> = [\n${lines.join('\n')}\n];\n`;
}

/** cc when there is one, else clang (which setup.sh installs to build bpf/). */
function defaultCompiler() {
  for (const cc of ['cc', 'clang']) {
    try {
      execFileSync(cc, ['--version'], { stdio: 'ignore' });
      return cc;
    } catch {
      // try the next
    }
  }
  return 'cc';
}

/** Whether `file` is newer than everything it is made from. */
function upToDate(file, sources) {
  try {
    const made = fs.statSync(file).mtimeMs;
    return sources.every((s) => fs.statSync(s).mtimeMs < made);
  } catch {
    return false;
  }
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const archDir = ARCH_DIRS[opts.arch];
  if (!archDir) throw new Error(`no header layout known for ${opts.arch}`);
  const out = path.join(opts.out, `ioctls-${opts.arch}.ts`);
  if (!opts.force && upToDate(out, [__filename, path.join(opts.includeDir, 'linux/version.h')])) {
    process.stderr.write(`gen-ioctls: ${out} (unchanged)\n`);
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-ioctls-'));
  try {
    const { requests, failed } = macroRequests(opts, archDir, tmp);
    const all = [...hexRequests(opts.includeDir, archDir), ...requests];
    const unique = new Map();
    for (const [name, code] of all) unique.set(`${code}/${name}`, [name, code]);
    // strace's order: by request, then by name in C collation (its " or " lists come out so).
    const rows = [...unique.values()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    fs.mkdirSync(opts.out, { recursive: true });
    fs.writeFileSync(out, render(opts.arch, opts.includeDir, rows));
    process.stderr.write(`gen-ioctls: ${out}: ${rows.length} requests${failed.length ? `; not evaluated: ${failed.join(', ')}` : ''}\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  main();
} catch (err) {
  process.stderr.write(`gen-ioctls: ${err.message}\n`);
  process.exit(1);
}

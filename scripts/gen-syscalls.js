#!/usr/bin/env node
/**
 * Generates src/syscalls/generated/<arch>.ts from the kernel UAPI headers that Debian installs
 * with linux-libc-dev: the syscall numbers (asm/unistd_64.h), the errno names and messages
 * (asm-generic/errno-base.h, errno.h), the open(2) flag values (asm/fcntl.h over
 * asm-generic/fcntl.h, which differ between architectures: O_DIRECTORY is 0200000 on x86_64 but
 * 040000 on arm64), and the constant groups the argument decoders render (mmap prot and flags,
 * clone flags, signals, socket families and types, ...), each from the headers that define it
 * for the architecture. The socket constants come from glibc's headers (libc6-dev), because the
 * kernel does not export AF_* and SOCK_* as UAPI.
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
    // Headers read for CONSTANT_GROUPS, in include order: an architecture's header comes before
    // the generic one it overrides (the first definition of a name wins).
    constants: [
      'x86_64-linux-gnu/asm/mman.h', 'asm-generic/mman.h', 'asm-generic/mman-common.h', 'linux/mman.h',
      'linux/sched.h', 'linux/fcntl.h', 'x86_64-linux-gnu/asm/fcntl.h', 'asm-generic/fcntl.h', 'linux/fs.h',
      'x86_64-linux-gnu/asm/signal.h', 'asm-generic/signal-defs.h', 'asm-generic/resource.h',
      'x86_64-linux-gnu/asm/prctl.h', 'linux/wait.h', 'linux/futex.h', 'linux/random.h', 'linux/memfd.h',
      'x86_64-linux-gnu/bits/socket.h', 'x86_64-linux-gnu/bits/socket_type.h', 'linux/in.h',
      'x86_64-linux-gnu/asm/socket.h', 'asm-generic/socket.h', 'asm-generic/poll.h', 'asm-generic/ioctls.h',
      'linux/stat.h', 'linux/time.h', 'linux/resource.h', 'linux/close_range.h', 'linux/eventpoll.h',
      'x86_64-linux-gnu/asm/unistd_64.h',
      'linux/prctl.h', 'linux/inotify.h', 'linux/personality.h', 'linux/tcp.h', 'linux/in6.h', 'linux/netlink.h',
      'linux/rtnetlink.h', 'linux/sock_diag.h', 'linux/genetlink.h', 'linux/signal.h', 'linux/if_packet.h', 'linux/udp.h',
      'linux/keyctl.h', 'linux/capability.h', 'linux/if_addr.h', 'linux/if_link.h', 'linux/neighbour.h', 'linux/if.h',
      'linux/if_arp.h', 'linux/inet_diag.h', 'linux/unix_diag.h', 'linux/netlink_diag.h', 'linux/packet_diag.h',
      'linux/mempolicy.h', 'linux/fanotify.h', 'linux/seccomp.h', 'linux/membarrier.h', 'linux/kcmp.h', 'linux/reboot.h',
      'linux/falloc.h', 'linux/mount.h', 'linux/xattr.h', 'linux/io_uring.h', 'linux/landlock.h', 'linux/bpf.h',
      'linux/perf_event.h', 'linux/quota.h', 'linux/ptrace.h', 'linux/sched.h', 'linux/termios.h',
      'x86_64-linux-gnu/asm/termbits.h', 'asm-generic/termbits-common.h', 'asm-generic/termbits.h',
      'linux/input-event-codes.h',
    ],
  },
};

/**
 * Constant groups for the decoders: group name → the macro (or enum constant) names it holds,
 * as a pattern. Every name matching a group's pattern in the architecture's `constants` headers
 * and evaluating to a number is kept; names that are not numbers (casts, function-like macros)
 * are skipped. Which names a decoder prints, and in what order, is the decoder's business.
 */
const CONSTANT_GROUPS = {
  PROT: /^PROT_[A-Z_]+$/,
  MAP: /^MAP_[A-Z0-9_]+$/,
  MREMAP: /^MREMAP_[A-Z_]+$/,
  MADV: /^MADV_[A-Z_]+$/,
  CLONE: /^(CLONE_[A-Z_]+|CSIGNAL)$/,
  AT: /^AT_[A-Z_]+$/,
  F: /^(F_[A-Z0-9_]+|FD_CLOEXEC)$/,
  SEEK: /^SEEK_[A-Z]+$/,
  SIG: /^SIG[A-Z0-9]+$/,
  SA: /^SA_[A-Z_]+$/,
  SIGHOW: /^SIG_(BLOCK|UNBLOCK|SETMASK)$/,
  RLIMIT: /^RLIMIT_[A-Z]+$/,
  ARCH: /^ARCH_[A-Z0-9_]+$/,
  WAIT: /^(W[A-Z]+|__W[A-Z]+|P_[A-Z]+)$/,
  FUTEX: /^FUTEX_[A-Z0-9_]+$/,
  GRND: /^GRND_[A-Z]+$/,
  MFD: /^MFD_[A-Z_]+$/,
  AF: /^AF_[A-Za-z0-9_]+$/,
  SOCK: /^SOCK_[A-Z_]+$/,
  IPPROTO: /^IPPROTO_[A-Z0-9_]+$/,
  MSG: /^MSG_[A-Z_]+$/,
  SO: /^(SOL_SOCKET|SO_[A-Z_]+)$/,
  POLL: /^POLL[A-Z]+$/,
  IOCTL: /^(TC[A-Z0-9]+|TIOC[A-Z0-9]+|FIO[A-Z]+)$/,
  S_IF: /^S_IF[A-Z]+$/,
  CLOCK: /^CLOCK_[A-Z_]+$/,
  RUSAGE: /^RUSAGE_[A-Z]+$/,
  CLOSE_RANGE: /^CLOSE_RANGE_[A-Z]+$/,
  EPOLL: /^EPOLL[A-Z_]+$/,
  STATX: /^STATX_[A-Z_]+$/,
  PR: /^PR_[A-Z0-9_]+$/,
  FS_FL: /^FS_[A-Z_]+_FL$/,
  IN: /^IN_[A-Z_]+$/,
  PER: /^(PER_[A-Z0-9_]+|UNAME26|ADDR_[A-Z0-9_]+|FDPIC_FUNCPTRS|MMAP_PAGE_ZERO|READ_IMPLIES_EXEC|SHORT_INODE|WHOLE_SECONDS|STICKY_TIMEOUTS)$/,
  LOCK: /^LOCK_[A-Z]+$/,
  MS: /^MS_(ASYNC|INVALIDATE|SYNC)$/,
  MCL: /^MCL_[A-Z]+$/,
  SS: /^SS_[A-Z]+$/,
  ITIMER: /^ITIMER_[A-Z]+$/,
  PRIO: /^PRIO_[A-Z]+$/,
  TCP: /^TCP_[A-Z0-9_]+$/,
  IP: /^(IP_[A-Z0-9_]+|IPV6_[A-Z0-9_]+|MCAST_[A-Z_]+)$/,
  NETLINK: /^NETLINK_[A-Z0-9_]+$/,
  NLM: /^(NLM_F_[A-Z_]+|NLMSG_[A-Z]+|NLA_F_[A-Z_]+)$/,
  RTM: /^(RTM_[A-Z0-9_]+|RTN_[A-Z]+|RTPROT_[A-Z0-9]+|RT_SCOPE_[A-Z]+|RT_TABLE_[A-Z]+|RTM_F_[A-Z_]+|RTA_[A-Z_]+|RTNLGRP_[A-Z0-9_]+)$/,
  IFLA: /^(IFLA_[A-Z0-9_]+|IFA_[A-Z_]+|IFA_F_[A-Z_]+|NDA_[A-Z_]+)$/,
  IFF: /^IFF_[A-Z0-9_]+$/,
  ARPHRD: /^ARPHRD_[A-Z0-9_]+$/,
  DIAG: /^(SOCK_DIAG_BY_FAMILY|SOCK_DESTROY|UDIAG_SHOW_[A-Z_]+|UNIX_DIAG_[A-Z_]+|INET_DIAG_[A-Z_]+|NDIAG_[A-Z_]+|NETLINK_DIAG_[A-Z_]+|PACKET_DIAG_[A-Z_]+|PACKET_SHOW_[A-Z_]+)$/,
  GENL: /^(GENL_[A-Z_]+|CTRL_CMD_[A-Z_]+|CTRL_ATTR_[A-Z_]+)$/,
  KEY: /^(KEYCTL_[A-Z_]+|KEY_SPEC_[A-Z_]+|KEY_REQKEY_DEFL_[A-Z_]+)$/,
  CAP: /^(CAP_[A-Z_]+|_LINUX_CAPABILITY_VERSION_[0-9]+)$/,
  MPOL: /^(MPOL_[A-Z_]+)$/,
  FAN: /^(FAN_[A-Z_]+|FAN_MARK_[A-Z_]+)$/,
  SECCOMP: /^SECCOMP_[A-Z_]+$/,
  MEMBARRIER: /^MEMBARRIER_CMD_[A-Z_]+$/,
  KCMP: /^KCMP_[A-Z]+$/,
  REBOOT: /^LINUX_REBOOT_[A-Z0-9_]+$/,
  FALLOC: /^FALLOC_FL_[A-Z_]+$/,
  MOUNT: /^(MS_[A-Z_]+|MNT_[A-Z_]+|MOVE_MOUNT_[A-Z_]+|FSOPEN_[A-Z_]+|FSMOUNT_[A-Z_]+|FSCONFIG_[A-Z_]+|OPEN_TREE_[A-Z_]+|MOUNT_ATTR_[A-Z_0-9]+|UMOUNT_[A-Z_]+)$/,
  XATTR: /^XATTR_[A-Z]+$/,
  IORING: /^(IORING_[A-Z0-9_]+)$/,
  LANDLOCK: /^LANDLOCK_[A-Z_]+$/,
  BPF: /^(BPF_[A-Z0-9_]+)$/,
  PERF: /^(PERF_[A-Z0-9_]+)$/,
  QUOTA: /^(Q_[A-Z]+|USRQUOTA|GRPQUOTA|PRJQUOTA)$/,
  // Key and button codes (evdev's EVIOCGKEYCODE/EVIOCSKEYCODE); not keyctl's KEY_SPEC_/KEY_REQKEY_, and
  // not the range markers (KEY_MAX, BTN_MOUSE: strace names the first code of a range, BTN_LEFT).
  KEYCODE: /^(KEY_(?!MAX$|CNT$|MIN_INTERESTING$|SPEC_|REQKEY_)[A-Z0-9_]+|BTN_(?!MISC$|MOUSE$|JOYSTICK$|GAMEPAD$|DIGI$|WHEEL$|TRIGGER_HAPPY$)[A-Z0-9_]+)$/,
  PTRACE: /^(PTRACE_[A-Z_]+)$/,
  SCHED: /^(SCHED_[A-Z_]+)$/,
  TERM: /^(IGNBRK|BRKINT|IGNPAR|PARMRK|INPCK|ISTRIP|INLCR|IGNCR|ICRNL|IUCLC|IXON|IXANY|IXOFF|IMAXBEL|IUTF8|OPOST|OLCUC|ONLCR|OCRNL|ONOCR|ONLRET|OFILL|OFDEL|NLDLY|NL0|NL1|CRDLY|CR[0-3]|TABDLY|TAB[0-3]|XTABS|BSDLY|BS[01]|VTDLY|VT[01]|FFDLY|FF[01]|CBAUD|CBAUDEX|B[0-9]+|CSIZE|CS[5-8]|CSTOPB|CREAD|PARENB|PARODD|HUPCL|CLOCAL|CIBAUD|CMSPAR|CRTSCTS|ISIG|ICANON|XCASE|ECHO|ECHOE|ECHOK|ECHONL|NOFLSH|TOSTOP|ECHOCTL|ECHOPRT|ECHOKE|FLUSHO|PENDIN|IEXTEN|EXTPROC|V[A-Z]+|TC[IO]+FLUSH|TCO(ON|OFF)|TCI(ON|OFF)|TCSA[A-Z]+|TIOCM_[A-Z]+|TIOCPKT_[A-Z]+|N_[A-Z0-9]+)$/,
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

/**
 * Evaluates a C constant expression of the headers: integer literals (with U/L suffixes), names
 * already known, parentheses, unary - and ~, and the binary operators + - << >> & ^ |.
 * Returns undefined for anything else (casts, strings, function-like macros, unknown names).
 */
function evalCExpr(text, known) {
  const tokens = text.match(/0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|[A-Za-z_]\w*|<<|>>|\S/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = () => {
    throw new Error('not an expression');
  };
  const primary = () => {
    const t = tokens[pos++];
    if (t === undefined) fail();
    if (t === '(') {
      const v = binary(0);
      if (tokens[pos++] !== ')') fail();
      return v;
    }
    if (t === '-') return -primary();
    if (t === '~') return ~primary();
    if (/^\d/.test(t)) {
      const digits = t.replace(/[uUlL]+$/, '');
      if (/^0[xX]/.test(digits)) return BigInt(digits);
      if (/^0[0-7]+$/.test(digits)) return BigInt(`0o${digits.slice(1)}`);
      return BigInt(digits);
    }
    if (known.has(t)) return known.get(t);
    return fail();
  };
  const PREC = { '|': 1, '^': 2, '&': 3, '<<': 4, '>>': 4, '+': 5, '-': 5 };
  const binary = (min) => {
    let left = primary();
    while (PREC[peek()] !== undefined && PREC[peek()] >= min) {
      const op = tokens[pos++];
      const right = binary(PREC[op] + 1);
      if (op === '|') left |= right;
      else if (op === '^') left ^= right;
      else if (op === '&') left &= right;
      else if (op === '<<') left <<= right;
      else if (op === '>>') left >>= right;
      else if (op === '+') left += right;
      else left -= right;
    }
    return left;
  };
  try {
    const value = binary(0);
    return pos === tokens.length ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every `#define NAME EXPR` and `NAME = EXPR,` enum constant of the headers, evaluated in order
 * (first definition wins); then the names of each group. Values that do not fit a double
 * exactly are refused, since the decoders hold them as numbers.
 */
/**
 * The members of every `enum { A, B = 4, C, ... }` in a header (comments removed): an explicit
 * value, or the previous member's plus one. A member whose value cannot be evaluated ends its
 * enum's numbering. `#define X X` lines inside the body (rtnetlink.h's) are skipped.
 */
function enumConstants(body, known) {
  for (const m of body.matchAll(/\benum\s*\w*\s*\{([^}]*)\}/g)) {
    let next = 0n;
    const items = m[1].split('\n').filter((l) => !/^\s*#/.test(l)).join(' ').split(',');
    for (const raw of items) {
      const item = raw.trim();
      if (item === '') continue;
      const [, name, expr] = /^([A-Za-z_]\w*)\s*(?:=\s*(.+))?$/.exec(item) ?? [];
      if (name === undefined) break;
      const value = expr === undefined ? next : evalCExpr(expr, known);
      if (value === undefined) break;
      if (!known.has(name)) known.set(name, value);
      next = value + 1n;
    }
  }
}

function parseConstants(texts, files) {
  // First definition of each name wins (include order); definitions may refer to names defined
  // in a later header (linux/fcntl.h's F_LINUX_SPECIFIC_BASE), so evaluate until nothing changes.
  const defs = new Map();
  for (const text of texts) {
    const body = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\\\n/g, ' ');
    for (const line of body.split('\n')) {
      const m = /^\s*#\s*define\s+([A-Za-z_]\w*)\s+(.+?)\s*$/.exec(line) ?? /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*([^,]+?)\s*,?\s*$/.exec(line);
      if (m && !defs.has(m[1])) defs.set(m[1], m[2]);
    }
  }
  const known = new Map();
  for (const text of texts) enumConstants(text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' '), known);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, expr] of defs) {
      if (known.has(name)) continue;
      const value = evalCExpr(expr, known);
      if (value !== undefined) {
        known.set(name, value);
        changed = true;
      }
    }
  }
  const out = {};
  for (const [group, pattern] of Object.entries(CONSTANT_GROUPS)) {
    const names = {};
    for (const [name, value] of known) {
      if (!pattern.test(name)) continue;
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) continue;
      names[name] = Number(value);
    }
    if (Object.keys(names).length === 0) throw new GenError(`${files.join(', ')}: no constant of group ${group} (${pattern})`);
    out[group] = names;
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

function render(arch, spec, includeDir, syscalls, errnos, openFlags, constants) {
  const sources = [spec.unistd, ...spec.errno, ...spec.fcntl, ...spec.constants].map((f) => path.join(includeDir, f));
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
    '/** Constant groups the argument decoders render, by group; values from the headers. */',
    'export const CONSTANTS: Readonly<Record<string, Readonly<Record<string, number>>>> = {',
    ...Object.entries(constants).flatMap(([group, names]) => [
      `  ${group}: {`,
      ...Object.entries(names).map(([name, value]) => `    ${name}: ${value < 0 ? '-' : ''}0x${Math.abs(value).toString(16)},`),
      '  },',
    ]),
    '};',
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
  const constants = parseConstants(spec.constants.map((f) => readHeader(opts.includeDir, f)), spec.constants);
  const text = render(opts.arch, spec, opts.includeDir, syscalls, errnos, openFlags, constants);
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

/**
 * Signals as strace prints them: numbers as names (SIGTERM, SIGRTMIN, SIGRT_3, else the decimal
 * number), signal sets as `[CHLD TERM]` or, when two thirds or more are set, `~[KILL STOP]`,
 * struct sigaction as `{sa_handler=..., sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART,
 * sa_restorer=0x...}`, and rt_sigprocmask's how.
 */
import type { ArchTables } from '../arch';
import { bytesOf, derivedKey, INNER_PART, viewOf } from './registry';
import { valueArg } from './xlat';
import { argIndexOf, type ArgDecoder, type DecoderRegistry } from './registry';
import { formatTimespec, structArg } from './time';
import { SIGINFO_FIELD_BYTES, siginfoDecoder } from './siginfo';
import { cached, constant, fixedXlat, formatFlags, formatValue, pointer, s32, xlat } from './xlat';

/**
 * strace's signal names for 1..31 on this ABI (its signalent; the name it picks where two share
 * a number: SIGABRT not SIGIOT, SIGIO not SIGPOLL, SIGSYS not SIGUNUSED), then SIGRTMIN.
 */
const SIGNAL_NAMES = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2',
  'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG',
  'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS', 'SIGRTMIN',
];
/** The kernel's _NSIG: signals 1..64. */
const NSIG = 64;
/** strace's sigact_flags, in its order. */
const SA_NAMES = ['SA_RESTORER', 'SA_ONSTACK', 'SA_RESTART', 'SA_INTERRUPT', 'SA_NODEFER', 'SA_NOMASK', 'SA_RESETHAND', 'SA_ONESHOT', 'SA_SIGINFO', 'SA_NOCLDSTOP', 'SA_NOCLDWAIT'];
/** strace's sigprocmaskcmds. */
const HOW_NAMES = ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'];
/** strace's sa_handler_values (SIG_ERR, SIG_DFL, SIG_IGN; -1, 0, 1 on every Linux ABI). */
const HANDLERS = fixedXlat([
  ['SIG_ERR', 0xffffffffffffffffn],
  ['SIG_DFL', 0],
  ['SIG_IGN', 1],
]);

/** Signal names by number for this architecture; index 0 unused. */
export function signalNames(tables: ArchTables): string[] {
  const names: string[] = [];
  for (const name of SIGNAL_NAMES) {
    const n = tables.constants.SIG?.[name];
    if (n !== undefined && names[n] === undefined) names[n] = name;
  }
  const rtmin = constant(tables, 'SIG', 'SIGRTMIN');
  for (let n = rtmin + 1; n <= NSIG; n++) names[n] = `SIGRT_${n - rtmin}`;
  return names;
}

/** printsignal: the name, or the decimal number. */
export function signalFormatter(tables: ArchTables): (sig: number) => string {
  const names = signalNames(tables);
  return (sig) => (sig > 0 ? names[sig] : undefined) ?? String(sig);
}

/** A signal-number argument. */
export function signalArg(argIndex: number, tables: ArchTables): ArgDecoder {
  const format = signalFormatter(tables);
  return (args) => format(Number(s32(args[argIndex])));
}

/** A 64-signal set (as a little-endian 64-bit word) as strace prints it. */
export function sigsetFormatter(tables: ArchTables): (mask: bigint) => string {
  const names = signalNames(tables);
  return cached((mask) => {
    let bits = mask;
    let out = '';
    let set = 0;
    for (let i = 0; i < NSIG; i++) if ((bits >> BigInt(i)) & 1n) set++;
    if (set >= Math.floor((NSIG * 2) / 3)) {
      bits = ~bits & ((1n << BigInt(NSIG)) - 1n);
      out = '~';
    }
    const parts: string[] = [];
    for (let sig = 1; sig <= NSIG; sig++) {
      if (((bits >> BigInt(sig - 1)) & 1n) === 0n) continue;
      const name = names[sig];
      parts.push(name === undefined ? String(sig) : name.slice(3));
    }
    return `${out}[${parts.join(' ')}]`;
  });
}

/** A sigset_t the kernel side read (rt_sigprocmask's set and oldset). */
function sigsetArg(argIndex: number, sizeIndex: number, output: boolean, tables: ArchTables): ArgDecoder {
  const format = sigsetFormatter(tables);
  return (args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < 8 || (args[sizeIndex] ?? 0n) !== 8n || (output && call.ret < 0n)) return '';
    return format(viewOf(b.data).getBigUint64(0, true));
  };
}

/**
 * rt_sigpending's set: any size from 1 to 8 bytes (the kernel fills that many, the old sigpending
 * reuses it with fewer), the signals of those bytes; strace's print_sigset_addr_len_limit with 1.
 */
function pendingArg(argIndex: number, sizeIndex: number, tables: ArchTables): ArgDecoder {
  const format = sigsetFormatter(tables);
  return (args, call) => {
    const size = Number(args[sizeIndex] ?? 0n);
    const b = bytesOf(call.blobs, argIndex);
    if (!b || size < 1 || size > 8 || b.data.length < size || call.ret < 0n) return '';
    let mask = 0n;
    for (let i = size - 1; i >= 0; i--) mask = (mask << 8n) | BigInt(b.data[i]);
    return format(mask);
  };
}

/**
 * pselect6's sixth argument, a pointer to { const sigset_t *ss; size_t ss_len; } (strace's
 * print_kernel_sigset): `{sigmask=[HUP], sigsetsize=8}`, the mask's address when its size is not
 * 8 or it could not be read. The pair is the argument's blob, the mask the derived part
 * SCT_INNER_PART of its pointer at byte 0 (reads.ts).
 */
export function sigmaskPairArg(argIndex: number, tables: ArchTables): ArgDecoder {
  const format = sigsetFormatter(tables);
  return (_args, call) => {
    const pair = bytesOf(call.blobs, argIndex);
    if (!pair || pair.data.length < 16) return '';
    const v = viewOf(pair.data);
    const ptr = v.getBigUint64(0, true);
    const size = v.getBigUint64(8, true);
    const mask = bytesOf(call.blobs, derivedKey(argIndex, INNER_PART));
    const shown = ptr === 0n || size !== 8n || !mask || mask.data.length < 8 ? pointer(ptr) : format(viewOf(mask.data).getBigUint64(0, true));
    return `{sigmask=${shown}, sigsetsize=${size}}`;
  };
}

/** The kernel's struct sigaction on x86_64: handler, flags, restorer, mask. */
function sigactionArg(argIndex: number, output: boolean, tables: ArchTables): ArgDecoder {
  const sigset = sigsetFormatter(tables);
  const saNames = xlat(tables, 'SA', SA_NAMES);
  const restorer = BigInt(constant(tables, 'SA', 'SA_RESTORER'));
  const flags = cached((v) => formatFlags(v, saNames, 'SA_???'));
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < 32 || (output && call.ret < 0n)) return '';
    const v = viewOf(b.data);
    const handler = v.getBigUint64(0, true);
    const saFlags = v.getBigUint64(8, true);
    let out = `{sa_handler=${HANDLERS.find(([, h]) => h === handler)?.[0] ?? pointer(handler)}, sa_mask=${sigset(v.getBigUint64(24, true))}, sa_flags=${flags(saFlags)}`;
    if (saFlags & restorer) out += `, sa_restorer=${pointer(v.getBigUint64(16, true))}`;
    return `${out}}`;
  };
}

/** strace's sigaltstack_flags. */
const SS_FLAGS = fixedXlat([['SS_ONSTACK', 1], ['SS_DISABLE', 2], ['SS_AUTODISARM', 2 ** 31]]);

/** A stack_t: `{ss_sp=0x7f..., ss_flags=0, ss_size=65536}`. */
function stackArg(argIndex: number, output: boolean): ArgDecoder {
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < 24 || (output && call.ret < 0n)) return '';
    const v = viewOf(b.data);
    return `{ss_sp=${pointer(v.getBigUint64(0, true))}, ss_flags=${formatFlags(BigInt(v.getUint32(8, true)), SS_FLAGS, 'SS_???')}, ss_size=${v.getBigUint64(16, true)}}`;
  };
}

/**
 * rt_sigreturn's one argument as strace 6.1 prints it, `{mask=[USR1]}`: the mask the signal frame
 * restores, read by the kernel side at entry (blob of argument 0; src/syscalls/reads.ts).
 */
function frameMaskArg(tables: ArchTables): ArgDecoder {
  const format = sigsetFormatter(tables);
  return (_args, call) => {
    const b = bytesOf(call.blobs, 0);
    if (!b || b.data.length < 8) return '';
    return `{mask=${format(viewOf(b.data).getBigUint64(0, true))}}`;
  };
}

/** strace's sigev_value xlat (sigev_notify values). */
const SIGEV_NOTIFY = fixedXlat([['SIGEV_SIGNAL', 0], ['SIGEV_NONE', 1], ['SIGEV_THREAD', 2], ['SIGEV_THREAD_ID', 4]]);

/** A struct sigevent (x86_64: value at 0, signo 8, notify 12, tid or function 16, attributes 24), strace's print_sigevent. */
function sigeventFormatter(tables: ArchTables): (v: DataView) => string {
  const signal = signalFormatter(tables);
  return (v) => {
    const ptr = v.getBigUint64(0, true);
    const notify = v.getInt32(12, true);
    const parts: string[] = [];
    if (ptr !== 0n) parts.push(`sigev_value={sival_int=${v.getInt32(0, true)}, sival_ptr=${pointer(ptr)}}`);
    const signo = v.getInt32(8, true);
    parts.push(`sigev_signo=${notify === 0 || notify === 2 || notify === 4 ? signal(signo) : String(v.getUint32(8, true))}`);
    parts.push(`sigev_notify=${formatValue(BigInt(notify), SIGEV_NOTIFY, 'SIGEV_???')}`);
    if (notify === 4) parts.push(`sigev_notify_thread_id=${v.getInt32(16, true)}`);
    if (notify === 2) parts.push(`sigev_notify_function=${pointer(v.getBigUint64(16, true))}`, `sigev_notify_attributes=${pointer(v.getBigUint64(24, true))}`);
    return `{${parts.join(', ')}}`;
  };
}

/** Registers the signal decoders. */
export function registerSignalDecoders(registry: DecoderRegistry): void {
  registry.register('timer_create', 'timer_event_spec', (ctx) => structArg(ctx.argIndex, 64, false, sigeventFormatter(ctx.tables)));
  registry.register('mq_notify', 'u_notification', (ctx) => structArg(ctx.argIndex, 64, false, sigeventFormatter(ctx.tables)));
  registry.register('timer_create', 'created_timer_id', (ctx) => structArg(ctx.argIndex, 4, true, (v) => `[${v.getInt32(0, true)}]`));
  for (const [syscall, arg] of [['rt_sigqueueinfo', 'uinfo'], ['rt_tgsigqueueinfo', 'uinfo'], ['pidfd_send_signal', 'info']]) {
    registry.register(syscall, arg, (ctx) => {
      const decode = siginfoDecoder(ctx.tables);
      return structArg(ctx.argIndex, SIGINFO_FIELD_BYTES, false, (v) => decode(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).symbolic);
    });
  }
  registry.register('rt_sigreturn', 'frame', (ctx) => frameMaskArg(ctx.tables));
  registry.register('sigaltstack', 'uss', (ctx) => stackArg(ctx.argIndex, false));
  registry.register('sigaltstack', 'uoss', (ctx) => stackArg(ctx.argIndex, true));
  registry.register('rt_sigpending', 'uset', (ctx) => pendingArg(ctx.argIndex, argIndexOf(ctx, 'sigsetsize'), ctx.tables));
  registry.register('rt_sigsuspend', 'unewset', (ctx) => sigsetArg(ctx.argIndex, argIndexOf(ctx, 'sigsetsize'), false, ctx.tables));
  registry.register('rt_sigtimedwait', 'uthese', (ctx) => sigsetArg(ctx.argIndex, argIndexOf(ctx, 'sigsetsize'), false, ctx.tables));
  // Masks these calls take as input (unchanged at exit, where they are read).
  for (const [syscall, arg, size] of [['ppoll', 'sigmask', 'sigsetsize'], ['epoll_pwait', 'sigmask', 'sigsetsize'], ['signalfd', 'user_mask', 'sizemask'], ['signalfd4', 'user_mask', 'sizemask']]) {
    registry.register(syscall, arg, (ctx) => sigsetArg(ctx.argIndex, argIndexOf(ctx, size), false, ctx.tables));
  }
  registry.register('pselect6', 'sig', (ctx) => sigmaskPairArg(ctx.argIndex, ctx.tables));
  registry.register('rt_sigtimedwait', 'uts', (ctx) => structArg(ctx.argIndex, 16, false, (v) => formatTimespec(v)));
  for (const [syscall, arg] of [
    ['kill', 'sig'], ['tkill', 'sig'], ['tgkill', 'sig'], ['rt_sigaction', 'sig'], ['rt_sigqueueinfo', 'sig'],
    ['rt_tgsigqueueinfo', 'sig'], ['pidfd_send_signal', 'sig'],
  ] as const) {
    registry.register(syscall, arg, (ctx) => signalArg(ctx.argIndex, ctx.tables));
  }
  registry.register('rt_sigaction', 'act', (ctx) => sigactionArg(ctx.argIndex, false, ctx.tables));
  registry.register('rt_sigaction', 'oact', (ctx) => sigactionArg(ctx.argIndex, true, ctx.tables));
  registry.register('rt_sigprocmask', 'how', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'SIGHOW', HOW_NAMES), 'SIG_???'));
  registry.register('rt_sigprocmask', 'nset', (ctx) => sigsetArg(ctx.argIndex, argIndexOf(ctx, 'sigsetsize'), false, ctx.tables));
  registry.register('rt_sigprocmask', 'oset', (ctx) => sigsetArg(ctx.argIndex, argIndexOf(ctx, 'sigsetsize'), true, ctx.tables));
}


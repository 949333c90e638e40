/**
 * prctl as strace prints it (its SYS_FUNC(prctl)): the option, then per option the arguments it
 * takes, each in its form (a signal, a capability, flags, a value written behind arg2), the rest
 * in hex, and nothing for the options without arguments; and what strace notes after the return
 * value (`= 0xff (SECBIT_NOROOT|...)`, `= 2 (PR_MCE_KILL_DEFAULT)`), for clients/cli/returns.ts.
 */
import type { ArchTables } from '../arch';
import { capabilities } from './caps';
import { quoteBytes } from './quote';
import { argIndexOf, bytesOf, viewOf, type CallView, type DecoderRegistry } from './registry';
import { signalFormatter } from './signal';
import { currentBindingStyle, fixedXlat, formatFlags, formatValue, hexValue, pointer, styled, u32, xlat, type ConstantStyle, type Xlat } from './xlat';

/** strace's prctl_options (include/uapi/linux/prctl.h names), in its order. */
const PRCTL_OPTION_NAMES = [
  'PR_SET_PDEATHSIG', 'PR_GET_PDEATHSIG', 'PR_GET_DUMPABLE', 'PR_SET_DUMPABLE', 'PR_GET_UNALIGN', 'PR_SET_UNALIGN', 'PR_GET_KEEPCAPS',
  'PR_SET_KEEPCAPS', 'PR_GET_FPEMU', 'PR_SET_FPEMU', 'PR_GET_FPEXC', 'PR_SET_FPEXC', 'PR_GET_TIMING', 'PR_SET_TIMING', 'PR_SET_NAME',
  'PR_GET_NAME', 'PR_GET_ENDIAN', 'PR_SET_ENDIAN', 'PR_GET_SECCOMP', 'PR_SET_SECCOMP', 'PR_CAPBSET_READ', 'PR_CAPBSET_DROP',
  'PR_GET_TSC', 'PR_SET_TSC', 'PR_GET_SECUREBITS', 'PR_SET_SECUREBITS', 'PR_SET_TIMERSLACK', 'PR_GET_TIMERSLACK',
  'PR_TASK_PERF_EVENTS_DISABLE', 'PR_TASK_PERF_EVENTS_ENABLE', 'PR_MCE_KILL', 'PR_MCE_KILL_GET', 'PR_SET_MM',
  'PR_SET_CHILD_SUBREAPER', 'PR_GET_CHILD_SUBREAPER', 'PR_SET_NO_NEW_PRIVS', 'PR_GET_NO_NEW_PRIVS', 'PR_GET_TID_ADDRESS',
  'PR_SET_THP_DISABLE', 'PR_GET_THP_DISABLE', 'PR_MPX_ENABLE_MANAGEMENT', 'PR_MPX_DISABLE_MANAGEMENT', 'PR_SET_FP_MODE',
  'PR_GET_FP_MODE', 'PR_CAP_AMBIENT', 'PR_SVE_SET_VL', 'PR_SVE_GET_VL', 'PR_GET_SPECULATION_CTRL', 'PR_SET_SPECULATION_CTRL',
  'PR_PAC_RESET_KEYS', 'PR_SET_TAGGED_ADDR_CTRL', 'PR_GET_TAGGED_ADDR_CTRL', 'PR_SET_IO_FLUSHER', 'PR_GET_IO_FLUSHER',
  'PR_SET_SYSCALL_USER_DISPATCH', 'PR_PAC_SET_ENABLED_KEYS', 'PR_PAC_GET_ENABLED_KEYS', 'PR_SCHED_CORE', 'PR_SME_SET_VL',
  'PR_SME_GET_VL', 'PR_SET_VMA', 'PR_SET_PTRACER',
];

// The sub-values of linux/prctl.h and linux/securebits.h, strace's xlats in their order.
const DUMPABLE = fixedXlat([['SUID_DUMP_DISABLE', 0], ['SUID_DUMP_USER', 1], ['SUID_DUMP_ROOT', 2]]);
const CAP_AMBIENT = fixedXlat([['PR_CAP_AMBIENT_IS_SET', 1], ['PR_CAP_AMBIENT_RAISE', 2], ['PR_CAP_AMBIENT_LOWER', 3], ['PR_CAP_AMBIENT_CLEAR_ALL', 4]]);
const MCE_KILL = fixedXlat([['PR_MCE_KILL_CLEAR', 0], ['PR_MCE_KILL_SET', 1]]);
const MCE_POLICY = fixedXlat([['PR_MCE_KILL_LATE', 0], ['PR_MCE_KILL_EARLY', 1], ['PR_MCE_KILL_DEFAULT', 2]]);
const SET_VMA = fixedXlat([['PR_SET_VMA_ANON_NAME', 0]]);
const SET_MM = fixedXlat([
  ['PR_SET_MM_START_CODE', 1], ['PR_SET_MM_END_CODE', 2], ['PR_SET_MM_START_DATA', 3], ['PR_SET_MM_END_DATA', 4],
  ['PR_SET_MM_START_STACK', 5], ['PR_SET_MM_START_BRK', 6], ['PR_SET_MM_BRK', 7], ['PR_SET_MM_ARG_START', 8], ['PR_SET_MM_ARG_END', 9],
  ['PR_SET_MM_ENV_START', 10], ['PR_SET_MM_ENV_END', 11], ['PR_SET_MM_AUXV', 12], ['PR_SET_MM_EXE_FILE', 13], ['PR_SET_MM_MAP', 14],
  ['PR_SET_MM_MAP_SIZE', 15],
]);
const TSC = fixedXlat([['PR_TSC_ENABLE', 1], ['PR_TSC_SIGSEGV', 2]]);
const UNALIGN = fixedXlat([['PR_UNALIGN_NOPRINT', 1], ['PR_UNALIGN_SIGBUS', 2]]);
const FP_MODE = fixedXlat([['PR_FP_MODE_FR', 1], ['PR_FP_MODE_FRE', 2]]);
const SPEC_CMDS = fixedXlat([['PR_SPEC_STORE_BYPASS', 0], ['PR_SPEC_INDIRECT_BRANCH', 1], ['PR_SPEC_L1D_FLUSH', 2]]);
const SPEC_SET = fixedXlat([['PR_SPEC_ENABLE', 2], ['PR_SPEC_DISABLE', 4], ['PR_SPEC_FORCE_DISABLE', 8], ['PR_SPEC_DISABLE_NOEXEC', 16]]);
const SPEC_GET = fixedXlat([['PR_SPEC_NOT_AFFECTED', 0], ['PR_SPEC_PRCTL', 1], ...SPEC_SET]);
const PAC_ENABLED_KEYS = fixedXlat([['PR_PAC_APIAKEY', 1], ['PR_PAC_APIBKEY', 2], ['PR_PAC_APDAKEY', 4], ['PR_PAC_APDBKEY', 8]]);
const PAC_KEYS = fixedXlat([...PAC_ENABLED_KEYS, ['PR_PAC_APGAKEY', 16]]);
const SUD_CMDS = fixedXlat([['PR_SYS_DISPATCH_OFF', 0], ['PR_SYS_DISPATCH_ON', 1]]);
const SCHED_CORE_CMDS = fixedXlat([['PR_SCHED_CORE_GET', 0], ['PR_SCHED_CORE_CREATE', 1], ['PR_SCHED_CORE_SHARE_TO', 2], ['PR_SCHED_CORE_SHARE_FROM', 3]]);
const PIDTYPES = fixedXlat([['PIDTYPE_PID', 0], ['PIDTYPE_TGID', 1], ['PIDTYPE_PGID', 2], ['PIDTYPE_SID', 3]]);
const SECBITS = fixedXlat([
  ['SECBIT_NOROOT', 0x1], ['SECBIT_NOROOT_LOCKED', 0x2], ['SECBIT_NO_SETUID_FIXUP', 0x4], ['SECBIT_NO_SETUID_FIXUP_LOCKED', 0x8],
  ['SECBIT_KEEP_CAPS', 0x10], ['SECBIT_KEEP_CAPS_LOCKED', 0x20], ['SECBIT_NO_CAP_AMBIENT_RAISE', 0x40], ['SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED', 0x80],
]);
/** PR_SVE_/PR_SME_ vector length flags (the same bits) and length mask. */
const VL_MASK = 0xffffn;
const SVE_FLAGS = fixedXlat([['PR_SVE_SET_VL_ONEXEC', 1 << 18], ['PR_SVE_VL_INHERIT', 1 << 17]]);
const SME_FLAGS = fixedXlat([['PR_SME_SET_VL_ONEXEC', 1 << 18], ['PR_SME_VL_INHERIT', 1 << 17]]);
/** PR_SET_TAGGED_ADDR_CTRL's word: the enable bit, the MTE fault mode, the tag mask. */
const TAGGED_ENABLE = fixedXlat([['!PR_TAGGED_ADDR_ENABLE', 0], ['PR_TAGGED_ADDR_ENABLE', 1]]);
const MTE_TCF = fixedXlat([['PR_MTE_TCF_NONE', 0], ['PR_MTE_TCF_SYNC', 2], ['PR_MTE_TCF_ASYNC', 4], ['PR_MTE_TCF_MASK', 6]]);
const MTE_TCF_MASK = 6n;
const MTE_TAG_SHIFT = 3n;
const MTE_TAG_MASK = 0xffffn << MTE_TAG_SHIFT;

/** A vector length word: `PR_SVE_VL_INHERIT|0x10`, the bare length without flags (strace's sprint_sve_val). */
function vectorLength(value: bigint, flagsXlat: Xlat, style: ConstantStyle, aux: boolean): string | undefined {
  if (style === 'raw') return aux ? undefined : hexValue(value);
  const flags = value & ~VL_MASK;
  if (flags === 0n) return aux ? undefined : hexValue(value & VL_MASK);
  const text = `${formatFlags(flags, flagsXlat, '')}|${hexValue(value & VL_MASK)}`;
  return !aux && style === 'verbose' ? `${hexValue(value)} /* ${text} */` : text;
}

/** The tagged-address control word (strace's sprint_tagged_addr_val). */
function taggedAddress(value: bigint, style: ConstantStyle, aux: boolean): string | undefined {
  if (style === 'raw') return aux ? undefined : hexValue(value);
  const tag = value & MTE_TAG_MASK;
  const rest = value & ~(1n | MTE_TCF_MASK | MTE_TAG_MASK);
  let text = `${formatValue(value & 1n, TAGGED_ENABLE, '')}|${formatValue(value & MTE_TCF_MASK, MTE_TCF, '')}`;
  if (tag) text += `|${hexValue(tag >> MTE_TAG_SHIFT)}<<PR_MTE_TAG_SHIFT`;
  if (rest) text += `|${hexValue(rest)}`;
  return !aux && style === 'verbose' ? `${hexValue(value)} /* ${text} */` : text;
}

/** What prctl shows of arg2..arg5: a rendering each, or null for an argument it does not show. */
type Shown = [string | null, string | null, string | null, string | null];

/** Builds the per-call renderer of prctl's arguments after the option. */
function prctlArguments(tables: ArchTables): (args: readonly bigint[], call: CallView) => Shown {
  const style = currentBindingStyle();
  const signal = signalFormatter(tables);
  const caps = capabilities(tables);
  const seccomp = xlat(tables, 'SECCOMP', ['SECCOMP_MODE_DISABLED', 'SECCOMP_MODE_STRICT', 'SECCOMP_MODE_FILTER']);
  const xval = (v: bigint, table: Xlat, unknown: string) => styled(v, formatValue(v, table, unknown), style);
  const flags = (v: bigint, table: Xlat, unknown: string) => styled(v, formatFlags(v, table, unknown), style);
  const hex = (v: bigint) => hexValue(v);
  const byName = new Map<bigint, string>(xlat(tables, 'PR', PRCTL_OPTION_NAMES).map(([n, v]) => [v, n]));
  const noArgs = new Set(['PR_GET_KEEPCAPS', 'PR_GET_SECCOMP', 'PR_GET_TIMERSLACK', 'PR_GET_TIMING', 'PR_GET_DUMPABLE', 'PR_GET_SECUREBITS',
    'PR_GET_FP_MODE', 'PR_SVE_GET_VL', 'PR_SME_GET_VL', 'PR_TASK_PERF_EVENTS_DISABLE', 'PR_TASK_PERF_EVENTS_ENABLE']);
  /** An int (or other value) the call wrote behind arg2, `[...]`; its address when it failed or was not read. */
  const written = (call: CallView, reg: bigint, size: 4 | 8, render: (v: bigint) => string) => {
    if (reg === 0n) return 'NULL';
    const b = bytesOf(call.blobs, 1);
    if (call.ret < 0n || !b || b.data.length < size) return pointer(reg);
    const v = viewOf(b.data);
    return `[${render(size === 4 ? BigInt(v.getUint32(0, true)) : v.getBigUint64(0, true))}]`;
  };
  /** PR_SET_NAME's and PR_GET_NAME's name, at most `max` bytes before its NUL. */
  const name = (call: CallView, reg: bigint, max: number) => {
    const b = bytesOf(call.blobs, 1);
    if (reg === 0n || !b) return pointer(reg);
    const nul = b.data.indexOf(0);
    const end = nul >= 0 && nul <= max ? nul : Math.min(max, b.data.length);
    // No NUL before memory ends short of the limit: strace shows what it read, uncut.
    return quoteBytes(b.data.subarray(0, end), { truncated: (nul < 0 && b.data.length > max) || nul > max });
  };
  return (args, call) => {
    const [, a2 = 0n, a3 = 0n, a4 = 0n, a5 = 0n] = args;
    const option = byName.get(u32(args[0]));
    const rest = (from: number): Shown => [a2, a3, a4, a5].map((v, i) => (i + 2 >= from ? hex(v) : null)) as Shown;
    const only = (s: string): Shown => [s, null, null, null];
    const failed = call.ret < 0n;
    if (option === undefined) return rest(2);
    if (noArgs.has(option)) return [null, null, null, null];
    switch (option) {
      case 'PR_GET_CHILD_SUBREAPER': case 'PR_GET_ENDIAN': case 'PR_GET_FPEMU': case 'PR_GET_FPEXC':
        return only(written(call, a2, 4, (v) => v.toString()));
      case 'PR_GET_NAME':
        return only(failed ? pointer(a2) : name(call, a2, 16));
      case 'PR_SET_NAME':
        return only(name(call, a2, 15));
      case 'PR_GET_PDEATHSIG':
        return only(written(call, a2, 4, (v) => signal(Number(v))));
      case 'PR_GET_TID_ADDRESS':
        return only(written(call, a2, 8, (v) => pointer(v)));
      case 'PR_GET_TSC':
        return only(written(call, a2, 4, (v) => xval(v, TSC, 'PR_TSC_???')));
      case 'PR_GET_UNALIGN':
        return only(written(call, a2, 4, (v) => flags(v, UNALIGN, 'PR_UNALIGN_???')));
      case 'PR_SVE_SET_VL':
        return only(vectorLength(a2, SVE_FLAGS, style, false) ?? hex(a2));
      case 'PR_SME_SET_VL':
        return only(vectorLength(a2, SME_FLAGS, style, false) ?? hex(a2));
      case 'PR_GET_SPECULATION_CTRL':
        return only(xval(a2, SPEC_CMDS, 'PR_SPEC_???'));
      case 'PR_SET_TAGGED_ADDR_CTRL':
        return [taggedAddress(a2, style, false) ?? hex(a2), hex(a3), hex(a4), hex(a5)];
      case 'PR_SET_CHILD_SUBREAPER': case 'PR_SET_ENDIAN': case 'PR_SET_FPEMU': case 'PR_SET_FPEXC': case 'PR_SET_KEEPCAPS': case 'PR_SET_TIMING':
        return only(a2.toString());
      case 'PR_SET_DUMPABLE':
        return only(xval(a2, DUMPABLE, 'SUID_DUMP_???'));
      case 'PR_CAPBSET_DROP': case 'PR_CAPBSET_READ':
        return only(xval(a2, caps, 'CAP_???'));
      case 'PR_CAP_AMBIENT': {
        const sub = xval(a2, CAP_AMBIENT, 'PR_CAP_AMBIENT_???');
        return a2 >= 1n && a2 <= 3n ? [sub, xval(a3, caps, 'CAP_???'), hex(a4), hex(a5)] : [sub, hex(a3), hex(a4), hex(a5)];
      }
      case 'PR_MCE_KILL':
        return [xval(a2, MCE_KILL, 'PR_MCE_KILL_???'), a2 === 1n ? xval(a3, MCE_POLICY, 'PR_MCE_KILL_???') : hex(a3), hex(a4), hex(a5)];
      case 'PR_SET_VMA':
        // PR_SET_VMA_ANON_NAME's name (arg5) is not read: its address.
        return a2 === 0n ? [xval(a2, SET_VMA, 'PR_SET_VMA_???'), pointer(a3), a4.toString(), pointer(a5)] : [xval(a2, SET_VMA, 'PR_SET_VMA_???'), hex(a3), hex(a4), hex(a5)];
      case 'PR_SET_MM':
        return [xval(u32(a2), SET_MM, 'PR_SET_MM_???'), hex(a3), hex(a4), hex(a5)];
      case 'PR_SET_PDEATHSIG':
        return only(a2 > 128n ? a2.toString() : signal(Number(a2)));
      case 'PR_SET_PTRACER':
        return only(BigInt.asIntN(32, a2) === -1n ? styled(-1n, 'PR_SET_PTRACER_ANY', style, true) : BigInt.asIntN(32, a2).toString());
      case 'PR_SET_SECCOMP': {
        const mode = xval(a2, seccomp, 'SECCOMP_MODE_???');
        if (a2 === 1n) return only(mode);
        // SECCOMP_MODE_FILTER's program is not read: its address.
        return a2 === 2n ? [mode, pointer(a3), null, null] : [mode, hex(a3), hex(a4), hex(a5)];
      }
      case 'PR_SET_SECUREBITS':
        return only(flags(a2, SECBITS, 'SECBIT_???'));
      case 'PR_SET_TIMERSLACK':
        return only(BigInt.asIntN(64, a2).toString());
      case 'PR_SET_TSC':
        return only(xval(u32(a2), TSC, 'PR_TSC_???'));
      case 'PR_SET_UNALIGN':
        return only(flags(u32(a2), UNALIGN, 'PR_UNALIGN_???'));
      case 'PR_SET_NO_NEW_PRIVS': case 'PR_SET_THP_DISABLE': case 'PR_SET_IO_FLUSHER':
        return [a2.toString(), hex(a3), hex(a4), hex(a5)];
      case 'PR_SET_FP_MODE':
        return only(flags(u32(a2), FP_MODE, 'PR_FP_MODE_???'));
      case 'PR_SET_SPECULATION_CTRL':
        return [xval(a2, SPEC_CMDS, 'PR_SPEC_???'), a2 <= 2n ? xval(a3, SPEC_SET, 'PR_SPEC_???') : hex(a3), null, null];
      case 'PR_PAC_RESET_KEYS':
        return [flags(a2, PAC_KEYS, 'PR_PAC_???'), hex(a3), hex(a4), hex(a5)];
      case 'PR_PAC_SET_ENABLED_KEYS':
        return [flags(a2, PAC_ENABLED_KEYS, 'PR_PAC_???'), flags(a3, PAC_ENABLED_KEYS, 'PR_PAC_???'), hex(a4), hex(a5)];
      case 'PR_SET_SYSCALL_USER_DISPATCH':
        return [xval(a2, SUD_CMDS, 'PR_SYS_DISPATCH_???'), hex(a3), hex(a4), pointer(a5)];
      case 'PR_SCHED_CORE': {
        const type = u32(a4);
        const pidType = style === 'raw' ? hexValue(type) : styled(type, formatValue(type, PIDTYPES, 'PIDTYPE_???'), 'verbose');
        let cookie = pointer(a5);
        if (u32(a2) === 0n && !failed && a5 !== 0n) {
          const b = bytesOf(call.blobs, 4);
          if (b && b.data.length >= 8) cookie = `[${hexValue(viewOf(b.data).getBigUint64(0, true))}]`;
        }
        return [xval(u32(a2), SCHED_CORE_CMDS, 'PR_SCHED_CORE_???'), BigInt.asIntN(32, a3).toString(), pidType, cookie];
      }
      default:
        return rest(2);
    }
  };
}

/**
 * strace's note after prctl's return value, and whether the value prints in hex; undefined when
 * the option has none. For clients/cli/returns.ts.
 */
export function prctlReturn(tables: ArchTables): (args: readonly bigint[], ret: bigint) => { hex: boolean; note?: string } | undefined {
  const pr = (n: string) => BigInt(tables.constants.PR?.[n] ?? -1);
  const hexed = (note: string | undefined) => ({ hex: true, note });
  return (args, ret) => {
    const option = u32(args[0]);
    const arg2 = args[1] ?? 0n;
    switch (option) {
      case pr('PR_GET_DUMPABLE'):
        return { hex: false, note: DUMPABLE.find(([, v]) => v === ret)?.[0] };
      case pr('PR_MCE_KILL_GET'):
        return { hex: false, note: MCE_POLICY.find(([, v]) => v === ret)?.[0] };
      case pr('PR_GET_SECUREBITS'):
        return ret === 0n ? undefined : hexed(formatFlags(ret, SECBITS, ''));
      case pr('PR_GET_FP_MODE'):
        return ret === 0n ? undefined : hexed(formatFlags(ret, FP_MODE, ''));
      case pr('PR_PAC_GET_ENABLED_KEYS'):
        return hexed(ret === 0n ? undefined : formatFlags(ret, PAC_ENABLED_KEYS, ''));
      case pr('PR_SVE_SET_VL'): case pr('PR_SVE_GET_VL'):
        return ret === 0n ? undefined : hexed(vectorLength(ret, SVE_FLAGS, 'abbrev', true));
      case pr('PR_SME_SET_VL'): case pr('PR_SME_GET_VL'):
        return ret === 0n ? undefined : hexed(vectorLength(ret, SME_FLAGS, 'abbrev', true));
      case pr('PR_GET_TAGGED_ADDR_CTRL'):
        return hexed(taggedAddress(ret, 'abbrev', true));
      case pr('PR_GET_SPECULATION_CTRL'):
        return arg2 <= 2n ? hexed(formatFlags(ret, SPEC_GET, '')) : undefined;
      default:
        return undefined;
    }
  };
}

/** Registers prctl's decoders. */
export function registerPrctlDecoders(registry: DecoderRegistry): void {
  registry.register('prctl', 'option', (ctx) => {
    const names = xlat(ctx.tables, 'PR', PRCTL_OPTION_NAMES);
    const style = currentBindingStyle();
    return (args) => styled(u32(args[ctx.argIndex]), formatValue(u32(args[ctx.argIndex]), names, 'PR_???'), style);
  });
  ['arg2', 'arg3', 'arg4', 'arg5'].forEach((arg, i) => {
    registry.register('prctl', arg, (ctx) => {
      const shown = prctlArguments(ctx.tables);
      const option = argIndexOf(ctx, 'option');
      return option < 0 ? null : (args, call) => shown(args, call)[i];
    });
  });
}

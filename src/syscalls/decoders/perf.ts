/**
 * perf_event_open: its flags (the kernel's unsigned long, all 64 bits shown) and struct
 * perf_event_attr as strace 6.1 prints it: without -v it reads the struct up to wakeup_events,
 * 48 bytes, and prints it to the flags bitfield then `...` (the type, the size with the kernel's
 * own after E2BIG, the config by type, the sample period or frequency, the sample and read
 * formats, the flags that are set, precise_ip with its meaning); with -v it reads `size` bytes
 * (0 meaning PERF_ATTR_SIZE_VER0, at most its own struct's 128) and prints every flag and the
 * fields that size reaches. The head is read at entry and at exit (reads.ts: E2BIG writes the
 * size back), and the whole struct at exit at 128 and at 64 bytes, the longer readable kept.
 */
import type { ArchTables } from '../arch';
import { flags64Arg } from './fields';
import { bytesOf, entryBytesOf, viewOf, type CallView, type DecoderRegistry } from './registry';
import { clockXlat } from './time';
import { fixedXlat, formatFlags, formatValue, hexValue, pointer, xlat, type Xlat } from './xlat';

const PERF_FLAGS = ['PERF_FLAG_FD_NO_GROUP', 'PERF_FLAG_FD_OUTPUT', 'PERF_FLAG_PID_CGROUP', 'PERF_FLAG_FD_CLOEXEC'];
/** The bytes strace's abbreviated form reads: offsetof(struct perf_event_attr, wakeup_events) (reads.ts reads them). */
const PERF_ATTR_HEAD = 48;
/** PERF_ATTR_SIZE_VER0: the smallest struct the kernel (and strace) accepts; a size of 0 means it. */
const SIZE_VER0 = 64;
/** sizeof(struct perf_event_attr) in strace 6.1 (PERF_ATTR_SIZE_VER7): the most -v reads. */
const ATTR_MAX = 128;
/** E2BIG: the error after which the kernel has written its own size into the struct. */
const E2BIG = 7;

const TYPES = ['PERF_TYPE_HARDWARE', 'PERF_TYPE_SOFTWARE', 'PERF_TYPE_TRACEPOINT', 'PERF_TYPE_HW_CACHE', 'PERF_TYPE_RAW', 'PERF_TYPE_BREAKPOINT'];
const SIZES = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => `PERF_ATTR_SIZE_VER${n}`);
const HW_IDS = [
  'PERF_COUNT_HW_CPU_CYCLES', 'PERF_COUNT_HW_INSTRUCTIONS', 'PERF_COUNT_HW_CACHE_REFERENCES', 'PERF_COUNT_HW_CACHE_MISSES',
  'PERF_COUNT_HW_BRANCH_INSTRUCTIONS', 'PERF_COUNT_HW_BRANCH_MISSES', 'PERF_COUNT_HW_BUS_CYCLES', 'PERF_COUNT_HW_STALLED_CYCLES_FRONTEND',
  'PERF_COUNT_HW_STALLED_CYCLES_BACKEND', 'PERF_COUNT_HW_REF_CPU_CYCLES',
];
const SW_IDS = [
  'PERF_COUNT_SW_CPU_CLOCK', 'PERF_COUNT_SW_TASK_CLOCK', 'PERF_COUNT_SW_PAGE_FAULTS', 'PERF_COUNT_SW_CONTEXT_SWITCHES',
  'PERF_COUNT_SW_CPU_MIGRATIONS', 'PERF_COUNT_SW_PAGE_FAULTS_MIN', 'PERF_COUNT_SW_PAGE_FAULTS_MAJ', 'PERF_COUNT_SW_ALIGNMENT_FAULTS',
  'PERF_COUNT_SW_EMULATION_FAULTS', 'PERF_COUNT_SW_DUMMY', 'PERF_COUNT_SW_BPF_OUTPUT', 'PERF_COUNT_SW_CGROUP_SWITCHES',
];
const CACHE_IDS = ['L1D', 'L1I', 'LL', 'DTLB', 'ITLB', 'BPU', 'NODE'].map((n) => `PERF_COUNT_HW_CACHE_${n}`);
const CACHE_OPS = ['READ', 'WRITE', 'PREFETCH'].map((n) => `PERF_COUNT_HW_CACHE_OP_${n}`);
const CACHE_RESULTS = ['ACCESS', 'MISS'].map((n) => `PERF_COUNT_HW_CACHE_RESULT_${n}`);
const SAMPLE_FORMAT = [
  'IP', 'TID', 'TIME', 'ADDR', 'READ', 'CALLCHAIN', 'ID', 'CPU', 'PERIOD', 'STREAM_ID', 'RAW', 'BRANCH_STACK', 'REGS_USER', 'STACK_USER',
  'WEIGHT', 'DATA_SRC', 'IDENTIFIER', 'TRANSACTION', 'REGS_INTR', 'PHYS_ADDR', 'AUX', 'CGROUP', 'DATA_PAGE_SIZE', 'CODE_PAGE_SIZE',
  'WEIGHT_STRUCT',
].map((n) => `PERF_SAMPLE_${n}`);
const READ_FORMAT = ['TOTAL_TIME_ENABLED', 'TOTAL_TIME_RUNNING', 'ID', 'GROUP', 'LOST'].map((n) => `PERF_FORMAT_${n}`);
/**
 * The one-bit flags of the bitfield at byte 40, by bit (x86_64's little-endian layout); bits 15
 * and 16 are precise_ip, 38..63 __reserved_1. strace's abbreviated form prints the set ones.
 */
const FLAG_BITS: ReadonlyArray<readonly [string, number]> = [
  ...['disabled', 'inherit', 'pinned', 'exclusive', 'exclude_user', 'exclude_kernel', 'exclude_hv', 'exclude_idle', 'mmap', 'comm', 'freq',
    'inherit_stat', 'enable_on_exec', 'task', 'watermark'].map((n, i) => [n, i] as const),
  ...['mmap_data', 'sample_id_all', 'exclude_host', 'exclude_guest', 'exclude_callchain_kernel', 'exclude_callchain_user', 'mmap2',
    'comm_exec', 'use_clockid', 'context_switch', 'write_backward', 'namespaces', 'ksymbol', 'bpf_event', 'aux_output', 'cgroup',
    'text_poke', 'build_id', 'inherit_thread', 'remove_on_exec', 'sigtrap'].map((n, i) => [n, 17 + i] as const),
];
const PRECISE_IP = ['arbitrary skid', 'constant skid', 'requested to have 0 skid', 'must have 0 skid'];
const BRANCH_SAMPLE = [
  'USER', 'KERNEL', 'HV', 'ANY', 'ANY_CALL', 'ANY_RETURN', 'IND_CALL', 'ABORT_TX', 'IN_TX', 'NO_TX', 'COND', 'CALL_STACK', 'IND_JUMP',
  'CALL', 'NO_FLAGS', 'NO_CYCLES', 'TYPE_SAVE', 'HW_INDEX', 'PRIV_SAVE',
].map((n) => `PERF_SAMPLE_BRANCH_${n}`);
/** include/uapi/linux/hw_breakpoint.h (enums strace's xlat names; not in the generated group). */
const BP_TYPES = fixedXlat([['HW_BREAKPOINT_EMPTY', 0], ['HW_BREAKPOINT_R', 1], ['HW_BREAKPOINT_W', 2], ['HW_BREAKPOINT_RW', 3], ['HW_BREAKPOINT_X', 4]]);
const PERF_TYPE_BREAKPOINT = 5n;
const SAMPLE_BRANCH_STACK = 1n << 11n;
const SAMPLE_STACK_USER = 1n << 13n;

interface PerfTables {
  types: Xlat;
  sizes: Xlat;
  hw: Xlat;
  sw: Xlat;
  cache: Xlat;
  cacheOps: Xlat;
  cacheResults: Xlat;
  sample: Xlat;
  read: Xlat;
  branch: Xlat;
  clocks: Xlat;
}

/** The config as strace prints it for the event type. */
function configText(type: bigint, config: bigint, t: PerfTables): string {
  const high = config >> 32n;
  const pmu = high ? `0x${high.toString(16)}<<32|` : '';
  switch (type) {
    case 0n:
      return pmu + formatValue(config & 0xffffffffn, t.hw, 'PERF_COUNT_HW_???');
    case 1n:
      return formatValue(config, t.sw, 'PERF_COUNT_SW_???');
    case 2n:
      return config.toString();
    case 3n: {
      const top = (config & 0xffffffffn) >> 24n;
      return (
        pmu +
        (top ? `0x${top.toString(16)}<<24|` : '') +
        `${formatValue((config >> 16n) & 0xffn, t.cacheResults, 'PERF_COUNT_HW_CACHE_RESULT_???')}<<16|` +
        `${formatValue((config >> 8n) & 0xffn, t.cacheOps, 'PERF_COUNT_HW_CACHE_OP_???')}<<8|` +
        formatValue(config & 0xffn, t.cache, 'PERF_COUNT_HW_CACHE_???')
      );
    }
    default:
      return config === 0n ? '0' : `0x${config.toString(16)}`;
  }
}

/**
 * struct perf_event_attr as strace 6.1 prints it without -v, or the address when its head is
 * unreadable or its size is below PERF_ATTR_SIZE_VER0 (and not 0).
 */
function perfAttrText(call: CallView, index: number, t: PerfTables): string {
  const exit = bytesOf(call.blobs, index);
  const entry = entryBytesOf(call.blobs, index) ?? exit;
  if (!entry || entry.data.length < PERF_ATTR_HEAD) return pointer(call.args[index]);
  const v = viewOf(entry.data);
  const size = v.getUint32(4, true);
  if (size !== 0 && size < SIZE_VER0) return pointer(call.args[index]);
  const type = BigInt(v.getUint32(0, true));
  const flags = v.getBigUint64(40, true);
  const bit = (n: number) => (flags >> BigInt(n)) & 1n;
  const parts = [`type=${formatValue(type, t.types, 'PERF_TYPE_???')}`];
  let sizeText = `size=${formatValue(BigInt(size), t.sizes, 'PERF_ATTR_SIZE_???')}`;
  if (call.ret === -BigInt(E2BIG)) {
    const now = exit && exit.data.length >= 8 ? formatValue(BigInt(viewOf(exit.data).getUint32(4, true)), t.sizes, 'PERF_ATTR_SIZE_???') : '???';
    sizeText += ` => ${now}`;
  }
  parts.push(sizeText, `config=${configText(type, v.getBigUint64(8, true), t)}`);
  parts.push(`${bit(10) ? 'sample_freq' : 'sample_period'}=${v.getBigUint64(16, true)}`);
  parts.push(`sample_type=${formatFlags(v.getBigUint64(24, true), t.sample, 'PERF_SAMPLE_???')}`);
  parts.push(`read_format=${formatFlags(v.getBigUint64(32, true), t.read, 'PERF_FORMAT_???')}`);
  const verbose = call.options.verbose;
  for (const [name, at] of FLAG_BITS) {
    if (at === 17) {
      const precise = Number((flags >> 15n) & 3n);
      parts.push(`precise_ip=${precise} /* ${PRECISE_IP[precise]} */`);
    }
    if (verbose || bit(at)) parts.push(`${name}=${bit(at)}`);
  }
  const reserved = flags >> 38n;
  if (reserved) parts.push(`__reserved_1=0x${reserved.toString(16)} /* Bits 63..38 */`);
  if (!verbose) return `{${parts.join(', ')}, ...}`;
  // -v: what `size` bytes reach, from the whole struct read at exit.
  const read = size === 0 ? SIZE_VER0 : Math.min(size, ATTR_MAX);
  const whole = exit && exit.data.length >= read ? viewOf(exit.data) : undefined;
  if (!whole) return `{${parts.join(', ')}, ...}`;
  parts.push(...verboseTail(whole, read, type, bit, v.getBigUint64(24, true), t));
  if (size > ATTR_MAX) parts.push('...');
  return `{${parts.join(', ')}}`;
}

/** The fields after the flags bitfield that `read` bytes reach, as strace -v prints them. */
function verboseTail(w: DataView, read: number, type: bigint, bit: (n: number) => bigint, sampleType: bigint, t: PerfTables): string[] {
  const out: string[] = [];
  const u64 = (at: number) => w.getBigUint64(at, true);
  const u32 = (at: number) => w.getUint32(at, true);
  const breakpoint = type === PERF_TYPE_BREAKPOINT;
  out.push(`${bit(14) ? 'wakeup_watermark' : 'wakeup_events'}=${u32(48)}`);
  if (breakpoint) out.push(`bp_type=${formatValue(BigInt(u32(52)), BP_TYPES, u32(52) <= 7 ? 'HW_BREAKPOINT_INVALID' : 'HW_BREAKPOINT_???')}`);
  out.push(breakpoint ? `bp_addr=${hexValue(u64(56))}` : `config1=${hexValue(u64(56))}`);
  // Each field from here on only when `read` reaches its offset (strace's STRACE_PERF_CHECK_FIELD).
  if (read <= 64) return out;
  out.push(breakpoint ? `bp_len=${u64(64)}` : `config2=${hexValue(u64(64))}`);
  if (read <= 72) return out;
  if (sampleType & SAMPLE_BRANCH_STACK) out.push(`branch_sample_type=${formatFlags(u64(72), t.branch, 'PERF_SAMPLE_BRANCH_???')}`);
  if (read <= 80) return out;
  out.push(`sample_regs_user=${hexValue(u64(80))}`);
  if (read <= 88) return out;
  if (sampleType & SAMPLE_STACK_USER) out.push(`sample_stack_user=${hexValue(BigInt(u32(88)))}`);
  if (bit(25)) {
    if (read <= 92) return out;
    out.push(`clockid=${formatValue(BigInt(u32(92)), t.clocks, 'CLOCK_???')}`);
  }
  if (read <= 96) return out;
  out.push(`sample_regs_intr=${hexValue(u64(96))}`);
  if (read <= 104) return out;
  out.push(`aux_watermark=${u32(104)}`);
  if (read <= 108) return out;
  out.push(`sample_max_stack=${w.getUint16(108, true)}`);
  if (read <= 110) return out;
  const reserved2 = w.getUint16(110, true);
  if (reserved2) out[out.length - 1] += ` /* bytes 110..111: ${hexValue(BigInt(reserved2))} */`;
  if (read <= 112) return out;
  out.push(`aux_sample_size=${u32(112)}`);
  if (read <= 116) return out;
  const reserved3 = u32(116);
  if (reserved3) out[out.length - 1] += ` /* bytes 116..119: ${hexValue(BigInt(reserved3))} */`;
  if (read <= 120) return out;
  out.push(`sig_data=${hexValue(u64(120))}`);
  return out;
}

function perfTables(tables: ArchTables): PerfTables {
  const x = (names: readonly string[]) => xlat(tables, 'PERF', names);
  return {
    types: x(TYPES),
    sizes: x(SIZES),
    hw: x(HW_IDS),
    sw: x(SW_IDS),
    cache: x(CACHE_IDS),
    cacheOps: x(CACHE_OPS),
    cacheResults: x(CACHE_RESULTS),
    sample: x(SAMPLE_FORMAT),
    read: x(READ_FORMAT),
    branch: x(BRANCH_SAMPLE),
    clocks: clockXlat(tables),
  };
}

/** Registers the decoders of this module. */
export function registerPerfDecoders(registry: DecoderRegistry): void {
  registry.register('perf_event_open', 'flags', (ctx) => flags64Arg(ctx.argIndex, xlat(ctx.tables, 'PERF', PERF_FLAGS), 'PERF_FLAG_???'));
  registry.register('perf_event_open', 'attr_uptr', (ctx) => {
    const t = perfTables(ctx.tables);
    return (args, call) => ((args[ctx.argIndex] ?? 0n) === 0n ? 'NULL' : perfAttrText(call, ctx.argIndex, t));
  });
}

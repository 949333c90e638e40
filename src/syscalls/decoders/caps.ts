/**
 * Capabilities as strace prints them: capget/capset's header (`{version=_LINUX_CAPABILITY_VERSION_3,
 * pid=0}`) and data (`{effective=1<<CAP_CHOWN|..., permitted=..., inheritable=0}`, two 32-bit
 * words per set from version 2 on), and the CAP_* value prctl's capability options take.
 */
import type { ArchTables } from '../arch';
import { bytesOf, viewOf, type ArgDecoder, type CallView, type DecoderRegistry } from './registry';
import { formatFlags, formatValue, pointer, xlat, type Xlat } from './xlat';

/** The capabilities by number (linux/capability.h), strace's cap order. */
export function capabilities(tables: ArchTables): Xlat {
  return Object.entries(tables.constants.CAP ?? {})
    .filter(([name]) => name.startsWith('CAP_') && name !== 'CAP_LAST_CAP')
    .map(([name, v]) => [name, BigInt(v)] as const)
    .sort((a, b) => Number(a[1] - b[1]));
}

const VERSION_NAMES = ['_LINUX_CAPABILITY_VERSION_1', '_LINUX_CAPABILITY_VERSION_2', '_LINUX_CAPABILITY_VERSION_3'];

/** The header read behind argument `headerIndex` (version, pid), when delivered. */
function header(call: CallView, headerIndex: number): { version: number; pid: number } | undefined {
  const b = bytesOf(call.blobs, headerIndex);
  if (!b || b.data.length < 8) return undefined;
  const v = viewOf(b.data);
  return { version: v.getUint32(0, true), pid: v.getInt32(4, true) };
}

function headerDecoder(argIndex: number, tables: ArchTables): ArgDecoder {
  const versions = xlat(tables, 'CAP', VERSION_NAMES);
  return (args, call) => {
    const h = (args[argIndex] ?? 0n) === 0n ? undefined : header(call, argIndex);
    return h ? `{version=${formatValue(BigInt(h.version), versions, '_LINUX_CAPABILITY_VERSION_???')}, pid=${h.pid}}` : pointer(args[argIndex]);
  };
}

/**
 * The data sets: one struct __user_cap_data_struct for version 1, two (the high words) for the
 * later versions; an output of capget shown after success only.
 */
function dataDecoder(argIndex: number, headerIndex: number, output: boolean, tables: ArchTables): ArgDecoder {
  const caps = capabilities(tables);
  const low = caps.filter(([, n]) => n < 32n).map(([name, n]) => [`1<<${name}`, 1n << n] as const);
  const high = caps.filter(([, n]) => n >= 32n).map(([name, n]) => [`1<<${name}`, 1n << (n - 32n)] as const);
  const v1 = tables.constants.CAP?._LINUX_CAPABILITY_VERSION_1;
  const bits = (lo: bigint, hi: bigint) => {
    const parts: string[] = [];
    if (lo || !hi) parts.push(formatFlags(lo, low, 'CAP_???'));
    if (hi) parts.push(formatFlags(hi, high, 'CAP_???'));
    return parts.join('|');
  };
  return (args, call) => {
    const addr = args[argIndex] ?? 0n;
    const h = (args[headerIndex] ?? 0n) === 0n || (output && call.ret < 0n) ? undefined : header(call, headerIndex);
    if (addr === 0n || !h) return pointer(addr);
    const len = h.version === v1 || !VERSION_NAMES.some((n) => tables.constants.CAP?.[n] === h.version) ? 1 : 2;
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < 12 * len) return pointer(addr);
    const v = viewOf(b.data);
    const set = (at: number) => bits(BigInt(v.getUint32(at, true)), len > 1 ? BigInt(v.getUint32(12 + at, true)) : 0n);
    return `{effective=${set(0)}, permitted=${set(4)}, inheritable=${set(8)}}`;
  };
}

/** Registers capget's and capset's decoders. */
export function registerCapDecoders(registry: DecoderRegistry): void {
  for (const [syscall, data, output] of [['capget', 'dataptr', true], ['capset', 'data', false]] as const) {
    registry.register(syscall, 'header', (ctx) => headerDecoder(ctx.argIndex, ctx.tables));
    registry.register(syscall, data, (ctx) => dataDecoder(ctx.argIndex, ctx.args.findIndex((a) => a.name === 'header'), output, ctx.tables));
  }
}

/**
 * open(2) flags and mode as strace prints them: access mode first, then the other flags in
 * strace's order (its xlat/open_mode_flags.in: composite O_SYNC before its parts, O_TMPFILE
 * before O_DIRECTORY), unknown bits as one hex number; mode in octal, only when the flags make
 * the kernel use it (O_CREAT or O_TMPFILE), as strace's decode_open does.
 */
import { extensibleTail } from './extensible';
import type { OpenFlagValues } from '../arch';
import { argIndexOf, type ArgDecoder, type DecoderContext, type DecoderRegistry } from './registry';
import { currentBindingStyle, fixedXlat, formatFlags, styled } from './xlat';

/** Names after the access mode, in the order strace prints them. */
const FLAG_ORDER = [
  'O_CREAT', 'O_EXCL', 'O_NOCTTY', 'O_TRUNC', 'O_APPEND', 'O_NONBLOCK', 'O_SYNC', '__O_SYNC', 'O_DSYNC',
  'O_DIRECT', 'O_LARGEFILE', 'O_NOFOLLOW', 'O_NOATIME', 'O_CLOEXEC', 'O_PATH', 'O_TMPFILE', '__O_TMPFILE',
  'O_DIRECTORY', 'FASYNC',
] as const satisfies ReadonlyArray<keyof OpenFlagValues>;

const ACCESS_NAMES = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'] as const;

/**
 * Renders open flags, e.g. "O_RDONLY|O_CLOEXEC", "O_WRONLY|O_CREAT|O_TRUNC", "O_RDONLY|0x80000000".
 * A multi-bit flag (O_SYNC, O_TMPFILE) is printed only when all its bits are set, and its bits
 * are then not printed again.
 */
export function formatOpenFlags(flags: number, values: OpenFlagValues): string {
  const accmode = values.O_ACCMODE;
  const access = flags & accmode;
  let out = ACCESS_NAMES.find((n) => values[n] === access) ?? `0x${access.toString(16)}`;
  let rest = (flags & ~accmode) >>> 0;
  for (const name of FLAG_ORDER) {
    const bits = values[name];
    if (bits !== 0 && (rest & bits) >>> 0 === bits) {
      out += `|${name}`;
      rest = (rest & ~bits) >>> 0;
    }
  }
  if (rest !== 0) out += `|0x${rest.toString(16)}`;
  return out;
}

/** Renders a mode like strace's "%#03o": 0644, 0755, 000, 04755. */
export function formatMode(mode: number): string {
  return (mode === 0 ? '0' : `0${mode.toString(8)}`).padStart(3, '0');
}

/** Distinct flag words seen per decoder are few (a program opens files a handful of ways). */
const FLAG_CACHE_LIMIT = 256;

/** Decoder for an open-flags argument; caches the rendering of each distinct flag word. */
export function openFlagsDecoder(argIndex: number, values: OpenFlagValues): ArgDecoder {
  const cache = new Map<number, string>();
  const style = currentBindingStyle();
  return (args) => {
    // The kernel's flags parameter is an int: the register's upper half is ignored.
    const flags = Number(BigInt.asUintN(32, args[argIndex] ?? 0n));
    let text = cache.get(flags);
    if (text === undefined) {
      text = styled(BigInt(flags), formatOpenFlags(flags, values), style);
      if (cache.size < FLAG_CACHE_LIMIT) cache.set(flags, text);
    }
    return text;
  };
}

/**
 * Decoder for a mode argument. With `flagsIndex` the mode is rendered only when those flags
 * hold O_CREAT or __O_TMPFILE; otherwise the kernel ignores it and strace does not print it
 * (null: SyscallArg.ignored). Without `flagsIndex`, always (creat).
 */
export function openModeDecoder(argIndex: number, values: OpenFlagValues, flagsIndex: number | null): ArgDecoder {
  const usesMode = BigInt(values.O_CREAT | values.__O_TMPFILE);
  return (args) => {
    if (flagsIndex !== null && ((args[flagsIndex] ?? 0n) & usesMode) === 0n) return null;
    // umode_t is an unsigned short.
    return formatMode(Number(BigInt.asUintN(16, args[argIndex] ?? 0n)));
  };
}

/** RESOLVE_* flags of struct open_how (include/uapi/linux/openat2.h; no header group yet). */
const RESOLVE_FLAGS = fixedXlat([
  ['RESOLVE_NO_XDEV', 0x01],
  ['RESOLVE_NO_MAGICLINKS', 0x02],
  ['RESOLVE_NO_SYMLINKS', 0x04],
  ['RESOLVE_BENEATH', 0x08],
  ['RESOLVE_IN_ROOT', 0x10],
  ['RESOLVE_CACHED', 0x20],
]);

/** open_how's u64 flags: the open flags of the low half, unknown high bits joined to the leftover hex. */
function formatOpenFlags64(flags: bigint, values: OpenFlagValues): string {
  const low = formatOpenFlags(Number(BigInt.asUintN(32, flags)), values);
  const high = (flags >> 32n) << 32n;
  if (high === 0n) return low;
  const rest = /\|0x([0-9a-f]+)$/.exec(low);
  return `${rest ? low.slice(0, rest.index) : low}|0x${(high | (rest ? BigInt(`0x${rest[1]}`) : 0n)).toString(16)}`;
}

/** The smallest struct open_how (OPEN_HOW_SIZE_VER0). */
const OPEN_HOW_MIN = 24;

/**
 * openat2's struct open_how, read by the kernel side: `{flags=O_RDONLY|O_CLOEXEC, resolve=0}`,
 * with `mode=0644` between them when the flags use it or it is not zero.
 */
export function openHowDecoder(argIndex: number, sizeIndex: number, values: OpenFlagValues): ArgDecoder {
  const usesMode = BigInt(values.O_CREAT | values.__O_TMPFILE);
  return (args, call) => {
    const blob = call.blobs.get(argIndex);
    if (blob?.kind !== 'bytes' || blob.unreadable || (args[sizeIndex] ?? 0n) < BigInt(OPEN_HOW_MIN) || blob.data.length < OPEN_HOW_MIN) return '';
    const view = new DataView(blob.data.buffer, blob.data.byteOffset, blob.data.byteLength);
    const flags = view.getBigUint64(0, true);
    const mode = view.getBigUint64(8, true);
    let out = `{flags=${formatOpenFlags64(flags, values)}`;
    // A u64: an invalid mode beyond 2^53 must keep its low bits.
    if ((flags & usesMode) !== 0n || mode !== 0n) out += `, mode=${mode <= 0o7777n ? formatMode(Number(mode)) : `0${mode.toString(8)}`}`;
    const tail = extensibleTail(blob, OPEN_HOW_MIN, args[sizeIndex] ?? 0n, call.options.stringMax);
    return `${out}, resolve=${formatFlags(view.getBigUint64(16, true), RESOLVE_FLAGS, 'RESOLVE_???')}${tail}}`;
  };
}

function flagsIndexOf(ctx: DecoderContext): number | null {
  const i = ctx.args.findIndex((a) => a.name === 'flags');
  return i < 0 ? null : i;
}

/** Registers open/openat flags and mode, and creat's mode. */
export function registerOpenDecoders(registry: DecoderRegistry): void {
  for (const syscall of ['open', 'openat']) {
    registry.register(syscall, 'flags', (ctx) => openFlagsDecoder(ctx.argIndex, ctx.tables.openFlags));
    registry.register(syscall, 'mode', (ctx) => {
      const flagsIndex = flagsIndexOf(ctx);
      // Without a flags argument we cannot tell whether mode is used; render nothing.
      return flagsIndex === null ? null : openModeDecoder(ctx.argIndex, ctx.tables.openFlags, flagsIndex);
    });
  }
  registry.register('creat', 'mode', (ctx) => openModeDecoder(ctx.argIndex, ctx.tables.openFlags, null));
  registry.register('openat2', 'how', (ctx) => {
    const size = argIndexOf(ctx, 'usize');
    return size < 0 ? null : openHowDecoder(ctx.argIndex, size, ctx.tables.openFlags);
  });
}

/**
 * Memory syscalls: mmap/mprotect/pkey_mprotect protections, mmap flags (the mapping type first,
 * then the flags, as strace's print_mmap_flags does), mmap's offset in hex, mremap flags and
 * madvise advice.
 */
import { bytesOf } from './registry';
import { flags64Arg } from './fields';
import { flagsArg, valueArg } from './xlat';
import { argIndexOf, type ArgDecoder, type DecoderRegistry } from './registry';
import { cached, constant, fixedXlat, formatFlags, formatValue, hexValue, xlat } from './xlat';

/** strace's mmap_prot. */
const PROT_NAMES = ['PROT_NONE', 'PROT_READ', 'PROT_WRITE', 'PROT_EXEC', 'PROT_SEM', 'PROT_GROWSDOWN', 'PROT_GROWSUP', 'PROT_SAO', 'PROT_ADI'];
/** strace's mmap_flags. */
const MAP_NAMES = [
  'MAP_SHARED', 'MAP_PRIVATE', 'MAP_SHARED_VALIDATE', 'MAP_FIXED', 'MAP_ANONYMOUS', 'MAP_32BIT', 'MAP_RENAME', 'MAP_NORESERVE',
  'MAP_POPULATE', 'MAP_NONBLOCK', '_MAP_NEW', 'MAP_GROWSDOWN', 'MAP_GROWSUP', 'MAP_DENYWRITE', 'MAP_EXECUTABLE', 'MAP_INHERIT',
  '_MAP_INHERIT', 'MAP_FILE', 'MAP_LOCKED', '_MAP_HASSEMAPHORE', 'MAP_STACK', 'MAP_HUGETLB', 'MAP_SYNC', 'MAP_UNINITIALIZED',
  'MAP_FIXED_NOREPLACE', 'MAP_AUTOGROW', 'MAP_AUTORSRV', 'MAP_LOCAL', '_MAP_UNALIGNED',
];
/** strace's mremap_flags. */
const MREMAP_NAMES = ['MREMAP_MAYMOVE', 'MREMAP_FIXED', 'MREMAP_DONTUNMAP'];
/** strace's madvise_cmds. */
const MADV_NAMES = [
  'MADV_NORMAL', 'MADV_RANDOM', 'MADV_SEQUENTIAL', 'MADV_WILLNEED', 'MADV_DONTNEED', 'MADV_FREE', 'MADV_REMOVE', 'MADV_DONTFORK',
  'MADV_DOFORK', 'MADV_MERGEABLE', 'MADV_UNMERGEABLE', 'MADV_HUGEPAGE', 'MADV_NOHUGEPAGE', 'MADV_DONTDUMP', 'MADV_DODUMP',
  'MADV_WIPEONFORK', 'MADV_KEEPONFORK', 'MADV_COLD', 'MADV_PAGEOUT', 'MADV_POPULATE_READ', 'MADV_POPULATE_WRITE',
  'MADV_DONTNEED_LOCKED', 'MADV_COLLAPSE', 'MADV_HWPOISON', 'MADV_SOFT_OFFLINE',
];
/** MAP_HUGE_SHIFT and MAP_HUGE_MASK of include/uapi/asm-generic/hugetlb_encode.h. */
const MAP_HUGE_SHIFT = 26n;
const MAP_HUGE_MASK = 0x3fn;

/** mmap's flags: `MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE`, huge page sizes as `21<<MAP_HUGE_SHIFT`. */
export function mmapFlagsDecoder(argIndex: number, tables: Parameters<typeof xlat>[0]): ArgDecoder {
  const names = xlat(tables, 'MAP', MAP_NAMES);
  const typeMask = BigInt(constant(tables, 'MAP', 'MAP_TYPE'));
  const hugeMask = MAP_HUGE_MASK << MAP_HUGE_SHIFT;
  const render = cached((flags) => {
    let out = formatValue(flags & typeMask, names, 'MAP_???');
    let rest = flags & ~typeMask;
    const huge = rest & hugeMask;
    rest &= ~hugeMask;
    if (rest !== 0n) out += `|${formatFlags(rest, names, 'MAP_???').replace(/ \/\* MAP_\?\?\? \*\/$/, '')}`;
    if (huge !== 0n) out += `|${huge >> MAP_HUGE_SHIFT}<<MAP_HUGE_SHIFT`;
    return out;
  });
  return (args) => render(args[argIndex] ?? 0n);
}

/** Registers the memory syscall decoders. */
export function registerMemoryDecoders(registry: DecoderRegistry): void {
  for (const syscall of ['mmap', 'mprotect', 'pkey_mprotect', 'remap_file_pages']) {
    // The kernel takes prot as an unsigned long and strace prints all 64 bits (printflags64).
    registry.register(syscall, 'prot', (ctx) => flags64Arg(ctx.argIndex, xlat(ctx.tables, 'PROT', PROT_NAMES), 'PROT_???'));
  }
  registry.register('mmap', 'flags', (ctx) => mmapFlagsDecoder(ctx.argIndex, ctx.tables));
  registry.register('remap_file_pages', 'flags', (ctx) => mmapFlagsDecoder(ctx.argIndex, ctx.tables));
  registry.register('mmap', 'off', (ctx) => (args) => hexValue(args[ctx.argIndex] ?? 0n));
  registry.register('mremap', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'MREMAP', MREMAP_NAMES), 'MREMAP_???'));
  // The new address is only read with MREMAP_MAYMOVE|MREMAP_FIXED (strace's SYS_FUNC(mremap)).
  registry.register('mremap', 'new_addr', (ctx) => {
    const flags = argIndexOf(ctx, 'flags');
    const both = BigInt(constant(ctx.tables, 'MREMAP', 'MREMAP_MAYMOVE') | constant(ctx.tables, 'MREMAP', 'MREMAP_FIXED'));
    return (args) => (((args[flags] ?? 0n) & both) === both ? '' : null);
  });
  registry.register('msync', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'MS', ['MS_ASYNC', 'MS_INVALIDATE', 'MS_SYNC']), 'MS_???'));
  registry.register('mlockall', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'MCL', ['MCL_CURRENT', 'MCL_FUTURE', 'MCL_ONFAULT']), 'MCL_???'));
  registry.register('mlock2', 'flags', (ctx) => flagsArg(ctx.argIndex, fixedXlat([['MLOCK_ONFAULT', 1]]), 'MLOCK_???'));
  // One byte per page of the range, shown as its residency bit, at most -s of them.
  registry.register('mincore', 'vec', (ctx) => {
    const len = argIndexOf(ctx, 'len');
    return (args, call) => {
      const b = bytesOf(call.blobs, ctx.argIndex);
      const pages = Number(((args[len] ?? 0n) + 4095n) / 4096n);
      const max = call.options.stringMax;
      if (!b || call.ret < 0n || b.data.length < Math.min(pages, max)) return '';
      const shown = Array.from(b.data.subarray(0, Math.min(pages, max)), (e) => String(e & 1));
      if (pages > max) shown.push('...');
      return `[${shown.join(', ')}]`;
    };
  });
  registry.register('madvise', 'behavior', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'MADV', MADV_NAMES), 'MADV_???'));
}

/**
 * Loading kernel code: finit_module's MODULE_INIT_* flags, delete_module's O_NONBLOCK/O_TRUNC,
 * kexec_load's architecture and flags, kexec_file_load's flags, as strace prints them (their
 * strings and lengths need no decoder).
 */
import { flags64Arg } from './fields';
import { bytesOf, type DecoderRegistry } from './registry';
import { quoteShown } from './quote';
import { cached, fixedXlat, flagsArg, formatFlags, formatValue, pointer } from './xlat';

/** KEXEC_ARCH_* of linux/kexec.h: ELF machine numbers in the top half of the low word. */
const KEXEC_ARCHES = fixedXlat(
  ([['DEFAULT', 0], ['386', 3], ['68K', 4], ['PARISC', 15], ['X86_64', 62], ['PPC', 20], ['PPC64', 21], ['IA_64', 50], ['ARM', 40], ['S390', 22],
    ['SH', 42], ['MIPS_LE', 10], ['MIPS', 8], ['AARCH64', 183], ['RISCV', 243], ['LOONGARCH', 258]] as const).map(([n, em]) => [`KEXEC_ARCH_${n}`, em << 16] as const),
);
const KEXEC_ARCH_MASK = 0xffff0000n;
const KEXEC_FLAGS = fixedXlat([['KEXEC_ON_CRASH', 1], ['KEXEC_PRESERVE_CONTEXT', 2]]);
const KEXEC_FILE_FLAGS = fixedXlat([['KEXEC_FILE_UNLOAD', 1], ['KEXEC_FILE_ON_CRASH', 2], ['KEXEC_FILE_NO_INITRAMFS', 4]]);

/** kexec_load's flags: the architecture, then the other bits as flags. */
const kexecFlags = cached((v) => {
  const arch = formatValue(v & KEXEC_ARCH_MASK, KEXEC_ARCHES, 'KEXEC_ARCH_???');
  const rest = v & ~KEXEC_ARCH_MASK;
  return rest === 0n ? arch : `${arch}|${formatFlags(rest, KEXEC_FLAGS, 'KEXEC_???')}`;
});

/** MODULE_INIT_* of linux/module.h (not in the generated tables). */
const MODULE_INIT_FLAGS = fixedXlat([['MODULE_INIT_IGNORE_MODVERSIONS', 1], ['MODULE_INIT_IGNORE_VERMAGIC', 2], ['MODULE_INIT_COMPRESSED_FILE', 4]]);

/** Registers the decoders of this module. */
export function registerModuleDecoders(registry: DecoderRegistry): void {
  registry.register('finit_module', 'flags', (ctx) => flagsArg(ctx.argIndex, MODULE_INIT_FLAGS, 'MODULE_INIT_???'));
  registry.register('delete_module', 'flags', (ctx) => {
    const o = ctx.tables.openFlags;
    return flagsArg(ctx.argIndex, fixedXlat([['O_NONBLOCK', o.O_NONBLOCK], ['O_TRUNC', o.O_TRUNC]]), 'O_???');
  });
  registry.register('kexec_load', 'entry', (ctx) => (args) => pointer(args[ctx.argIndex]));
  registry.register('kexec_load', 'flags', (ctx) => (args) => kexecFlags(BigInt.asUintN(64, args[ctx.argIndex] ?? 0n)));
  // The cmdline_len bytes of the command line, its terminating NUL among them; the address when unreadable.
  registry.register('kexec_file_load', 'cmdline_ptr', (ctx) => (args, call) => {
    const b = bytesOf(call.blobs, ctx.argIndex);
    return b ? quoteShown(b, call.options.stringMax) : pointer(args[ctx.argIndex]);
  });
  registry.register('kexec_file_load', 'flags', (ctx) => flags64Arg(ctx.argIndex, KEXEC_FILE_FLAGS, 'KEXEC_FILE_???'));
}

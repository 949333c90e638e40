/**
 * Kernel modules: finit_module's MODULE_INIT_* flags and delete_module's O_NONBLOCK/O_TRUNC, as
 * strace prints them (their strings and lengths need no decoder).
 */
import type { DecoderRegistry } from './registry';
import { fixedXlat, flagsArg } from './xlat';

/** MODULE_INIT_* of linux/module.h (not in the generated tables). */
const MODULE_INIT_FLAGS = fixedXlat([['MODULE_INIT_IGNORE_MODVERSIONS', 1], ['MODULE_INIT_IGNORE_VERMAGIC', 2], ['MODULE_INIT_COMPRESSED_FILE', 4]]);

/** Registers the decoders of this module. */
export function registerModuleDecoders(registry: DecoderRegistry): void {
  registry.register('finit_module', 'flags', (ctx) => flagsArg(ctx.argIndex, MODULE_INIT_FLAGS, 'MODULE_INIT_???'));
  registry.register('delete_module', 'flags', (ctx) => {
    const o = ctx.tables.openFlags;
    return flagsArg(ctx.argIndex, fixedXlat([['O_NONBLOCK', o.O_NONBLOCK], ['O_TRUNC', o.O_TRUNC]]), 'O_???');
  });
}

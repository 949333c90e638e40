/**
 * NUMA memory policies and protection keys: mbind's and set_mempolicy's mode (a policy with its
 * MPOL_F_* mode flags), mbind's, get_mempolicy's and move_pages' flags, get_mempolicy's policy
 * output (`[MPOL_DEFAULT]`), move_pages' empty arrays, pkey_alloc's access rights, as strace prints them.
 */
import type { ArchTables } from '../arch';
import { argIndexOf, bytesOf, viewOf, type DecoderRegistry } from './registry';
import { flags64Arg } from './fields';
import { cached, currentBindingStyle, fixedXlat, flagsArg, formatFlags, formatValue, pointer, styled, xlat } from './xlat';

const MPOL_MODES = ['MPOL_DEFAULT', 'MPOL_PREFERRED', 'MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_LOCAL', 'MPOL_PREFERRED_MANY'];
const MODE_FLAGS = ['MPOL_F_STATIC_NODES', 'MPOL_F_RELATIVE_NODES', 'MPOL_F_NUMA_BALANCING'];
const MBIND_FLAGS = ['MPOL_MF_STRICT', 'MPOL_MF_MOVE', 'MPOL_MF_MOVE_ALL'];
const GET_FLAGS = ['MPOL_F_NODE', 'MPOL_F_ADDR', 'MPOL_F_MEMS_ALLOWED'];
const MOVE_PAGES_FLAGS = ['MPOL_MF_MOVE', 'MPOL_MF_MOVE_ALL'];
/** PKEY_DISABLE_* of asm-generic/mman-common.h, which the generated tables do not take. */
const PKEY_ACCESS = fixedXlat([['PKEY_DISABLE_ACCESS', 1], ['PKEY_DISABLE_WRITE', 2], ['PKEY_DISABLE_EXECUTE', 4]]);

/**
 * A policy mode: the policy's name alone, or with its mode flags (`MPOL_BIND|MPOL_F_STATIC_NODES`);
 * an unknown policy with flags as flags over the whole value, as strace's print_mode does.
 */
function modeFormatter(tables: ArchTables): (mode: bigint) => string {
  const modes = xlat(tables, 'MPOL', MPOL_MODES);
  const flags = xlat(tables, 'MPOL', MODE_FLAGS);
  const mask = flags.reduce((m, [, v]) => m | v, 0n);
  const style = currentBindingStyle();
  return cached((value) => {
    const modeFlags = value & mask;
    const mode = value & ~mask;
    if (modeFlags === 0n) return styled(value, formatValue(mode, modes, 'MPOL_???'), style);
    const name = modes.find(([, v]) => v === mode)?.[0];
    if (name === undefined) return styled(value, formatFlags(value, flags, 'MPOL_???'), style);
    return styled(value, `${name}|${formatFlags(modeFlags, flags, '')}`, style);
  });
}

/** Registers the decoders of this module. */
export function registerMempolicyDecoders(registry: DecoderRegistry): void {
  registry.register('mbind', 'mode', (ctx) => {
    const format = modeFormatter(ctx.tables);
    return (args) => format(BigInt.asUintN(64, args[ctx.argIndex] ?? 0n));
  });
  registry.register('set_mempolicy', 'mode', (ctx) => {
    const format = modeFormatter(ctx.tables);
    return (args) => format(BigInt.asUintN(32, args[ctx.argIndex] ?? 0n));
  });
  registry.register('mbind', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'MPOL', MBIND_FLAGS), 'MPOL_???'));
  registry.register('get_mempolicy', 'flags', (ctx) => flags64Arg(ctx.argIndex, xlat(ctx.tables, 'MPOL', GET_FLAGS), 'MPOL_???'));
  registry.register('move_pages', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'MPOL', MOVE_PAGES_FLAGS), 'MPOL_???'));
  // The policy the call stored (read at exit, as strace reads it whether the call failed or not).
  registry.register('get_mempolicy', 'policy', (ctx) => {
    const modes = xlat(ctx.tables, 'MPOL', MPOL_MODES);
    return (args, call) => {
      const b = bytesOf(call.blobs, ctx.argIndex);
      if (!b || b.data.length < 4) return pointer(args[ctx.argIndex]);
      return `[${formatValue(BigInt(viewOf(b.data).getInt32(0, true)), modes, 'MPOL_???')}]`;
    };
  });
  // move_pages' arrays: empty ones print as [] (their elements are not read yet: KERNEL_NEEDS.md §12).
  for (const arg of ['pages', 'nodes', 'status']) {
    registry.register('move_pages', arg, (ctx) => {
      const count = argIndexOf(ctx, 'nr_pages');
      return (args) => {
        const reg = args[ctx.argIndex] ?? 0n;
        return reg !== 0n && BigInt.asUintN(64, args[count] ?? 0n) === 0n ? '[]' : pointer(reg);
      };
    });
  }
  registry.register('pkey_alloc', 'init_val', (ctx) => flags64Arg(ctx.argIndex, PKEY_ACCESS, 'PKEY_???'));
}

/**
 * NUMA memory policies and protection keys: mbind's and set_mempolicy's mode (a policy with its
 * MPOL_F_* mode flags), mbind's, get_mempolicy's and move_pages' flags, get_mempolicy's policy
 * output (`[MPOL_DEFAULT]`), node masks (`[0x00000000000005]`), move_pages' arrays (`[0x7f..., NULL]`,
 * `[0, 1]`, status `[0, -EFAULT]`), pkey_alloc's access rights, as strace prints them.
 */
import type { ArchTables } from '../arch';
import { ErrnoTable } from '../errno';
import { READ_CAP } from '../reads';
import { argIndexOf, bytesOf, viewOf, type ArgDecoder, type DecoderRegistry } from './registry';
import { arrayText, flags64Arg } from './fields';
import { cached, currentBindingStyle, fixedXlat, flagsArg, formatFlags, formatValue, hexValue, pointer, styled, xlat } from './xlat';

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

/** A node mask word as strace prints it (PRINT_VAL_0X of a long: `%#016lx`, so 0 has no `0x`). */
function nodeWord(v: DataView, at: number): string {
  const w = v.getBigUint64(at, true);
  return w === 0n ? '0'.repeat(16) : `0x${w.toString(16).padStart(14, '0')}`;
}

/**
 * A node mask of `maxnode` bits (read by ReadLen.NODEMASK): its longs, or its address when
 * maxnode's longs cannot be counted (strace's print_nodemask), or when it is an `output` of a
 * call that failed (strace fetches outputs only after a success).
 */
function nodemaskDecoder(argIndex: number, maxnodeIndex: number, output: boolean): ArgDecoder {
  return (args, call) => {
    const maxnode = BigInt.asUintN(64, args[maxnodeIndex] ?? 0n);
    const longs = (maxnode + 62n) / 64n;
    const ptr = args[argIndex] ?? 0n;
    if (longs < maxnode / 64n || (maxnode !== 0n && longs === 0n) || (output && call.ret < 0n)) return pointer(ptr);
    return arrayText(ptr, longs, 8, bytesOf(call.blobs, argIndex)?.data, call.options.stringMax, nodeWord, READ_CAP);
  };
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
  // The policy the call stored (read at exit; its address when the call failed, as strace's umove_or_printaddr).
  registry.register('get_mempolicy', 'policy', (ctx) => {
    const modes = xlat(ctx.tables, 'MPOL', MPOL_MODES);
    return (args, call) => {
      const b = bytesOf(call.blobs, ctx.argIndex);
      if (!b || b.data.length < 4 || call.ret < 0n) return pointer(args[ctx.argIndex]);
      return `[${formatValue(BigInt(viewOf(b.data).getInt32(0, true)), modes, 'MPOL_???')}]`;
    };
  });
  for (const [syscall, arg] of [['mbind', 'nmask'], ['set_mempolicy', 'nmask'], ['get_mempolicy', 'nmask'], ['migrate_pages', 'old_nodes'], ['migrate_pages', 'new_nodes']]) {
    registry.register(syscall, arg, (ctx) => nodemaskDecoder(ctx.argIndex, argIndexOf(ctx, 'maxnode'), syscall === 'get_mempolicy'));
  }
  // move_pages' arrays of nr_pages elements: addresses, nodes, and each page's status (a node, or
  // a negated errno: `-ENOENT`).
  const moveArrays: ReadonlyArray<readonly [string, number, (ctx: { tables: ArchTables }) => (v: DataView, at: number) => string]> = [
    ['pages', 8, () => (v, at) => pointer(v.getBigUint64(at, true))],
    ['nodes', 4, () => (v, at) => String(v.getInt32(at, true))],
    ['status', 4, ({ tables }) => {
      const errnos = new ErrnoTable(tables.errnos);
      return (v, at) => {
        const s = v.getInt32(at, true);
        const name = s < 0 ? errnos.name(-s) : undefined;
        return name ? `-${name}` : String(s);
      };
    }],
  ];
  for (const [arg, elem, renderer] of moveArrays) {
    registry.register('move_pages', arg, (ctx) => {
      const count = argIndexOf(ctx, 'nr_pages');
      const render = renderer(ctx);
      return (args, call) =>
        arrayText(args[ctx.argIndex] ?? 0n, BigInt.asUintN(64, args[count] ?? 0n), elem, bytesOf(call.blobs, ctx.argIndex)?.data, call.options.stringMax, render);
    });
  }
  // pkey_alloc's flags (reserved, must be 0) in hex, as strace's PRINT_VAL_X.
  registry.register('pkey_alloc', 'flags', (ctx) => (args) => hexValue(BigInt.asUintN(64, args[ctx.argIndex] ?? 0n)));
  registry.register('pkey_alloc', 'init_val', (ctx) => flags64Arg(ctx.argIndex, PKEY_ACCESS, 'PKEY_???'));
}

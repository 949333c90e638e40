/**
 * Landlock: landlock_create_ruleset's attr (its handled_access_fs, `...` past it) and flags,
 * landlock_add_rule's rule type and path-beneath attr, and both calls' flags in hex, as strace
 * prints them.
 */
import { argIndexOf, bytesOf, viewOf, type DecoderRegistry } from './registry';
import { fixedXlat, flagsArg, formatFlags, hexValue, pointer, u32, valueArg, xlat, type Xlat } from './xlat';

const ACCESS_FS = [
  'LANDLOCK_ACCESS_FS_EXECUTE', 'LANDLOCK_ACCESS_FS_WRITE_FILE', 'LANDLOCK_ACCESS_FS_READ_FILE', 'LANDLOCK_ACCESS_FS_READ_DIR',
  'LANDLOCK_ACCESS_FS_REMOVE_DIR', 'LANDLOCK_ACCESS_FS_REMOVE_FILE', 'LANDLOCK_ACCESS_FS_MAKE_CHAR', 'LANDLOCK_ACCESS_FS_MAKE_DIR',
  'LANDLOCK_ACCESS_FS_MAKE_REG', 'LANDLOCK_ACCESS_FS_MAKE_SOCK', 'LANDLOCK_ACCESS_FS_MAKE_FIFO', 'LANDLOCK_ACCESS_FS_MAKE_BLOCK',
  'LANDLOCK_ACCESS_FS_MAKE_SYM', 'LANDLOCK_ACCESS_FS_REFER',
];
/** LANDLOCK_RULE_PATH_BENEATH: the rule type whose attr strace decodes. */
const PATH_BENEATH = 1n;
/** sizeof(handled_access_fs), and of struct landlock_path_beneath_attr (packed). */
const RULESET_ATTR = 8;
const PATH_BENEATH_ATTR = 12;

const accessFs = (table: Xlat, v: bigint) => formatFlags(v, table, 'LANDLOCK_ACCESS_FS_???');

/** Registers the decoders of this module. */
export function registerLandlockDecoders(registry: DecoderRegistry): void {
  registry.register('landlock_create_ruleset', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'LANDLOCK', ['LANDLOCK_CREATE_RULESET_VERSION']), 'LANDLOCK_CREATE_RULESET_???'));
  registry.register('landlock_create_ruleset', 'attr', (ctx) => {
    const table = xlat(ctx.tables, 'LANDLOCK', ACCESS_FS);
    const sizeIndex = argIndexOf(ctx, 'size');
    return (args, call) => {
      const size = BigInt.asUintN(64, args[sizeIndex] ?? 0n);
      const b = bytesOf(call.blobs, ctx.argIndex);
      if (size < BigInt(RULESET_ATTR) || !b || b.data.length < RULESET_ATTR) return pointer(args[ctx.argIndex]);
      return `{handled_access_fs=${accessFs(table, viewOf(b.data).getBigUint64(0, true))}${size > BigInt(RULESET_ATTR) ? ', ...' : ''}}`;
    };
  });
  registry.register('landlock_add_rule', 'rule_type', (ctx) => valueArg(ctx.argIndex, fixedXlat([['LANDLOCK_RULE_PATH_BENEATH', PATH_BENEATH]]), 'LANDLOCK_RULE_???'));
  registry.register('landlock_add_rule', 'rule_attr', (ctx) => {
    const table = xlat(ctx.tables, 'LANDLOCK', ACCESS_FS);
    const typeIndex = argIndexOf(ctx, 'rule_type');
    return (args, call) => {
      const b = bytesOf(call.blobs, ctx.argIndex);
      if (u32(args[typeIndex]) !== PATH_BENEATH || !b || b.data.length < PATH_BENEATH_ATTR) return pointer(args[ctx.argIndex]);
      const v = viewOf(b.data);
      return `{allowed_access=${accessFs(table, v.getBigUint64(0, true))}, parent_fd=${v.getInt32(8, true)}}`;
    };
  });
  registry.register('landlock_add_rule', 'flags', (ctx) => (args) => hexValue(u32(args[ctx.argIndex])));
  registry.register('landlock_restrict_self', 'flags', (ctx) => (args) => hexValue(u32(args[ctx.argIndex])));
}

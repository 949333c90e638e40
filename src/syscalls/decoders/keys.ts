/**
 * Key management: add_key's and request_key's keyring, add_key's payload, and keyctl's command
 * with the arguments that command takes, each as strace prints it (strace's SYS_FUNC(keyctl)):
 * key serials with their KEY_SPEC_* names, uids as -1, lengths as the kernel's unsigned long,
 * permission masks, KEY_REQKEY_DEFL_* values, errno names, and nothing after the last argument
 * the command reads (keyctl's arity is per command, not five registers).
 */
import type { ArchTables } from '../arch';
import { shownString } from './fields';
import { quoteBytes, quoteShown } from './quote';
import { argIndexOf, bytesOf, type CallView, type DecoderRegistry } from './registry';
import { fixedXlat, formatFlags, hexValue, pointer, s32, u32, valueArg, xlat, type Xlat } from './xlat';

const KEYCTL_NAMES = [
  'KEYCTL_GET_KEYRING_ID', 'KEYCTL_JOIN_SESSION_KEYRING', 'KEYCTL_UPDATE', 'KEYCTL_REVOKE', 'KEYCTL_CHOWN', 'KEYCTL_SETPERM',
  'KEYCTL_DESCRIBE', 'KEYCTL_CLEAR', 'KEYCTL_LINK', 'KEYCTL_UNLINK', 'KEYCTL_SEARCH', 'KEYCTL_READ', 'KEYCTL_INSTANTIATE',
  'KEYCTL_NEGATE', 'KEYCTL_SET_REQKEY_KEYRING', 'KEYCTL_SET_TIMEOUT', 'KEYCTL_ASSUME_AUTHORITY', 'KEYCTL_GET_SECURITY',
  'KEYCTL_SESSION_TO_PARENT', 'KEYCTL_REJECT', 'KEYCTL_INSTANTIATE_IOV', 'KEYCTL_INVALIDATE', 'KEYCTL_GET_PERSISTENT',
  'KEYCTL_DH_COMPUTE', 'KEYCTL_PKEY_QUERY', 'KEYCTL_PKEY_ENCRYPT', 'KEYCTL_PKEY_DECRYPT', 'KEYCTL_PKEY_SIGN', 'KEYCTL_PKEY_VERIFY',
  'KEYCTL_RESTRICT_KEYRING', 'KEYCTL_MOVE', 'KEYCTL_CAPABILITIES', 'KEYCTL_WATCH_KEY',
];
const KEY_SPECS = [
  'KEY_SPEC_THREAD_KEYRING', 'KEY_SPEC_PROCESS_KEYRING', 'KEY_SPEC_SESSION_KEYRING', 'KEY_SPEC_USER_KEYRING',
  'KEY_SPEC_USER_SESSION_KEYRING', 'KEY_SPEC_GROUP_KEYRING', 'KEY_SPEC_REQKEY_AUTH_KEY', 'KEY_SPEC_REQUESTOR_KEYRING',
];
const REQKEY_DEFAULTS = [
  'KEY_REQKEY_DEFL_NO_CHANGE', 'KEY_REQKEY_DEFL_DEFAULT', 'KEY_REQKEY_DEFL_THREAD_KEYRING', 'KEY_REQKEY_DEFL_PROCESS_KEYRING',
  'KEY_REQKEY_DEFL_SESSION_KEYRING', 'KEY_REQKEY_DEFL_USER_KEYRING', 'KEY_REQKEY_DEFL_USER_SESSION_KEYRING',
  'KEY_REQKEY_DEFL_GROUP_KEYRING', 'KEY_REQKEY_DEFL_REQUESTOR_KEYRING',
];
/** Key permission bits (include/linux/key.h, not UAPI): possessor, user, group, other, each with its _ALL. */
const KEY_PERMS: Xlat = fixedXlat(
  (['POS', 'USR', 'GRP', 'OTH'] as const).flatMap((who, i) => {
    const shift = BigInt(24 - 8 * i);
    return [['VIEW', 1n], ['READ', 2n], ['WRITE', 4n], ['SEARCH', 8n], ['LINK', 0x10n], ['SETATTR', 0x20n], ['ALL', 0x3fn]].map(
      ([what, bit]) => [`KEY_${who}_${what as string}`, (bit as bigint) << shift] as const,
    );
  }),
);

/** A key serial: a KEY_SPEC_* name for the special negative ones, else the number. */
export function keySerial(tables: ArchTables): (reg: bigint | undefined) => string {
  const specs = xlat(tables, 'KEY', KEY_SPECS);
  return (reg) => {
    const v = s32(reg);
    return specs.find(([, n]) => n === v)?.[0] ?? v.toString();
  };
}

/**
 * How keyctl prints arguments 2..5 per command, one letter each: k key serial, d int, u unsigned
 * int, U unsigned long (lengths), i uid (-1 for all ones), s string (printstr, cut at -s), b the
 * next argument's count of bytes (UPDATE's payload), o and O the output at exit, the return
 * value's length of it at most the next argument (DESCRIBE's and GET_SECURITY's end in a NUL
 * that is not shown, o; READ's need not, O), p pointer (structs the kernel side does not read
 * for keyctl), P permission mask, R KEY_REQKEY_DEFL_ value, e errno, M KEYCTL_MOVE flags, x hex
 * (commands strace does not decode).
 */
const SHAPES: Readonly<Record<string, string>> = {
  KEYCTL_GET_KEYRING_ID: 'kd',
  KEYCTL_JOIN_SESSION_KEYRING: 's',
  KEYCTL_UPDATE: 'kbU',
  KEYCTL_REVOKE: 'k',
  KEYCTL_CLEAR: 'k',
  KEYCTL_INVALIDATE: 'k',
  KEYCTL_ASSUME_AUTHORITY: 'k',
  KEYCTL_LINK: 'kk',
  KEYCTL_UNLINK: 'kk',
  KEYCTL_DESCRIBE: 'koU',
  KEYCTL_READ: 'kOU',
  KEYCTL_GET_SECURITY: 'koU',
  KEYCTL_SEARCH: 'kssk',
  KEYCTL_CHOWN: 'kii',
  KEYCTL_SETPERM: 'kP',
  KEYCTL_INSTANTIATE: 'kbUk',
  KEYCTL_NEGATE: 'kuk',
  KEYCTL_SET_REQKEY_KEYRING: 'R',
  KEYCTL_SET_TIMEOUT: 'ku',
  KEYCTL_SESSION_TO_PARENT: '',
  KEYCTL_REJECT: 'kuek',
  KEYCTL_INSTANTIATE_IOV: 'kpUk',
  KEYCTL_GET_PERSISTENT: 'ik',
  KEYCTL_DH_COMPUTE: 'ppUp',
  KEYCTL_PKEY_QUERY: 'kxsp',
  KEYCTL_PKEY_ENCRYPT: 'pspp',
  KEYCTL_PKEY_DECRYPT: 'pspp',
  KEYCTL_PKEY_SIGN: 'pspp',
  KEYCTL_PKEY_VERIFY: 'pspp',
  KEYCTL_RESTRICT_KEYRING: 'kss',
  KEYCTL_MOVE: 'kkkM',
  KEYCTL_CAPABILITIES: 'pU',
};

/**
 * strace's printstr_ex of `n` bytes at argument `index` (keyctl's payloads and outputs, read at
 * arg4's length): at most -s of them, `...` when `n` is more; a last shown NUL dropped with
 * `omitNul` (QUOTE_OMIT_TRAILING_0). The address when strace's read of min(n, -s + 1) bytes
 * would have failed.
 */
function countedBytes(call: CallView, index: number, n: bigint, omitNul: boolean): string {
  const addr = call.args[index] ?? 0n;
  if (addr === 0n) return 'NULL';
  const max = call.options.stringMax;
  const b = bytesOf(call.blobs, index);
  const need = n < BigInt(max + 1) ? Number(n) : max + 1;
  if (need > 0 && (!b || b.data.length < need)) return pointer(addr);
  let shown = b ? b.data.subarray(0, Math.min(need, max)) : new Uint8Array(0);
  if (omitNul && shown.length > 0 && shown[shown.length - 1] === 0) shown = shown.subarray(0, shown.length - 1);
  return quoteBytes(shown, { truncated: n > BigInt(max) });
}

/** The bound renderer of one shape letter: argument `index` of the call. */
function letterRenderer(tables: ArchTables): (letter: string, call: CallView, index: number) => string {
  const serial = keySerial(tables);
  const reqkeys = xlat(tables, 'KEY', REQKEY_DEFAULTS);
  const move = xlat(tables, 'KEY', ['KEYCTL_MOVE_EXCL']);
  const errnos = new Map(tables.errnos.filter((e) => e.aliasOf === undefined).map((e) => [e.number, e.name]));
  return (letter, call, index) => {
    const reg = call.args[index] ?? 0n;
    const next = BigInt.asUintN(64, call.args[index + 1] ?? 0n);
    switch (letter) {
      case 's':
        return shownString(call, index, call.options.stringMax) || pointer(reg);
      case 'b':
        return countedBytes(call, index, next, false);
      case 'o':
      case 'O':
        if (call.ret < 0n) return pointer(reg);
        return countedBytes(call, index, call.ret < next ? call.ret : next, letter === 'o');
      case 'k':
        return serial(reg);
      case 'd':
        return s32(reg).toString();
      case 'u':
        return u32(reg).toString();
      case 'U':
        return BigInt.asUintN(64, reg).toString();
      case 'i':
        return u32(reg) === 0xffffffffn ? '-1' : u32(reg).toString();
      case 'p':
        return pointer(reg);
      case 'P':
        return formatFlags(u32(reg), KEY_PERMS, 'KEY_???');
      case 'R': {
        const v = s32(reg);
        return reqkeys.find(([, n]) => n === v)?.[0] ?? `${v} /* KEY_REQKEY_DEFL_??? */`;
      }
      case 'e':
        return errnos.get(Number(u32(reg))) ?? u32(reg).toString();
      case 'M':
        return formatFlags(u32(reg), move, 'KEYCTL_MOVE_???');
      default:
        return hexValue(BigInt.asUintN(64, reg));
    }
  };
}

/** Registers the decoders of this module. */
export function registerKeyDecoders(registry: DecoderRegistry): void {
  for (const syscall of ['add_key', 'request_key']) {
    registry.register(syscall, syscall === 'add_key' ? 'ringid' : 'destringid', (ctx) => {
      const serial = keySerial(ctx.tables);
      return (args) => serial(args[ctx.argIndex]);
    });
  }
  registry.register('add_key', '_payload', (ctx) => (_args, call) => {
    const b = bytesOf(call.blobs, ctx.argIndex);
    return b ? quoteShown(b, call.options.stringMax) : '';
  });
  registry.register('keyctl', 'option', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'KEY', KEYCTL_NAMES), 'KEYCTL_???'));
  ['arg2', 'arg3', 'arg4', 'arg5'].forEach((name, position) => {
    registry.register('keyctl', name, (ctx) => {
      const option = argIndexOf(ctx, 'option');
      const byCmd = new Map(xlat(ctx.tables, 'KEY', KEYCTL_NAMES).map(([cmd, v]) => [v, SHAPES[cmd]]));
      const render = letterRenderer(ctx.tables);
      return (args, call) => {
        const shape = byCmd.get(u32(args[option])) ?? 'xxxx';
        const letter = shape[position];
        return letter === undefined ? null : render(letter, call, ctx.argIndex);
      };
    });
  });
}


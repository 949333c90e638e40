/**
 * System V IPC and POSIX message queues as strace prints them: msgget/semget/shmget keys
 * (IPC_PRIVATE, else hex) and flags (IPC_CREAT|IPC_EXCL|... then the permission bits in octal,
 * shmget's huge page size as `21<<SHM_HUGE_SHIFT`), the msgctl/semctl/shmctl commands, semctl's
 * argument as an address (its structs are not read yet), msgsnd's and msgrcv's struct msgbuf
 * (`{mtype=1, mtext="hello"}`) and flags, mq_open's flags and its mode and attr only with
 * O_CREAT, mq_getsetattr's attrs.
 */
import { formatMode, openFlagsDecoder } from './open';
import { quoteShown } from './quote';
import { argIndexOf, bytesOf, viewOf, type CallView, type DecoderRegistry } from './registry';
import { cached, fixedXlat, flagsArg, formatFlags, hexValue, pointer, u32, valueArg, type Xlat } from './xlat';

/** include/uapi/linux/ipc.h: IPC_PRIVATE and the resource flags (not in the generated tables). */
const IPC_PRIVATE = 0n;
const RESOURCE_FLAGS = fixedXlat([['IPC_CREAT', 0o1000], ['IPC_EXCL', 0o2000], ['IPC_NOWAIT', 0o4000]]);
const SHM_RESOURCE_FLAGS = fixedXlat([['IPC_CREAT', 0o1000], ['IPC_EXCL', 0o2000], ['SHM_HUGETLB', 0o4000], ['SHM_NORESERVE', 0o10000]]);
/** The huge page size field of shmget's flags (linux/shm.h SHM_HUGE_SHIFT, SHM_HUGE_MASK). */
const SHM_HUGE_SHIFT = 26n;
const SHM_HUGE_MASK = 0x3fn;
const IPC_CMDS: ReadonlyArray<readonly [string, number]> = [['IPC_RMID', 0], ['IPC_SET', 1], ['IPC_STAT', 2], ['IPC_INFO', 3]];
const MSGCTL = fixedXlat([...IPC_CMDS, ['MSG_STAT', 11], ['MSG_INFO', 12], ['MSG_STAT_ANY', 13]]);
const SEMCTL = fixedXlat([
  ...IPC_CMDS, ['GETPID', 11], ['GETVAL', 12], ['GETALL', 13], ['GETNCNT', 14], ['GETZCNT', 15], ['SETVAL', 16], ['SETALL', 17],
  ['SEM_STAT', 18], ['SEM_INFO', 19], ['SEM_STAT_ANY', 20],
]);
/** strace's ipc_msg_flags. */
const MSG_FLAGS = fixedXlat([['MSG_NOERROR', 0o10000], ['MSG_EXCEPT', 0o20000], ['MSG_COPY', 0o40000], ['IPC_NOWAIT', 0o4000]]);
/** sizeof(long): struct msgbuf's mtype, before the text. */
const MTYPE_SIZE = 8;
const SHMCTL = fixedXlat([...IPC_CMDS, ['SHM_LOCK', 11], ['SHM_UNLOCK', 12], ['SHM_STAT', 13], ['SHM_INFO', 14], ['SHM_STAT_ANY', 15]]);

/** A key: IPC_PRIVATE or the key in hex. */
function ipcKey(v: bigint): string {
  return v === IPC_PRIVATE ? 'IPC_PRIVATE' : hexValue(v);
}

/** Resource flags then the permission bits: `IPC_CREAT|0600`, `0600`. */
function resourceFlags(table: Xlat): (v: bigint) => string {
  return cached((v) => {
    const rest = v & ~0o777n;
    const mode = formatMode(Number(v & 0o777n));
    return rest === 0n ? mode : `${formatFlags(rest, table, '')}|${mode}`;
  });
}

/** shmget's flags: resource flags, the huge page size, the permission bits. */
const shmFlags = cached((v) => {
  const huge = v & (SHM_HUGE_MASK << SHM_HUGE_SHIFT);
  const rest = v & ~0o777n & ~huge;
  const parts: string[] = [];
  if (rest !== 0n || huge === 0n) parts.push(formatFlags(rest, SHM_RESOURCE_FLAGS, ''));
  if (huge !== 0n) parts.push(`${huge >> SHM_HUGE_SHIFT}<<SHM_HUGE_SHIFT`);
  const mode = formatMode(Number(v & 0o777n));
  return rest === 0n && huge === 0n ? mode : `${parts.join('|')}|${mode}`;
});

/** Registers the decoders of this module. */
export function registerIpcDecoders(registry: DecoderRegistry): void {
  for (const syscall of ['msgget', 'semget', 'shmget']) registry.register(syscall, 'key', (ctx) => (args) => ipcKey(u32(args[ctx.argIndex])));
  const resource = resourceFlags(RESOURCE_FLAGS);
  registry.register('msgget', 'msgflg', (ctx) => (args) => resource(u32(args[ctx.argIndex])));
  registry.register('semget', 'semflg', (ctx) => (args) => resource(u32(args[ctx.argIndex])));
  registry.register('shmget', 'shmflg', (ctx) => (args) => shmFlags(u32(args[ctx.argIndex])));
  registry.register('msgctl', 'cmd', (ctx) => valueArg(ctx.argIndex, MSGCTL, 'MSG_???'));
  registry.register('semctl', 'cmd', (ctx) => valueArg(ctx.argIndex, SEMCTL, 'SEM_???'));
  registry.register('shmctl', 'cmd', (ctx) => valueArg(ctx.argIndex, SHMCTL, 'SHM_???'));
  registry.register('semctl', 'arg', (ctx) => (args) => pointer(args[ctx.argIndex]));
  for (const syscall of ['msgsnd', 'msgrcv']) {
    registry.register(syscall, 'msgflg', (ctx) => flagsArg(ctx.argIndex, MSG_FLAGS, 'MSG_???'));
    // mtype, then msgsz bytes of text cut at -s (strace reads the text apart: unreadable, its address).
    registry.register(syscall, 'msgp', (ctx) => {
      const size = argIndexOf(ctx, 'msgsz');
      return (args, call) => {
        const b = bytesOf(call.blobs, ctx.argIndex);
        if (!b || b.data.length < MTYPE_SIZE) return '';
        const count = BigInt.asUintN(64, args[size] ?? 0n);
        const max = call.options.stringMax;
        const text = b.data.subarray(MTYPE_SIZE);
        const shown = count < BigInt(max) ? Number(count) : max;
        const mtext = text.length < shown ? pointer((args[ctx.argIndex] ?? 0n) + BigInt(MTYPE_SIZE)) : quoteShown({ data: text.subarray(0, shown), truncated: count > BigInt(shown) }, max);
        return `{mtype=${viewOf(b.data).getBigInt64(0, true)}, mtext=${mtext}}`;
      };
    });
  }
  registry.register('mq_open', 'oflag', (ctx) => openFlagsDecoder(ctx.argIndex, ctx.tables.openFlags));
  for (const arg of ['mode', 'u_attr']) {
    registry.register('mq_open', arg, (ctx) => {
      const flags = argIndexOf(ctx, 'oflag');
      const creat = BigInt(ctx.tables.openFlags.O_CREAT);
      return (args, call) => {
        if ((u32(args[flags]) & creat) === 0n) return null;
        return arg === 'mode' ? formatMode(Number(u32(args[ctx.argIndex]))) : mqAttr(args[ctx.argIndex], call, ctx.argIndex, null);
      };
    });
  }
  for (const arg of ['u_mqstat', 'u_omqstat']) {
    registry.register('mq_getsetattr', arg, (ctx) => {
      const nonblock = fixedXlat([['O_NONBLOCK', ctx.tables.openFlags.O_NONBLOCK]]);
      return (args, call) => mqAttr(args[ctx.argIndex], call, ctx.argIndex, nonblock);
    });
  }
}

/** sizeof(struct mq_attr): four longs and four reserved ones. */
const MQ_ATTR_SIZE = 64;

/** A struct mq_attr as strace prints it: mq_flags as flags (`flags`) or in hex, the rest signed. */
function mqAttr(reg: bigint | undefined, call: CallView, argIndex: number, flags: Xlat | null): string {
  const b = bytesOf(call.blobs, argIndex);
  if (!b || b.data.length < MQ_ATTR_SIZE) return pointer(reg);
  const v = viewOf(b.data);
  const mqFlags = v.getBigUint64(0, true);
  const first = flags ? formatFlags(mqFlags, flags, 'O_???') : hexValue(mqFlags);
  return `{mq_flags=${first}, mq_maxmsg=${v.getBigInt64(8, true)}, mq_msgsize=${v.getBigInt64(16, true)}, mq_curmsgs=${v.getBigInt64(24, true)}}`;
}

/**
 * System V IPC and POSIX message queues as strace prints them: msgget/semget/shmget keys
 * (IPC_PRIVATE, else hex) and flags (IPC_CREAT|IPC_EXCL|... then the permission bits in octal,
 * shmget's huge page size as `21<<SHM_HUGE_SHIFT`), the msgctl/semctl/shmctl commands (`IPC_64|`
 * before one with that bit) and their structs (msqid_ds, shmid_ds, semid_ds in their 64-bit
 * layouts, msginfo, shminfo, shm_info, seminfo), semop's and semtimedop's struct sembuf arrays,
 * shmat's flags, msgsnd's and msgrcv's struct msgbuf
 * (`{mtype=1, mtext="hello"}`) and flags, mq_open's flags and its mode and attr only with
 * O_CREAT, mq_getsetattr's attrs.
 */
import { READ_CAP } from '../reads';
import { arrayText } from './fields';
import { formatId } from './ids';
import { formatMode, openFlagsDecoder } from './open';
import { quoteShown } from './quote';
import { argIndexOf, bytesOf, viewOf, type ArgDecoder, type CallView, type DecoderRegistry } from './registry';
import { cached, currentBindingStyle, fixedXlat, flagsArg, formatFlags, formatValue, hexValue, pointer, styled, u32, type Xlat } from './xlat';

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
/** strace's shm_flags (shmat) and semop_flags. */
const SHM_FLAGS = fixedXlat([['SHM_RDONLY', 0o10000], ['SHM_RND', 0o20000], ['SHM_REMAP', 0o40000], ['SHM_EXEC', 0o100000]]);
const SEMOP_FLAGS = fixedXlat([['SEM_UNDO', 0x1000], ['IPC_NOWAIT', 0o4000]]);
/** The bit glibc sets for the 64-bit structs on some architectures (strace shows it, then decodes without it). */
const IPC_64 = 0x100n;
const IPC_SET = 1n;
const IPC_STAT = 2n;
const IPC_INFO = 3n;
/** The STAT and INFO commands of each call, whose struct is an output. */
const MSG_STATS = new Set([IPC_STAT, 11n, 13n]);
const MSG_INFO = 12n;
const SHM_STATS = new Set([IPC_STAT, 13n, 15n]);
const SHM_INFO = 14n;
const SEM_STATS = new Set([IPC_STAT, 18n, 20n]);
const SEM_INFO = 19n;
/** sizeof on x86_64: struct msqid64_ds, msginfo, shmid64_ds, shminfo64, shm_info, semid64_ds, seminfo, sembuf. */
const SIZES = { msqid: 120, msginfo: 32, shmid: 112, shminfo: 72, shmInfo: 48, semid: 104, seminfo: 40, sembuf: 6 } as const;

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

/** A ctl command as strace's PRINTCTL: `IPC_64|` before the command when that bit is set. */
function ctlCmd(argIndex: number, table: Xlat, unknown: string): ArgDecoder {
  const style = currentBindingStyle();
  const render = cached((v) => {
    const cmd = styled(v & ~IPC_64, formatValue(v & ~IPC_64, table, unknown), style);
    return (v & IPC_64) === 0n ? cmd : `${styled(IPC_64, 'IPC_64', style)}|${cmd}`;
  });
  return (args) => render(u32(args[argIndex]));
}

/** struct ipc64_perm: `{uid, gid, mode}`, and for the outputs (not IPC_SET) key, cuid, cgid. */
function ipcPerm(v: DataView, set: boolean): string {
  const id = (at: number) => formatId(BigInt(v.getUint32(at, true)));
  const head = `uid=${id(4)}, gid=${id(8)}, mode=${formatMode(v.getUint32(20, true))}`;
  return set ? `{${head}}` : `{${head}, key=${v.getUint32(0, true)}, cuid=${id(12)}, cgid=${id(16)}}`;
}

const u64 = (v: DataView, at: number) => v.getBigUint64(at, true);
const s32At = (v: DataView, at: number) => v.getInt32(at, true);
const ints = (v: DataView, names: readonly string[]) => names.map((n, i) => `${n}=${s32At(v, 4 * i)}`).join(', ');

function msqidDs(v: DataView, set: boolean): string {
  if (set) return `{msg_perm=${ipcPerm(v, true)}, msg_qbytes=${u64(v, 88)}}`;
  return `{msg_perm=${ipcPerm(v, false)}, msg_stime=${u64(v, 48)}, msg_rtime=${u64(v, 56)}, msg_ctime=${u64(v, 64)}, msg_qnum=${u64(v, 80)}, msg_qbytes=${u64(v, 88)}, msg_lspid=${s32At(v, 96)}, msg_lrpid=${s32At(v, 100)}}`;
}

function msginfo(v: DataView): string {
  return `{${ints(v, ['msgpool', 'msgmap', 'msgmax', 'msgmnb', 'msgmni', 'msgssz', 'msgtql'])}, msgseg=${v.getUint16(28, true)}}`;
}

function shmidDs(v: DataView, set: boolean): string {
  if (set) return `{shm_perm=${ipcPerm(v, true)}}`;
  return `{shm_perm=${ipcPerm(v, false)}, shm_segsz=${u64(v, 48)}, shm_cpid=${s32At(v, 80)}, shm_lpid=${s32At(v, 84)}, shm_nattch=${u64(v, 88)}, shm_atime=${u64(v, 56)}, shm_dtime=${u64(v, 64)}, shm_ctime=${u64(v, 72)}}`;
}

function shminfo(v: DataView): string {
  return `{shmmax=${u64(v, 0)}, shmmin=${u64(v, 8)}, shmmni=${u64(v, 16)}, shmseg=${u64(v, 24)}, shmall=${u64(v, 32)}}`;
}

function shmInfo(v: DataView): string {
  return `{used_ids=${s32At(v, 0)}, shm_tot=${u64(v, 8)}, shm_rss=${u64(v, 16)}, shm_swp=${u64(v, 24)}, swap_attempts=${u64(v, 32)}, swap_successes=${u64(v, 40)}}`;
}

function semidDs(v: DataView, set: boolean): string {
  if (set) return `{sem_perm=${ipcPerm(v, true)}}`;
  return `{sem_perm=${ipcPerm(v, false)}, sem_otime=${u64(v, 48)}, sem_ctime=${u64(v, 64)}, sem_nsems=${u64(v, 80)}}`;
}

function seminfo(v: DataView): string {
  return ints(v, ['semmap', 'semmni', 'semmns', 'semmnu', 'semmsl', 'semopm', 'semume', 'semusz', 'semvmx', 'semaem']).replace(/^/, '{') + '}';
}

/** How one command's struct prints: its size and its formatter; `input`: IPC_SET's, shown whatever the call returned. */
interface CtlStruct {
  size: number;
  format: (v: DataView) => string;
  input?: boolean;
}

/**
 * The struct argument of a ctl call: by the command without IPC_64 (`structOf`), IPC_SET's
 * input whatever the call returned, the STAT and INFO outputs after success; other commands
 * and unreadable structs as the address (an empty rendering).
 */
function ctlStruct(argIndex: number, cmdIndex: number, structOf: (cmd: bigint) => CtlStruct | undefined): ArgDecoder {
  return (args, call) => {
    const s = structOf(u32(args[cmdIndex]) & ~IPC_64);
    if (!s || (args[argIndex] ?? 0n) === 0n) return '';
    if (!s.input && (call.ret < 0n || call.noReturn)) return '';
    const b = bytesOf(call.blobs, argIndex);
    return b && b.data.length >= s.size ? s.format(viewOf(b.data)) : '';
  };
}

const inputOr = (cmd: bigint, output: CtlStruct | undefined, set: CtlStruct): CtlStruct | undefined => (cmd === IPC_SET ? { ...set, input: true } : output);

const MSG_DS = { size: SIZES.msqid, format: (v: DataView) => msqidDs(v, false) };
const MSG_SET = { size: SIZES.msqid, format: (v: DataView) => msqidDs(v, true) };
const MSG_INFO_S = { size: SIZES.msginfo, format: msginfo };
const SHM_DS = { size: SIZES.shmid, format: (v: DataView) => shmidDs(v, false) };
const SHM_SET = { size: SIZES.shmid, format: (v: DataView) => shmidDs(v, true) };
const SEM_DS = { size: SIZES.semid, format: (v: DataView) => semidDs(v, false) };
const SEM_SET = { size: SIZES.semid, format: (v: DataView) => semidDs(v, true) };

function msgStruct(cmd: bigint): CtlStruct | undefined {
  return inputOr(cmd, MSG_STATS.has(cmd) ? MSG_DS : cmd === IPC_INFO || cmd === MSG_INFO ? MSG_INFO_S : undefined, MSG_SET);
}

function shmStruct(cmd: bigint): CtlStruct | undefined {
  const output = SHM_STATS.has(cmd) ? SHM_DS : cmd === IPC_INFO ? { size: SIZES.shminfo, format: shminfo } : cmd === SHM_INFO ? { size: SIZES.shmInfo, format: shmInfo } : undefined;
  return inputOr(cmd, output, SHM_SET);
}

function semStruct(cmd: bigint): CtlStruct | undefined {
  return inputOr(cmd, SEM_STATS.has(cmd) ? SEM_DS : cmd === IPC_INFO || cmd === SEM_INFO ? { size: SIZES.seminfo, format: seminfo } : undefined, SEM_SET);
}

/** A struct sembuf: `{sem_num=0, sem_op=-1, sem_flg=SEM_UNDO}`. */
function sembuf(v: DataView, at: number): string {
  return `{sem_num=${v.getUint16(at, true)}, sem_op=${v.getInt16(at + 2, true)}, sem_flg=${formatFlags(BigInt(v.getUint16(at + 4, true)), SEMOP_FLAGS, 'SEM_???')}}`;
}

/** Registers the decoders of this module. */
export function registerIpcDecoders(registry: DecoderRegistry): void {
  for (const syscall of ['msgget', 'semget', 'shmget']) registry.register(syscall, 'key', (ctx) => (args) => ipcKey(u32(args[ctx.argIndex])));
  const resource = resourceFlags(RESOURCE_FLAGS);
  registry.register('msgget', 'msgflg', (ctx) => (args) => resource(u32(args[ctx.argIndex])));
  registry.register('semget', 'semflg', (ctx) => (args) => resource(u32(args[ctx.argIndex])));
  registry.register('shmget', 'shmflg', (ctx) => (args) => shmFlags(u32(args[ctx.argIndex])));
  registry.register('msgctl', 'cmd', (ctx) => ctlCmd(ctx.argIndex, MSGCTL, 'MSG_???'));
  registry.register('semctl', 'cmd', (ctx) => ctlCmd(ctx.argIndex, SEMCTL, 'SEM_???'));
  registry.register('shmctl', 'cmd', (ctx) => ctlCmd(ctx.argIndex, SHMCTL, 'SHM_???'));
  registry.register('msgctl', 'buf', (ctx) => ctlStruct(ctx.argIndex, argIndexOf(ctx, 'cmd'), msgStruct));
  registry.register('shmctl', 'buf', (ctx) => ctlStruct(ctx.argIndex, argIndexOf(ctx, 'cmd'), shmStruct));
  // semctl's union semun: a pointer for the struct commands, else a value strace prints as an address.
  registry.register('semctl', 'arg', (ctx) => {
    const decode = ctlStruct(ctx.argIndex, argIndexOf(ctx, 'cmd'), semStruct);
    return (args, call) => decode(args, call) || pointer(args[ctx.argIndex]);
  });
  for (const syscall of ['semop', 'semtimedop']) {
    registry.register(syscall, 'tsops', (ctx) => {
      const count = argIndexOf(ctx, 'nsops');
      return (args, call) =>
        arrayText(args[ctx.argIndex] ?? 0n, u32(args[count]), SIZES.sembuf, bytesOf(call.blobs, ctx.argIndex)?.data, call.options.stringMax, sembuf, READ_CAP);
    });
  }
  registry.register('shmat', 'shmflg', (ctx) => flagsArg(ctx.argIndex, SHM_FLAGS, 'SHM_???'));
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
        // The mode is a umode_t: strace prints its 16 bits.
        return arg === 'mode' ? formatMode(Number(u32(args[ctx.argIndex]) & 0xffffn)) : mqAttr(args[ctx.argIndex], call, ctx.argIndex, null);
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

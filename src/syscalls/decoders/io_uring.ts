/**
 * io_uring: io_uring_setup's struct io_uring_params (the caller's fields, and after success
 * what the kernel filled in), io_uring_enter's flags and signal mask, and io_uring_register's
 * opcode with the argument each opcode takes, as strace prints them. Arrays behind pointers
 * inside a struct are not read by the kernel side: they print as their address unless empty.
 */
import type { ArchTables } from '../arch';
import { arrayText, formatFields, type Field } from './fields';
import { formatIovec } from './msghdr';
import { quoteBytes } from './quote';
import { argIndexOf, bytesOf, derivedKey, viewOf, type DecoderRegistry } from './registry';
import { sigsetFormatter } from './signal';
import { fixedXlat, flagsArg, formatFlags, formatValue, hexValue, pointer, u32, valueArg, xlat, type Xlat } from './xlat';

const URING_REGISTER = [
  'IORING_REGISTER_BUFFERS', 'IORING_UNREGISTER_BUFFERS', 'IORING_REGISTER_FILES', 'IORING_UNREGISTER_FILES', 'IORING_REGISTER_EVENTFD',
  'IORING_UNREGISTER_EVENTFD', 'IORING_REGISTER_FILES_UPDATE', 'IORING_REGISTER_EVENTFD_ASYNC', 'IORING_REGISTER_PROBE',
  'IORING_REGISTER_PERSONALITY', 'IORING_UNREGISTER_PERSONALITY', 'IORING_REGISTER_RESTRICTIONS', 'IORING_REGISTER_ENABLE_RINGS',
  'IORING_REGISTER_FILES2', 'IORING_REGISTER_FILES_UPDATE2', 'IORING_REGISTER_BUFFERS2', 'IORING_REGISTER_BUFFERS_UPDATE',
  'IORING_REGISTER_IOWQ_AFF', 'IORING_UNREGISTER_IOWQ_AFF', 'IORING_REGISTER_IOWQ_MAX_WORKERS', 'IORING_REGISTER_RING_FDS',
  'IORING_UNREGISTER_RING_FDS', 'IORING_REGISTER_PBUF_RING', 'IORING_UNREGISTER_PBUF_RING',
];
const SETUP_FLAGS = [
  'IORING_SETUP_IOPOLL', 'IORING_SETUP_SQPOLL', 'IORING_SETUP_SQ_AFF', 'IORING_SETUP_CQSIZE', 'IORING_SETUP_CLAMP',
  'IORING_SETUP_ATTACH_WQ', 'IORING_SETUP_R_DISABLED', 'IORING_SETUP_SUBMIT_ALL', 'IORING_SETUP_COOP_TASKRUN',
  'IORING_SETUP_TASKRUN_FLAG', 'IORING_SETUP_SQE128', 'IORING_SETUP_CQE32',
];
const FEATURES = [
  'IORING_FEAT_SINGLE_MMAP', 'IORING_FEAT_NODROP', 'IORING_FEAT_SUBMIT_STABLE', 'IORING_FEAT_RW_CUR_POS', 'IORING_FEAT_CUR_PERSONALITY',
  'IORING_FEAT_FAST_POLL', 'IORING_FEAT_POLL_32BITS', 'IORING_FEAT_SQPOLL_NONFIXED', 'IORING_FEAT_EXT_ARG', 'IORING_FEAT_NATIVE_WORKERS',
  'IORING_FEAT_RSRC_TAGS', 'IORING_FEAT_CQE_SKIP', 'IORING_FEAT_LINKED_FILE',
];
const ENTER_FLAGS = ['IORING_ENTER_GETEVENTS', 'IORING_ENTER_SQ_WAKEUP', 'IORING_ENTER_SQ_WAIT', 'IORING_ENTER_EXT_ARG', 'IORING_ENTER_REGISTERED_RING'];
/** sizeof(struct io_uring_params). */
const PARAMS_SIZE = 120;
/** The kernel's sigset size: io_uring_enter takes a mask only of this size. */
const SIGSET_SIZE = 8;

const u32f = { t: 'u32' } as const;
const f = (name: string, at: number): Field => ({ name, at, kind: u32f });
/** struct io_sqring_offsets and io_cqring_offsets: fields, then resv1 and resv2 only when set. */
const SQ_OFF = ['head', 'tail', 'ring_mask', 'ring_entries', 'flags', 'dropped', 'array'].map((n, i) => f(n, 40 + 4 * i));
const CQ_OFF = ['head', 'tail', 'ring_mask', 'ring_entries', 'overflow', 'cqes', 'flags'].map((n, i) => f(n, 80 + 4 * i));

/** `name=0x..` for reserved words that are set, as strace adds them. */
function reserved(v: DataView, fields: ReadonlyArray<readonly [string, number, 4 | 8]>): string {
  let out = '';
  for (const [name, at, size] of fields) {
    const n = size === 8 ? v.getBigUint64(at, true) : BigInt(v.getUint32(at, true));
    if (n !== 0n) out += `, ${name}=${hexValue(n)}`;
  }
  return out;
}

/** A `[a, b, ...]` array of u32 words in hex, the way strace prints reserved arrays. */
function hexWords(v: DataView, at: number, count: number, size: 4 | 8 = 4): string {
  const items: string[] = [];
  for (let i = 0; i < count; i++) items.push(hexValue(size === 8 ? v.getBigUint64(at + 8 * i, true) : BigInt(v.getUint32(at + 4 * i, true))));
  return `[${items.join(', ')}]`;
}

function zero(v: DataView, at: number, bytes: number): boolean {
  for (let i = 0; i < bytes; i++) if (v.getUint8(at + i) !== 0) return false;
  return true;
}

/** io_uring_setup's params: the input fields, and after success the kernel's answer. */
function formatParams(data: Uint8Array, ok: boolean, tables: ArchTables): string {
  const v = viewOf(data);
  const flags = v.getUint32(8, true);
  const attachWq = BigInt(tables.constants.IORING?.IORING_SETUP_ATTACH_WQ ?? 0x20);
  let out = `{flags=${formatFlags(BigInt(flags), xlat(tables, 'IORING', SETUP_FLAGS), 'IORING_SETUP_???')}`;
  out += `, sq_thread_cpu=${hexValue(BigInt(v.getUint32(12, true)))}, sq_thread_idle=${v.getUint32(16, true)}`;
  if ((BigInt(flags) & attachWq) !== 0n) out += `, wq_fd=${v.getInt32(24, true)}`;
  if (!zero(v, 28, 12)) out += `, resv=${hexWords(v, 28, 3)}`;
  if (ok) {
    out += `, sq_entries=${v.getUint32(0, true)}, cq_entries=${v.getUint32(4, true)}`;
    out += `, features=${formatFlags(BigInt(v.getUint32(20, true)), xlat(tables, 'IORING', FEATURES), 'IORING_FEAT_???')}`;
    out += `, sq_off={${formatFields(data, SQ_OFF, PARAMS_SIZE)}${reserved(v, [['resv1', 68, 4], ['resv2', 72, 8]])}}`;
    out += `, cq_off={${formatFields(data, CQ_OFF, PARAMS_SIZE)}${reserved(v, [['resv1', 108, 4], ['resv2', 112, 8]])}}`;
  }
  return `${out}}`;
}

/** The tables io_uring_register's argument decoding needs, bound once. */
interface RegisterTables {
  opcodes: Xlat;
  ops: Xlat;
  rsrcFlags: Xlat;
  restrictions: Xlat;
  byValue: Map<bigint, string>;
}

/** IOSQE_* (bits of include/uapi/linux/io_uring.h, defined there as shifts the tables do not evaluate). */
const SQE_FLAGS = fixedXlat(['IOSQE_FIXED_FILE', 'IOSQE_IO_DRAIN', 'IOSQE_IO_LINK', 'IOSQE_IO_HARDLINK', 'IOSQE_ASYNC', 'IOSQE_BUFFER_SELECT', 'IOSQE_CQE_SKIP_SUCCESS'].map((n, i) => [n, 1 << i] as const));

/** One struct io_uring_restriction. */
function restriction(t: RegisterTables, v: DataView, at: number): string {
  const opcode = v.getUint16(at, true);
  const op = v.getUint8(at + 2);
  let out = `{opcode=${formatValue(BigInt(opcode), t.restrictions, 'IORING_RESTRICTION_???')}`;
  switch (t.restrictions.find(([, n]) => n === BigInt(opcode))?.[0]) {
    case 'IORING_RESTRICTION_REGISTER_OP':
      out += `, register_op=${formatValue(BigInt(op), t.opcodes, 'IORING_REGISTER_???')}`;
      break;
    case 'IORING_RESTRICTION_SQE_OP':
      out += `, sqe_op=${formatValue(BigInt(op), t.ops, 'IORING_OP_???')}`;
      break;
    case 'IORING_RESTRICTION_SQE_FLAGS_ALLOWED':
    case 'IORING_RESTRICTION_SQE_FLAGS_REQUIRED':
      out += `, sqe_flags=${formatFlags(BigInt(op), SQE_FLAGS, 'IOSQE_???')}`;
      break;
    default:
      out += ` /* op: ${hexValue(BigInt(op))} */`;
  }
  if (v.getUint8(at + 3) !== 0) out += `, resv=${hexValue(BigInt(v.getUint8(at + 3)))}`;
  if (!zero(v, at + 4, 12)) out += `, resv2=${hexWords(v, at + 4, 3)}`;
  return `${out}}`;
}

/** The bytes past a 32-byte resource struct: nothing when zero, else their range and hex. */
function rsrcTail(data: Uint8Array, size: number): string {
  if (size <= 32) return '';
  if (data.length < size) return ', ???';
  const rest = data.subarray(32, size);
  return rest.every((b) => b === 0) ? '' : `, /* bytes 32..${size - 1} */ ${quoteBytes(rest, { hex: true })}`;
}

/** SCT_URING_PART_*: the arrays the register structs point to (reads.ts' SCT_READ_URING_RSRC). */
const URING_PART = { DATA: 0, TAGS: 1 } as const;
/** IORING_REGISTER_FILES_SKIP: an fd an update leaves as it is. */
const FILES_SKIP = -2;

/** An fd of an update: IORING_REGISTER_FILES_SKIP by name, strace's print_files_update_array_member. */
const updateFd = (v: DataView, at: number) => {
  const fd = v.getInt32(at, true);
  return fd === FILES_SKIP ? 'IORING_REGISTER_FILES_SKIP' : fd.toString();
};

/**
 * io_uring_register's argument for `opcode`, or '' for opcodes that take none it decodes;
 * `inner` gives the arrays behind its struct's pointers (derived parts URING_PART).
 */
function formatRegisterArg(
  t: RegisterTables,
  opcode: string | undefined,
  ptr: bigint,
  nargs: number,
  data: Uint8Array | undefined,
  max: number,
  inner: (part: number) => Uint8Array | undefined,
): string {
  const fd = (v: DataView, at: number) => v.getInt32(at, true).toString();
  switch (opcode) {
    case 'IORING_REGISTER_BUFFERS':
      if (ptr === 0n) return 'NULL';
      if (nargs === 0) return '[]';
      return (data && formatIovec(data, nargs, [], max, 0n)) ?? pointer(ptr);
    case 'IORING_REGISTER_FILES':
    case 'IORING_REGISTER_EVENTFD':
    case 'IORING_REGISTER_EVENTFD_ASYNC':
      return arrayText(ptr, BigInt(nargs), 4, data, max, fd);
    case 'IORING_REGISTER_RESTRICTIONS':
      return arrayText(ptr, BigInt(nargs), 16, data, max, (v, at) => restriction(t, v, at));
    case 'IORING_REGISTER_FILES2':
    case 'IORING_REGISTER_BUFFERS2':
    case 'IORING_REGISTER_FILES_UPDATE2':
    case 'IORING_REGISTER_BUFFERS_UPDATE': {
      if (nargs < 32 || !data || data.length < 32) return pointer(ptr);
      const v = viewOf(data);
      const update = opcode === 'IORING_REGISTER_FILES_UPDATE2' || opcode === 'IORING_REGISTER_BUFFERS_UPDATE';
      const nr = update ? v.getUint32(24, true) : v.getUint32(0, true);
      const dataPtr = v.getBigUint64(update ? 8 : 16, true);
      const tags = v.getBigUint64(update ? 16 : 24, true);
      const buffers = opcode === 'IORING_REGISTER_BUFFERS2' || opcode === 'IORING_REGISTER_BUFFERS_UPDATE';
      const items = inner(URING_PART.DATA);
      const dataText = buffers
        ? dataPtr === 0n ? 'NULL' : nr === 0 ? '[]' : (items && formatIovec(items, nr, [], max, 0n)) ?? pointer(dataPtr)
        : arrayText(dataPtr, BigInt(nr), 4, items, max, update ? updateFd : fd);
      const tagsText = arrayText(tags, BigInt(nr), 8, inner(URING_PART.TAGS), max, (w, at) => hexValue(w.getBigUint64(at, true)));
      let out = '{';
      if (update) {
        out += `offset=${v.getUint32(0, true)}`;
        if (v.getUint32(4, true) !== 0) out += `, resv=${hexValue(BigInt(v.getUint32(4, true)))}`;
      } else {
        out += `nr=${nr}, flags=${formatFlags(BigInt(v.getUint32(4, true)), t.rsrcFlags, 'IORING_RSRC_REGISTER_???')}`;
        if (v.getBigUint64(8, true) !== 0n) out += `, resv2=${hexValue(v.getBigUint64(8, true))}`;
      }
      out += `, data=${dataText}, tags=${tagsText}`;
      if (update) {
        out += `, nr=${nr}`;
        if (v.getUint32(28, true) !== 0) out += `, resv2=${hexValue(BigInt(v.getUint32(28, true)))}`;
      }
      return `${out}${rsrcTail(data, Math.min(nargs, 4096))}}`;
    }
    case 'IORING_REGISTER_FILES_UPDATE': {
      if (!data || data.length < 16) return pointer(ptr);
      const v = viewOf(data);
      let out = `{offset=${v.getUint32(0, true)}`;
      if (v.getUint32(4, true) !== 0) out += `, resv=${hexValue(BigInt(v.getUint32(4, true)))}`;
      return `${out}, fds=${arrayText(v.getBigUint64(8, true), BigInt(nargs), 4, inner(URING_PART.DATA), max, updateFd)}}`;
    }
    case 'IORING_REGISTER_PBUF_RING':
    case 'IORING_UNREGISTER_PBUF_RING': {
      if (!data || data.length < 40) return pointer(ptr);
      const v = viewOf(data);
      let out = `{ring_addr=${pointer(v.getBigUint64(0, true))}, ring_entries=${v.getUint32(8, true)}, bgid=${v.getUint16(12, true)}`;
      if (v.getUint16(14, true) !== 0) out += `, pad=${hexValue(BigInt(v.getUint16(14, true)))}`;
      if (!zero(v, 16, 24)) out += `, resv=${hexWords(v, 16, 3, 8)}`;
      return `${out}}`;
    }
    default:
      return pointer(ptr);
  }
}

/** Registers the decoders of this module. */
export function registerIoUringDecoders(registry: DecoderRegistry): void {
  registry.register('io_uring_register', 'opcode', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'IORING', URING_REGISTER), 'IORING_REGISTER_???'));
  registry.register('io_uring_register', 'arg', (ctx) => {
    const opcodes = xlat(ctx.tables, 'IORING', URING_REGISTER);
    const t: RegisterTables = {
      opcodes,
      ops: xlat(ctx.tables, 'IORING', URING_OPS),
      rsrcFlags: xlat(ctx.tables, 'IORING', ['IORING_RSRC_REGISTER_SPARSE']),
      restrictions: xlat(ctx.tables, 'IORING', ['IORING_RESTRICTION_REGISTER_OP', 'IORING_RESTRICTION_SQE_OP', 'IORING_RESTRICTION_SQE_FLAGS_ALLOWED', 'IORING_RESTRICTION_SQE_FLAGS_REQUIRED']),
      byValue: new Map(opcodes.map(([n, v]) => [v, n])),
    };
    const opIndex = argIndexOf(ctx, 'opcode');
    const nIndex = argIndexOf(ctx, 'nr_args');
    return (args, call) => {
      const data = bytesOf(call.blobs, ctx.argIndex)?.data;
      const inner = (part: number) => bytesOf(call.blobs, derivedKey(ctx.argIndex, part))?.data;
      return formatRegisterArg(t, t.byValue.get(u32(args[opIndex])), args[ctx.argIndex] ?? 0n, Number(u32(args[nIndex])), data, call.options.stringMax, inner);
    };
  });
  registry.register('io_uring_setup', 'params', (ctx) => (args, call) => {
    const b = bytesOf(call.blobs, ctx.argIndex);
    if (!b || b.data.length < PARAMS_SIZE) return pointer(args[ctx.argIndex]);
    return formatParams(b.data, call.ret >= 0n && !call.noReturn, ctx.tables);
  });
  registry.register('io_uring_enter', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'IORING', ENTER_FLAGS), 'IORING_ENTER_???'));
  registry.register('io_uring_enter', 'argp', (ctx) => {
    const sizeIndex = argIndexOf(ctx, 'argsz');
    const sigset = sigsetFormatter(ctx.tables);
    return (args, call) => {
      const reg = args[ctx.argIndex] ?? 0n;
      const b = bytesOf(call.blobs, ctx.argIndex);
      if (reg === 0n || BigInt.asUintN(64, args[sizeIndex] ?? 0n) !== BigInt(SIGSET_SIZE) || !b || b.data.length < SIGSET_SIZE) return pointer(reg);
      return sigset(viewOf(b.data).getBigUint64(0, true));
    };
  });
}

const URING_OPS = [
  'IORING_OP_NOP', 'IORING_OP_READV', 'IORING_OP_WRITEV', 'IORING_OP_FSYNC', 'IORING_OP_READ_FIXED', 'IORING_OP_WRITE_FIXED',
  'IORING_OP_POLL_ADD', 'IORING_OP_POLL_REMOVE', 'IORING_OP_SYNC_FILE_RANGE', 'IORING_OP_SENDMSG', 'IORING_OP_RECVMSG', 'IORING_OP_TIMEOUT',
  'IORING_OP_TIMEOUT_REMOVE', 'IORING_OP_ACCEPT', 'IORING_OP_ASYNC_CANCEL', 'IORING_OP_LINK_TIMEOUT', 'IORING_OP_CONNECT',
  'IORING_OP_FALLOCATE', 'IORING_OP_OPENAT', 'IORING_OP_CLOSE', 'IORING_OP_FILES_UPDATE', 'IORING_OP_STATX', 'IORING_OP_READ',
  'IORING_OP_WRITE', 'IORING_OP_FADVISE', 'IORING_OP_MADVISE', 'IORING_OP_SEND', 'IORING_OP_RECV', 'IORING_OP_OPENAT2',
  'IORING_OP_EPOLL_CTL', 'IORING_OP_SPLICE', 'IORING_OP_PROVIDE_BUFFERS', 'IORING_OP_REMOVE_BUFFERS', 'IORING_OP_TEE',
  'IORING_OP_SHUTDOWN', 'IORING_OP_RENAMEAT', 'IORING_OP_UNLINKAT', 'IORING_OP_MKDIRAT', 'IORING_OP_SYMLINKAT', 'IORING_OP_LINKAT',
  'IORING_OP_MSG_RING', 'IORING_OP_FSETXATTR', 'IORING_OP_SETXATTR', 'IORING_OP_FGETXATTR', 'IORING_OP_GETXATTR', 'IORING_OP_SOCKET',
  'IORING_OP_URING_CMD',
];

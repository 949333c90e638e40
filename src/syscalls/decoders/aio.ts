/**
 * The aio calls as strace 6.1's aio.c prints them: the aio_context_t as an address, io_setup's
 * stored context, io_submit's iocb array (`[{aio_data=0x1, aio_lio_opcode=IOCB_CMD_PREAD, ...}]`,
 * what each iocb points to where strace shows it), io_cancel's iocb header and returned event,
 * io_getevents' and io_pgetevents' events (and the latter's sigmask pair, as pselect6's).
 */
import type { RawBlob } from '../types';
import { argIndexOf, bytesOf, derivedKey, viewOf, type ArgDecoder, type DecoderRegistry } from './registry';
import { arrayText } from './fields';
import { formatIoprio } from './ids';
import { formatIovec, RWF_FLAGS } from './msghdr';
import { POLL_NAMES } from './events';
import { quoteBytes } from './quote';
import { sigmaskPairArg } from './signal';
import { structArg } from './time';
import { fixedXlat, formatFlags, hexValue, pointer, xlat, type Xlat } from './xlat';

/** The aio calls' aio_context_t arguments (io_destroy's is `ctx`). */
const AIO_CTX_ARGS = [['io_destroy', 'ctx'], ['io_submit', 'ctx_id'], ['io_cancel', 'ctx_id'], ['io_getevents', 'ctx_id'], ['io_pgetevents', 'ctx_id']];
/** linux/aio_abi.h's IOCB_CMD_*, by value (strace's aio_cmds). */
const IOCB_CMDS = ['IOCB_CMD_PREAD', 'IOCB_CMD_PWRITE', 'IOCB_CMD_FSYNC', 'IOCB_CMD_FDSYNC', 'IOCB_CMD_PREADX', 'IOCB_CMD_POLL', 'IOCB_CMD_NOOP', 'IOCB_CMD_PREADV', 'IOCB_CMD_PWRITEV'];
const CMD = { PWRITE: 1, POLL: 5, PREADV: 7, PWRITEV: 8 } as const;
/** strace's aio_iocb_flags. */
const IOCB_FLAG_RESFD = 1n;
const IOCB_FLAG_IOPRIO = 2n;
const IOCB_FLAGS = fixedXlat([['IOCB_FLAG_RESFD', IOCB_FLAG_RESFD], ['IOCB_FLAG_IOPRIO', IOCB_FLAG_IOPRIO]]);
/** SCT_AIO_IOCBS: iocbs the kernel side reads (derived parts of the pointer array's argument). */
const AIO_IOCBS = 8;
/** SCT_AIO_DATA_ARG: the pseudo-argument whose derived part i holds what iocb i points to. */
const AIO_DATA_ARG = 6;
const IOCB_SIZE = 64;
const IO_EVENT_SIZE = 32;

/** strace's iocb_is_valid: aio_nbytes fits a non-negative ssize_t. */
const validNbytes = (n: bigint) => n < 1n << 63n;

/** Fields of struct iocb strace's print_iocb_header prints: aio_data through aio_fildes. */
function iocbHeader(v: DataView): string {
  const key = v.getUint32(8, true);
  const rwFlags = v.getUint32(12, true);
  const opcode = v.getUint16(16, true);
  const flags = BigInt(v.getUint32(56, true));
  let out = `aio_data=${hexValue(v.getBigUint64(0, true))}`;
  if (key) out += `, aio_key=${key}`;
  if (rwFlags) out += `, aio_rw_flags=${formatFlags(BigInt(rwFlags), RWF_FLAGS, 'RWF_???')}`;
  out += `, aio_lio_opcode=${IOCB_CMDS[opcode] ?? `${opcode} /* IOCB_CMD_??? */`}`;
  if (flags & IOCB_FLAG_IOPRIO) out += `, aio_reqprio=${formatIoprio(BigInt(v.getUint16(18, true)))}`;
  else if (v.getInt16(18, true)) out += `, aio_reqprio=${v.getInt16(18, true)}`;
  return `${out}, aio_fildes=${v.getInt32(20, true)}`;
}

/** strace's print_common_flags: aio_flags when set, aio_resfd as an fd with IOCB_FLAG_RESFD, else in hex when set. */
function commonFlags(v: DataView): string {
  const flags = BigInt(v.getUint32(56, true));
  let out = flags ? `, aio_flags=${formatFlags(flags, IOCB_FLAGS, 'IOCB_FLAG_???')}` : '';
  if (flags & IOCB_FLAG_RESFD) out += `, aio_resfd=${v.getInt32(60, true)}`;
  else if (v.getUint32(60, true)) out += `, aio_resfd=${hexValue(BigInt(v.getUint32(60, true)))}`;
  return out;
}

/**
 * A whole struct iocb (strace's print_iocb): the header, then by the command the buffer (PWRITE's
 * as a string of aio_nbytes, `data` the bytes read), the iovecs (PREADV's and PWRITEV's, `data`
 * the array) or POLL's events, the offset and the flags.
 */
function formatIocb(v: DataView, data: RawBlob | undefined, max: number, poll: Xlat): string {
  const opcode = v.getUint16(16, true);
  const buf = v.getBigUint64(24, true);
  const nbytes = v.getBigUint64(32, true);
  const tail = `, aio_offset=${v.getBigInt64(40, true)}${commonFlags(v)}`;
  const bytes = data?.kind === 'bytes' && !data.unreadable ? data.data : undefined;
  let out = `{${iocbHeader(v)}`;
  if (opcode <= CMD.PWRITE) {
    let shown = hexValue(buf);
    if (opcode === CMD.PWRITE && validNbytes(nbytes)) {
      if (buf === 0n) shown = 'NULL';
      else if (bytes && BigInt(bytes.length) >= (nbytes < BigInt(max) ? nbytes : BigInt(max))) {
        const n = nbytes < BigInt(max) ? Number(nbytes) : max;
        shown = quoteBytes(bytes.subarray(0, n), { truncated: nbytes > BigInt(n) });
      } else shown = pointer(buf);
    }
    out += `, aio_buf=${shown}, aio_nbytes=${nbytes}${tail}`;
  } else if (opcode === CMD.PREADV || opcode === CMD.PWRITEV) {
    // PWRITEV's data is not read: its iov_base show as addresses (strace quotes them).
    if (!validNbytes(nbytes)) out += `, aio_buf=${hexValue(buf)}, aio_nbytes=${nbytes}${tail}`;
    else {
      const iov = buf === 0n ? 'NULL' : nbytes === 0n ? '[]' : bytes && formatIovec(bytes, Number(nbytes), [], max, 0n);
      out += `, aio_buf=${iov || pointer(buf)}${tail}`;
    }
  } else if (opcode === CMD.POLL) {
    out += `, aio_buf=${formatFlags(buf, poll, 'POLL???')}${commonFlags(v)}`;
  }
  return `${out}}`;
}

/** struct io_event: `{data=0x1, obj=0x7f..., res=4096, res2=0}`. */
function formatIoEvent(v: DataView, at: number): string {
  return `{data=${hexValue(v.getBigUint64(at, true))}, obj=${hexValue(v.getBigUint64(at + 8, true))}, res=${v.getBigInt64(at + 16, true)}, res2=${v.getBigInt64(at + 24, true)}}`;
}

/**
 * io_submit's iocbpp as strace's print_array of iocb pointers: each iocb the kernel side read,
 * NULL, or the pointer; at most -s of them (`...`), and `... /* 0x... *\/` where the array became
 * unreadable (its address when its first pointer is).
 */
function iocbArray(argIndex: number, nrIndex: number, poll: Xlat): ArgDecoder {
  return (args, call) => {
    const ptr = args[argIndex] ?? 0n;
    const nr = BigInt.asIntN(64, args[nrIndex] ?? 0n);
    if (nr < 0n) return '';
    if (ptr === 0n) return 'NULL';
    if (nr === 0n) return '[]';
    const b = bytesOf(call.blobs, argIndex);
    if (!b || ptr + 8n * nr > 0xffffffffffffffffn) return '';
    const max = call.options.stringMax;
    const readable = Math.floor(b.data.length / 8);
    const v = viewOf(b.data);
    const items: string[] = [];
    for (let i = 0; BigInt(i) < nr; i++) {
      if (i >= readable) {
        if (i === 0) return '';
        items.push(`... /* ${pointer(ptr + 8n * BigInt(i))} */`);
        break;
      }
      if (i === max) {
        items.push('...');
        break;
      }
      const iocb = v.getBigUint64(8 * i, true);
      const cb = i < AIO_IOCBS ? bytesOf(call.blobs, derivedKey(argIndex, i)) : undefined;
      if (iocb === 0n) items.push('NULL');
      else if (!cb || cb.data.length < IOCB_SIZE) items.push(pointer(iocb));
      else items.push(formatIocb(viewOf(cb.data), call.blobs.get(derivedKey(AIO_DATA_ARG, i)), max, poll));
    }
    return `[${items.join(', ')}]`;
  };
}

/** Registers the aio decoders. */
export function registerAioDecoders(registry: DecoderRegistry): void {
  for (const [syscall, arg] of AIO_CTX_ARGS) registry.register(syscall, arg, (ctx) => (args) => pointer(args[ctx.argIndex]));
  registry.register('io_setup', 'ctxp', (ctx) => structArg(ctx.argIndex, 8, true, (v) => `[${pointer(v.getBigUint64(0, true))}]`));
  registry.register('io_submit', 'iocbpp', (ctx) => iocbArray(ctx.argIndex, argIndexOf(ctx, 'nr'), xlat(ctx.tables, 'POLL', POLL_NAMES)));
  // io_cancel: the iocb's header (an input), the event it returned (after success).
  registry.register('io_cancel', 'iocb', (ctx) => structArg(ctx.argIndex, IOCB_SIZE, false, (v) => `{${iocbHeader(v)}}`));
  registry.register('io_cancel', 'result', (ctx) => structArg(ctx.argIndex, IO_EVENT_SIZE, true, (v) => formatIoEvent(v, 0)));
  for (const syscall of ['io_getevents', 'io_pgetevents']) {
    registry.register(syscall, 'events', (ctx) => (args, call) => {
      if (call.ret < 0n || call.noReturn) return '';
      const b = bytesOf(call.blobs, ctx.argIndex);
      return arrayText(args[ctx.argIndex] ?? 0n, call.ret, IO_EVENT_SIZE, b?.data, call.options.stringMax, formatIoEvent);
    });
  }
  registry.register('io_pgetevents', 'usig', (ctx) => sigmaskPairArg(ctx.argIndex, ctx.tables));
}

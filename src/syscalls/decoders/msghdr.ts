/**
 * sendmsg and recvmsg's struct msghdr, and iovec arrays, as strace prints them:
 * `{msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hello", iov_len=5}], msg_iovlen=1,
 * msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[3]}],
 * msg_controllen=24, msg_flags=0}`.
 *
 * The kernel side delivers the struct itself as the argument's blob (56 bytes, read at exit) and
 * what its pointers point to as derived blobs (bpf/shared/sctrace_iov.h, enum sct_derived: blob
 * argument `0x80 | (arg << 3) | part`; part 1 the name, 2 the iovec array, 3..6 the data of the
 * first iovecs, 7 the control data; an iovec argument's part 0 is the array, 1..7 the data).
 * Without the derived blobs the whole argument is its address.
 */
import fs from 'node:fs';
import type { ArchTables } from '../arch';
import type { RawBlob } from '../types';
import { bytesOf, derivedKey, viewOf } from './registry';
import { quoteBytes } from './quote';
import type { ArgDecoder, CallView, DecoderRegistry } from './registry';
import { ifindexText } from './net';
import { fixedXlat, formatFlags, formatValue, pointer, type Xlat } from './xlat';

export { derivedKey };

const MSGHDR_SIZE = 56;
/** Parts of the derived reads. */
const PART = { NAME: 1, IOV: 2, DATA: 3, DATA_MAX: 4, CONTROL: 7 } as const;
/** An iovec argument's parts: 0 the array, 1..7 the data of its first elements (SCT_IOV_DATA_PARTS). */
const IOV_DATA_PARTS = 7;

/** strace's msg_flags (the same values everywhere), for msg_flags. */
export const MSG_FLAGS: Xlat = fixedXlat([
  ['MSG_OOB', 0x1], ['MSG_PEEK', 0x2], ['MSG_DONTROUTE', 0x4], ['MSG_CTRUNC', 0x8], ['MSG_PROBE', 0x10], ['MSG_TRUNC', 0x20],
  ['MSG_DONTWAIT', 0x40], ['MSG_EOR', 0x80], ['MSG_WAITALL', 0x100], ['MSG_FIN', 0x200], ['MSG_SYN', 0x400],
  ['MSG_CONFIRM', 0x800], ['MSG_RST', 0x1000], ['MSG_ERRQUEUE', 0x2000], ['MSG_NOSIGNAL', 0x4000], ['MSG_MORE', 0x8000],
  ['MSG_WAITFORONE', 0x10000], ['MSG_SENDPAGE_NOTLAST', 0x20000], ['MSG_BATCH', 0x40000], ['MSG_NO_SHARED_FRAGS', 0x80000],
  ['MSG_ZEROCOPY', 0x4000000], ['MSG_FASTOPEN', 0x20000000], ['MSG_CMSG_CLOEXEC', 0x40000000], ['MSG_CMSG_COMPAT', 0x80000000],
]);

/**
 * An iovec array with each element's delivered data: `[{iov_base="...", iov_len=N}, ...]`. Given
 * the array's address, an array the kernel side read only the first elements of (its end in an
 * unmapped page) prints as strace's print_array does: those elements, then `... /* address *\/`.
 */
export function formatIovec(array: Uint8Array, count: number, data: ReadonlyArray<RawBlob | undefined>, max: number, budget: bigint, addr?: bigint): string | undefined {
  const readable = Math.floor(array.length / 16);
  if (readable < Math.min(count, max) && (addr === undefined || readable === 0)) return undefined;
  const v = viewOf(array);
  const out: string[] = [];
  let left = budget;
  for (let i = 0; i < count; i++) {
    if (i === max) {
      out.push('...');
      break;
    }
    if (i === readable) {
      out.push(`... /* ${pointer((addr ?? 0n) + 16n * BigInt(i))} */`);
      break;
    }
    const base = v.getBigUint64(16 * i, true);
    const len = v.getBigUint64(16 * i + 8, true);
    const blob = data[i];
    let shown: string;
    if (base === 0n) shown = 'NULL';
    else if (blob?.kind === 'bytes' && !blob.unreadable) {
      const take = Number(len < left ? len : left);
      const bytes = blob.data.subarray(0, Math.min(take, max));
      shown = quoteBytes(bytes, { truncated: take > bytes.length || blob.data.length < Math.min(take, max) });
    } else shown = pointer(base);
    left = left > len ? left - len : 0n;
    out.push(`{iov_base=${shown}, iov_len=${len}}`);
  }
  return `[${out.join(', ')}]`;
}

/**
 * strace 6.1's scmvals (SOL_SOCKET control message types; asm-generic/socket.h values, the ones
 * of x86_64).
 */
const SCM_TYPES = fixedXlat([
  ['SCM_RIGHTS', 1], ['SCM_CREDENTIALS', 2], ['SCM_SECURITY', 3], ['SO_TIMESTAMP_OLD', 29], ['SO_TIMESTAMPNS_OLD', 35],
  ['SO_TIMESTAMPING_OLD', 37], ['SO_WIFI_STATUS', 41], ['SCM_TIMESTAMPING_OPT_STATS', 0x36], ['SCM_TIMESTAMPING_PKTINFO', 0x3a],
  ['SO_TXTIME', 61], ['SO_TIMESTAMP_NEW', 63], ['SO_TIMESTAMPNS_NEW', 64], ['SO_TIMESTAMPING_NEW', 65],
]);
/** strace 6.1's ip_cmsg_types. */
const IP_CMSG_TYPES = fixedXlat([
  ['IP_TOS', 1], ['IP_TTL', 2], ['IP_RECVOPTS', 6], ['IP_RETOPTS', 7], ['IP_PKTINFO', 8], ['IP_RECVERR', 11], ['IP_ORIGDSTADDR', 20], ['IP_CHECKSUM', 23],
]);
const SOL_SOCKET = 1;
const SOL_IP = 0;
/** sizeof(struct cmsghdr) on a 64-bit ABI. */
const CMSG_HDR = 16;

/**
 * What strace reads of msg_control at most: net.core.optmem_max rounded up to 8 bytes, read
 * once (strace's get_optmem_max, on the same host as the traced process); its fallback when
 * the file cannot be read.
 */
let optmem: number | undefined;
function optmemMax(): number {
  if (optmem === undefined) {
    optmem = 8 * (2 * 1024 + 512);
    try {
      const n = Number.parseInt(fs.readFileSync('/proc/sys/net/core/optmem_max', 'utf8'), 10);
      if (n > 0) optmem = (n + 7) & ~7;
    } catch {
      // strace's fallback above.
    }
  }
  return optmem;
}

/** `[a, b, ...]`: at most `max` elements (strace's print_local_array_ex under -s), then `...`. */
function elements(count: number, max: number, element: (i: number) => string): string {
  const shown = Math.min(count, max);
  const out = Array.from({ length: shown }, (_, i) => element(i));
  if (shown < count) out.push('...');
  return `[${out.join(', ')}]`;
}

/** One control message's payload as strace's print_cmsg_type_data prints it (after `cmsg_type=`). */
function cmsgTypeData(level: number, type: number, payload: Uint8Array, sockaddr: (data: Uint8Array, len: number) => string, max: number): string {
  const v = viewOf(payload);
  const n = payload.length;
  const data = (text: string) => `, cmsg_data=${text}`;
  if (level === SOL_SOCKET) {
    let text = formatValue(BigInt(type), SCM_TYPES, 'SCM_???');
    if (type === 1 && n >= 4) text += data(elements(Math.floor(n / 4), max, (i) => String(v.getInt32(4 * i, true))));
    else if (type === 2 && n >= 12) text += data(`{pid=${v.getInt32(0, true)}, uid=${v.getUint32(4, true)}, gid=${v.getUint32(8, true)}}`);
    else if (type === 3 && n >= 1) text += data(quoteBytes(payload));
    return text;
  }
  if (level === SOL_IP) {
    let text = formatValue(BigInt(type), IP_CMSG_TYPES, 'IP_???');
    const inet = (at: number) => `inet_addr("${payload[at]}.${payload[at + 1]}.${payload[at + 2]}.${payload[at + 3]}")`;
    if (type === 8 && n >= 12) {
      text += data(`{ipi_ifindex=${ifindexText(v.getUint32(0, true))}, ipi_spec_dst=${inet(4)}, ipi_addr=${inet(8)}}`);
    } else if ((type === 2 || type === 23) && n >= 4) text += data(elements(Math.floor(n / 4), max, (i) => String(v.getUint32(4 * i, true))));
    else if ((type === 1 || type === 6 || type === 7) && n >= 1) text += data(elements(n, max, (i) => `0x${payload[i].toString(16)}`));
    else if (type === 11 && n >= 32) {
      text += data(`{ee_errno=${v.getUint32(0, true)}, ee_origin=${payload[4]}, ee_type=${payload[5]}, ee_code=${payload[6]}, ee_info=${v.getUint32(8, true)}, ee_data=${v.getUint32(12, true)}, offender=${sockaddr(payload.subarray(16, 32), 16)}}`);
    } else if (type === 20 && n >= 16) text += data(sockaddr(payload, Math.min(n, 128)));
    return text;
  }
  return `0x${(type >>> 0).toString(16)}`;
}

/**
 * msg_control as strace's decode_msg_control prints it: its address when shorter than one
 * cmsghdr or unreadable, else the messages in the first `controlLen` bytes (at most
 * optmem_max), each cut to what is there, `...` and the address of what was left when the last
 * one does not end the buffer, `...` alone when optmem_max cut the buffer. `data` is what the
 * kernel side read (SCT_MSG_CONTROL_MAX bytes at most): messages beyond it are not shown.
 */
export function formatControl(data: Uint8Array, controlLen: bigint, address: bigint, levels: Xlat, sockaddr: (data: Uint8Array, len: number) => string, max: number): string {
  const limit = Number(controlLen > BigInt(optmemMax()) ? BigInt(optmemMax()) : controlLen);
  if (limit < CMSG_HDR) return pointer(address);
  const v = viewOf(data);
  const out: string[] = [];
  let at = 0;
  let left = limit;
  while (left >= CMSG_HDR && at + CMSG_HDR <= data.length) {
    const cmsgLen = v.getBigUint64(at, true);
    const len = cmsgLen > BigInt(left) ? left : Number(cmsgLen);
    const payload = data.subarray(at + CMSG_HDR, Math.min(data.length, at + Math.max(len, CMSG_HDR)));
    const level = v.getInt32(at + 8, true);
    out.push(`{cmsg_len=${cmsgLen}, cmsg_level=${formatValue(BigInt(level), levels, 'SOL_???')}, cmsg_type=${cmsgTypeData(level, v.getInt32(at + 12, true), payload, sockaddr, max)}}`);
    if (len < CMSG_HDR) {
      left -= CMSG_HDR;
      break;
    }
    const step = (cmsgLen + 7n) & ~7n;
    if (step >= BigInt(left)) {
      left = 0;
      break;
    }
    at += Number(step);
    left -= Number(step);
  }
  if (left > 0) out.push(`... /* ${pointer(address + BigInt(limit - left))} */`);
  else if (BigInt(limit) < controlLen) out.push('...');
  return `[${out.join(', ')}]`;
}

/** sendmsg/recvmsg's msghdr from its blob and derived blobs; '' when not delivered. */
export function msghdrDecoder(argIndex: number, output: boolean, sockaddr: (data: Uint8Array, len: number) => string, levels: Xlat): ArgDecoder {
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < MSGHDR_SIZE || (output && call.ret < 0n)) return '';
    const v = viewOf(b.data);
    const name = v.getBigUint64(0, true);
    const namelen = v.getUint32(8, true);
    const iov = v.getBigUint64(16, true);
    const iovlen = v.getBigUint64(24, true);
    const control = v.getBigUint64(32, true);
    const controllen = v.getBigUint64(40, true);
    const flags = v.getUint32(48, true);
    const part = (p: number) => call.blobs.get(derivedKey(argIndex, p));
    // What cannot be read prints as its address, as strace's decoders of each field do.
    const nameText = name === 0n ? 'NULL' : (derivedText(part(PART.NAME), (d) => sockaddr(d, namelen)) ?? pointer(name));
    const iovBlob = part(PART.IOV);
    const data = Array.from({ length: PART.DATA_MAX }, (_, i) => part(PART.DATA + i));
    const budget = output ? (call.ret > 0n ? call.ret : 0n) : 1n << 62n;
    const iovText = iov === 0n ? 'NULL' : iovBlob?.kind === 'bytes' && !iovBlob.unreadable ? formatIovec(iovBlob.data, Number(iovlen), data, call.options.stringMax, budget) : undefined;
    // strace leaves msg_control out when its length is 0, and prints its address when unreadable.
    const controlText = controllen === 0n ? undefined : (derivedText(part(PART.CONTROL), (d) => formatControl(d, controllen, control, levels, sockaddr, call.options.stringMax)) ?? pointer(control));
    const controlField = controlText === undefined ? '' : `, msg_control=${controlText}`;
    return `{msg_name=${nameText}, msg_namelen=${namelen}, msg_iov=${iovText ?? pointer(iov)}, msg_iovlen=${iovlen}${controlField}, msg_controllen=${controllen}, msg_flags=${formatFlags(BigInt(flags), MSG_FLAGS, 'MSG_???')}}`;
  };
}

function derivedText(blob: RawBlob | undefined, format: (data: Uint8Array) => string): string | undefined {
  return blob?.kind === 'bytes' && !blob.unreadable ? format(blob.data) : undefined;
}

/** Registers the msghdr and iovec decoders. */
export function registerMsghdrDecoders(registry: DecoderRegistry, sockaddr: (tables: ArchTables) => (data: Uint8Array, len: number) => string, levels: Xlat): void {
  registerVectorOffsets(registry);
  registry.register('sendmsg', 'msg', (ctx) => msghdrDecoder(ctx.argIndex, false, sockaddr(ctx.tables), levels));
  registry.register('recvmsg', 'msg', (ctx) => msghdrDecoder(ctx.argIndex, true, sockaddr(ctx.tables), levels));
  for (const syscall of ['readv', 'writev', 'preadv', 'pwritev', 'preadv2', 'pwritev2', 'vmsplice']) {
    const output = syscall.startsWith('read') || syscall.startsWith('pread');
    registry.register(syscall, syscall === 'vmsplice' ? 'uiov' : 'vec', (ctx) => iovecArg(ctx.argIndex, output));
  }
  registry.register('process_vm_readv', 'lvec', (ctx) => iovecArg(ctx.argIndex, true));
  registry.register('process_vm_writev', 'lvec', (ctx) => iovecArg(ctx.argIndex, false));
  for (const syscall of ['process_vm_readv', 'process_vm_writev']) registry.register(syscall, 'rvec', (ctx) => iovecArg(ctx.argIndex, 'none'));
  registry.register('process_madvise', 'vec', (ctx) => iovecArg(ctx.argIndex, 'none'));
}

/** strace's rwf_flags (include/uapi/linux/fs.h). */
export const RWF_FLAGS = fixedXlat([['RWF_HIPRI', 1], ['RWF_DSYNC', 2], ['RWF_SYNC', 4], ['RWF_NOWAIT', 8], ['RWF_APPEND', 16]]);

/**
 * preadv/pwritev and their v2 forms: the offset comes in two registers (low and high halves on
 * 32-bit ABIs), which strace prints as one number; v2's flags.
 */
export function registerVectorOffsets(registry: DecoderRegistry): void {
  for (const syscall of ['preadv', 'pwritev', 'preadv2', 'pwritev2']) {
    // On a 64-bit kernel the offset is pos_l alone (pos_from_hilo shifts pos_h out).
    registry.register(syscall, 'pos_l', (ctx) => (args) => BigInt.asIntN(64, args[ctx.argIndex] ?? 0n).toString());
    registry.register(syscall, 'pos_h', () => () => null);
  }
  for (const syscall of ['preadv2', 'pwritev2']) registry.register(syscall, 'flags', (ctx) => (args) => formatFlags(BigInt.asUintN(32, args[ctx.argIndex] ?? 0n), RWF_FLAGS, 'RWF_???'));
}

/**
 * An iovec array argument from derived blobs (part 0 the array, 1.. the data): an output's
 * (`true`: data after success, at most the return value), an input's, or one shown without data
 * (`'none'`: addresses in another process, or ranges).
 */
function iovecArg(argIndex: number, output: boolean | 'none'): ArgDecoder {
  return (args, call: CallView) => {
    const array = call.blobs.get(derivedKey(argIndex, 0));
    if (array?.kind !== 'bytes' || array.unreadable) return '';
    const count = Number(BigInt.asUintN(32, args[argIndex + 1] ?? 0n));
    // A failed output call's array shows no data (strace's iov_decode_addr); nor does one the
    // kernel side read without its data (the plan's iovec arrays alone).
    const data = output === 'none' || (output && call.ret < 0n) ? [] : Array.from({ length: IOV_DATA_PARTS }, (_, i) => call.blobs.get(derivedKey(argIndex, i + 1)));
    return formatIovec(array.data, count, data, call.options.stringMax, output === true ? (call.ret > 0n ? call.ret : 0n) : 1n << 62n, args[argIndex]) ?? '';
  };
}

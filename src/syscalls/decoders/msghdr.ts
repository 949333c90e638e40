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
import type { ArchTables } from '../arch';
import type { RawBlob } from '../types';
import { bytesOf, derivedKey, viewOf } from './registry';
import { ifindexText } from './net';
import { quoteBytes } from './quote';
import type { ArgDecoder, CallView, DecoderRegistry } from './registry';
import { fixedXlat, formatFlags, formatValue, hexValue, pointer, type Xlat } from './xlat';

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
/** SOL_SOCKET's control message types strace names (scm_types). */
const SCM_TYPES = fixedXlat([['SCM_RIGHTS', 1], ['SCM_CREDENTIALS', 2], ['SCM_SECURITY', 3], ['SCM_PIDFD', 4]]);
const SOL_SOCKET = 1;

/** An iovec array with each element's delivered data: `[{iov_base="...", iov_len=N}, ...]`. */
export function formatIovec(array: Uint8Array, count: number, data: ReadonlyArray<RawBlob | undefined>, max: number, budget: bigint): string | undefined {
  if (array.length < 16 * Math.min(count, max)) return undefined;
  const v = viewOf(array);
  const out: string[] = [];
  let left = budget;
  for (let i = 0; i < count; i++) {
    if (i === max) {
      out.push('...');
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

/** strace's ip_cmsg_types (linux/in.h). */
const IP_CMSG_TYPES = fixedXlat([
  ['IP_TOS', 1], ['IP_TTL', 2], ['IP_RECVOPTS', 6], ['IP_RETOPTS', 7], ['IP_PKTINFO', 8], ['IP_RECVERR', 11], ['IP_ORIGDSTADDR', 20],
  ['IP_CHECKSUM', 23], ['SCM_SECURITY', 3],
]);
const SOL_IP = 0;

/** Elements as strace's print_local_array: at most `max`, then `...`. */
function shownArray(count: number, max: number, element: (i: number) => string): string {
  const out = Array.from({ length: Math.min(count, max) }, (_, i) => element(i));
  if (count > max) out.push('...');
  return `[${out.join(', ')}]`;
}

/**
 * A control message's payload as strace's print_cmsg_type_data shows it: SOL_SOCKET's fds and
 * credentials, SOL_IP's packet info, TTL, TOS and options, error and original destination;
 * nothing when it is shorter than its printer needs or of another kind.
 */
function cmsgData(level: number, type: number, payload: Uint8Array, max: number, sockaddr: (data: Uint8Array, len: number) => string): string {
  const pv = viewOf(payload);
  const ints = (signed: boolean) => shownArray(Math.floor(payload.length / 4), max, (i) => String(signed ? pv.getInt32(4 * i, true) : pv.getUint32(4 * i, true)));
  const ipv4 = (at: number) => `inet_addr("${payload.subarray(at, at + 4).join('.')}")`;
  if (level === SOL_SOCKET) {
    if (type === 1 && payload.length >= 4) return ints(true);
    if (type === 2 && payload.length >= 12) return `{pid=${pv.getInt32(0, true)}, uid=${pv.getUint32(4, true)}, gid=${pv.getUint32(8, true)}}`;
    return '';
  }
  if (level !== SOL_IP) return '';
  switch (type) {
    case 8: // IP_PKTINFO: struct in_pktinfo
      if (payload.length < 12) return '';
      return `{ipi_ifindex=${ifindexText(pv.getUint32(0, true))}, ipi_spec_dst=${ipv4(4)}, ipi_addr=${ipv4(8)}}`;
    case 2: // IP_TTL
    case 23: // IP_CHECKSUM
      return payload.length >= 4 ? ints(false) : '';
    case 1: // IP_TOS
    case 6: // IP_RECVOPTS
    case 7: // IP_RETOPTS
      return payload.length >= 1 ? shownArray(payload.length, max, (i) => hexValue(BigInt(payload[i]))) : '';
    case 11: // IP_RECVERR: struct sock_extended_err and the offender
      if (payload.length < 32) return '';
      return (
        `{ee_errno=${pv.getUint32(0, true)}, ee_origin=${payload[4]}, ee_type=${payload[5]}, ee_code=${payload[6]}, ` +
        `ee_info=${pv.getUint32(8, true)}, ee_data=${pv.getUint32(12, true)}, offender=${sockaddr(payload.subarray(16, 32), 16)}}`
      );
    case 20: // IP_ORIGDSTADDR
      return payload.length >= 16 ? sockaddr(payload, Math.min(payload.length, 128)) : '';
    default:
      return '';
  }
}

/** Control messages: `[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[3]}]`. */
export function formatControl(data: Uint8Array, levels: Xlat, max = Infinity, sockaddr: (data: Uint8Array, len: number) => string = () => '{...}'): string {
  const v = viewOf(data);
  const out: string[] = [];
  let at = 0;
  while (at + 16 <= data.length) {
    const len = Number(v.getBigUint64(at, true));
    const level = v.getInt32(at + 8, true);
    const type = v.getInt32(at + 12, true);
    let text = `{cmsg_len=${len}, cmsg_level=${formatValue(BigInt(level), levels, 'SOL_???')}, cmsg_type=`;
    const payload = data.subarray(at + 16, at + Math.min(len, data.length - at));
    if (level === SOL_SOCKET) text += formatValue(BigInt(type), SCM_TYPES, 'SCM_???');
    else if (level === SOL_IP) text += formatValue(BigInt(type), IP_CMSG_TYPES, 'IP_???');
    else text += hexValue(BigInt(type >>> 0));
    const shown = cmsgData(level, type, payload, max, sockaddr);
    if (shown) text += `, cmsg_data=${shown}`;
    out.push(`${text}}`);
    if (len < 16) break;
    at += (len + 7) & ~7;
  }
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
    const nameText = name === 0n ? 'NULL' : derivedText(part(PART.NAME), (d) => sockaddr(d, namelen));
    const iovBlob = part(PART.IOV);
    const data = Array.from({ length: PART.DATA_MAX }, (_, i) => part(PART.DATA + i));
    const budget = output ? (call.ret > 0n ? call.ret : 0n) : 1n << 62n;
    const iovText = iov === 0n ? 'NULL' : iovBlob?.kind === 'bytes' && !iovBlob.unreadable ? formatIovec(iovBlob.data, Number(iovlen), data, call.options.stringMax, budget) : undefined;
    // strace leaves msg_control out when msg_controllen is 0.
    const controlText = controllen === 0n ? '' : control === 0n ? 'NULL' : derivedText(part(PART.CONTROL), (d) => formatControl(d, levels, call.options.stringMax, sockaddr));
    if (nameText === undefined || iovText === undefined || controlText === undefined) return '';
    const controlField = controllen === 0n ? '' : `msg_control=${controlText}, `;
    return `{msg_name=${nameText}, msg_namelen=${namelen}, msg_iov=${iovText}, msg_iovlen=${iovlen}, ${controlField}msg_controllen=${controllen}, msg_flags=${formatFlags(BigInt(flags), MSG_FLAGS, 'MSG_???')}}`;
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
}

/** strace's rwf_flags (include/uapi/linux/fs.h). */
const RWF_FLAGS = fixedXlat([['RWF_HIPRI', 1], ['RWF_DSYNC', 2], ['RWF_SYNC', 4], ['RWF_NOWAIT', 8], ['RWF_APPEND', 16]]);

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

/** An iovec array argument from derived blobs (part 0 the array, 1.. the data). */
function iovecArg(argIndex: number, output: boolean): ArgDecoder {
  return (args, call: CallView) => {
    const array = call.blobs.get(derivedKey(argIndex, 0));
    if (array?.kind !== 'bytes' || array.unreadable || (output && call.ret < 0n)) return '';
    const count = Number(BigInt.asUintN(32, args[argIndex + 1] ?? 0n));
    const data = Array.from({ length: IOV_DATA_PARTS }, (_, i) => call.blobs.get(derivedKey(argIndex, i + 1)));
    return formatIovec(array.data, count, data, call.options.stringMax, output ? (call.ret > 0n ? call.ret : 0n) : 1n << 62n) ?? '';
  };
}

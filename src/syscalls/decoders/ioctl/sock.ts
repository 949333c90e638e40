/**
 * The socket requests of linux/sockios.h (0x89..) as strace's sock_ioctl shows them: struct
 * ifreq by request (the interface name, then the one field the request gets or sets: an
 * address, flags, an index, a number, a hardware address, a name, the device map), struct
 * ifconf's lengths, and the ints of the owner, group and queue requests. A get request shows
 * its input at entry (`{ifr_name="lo"`, SIOCGIFNAME's `{ifr_ifindex=1`) and, after success, what
 * the kernel wrote (`, ifr_ifindex=1}`). None of them is _IOC-encoded: the kernel side reads
 * them at the sizes of ioctlArgSizes' table.
 */
import { ARPHRD_NAMES, hwaddrText, IFF_NAMES, ifindexText, sockaddrFormatter } from '../net';
import { fixedCString } from '../fields';
import { quoteBytes } from '../quote';
import type { CallView } from '../registry';
import { constant, formatFlags, formatValue, hexValue, pointer, styled, xlat } from '../xlat';
import type { ArgShape, ShapeContext } from './shape';

/** sizeof(struct ifreq) on x86_64; IFNAMSIZ, where its union starts. */
const IFREQ_SIZE = 40;
const IFNAMSIZ = 16;
/** sizeof(struct ifconf): int ifc_len, then the buffer pointer at 8. */
const IFCONF_SIZE = 16;
/** sizeof(sockaddr.sa_data), what ifr_hwaddr holds. */
const SA_DATA = 14;

/**
 * How many bytes of a hardware address each device type has (strace's hwaddr_sizes, from the
 * drivers' address lengths); other types show all of sa_data.
 */
const HWADDR_SIZES: ReadonlyArray<readonly [string, number]> = [
  ['ARPHRD_NETROM', 7], ['ARPHRD_ETHER', 6], ['ARPHRD_AX25', 7], ['ARPHRD_IEEE802', 6], ['ARPHRD_ARCNET', 1], ['ARPHRD_DLCI', 2],
  ['ARPHRD_IEEE1394', 16], ['ARPHRD_EUI64', 8], ['ARPHRD_INFINIBAND', 20], ['ARPHRD_SLIP', 0], ['ARPHRD_ROSE', 5], ['ARPHRD_X25', 0],
  ['ARPHRD_CAN', 0], ['ARPHRD_MCTP', 1], ['ARPHRD_PPP', 0], ['ARPHRD_RAWHDLC', 0], ['ARPHRD_RAWIP', 0], ['ARPHRD_TUNNEL', 4],
  ['ARPHRD_TUNNEL6', 16], ['ARPHRD_LOOPBACK', 6], ['ARPHRD_LOCALTLK', 1], ['ARPHRD_FDDI', 6], ['ARPHRD_SIT', 4], ['ARPHRD_IPDDP', 0],
  ['ARPHRD_IPGRE', 4], ['ARPHRD_PIMREG', 0], ['ARPHRD_HIPPI', 6], ['ARPHRD_IRDA', 4], ['ARPHRD_IEEE80211', 6], ['ARPHRD_IEEE80211_PRISM', 6],
  ['ARPHRD_IEEE80211_RADIOTAP', 6], ['ARPHRD_IEEE802154', 8], ['ARPHRD_IEEE802154_MONITOR', 8], ['ARPHRD_PHONET', 1], ['ARPHRD_PHONET_PIPE', 1],
  ['ARPHRD_CAIF', 0], ['ARPHRD_IP6GRE', 16], ['ARPHRD_NETLINK', 0], ['ARPHRD_6LOWPAN', 8], ['ARPHRD_VSOCKMON', 0],
];

/** The requests that get one ifreq field (input: the name; SIOCGIFNAME's: the index). */
const GETS = [
  'SIOCGIFADDR', 'SIOCGIFBRDADDR', 'SIOCGIFDSTADDR', 'SIOCGIFFLAGS', 'SIOCGIFHWADDR', 'SIOCGIFINDEX', 'SIOCGIFMAP', 'SIOCGIFMETRIC',
  'SIOCGIFMTU', 'SIOCGIFNAME', 'SIOCGIFNETMASK', 'SIOCGIFSLAVE', 'SIOCGIFTXQLEN',
];
/** The requests that set one (the name and the field are inputs). */
const SETS = [
  'SIOCADDMULTI', 'SIOCDELMULTI', 'SIOCSIFADDR', 'SIOCSIFBRDADDR', 'SIOCSIFDSTADDR', 'SIOCSIFFLAGS', 'SIOCSIFHWADDR', 'SIOCSIFHWBROADCAST',
  'SIOCSIFMAP', 'SIOCSIFMETRIC', 'SIOCSIFMTU', 'SIOCSIFNAME', 'SIOCSIFNETMASK', 'SIOCSIFSLAVE', 'SIOCSIFTXQLEN',
];

/** ifc_len, with the number of ifreqs it makes when it is a whole one (strace's print_ifc_len). */
function ifcLen(len: number): string {
  return len > 0 && len % IFREQ_SIZE === 0 ? `${len} /* ${len / IFREQ_SIZE} * sizeof(struct ifreq) */` : String(len);
}

export function sockShapes(ctx: ShapeContext): void {
  const { set, tables, style } = ctx;
  const sockaddr = sockaddrFormatter(tables);
  const iff = xlat(tables, 'IFF', IFF_NAMES);
  const arphrd = xlat(tables, 'ARPHRD', ARPHRD_NAMES);
  const hwSizes = new Map(HWADDR_SIZES.map(([name, size]) => [constant(tables, 'ARPHRD', name), size]));
  const name = (v: DataView, at: number) => fixedCString(new Uint8Array(v.buffer, v.byteOffset + at, IFNAMSIZ));
  const int = (v: DataView) => String(v.getInt32(IFNAMSIZ, true));
  const sockaddrField = (field: string) => (v: DataView) => `${field}=${sockaddr(new Uint8Array(v.buffer, v.byteOffset + IFNAMSIZ, 16), 16)}`;
  const hwaddr = (v: DataView) => {
    const type = v.getUint16(IFNAMSIZ, true);
    const data = new Uint8Array(v.buffer, v.byteOffset + IFNAMSIZ + 2, SA_DATA);
    const shown = hwaddrText(data.subarray(0, Math.min(SA_DATA, hwSizes.get(type) ?? SA_DATA)));
    // print_hwaddr: the bytes quoted in hex, unless abbreviated; the colon form, unless raw.
    const quoted = quoteBytes(data, { hex: true });
    const text = style === 'abbrev' ? shown : style === 'raw' ? quoted : `${quoted} /* ${shown} */`;
    return `ifr_hwaddr={sa_family=${styled(BigInt(type), formatValue(BigInt(type), arphrd, 'ARPHRD_???'), style)}, sa_data=${text}}`;
  };
  const x = (n: bigint) => hexValue(n);
  const map = (v: DataView) => {
    const at = IFNAMSIZ;
    return (
      `ifr_map={mem_start=${x(v.getBigUint64(at, true))}, mem_end=${x(v.getBigUint64(at + 8, true))}, base_addr=${x(BigInt(v.getUint16(at + 16, true)))}, ` +
      `irq=${x(BigInt(v.getUint8(at + 18)))}, dma=${x(BigInt(v.getUint8(at + 19)))}, port=${x(BigInt(v.getUint8(at + 20)))}}`
    );
  };
  // What each request gets or sets, after ifr_name (strace's print_ifreq).
  const fields: Record<string, (v: DataView) => string> = {
    ADDR: sockaddrField('ifr_addr'),
    DSTADDR: sockaddrField('ifr_dstaddr'),
    BRDADDR: sockaddrField('ifr_broadaddr'),
    NETMASK: sockaddrField('ifr_netmask'),
    HWADDR: hwaddr,
    FLAGS: (v) => {
      const flags = BigInt(v.getUint16(IFNAMSIZ, true));
      return `ifr_flags=${styled(flags, formatFlags(flags, iff, 'IFF_???'), style)}`;
    },
    INDEX: (v) => `ifr_ifindex=${int(v)}`,
    METRIC: (v) => `ifr_metric=${int(v)}`,
    MTU: (v) => `ifr_mtu=${int(v)}`,
    SLAVE: (v) => `ifr_slave=${name(v, IFNAMSIZ)}`,
    NAME: (v) => `ifr_name=${name(v, 0)}`,
    NEWNAME: (v) => `ifr_newname=${name(v, IFNAMSIZ)}`,
    TXQLEN: (v) => `ifr_qlen=${int(v)}`,
    MAP: map,
  };
  const fieldOf = (request: string): ((v: DataView) => string) => {
    if (/MULTI$|HWADDR$|HWBROADCAST$/.test(request)) return hwaddr;
    if (request === 'SIOCSIFNAME') return fields.NEWNAME;
    const field = fields[request.replace(/^SIOC[GS]IF/, '')];
    if (!field) throw new Error(`ioctl/sock.ts: no ifreq field for ${request}`);
    return field;
  };
  for (const request of SETS) {
    const field = fieldOf(request);
    set([request], { kind: 'struct', output: false, size: IFREQ_SIZE, format: (v) => `{ifr_name=${name(v, 0)}, ${field(v)}}` });
  }
  for (const request of GETS) {
    const field = fieldOf(request);
    // SIOCGIFNAME is given the index and answers the name; the others the other way round.
    const head = request === 'SIOCGIFNAME' ? (v: DataView) => `{ifr_ifindex=${int(v)}` : (v: DataView) => `{ifr_name=${name(v, 0)}`;
    const shape: ArgShape = {
      kind: 'struct',
      output: false,
      inout: true,
      size: IFREQ_SIZE,
      format: (v, call, entry, given) => `${head(given ?? v)}${!entry && call.ret >= 0n ? `, ${field(v)}` : ''}}`,
    };
    set([request], shape);
  }
  set(['SIOCBRADDIF', 'SIOCBRDELIF'], { kind: 'struct', output: false, size: IFREQ_SIZE, format: (v) => `{ifr_ifindex=${ifindexText(v.getUint32(IFNAMSIZ, true))}}` });
  // A bridge's name (strace's printstr_ex of IFNAMSIZ bytes: cut with `...` when no NUL ends them).
  set(['SIOCBRADDBR', 'SIOCBRDELBR'], {
    kind: 'struct',
    output: false,
    size: IFNAMSIZ,
    format: (v) => {
      const bytes = new Uint8Array(v.buffer, v.byteOffset, IFNAMSIZ);
      return quoteBytes(bytes, { stopAtNul: true, truncated: !bytes.includes(0) });
    },
  });
  set(['SIOCGIFCONF'], { kind: 'struct', output: false, inout: true, size: IFCONF_SIZE, format: ifconf });
  // Read at exit whether the call failed or not, as strace does.
  set(['FIOGETOWN', 'SIOCATMARK', 'SIOCGIFENCAP', 'SIOCGPGRP', 'SIOCOUTQNSD'], { kind: 'struct', output: false, size: 4, format: (v) => `[${v.getInt32(0, true)}]` });
  set(['FIOSETOWN', 'SIOCSIFENCAP', 'SIOCSPGRP'], { kind: 'int', output: false });
}

/**
 * struct ifconf: the length given (when there is a buffer) and the length answered (`=>` when it
 * changed), then the buffer. The ifreqs a success writes to the buffer are not read: such a call
 * shows the address.
 */
function ifconf(v: DataView, call: CallView, entry: boolean, given?: DataView): string {
  const before = given ?? v;
  const len = before.getInt32(0, true);
  const buf = before.getBigUint64(8, true);
  if (entry) return `{ifc_len=${ifcLen(len)}, ifc_buf=${pointer(buf)}}`;
  const after = v.getInt32(0, true);
  const afterBuf = v.getBigUint64(8, true);
  let out = '{ifc_len=';
  if (buf !== 0n) out += ifcLen(len);
  if (buf !== 0n && len !== after) out += ' => ';
  if (buf === 0n || len !== after) out += ifcLen(after);
  if (buf !== 0n && call.ret >= 0n) return '';
  out += `, ifc_buf=${pointer(buf)}`;
  if (afterBuf !== buf) out += ` => ${pointer(afterBuf)}`;
  return `${out}}`;
}

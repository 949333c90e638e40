/**
 * Netlink messages as strace prints them (its netlink.c, nlattr.c, rtnl_*.c): a message is
 * `[{nlmsg_len=32, nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, nlmsg_seq=1,
 * nlmsg_pid=0}, PAYLOAD]`, several are an array of those, and attributes are
 * `[{nla_len=8, nla_type=IFLA_MTU}, 65536]`. Decoded here: the header with each protocol's
 * message types and flags, errors (`{error=-ENOENT, msg=...}`) and NLMSG_DONE, rtnetlink's
 * link, address and route messages with their common attributes, sock_diag's unix and inet
 * requests; other payloads (generic netlink's too: strace 6.1 names the controller's messages
 * `nlctrl` but has no decoder for their payload) are shown as strace shows what it does not
 * decode, their bytes in hex, cut at -s.
 *
 * The bytes are the call's data buffer as the kernel side delivered it: a message longer than
 * what was delivered is shown as bytes (strace reads it whole; see KERNEL_NEEDS.md).
 */
import type { ArchTables } from '../arch';
import { interfaceName, ipv6Text } from './net';
import { quoteBytes } from './quote';
import { fixedXlat, formatFlags, formatValue, xlat, type Xlat } from './xlat';

/** NETLINK_* protocol numbers (include/uapi/linux/netlink.h). */
const PROTO = { ROUTE: 0, SOCK_DIAG: 4, GENERIC: 16 } as const;
const NLMSG_HDRLEN = 16;
const NLA_HDRLEN = 4;
const align4 = (n: number) => (n + 3) & ~3;

/** strace's netlink_types, netlink_flags and the per-type flag tables. */
const NLMSG_TYPES = fixedXlat([['NLMSG_NOOP', 1], ['NLMSG_ERROR', 2], ['NLMSG_DONE', 3], ['NLMSG_OVERRUN', 4]]);
const NLM_FLAGS = fixedXlat([['NLM_F_REQUEST', 1], ['NLM_F_MULTI', 2], ['NLM_F_ACK', 4], ['NLM_F_ECHO', 8], ['NLM_F_DUMP_INTR', 0x10], ['NLM_F_DUMP_FILTERED', 0x20]]);
const GET_FLAGS = fixedXlat([['NLM_F_DUMP', 0x300], ['NLM_F_ROOT', 0x100], ['NLM_F_MATCH', 0x200], ['NLM_F_ATOMIC', 0x400]]);
const NEW_FLAGS = fixedXlat([['NLM_F_REPLACE', 0x100], ['NLM_F_EXCL', 0x200], ['NLM_F_CREATE', 0x400], ['NLM_F_APPEND', 0x800]]);
const DELETE_FLAGS = fixedXlat([['NLM_F_NONREC', 0x100], ['NLM_F_BULK', 0x200]]);
const ACK_FLAGS = fixedXlat([['NLM_F_CAPPED', 0x100], ['NLM_F_ACK_TLVS', 0x200]]);

/** strace's nl_route_types, in its order (values from the headers). */
const ROUTE_TYPES = [
  'RTM_NEWLINK', 'RTM_DELLINK', 'RTM_GETLINK', 'RTM_SETLINK', 'RTM_NEWADDR', 'RTM_DELADDR', 'RTM_GETADDR', 'RTM_NEWROUTE',
  'RTM_DELROUTE', 'RTM_GETROUTE', 'RTM_NEWNEIGH', 'RTM_DELNEIGH', 'RTM_GETNEIGH', 'RTM_NEWRULE', 'RTM_DELRULE', 'RTM_GETRULE',
  'RTM_NEWQDISC', 'RTM_DELQDISC', 'RTM_GETQDISC', 'RTM_NEWTCLASS', 'RTM_DELTCLASS', 'RTM_GETTCLASS', 'RTM_NEWTFILTER',
  'RTM_DELTFILTER', 'RTM_GETTFILTER', 'RTM_NEWACTION', 'RTM_DELACTION', 'RTM_GETACTION', 'RTM_NEWPREFIX', 'RTM_GETMULTICAST',
  'RTM_GETANYCAST', 'RTM_NEWNEIGHTBL', 'RTM_GETNEIGHTBL', 'RTM_SETNEIGHTBL', 'RTM_NEWNDUSEROPT', 'RTM_NEWADDRLABEL',
  'RTM_DELADDRLABEL', 'RTM_GETADDRLABEL', 'RTM_GETDCB', 'RTM_SETDCB', 'RTM_NEWNETCONF', 'RTM_DELNETCONF', 'RTM_GETNETCONF',
  'RTM_NEWMDB', 'RTM_DELMDB', 'RTM_GETMDB', 'RTM_NEWNSID', 'RTM_DELNSID', 'RTM_GETNSID', 'RTM_NEWSTATS', 'RTM_GETSTATS',
  'RTM_NEWCACHEREPORT', 'RTM_NEWCHAIN', 'RTM_DELCHAIN', 'RTM_GETCHAIN', 'RTM_NEWNEXTHOP', 'RTM_DELNEXTHOP', 'RTM_GETNEXTHOP',
  'RTM_NEWLINKPROP', 'RTM_DELLINKPROP', 'RTM_GETLINKPROP', 'RTM_NEWVLAN', 'RTM_DELVLAN', 'RTM_GETVLAN',
];
const SOCK_DIAG_TYPES = fixedXlat([['TCPDIAG_GETSOCK', 18], ['DCCPDIAG_GETSOCK', 19], ['SOCK_DIAG_BY_FAMILY', 20], ['SOCK_DESTROY', 21]]);
const LINK_ATTRS = [
  'IFLA_UNSPEC', 'IFLA_ADDRESS', 'IFLA_BROADCAST', 'IFLA_IFNAME', 'IFLA_MTU', 'IFLA_LINK', 'IFLA_QDISC', 'IFLA_STATS', 'IFLA_COST',
  'IFLA_PRIORITY', 'IFLA_MASTER', 'IFLA_WIRELESS', 'IFLA_PROTINFO', 'IFLA_TXQLEN', 'IFLA_MAP', 'IFLA_WEIGHT', 'IFLA_OPERSTATE',
  'IFLA_LINKMODE', 'IFLA_LINKINFO', 'IFLA_NET_NS_PID', 'IFLA_IFALIAS', 'IFLA_NUM_VF', 'IFLA_VFINFO_LIST', 'IFLA_STATS64',
  'IFLA_VF_PORTS', 'IFLA_PORT_SELF', 'IFLA_AF_SPEC', 'IFLA_GROUP', 'IFLA_NET_NS_FD', 'IFLA_EXT_MASK', 'IFLA_PROMISCUITY',
  'IFLA_NUM_TX_QUEUES', 'IFLA_NUM_RX_QUEUES', 'IFLA_CARRIER', 'IFLA_PHYS_PORT_ID', 'IFLA_CARRIER_CHANGES', 'IFLA_PHYS_SWITCH_ID',
  'IFLA_LINK_NETNSID', 'IFLA_PHYS_PORT_NAME', 'IFLA_PROTO_DOWN', 'IFLA_GSO_MAX_SEGS', 'IFLA_GSO_MAX_SIZE', 'IFLA_PAD', 'IFLA_XDP',
  'IFLA_EVENT', 'IFLA_NEW_NETNSID', 'IFLA_IF_NETNSID', 'IFLA_CARRIER_UP_COUNT', 'IFLA_CARRIER_DOWN_COUNT', 'IFLA_NEW_IFINDEX',
  'IFLA_MIN_MTU', 'IFLA_MAX_MTU', 'IFLA_PROP_LIST', 'IFLA_ALT_IFNAME', 'IFLA_PERM_ADDRESS', 'IFLA_PROTO_DOWN_REASON',
  'IFLA_PARENT_DEV_NAME', 'IFLA_PARENT_DEV_BUS_NAME', 'IFLA_GRO_MAX_SIZE', 'IFLA_TSO_MAX_SIZE', 'IFLA_TSO_MAX_SEGS', 'IFLA_ALLMULTI',
];
const ADDR_ATTRS = ['IFA_UNSPEC', 'IFA_ADDRESS', 'IFA_LOCAL', 'IFA_LABEL', 'IFA_BROADCAST', 'IFA_ANYCAST', 'IFA_CACHEINFO', 'IFA_MULTICAST', 'IFA_FLAGS', 'IFA_RT_PRIORITY', 'IFA_TARGET_NETNSID', 'IFA_PROTO'];
const ROUTE_ATTRS = [
  'RTA_UNSPEC', 'RTA_DST', 'RTA_SRC', 'RTA_IIF', 'RTA_OIF', 'RTA_GATEWAY', 'RTA_PRIORITY', 'RTA_PREFSRC', 'RTA_METRICS', 'RTA_MULTIPATH',
  'RTA_PROTOINFO', 'RTA_FLOW', 'RTA_CACHEINFO', 'RTA_SESSION', 'RTA_MP_ALGO', 'RTA_TABLE', 'RTA_MARK', 'RTA_MFC_STATS', 'RTA_VIA',
  'RTA_NEWDST', 'RTA_PREF', 'RTA_ENCAP_TYPE', 'RTA_ENCAP', 'RTA_EXPIRES', 'RTA_PAD', 'RTA_UID', 'RTA_TTL_PROPAGATE', 'RTA_IP_PROTO',
  'RTA_SPORT', 'RTA_DPORT', 'RTA_NH_ID',
];
const IFF_NAMES = ['IFF_UP', 'IFF_BROADCAST', 'IFF_DEBUG', 'IFF_LOOPBACK', 'IFF_POINTOPOINT', 'IFF_NOTRAILERS', 'IFF_RUNNING', 'IFF_NOARP', 'IFF_PROMISC', 'IFF_ALLMULTI', 'IFF_MASTER', 'IFF_SLAVE', 'IFF_MULTICAST', 'IFF_PORTSEL', 'IFF_AUTOMEDIA', 'IFF_DYNAMIC', 'IFF_LOWER_UP', 'IFF_DORMANT', 'IFF_ECHO'];
const IFA_FLAGS = ['IFA_F_SECONDARY', 'IFA_F_NODAD', 'IFA_F_OPTIMISTIC', 'IFA_F_DADFAILED', 'IFA_F_HOMEADDRESS', 'IFA_F_DEPRECATED', 'IFA_F_TENTATIVE', 'IFA_F_PERMANENT', 'IFA_F_MANAGETEMPADDR', 'IFA_F_NOPREFIXROUTE', 'IFA_F_MCAUTOJOIN', 'IFA_F_STABLE_PRIVACY'];
const SCOPES = ['RT_SCOPE_UNIVERSE', 'RT_SCOPE_SITE', 'RT_SCOPE_LINK', 'RT_SCOPE_HOST', 'RT_SCOPE_NOWHERE'];
const TABLES_IDS = ['RT_TABLE_UNSPEC', 'RT_TABLE_COMPAT', 'RT_TABLE_DEFAULT', 'RT_TABLE_MAIN', 'RT_TABLE_LOCAL'];
const RTPROTOS = ['RTPROT_UNSPEC', 'RTPROT_REDIRECT', 'RTPROT_KERNEL', 'RTPROT_BOOT', 'RTPROT_STATIC', 'RTPROT_GATED', 'RTPROT_RA', 'RTPROT_MRT', 'RTPROT_ZEBRA', 'RTPROT_BIRD', 'RTPROT_DNROUTED', 'RTPROT_XORP', 'RTPROT_NTK', 'RTPROT_DHCP', 'RTPROT_MROUTED', 'RTPROT_KEEPALIVED', 'RTPROT_BABEL', 'RTPROT_OPENR', 'RTPROT_BGP', 'RTPROT_ISIS', 'RTPROT_OSPF', 'RTPROT_RIP', 'RTPROT_EIGRP'];
const RTN_TYPES = ['RTN_UNSPEC', 'RTN_UNICAST', 'RTN_LOCAL', 'RTN_BROADCAST', 'RTN_ANYCAST', 'RTN_MULTICAST', 'RTN_BLACKHOLE', 'RTN_UNREACHABLE', 'RTN_PROHIBIT', 'RTN_THROW', 'RTN_NAT', 'RTN_XRESOLVE'];
const ARPHRD = [
  'ARPHRD_NETROM', 'ARPHRD_ETHER', 'ARPHRD_EETHER', 'ARPHRD_AX25', 'ARPHRD_PRONET', 'ARPHRD_CHAOS', 'ARPHRD_IEEE802', 'ARPHRD_ARCNET',
  'ARPHRD_APPLETLK', 'ARPHRD_DLCI', 'ARPHRD_ATM', 'ARPHRD_METRICOM', 'ARPHRD_IEEE1394', 'ARPHRD_EUI64', 'ARPHRD_INFINIBAND',
  'ARPHRD_SLIP', 'ARPHRD_CSLIP', 'ARPHRD_SLIP6', 'ARPHRD_CSLIP6', 'ARPHRD_RSRVD', 'ARPHRD_ADAPT', 'ARPHRD_ROSE', 'ARPHRD_X25',
  'ARPHRD_HWX25', 'ARPHRD_CAN', 'ARPHRD_MCTP', 'ARPHRD_PPP', 'ARPHRD_CISCO', 'ARPHRD_LAPB', 'ARPHRD_DDCMP', 'ARPHRD_RAWHDLC',
  'ARPHRD_RAWIP', 'ARPHRD_TUNNEL', 'ARPHRD_TUNNEL6', 'ARPHRD_FRAD', 'ARPHRD_SKIP', 'ARPHRD_LOOPBACK', 'ARPHRD_LOCALTLK', 'ARPHRD_FDDI',
  'ARPHRD_BIF', 'ARPHRD_SIT', 'ARPHRD_IPDDP', 'ARPHRD_IPGRE', 'ARPHRD_PIMREG', 'ARPHRD_HIPPI', 'ARPHRD_ASH', 'ARPHRD_ECONET',
  'ARPHRD_IRDA', 'ARPHRD_FCPP', 'ARPHRD_FCAL', 'ARPHRD_FCPL', 'ARPHRD_FCFABRIC', 'ARPHRD_IEEE802_TR', 'ARPHRD_IEEE80211',
  'ARPHRD_IEEE80211_PRISM', 'ARPHRD_IEEE80211_RADIOTAP', 'ARPHRD_IEEE802154', 'ARPHRD_IEEE802154_MONITOR', 'ARPHRD_PHONET',
  'ARPHRD_PHONET_PIPE', 'ARPHRD_CAIF', 'ARPHRD_IP6GRE', 'ARPHRD_NETLINK', 'ARPHRD_6LOWPAN', 'ARPHRD_VSOCKMON', 'ARPHRD_NONE', 'ARPHRD_VOID',
];
const UDIAG_SHOW = fixedXlat([['UDIAG_SHOW_NAME', 1], ['UDIAG_SHOW_VFS', 2], ['UDIAG_SHOW_PEER', 4], ['UDIAG_SHOW_ICONS', 8], ['UDIAG_SHOW_RQLEN', 16], ['UDIAG_SHOW_MEMINFO', 32], ['UDIAG_SHOW_UID', 64]]);
/** strace's tcp_states, which the sock_diag state masks name bit by bit. */
const TCP_STATES = ['TCP_ESTABLISHED', 'TCP_SYN_SENT', 'TCP_SYN_RECV', 'TCP_FIN_WAIT1', 'TCP_FIN_WAIT2', 'TCP_TIME_WAIT', 'TCP_CLOSE', 'TCP_CLOSE_WAIT', 'TCP_LAST_ACK', 'TCP_LISTEN', 'TCP_CLOSING', 'TCP_NEW_SYN_RECV'];
/** struct rtnl_link_stats64 (u64 fields) and rtnl_link_stats (u32, without the last), in order. */
const LINK_STATS = [
  'rx_packets', 'tx_packets', 'rx_bytes', 'tx_bytes', 'rx_errors', 'tx_errors', 'rx_dropped', 'tx_dropped', 'multicast', 'collisions',
  'rx_length_errors', 'rx_over_errors', 'rx_crc_errors', 'rx_frame_errors', 'rx_fifo_errors', 'rx_missed_errors', 'tx_aborted_errors',
  'tx_carrier_errors', 'tx_fifo_errors', 'tx_heartbeat_errors', 'tx_window_errors', 'rx_compressed', 'tx_compressed', 'rx_nohandler',
  'rx_otherhost_dropped',
];
/** Fields of a struct of `size`-byte unsigned fields, as many as the payload holds: `{rx_packets=1, ...}`. */
function fieldsOf(names: readonly string[], size: 4 | 8): AttrValue {
  return (d, v) => {
    const n = Math.min(names.length, Math.floor(d.length / size));
    if (n === 0) return '';
    return `{${names.slice(0, n).map((name, i) => `${name}=${size === 8 ? v.getBigUint64(8 * i, true) : v.getUint32(4 * i, true)}`).join(', ')}}`;
  };
}
/** unix_diag_msg's attributes (enum UNIX_DIAG_*). */
const UNIX_DIAG_ATTRS = fixedXlat(
  ['UNIX_DIAG_NAME', 'UNIX_DIAG_VFS', 'UNIX_DIAG_PEER', 'UNIX_DIAG_ICONS', 'UNIX_DIAG_RQLEN', 'UNIX_DIAG_MEMINFO', 'UNIX_DIAG_SHUTDOWN', 'UNIX_DIAG_UID'].map(
    (name, i): [string, number] => [name, i],
  ),
);
const SOCK_TYPES = fixedXlat(['SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET', 'SOCK_DCCP'].map((name, i): [string, number] => [name, i + 1]));
const TCP_STATE_VALUES = fixedXlat(TCP_STATES.map((name, i): [string, number] => [name, i + 1]));
/** GENL_ID_CTRL: the generic controller's family id, which strace names by its family name. */
const GENL_ID_CTRL = 0x10;

/** How to show one attribute's payload; '' means strace's default (the bytes in hex). */
type AttrValue = (data: Uint8Array, v: DataView) => string;
const str: AttrValue = (d) => quoteBytes(d, { stopAtNul: true });
const u8: AttrValue = (d, v) => (d.length === 1 ? String(v.getUint8(0)) : '');
const u16: AttrValue = (d, v) => (d.length === 2 ? String(v.getUint16(0, true)) : '');
const u32: AttrValue = (d, v) => (d.length === 4 ? String(v.getUint32(0, true)) : '');
const s32: AttrValue = (d, v) => (d.length === 4 ? String(v.getInt32(0, true)) : '');
const hwaddr: AttrValue = (d) => Array.from(d, (b) => b.toString(16).padStart(2, '0')).join(':');
const ifindex: AttrValue = (d, v) => {
  if (d.length !== 4) return '';
  const n = v.getUint32(0, true);
  const name = interfaceName(n);
  return name === undefined ? String(n) : `if_nametoindex(${quoteBytes(Buffer.from(name))})`;
};
const inetAddr: AttrValue = (d) => {
  if (d.length === 4) return `inet_addr("${d[0]}.${d[1]}.${d[2]}.${d[3]}")`;
  if (d.length === 16) return `inet_pton(AF_INET6, "${ipv6Text(d)}")`;
  return '';
};

/** The netlink decoder of one architecture's constants. */
export class NetlinkDecoder {
  private readonly routeTypes: Xlat;
  private readonly families: Xlat;
  private readonly attrs: { link: Xlat; addr: Xlat; route: Xlat };
  private readonly linkValues: Map<string, AttrValue>;
  private readonly addrValues: Map<string, AttrValue>;
  private readonly routeValues: Map<string, AttrValue>;

  /** -s of the call being decoded: messages shown, and bytes of a payload shown in hex. */
  private max = 32;

  constructor(private readonly tables: ArchTables, families: Xlat) {
    this.families = families;
    this.routeTypes = xlat(tables, 'RTM', ROUTE_TYPES);
    this.attrs = {
      link: xlat(tables, 'IFLA', LINK_ATTRS),
      addr: xlat(tables, 'IFLA', ADDR_ATTRS),
      route: xlat(tables, 'RTM', ROUTE_ATTRS),
    };
    this.linkValues = new Map<string, AttrValue>([
      ['IFLA_ADDRESS', hwaddr], ['IFLA_BROADCAST', hwaddr], ['IFLA_PERM_ADDRESS', hwaddr], ['IFLA_IFNAME', str], ['IFLA_QDISC', str],
      ['IFLA_IFALIAS', str], ['IFLA_ALT_IFNAME', str], ['IFLA_PHYS_PORT_NAME', str], ['IFLA_PARENT_DEV_NAME', str],
      ['IFLA_PARENT_DEV_BUS_NAME', str], ['IFLA_OPERSTATE', u8], ['IFLA_LINKMODE', u8], ['IFLA_CARRIER', u8], ['IFLA_PROTO_DOWN', u8],
      ['IFLA_STATS64', fieldsOf(LINK_STATS, 8)], ['IFLA_STATS', fieldsOf(LINK_STATS.slice(0, -1), 4)],
      ['IFLA_LINK_NETNSID', s32], ['IFLA_NEW_NETNSID', s32], ['IFLA_IF_NETNSID', s32], ['IFLA_NEW_IFINDEX', ifindex],
      ...['IFLA_MTU', 'IFLA_LINK', 'IFLA_MASTER', 'IFLA_TXQLEN', 'IFLA_WEIGHT', 'IFLA_NET_NS_PID', 'IFLA_NUM_VF', 'IFLA_GROUP',
        'IFLA_PROMISCUITY', 'IFLA_NUM_TX_QUEUES', 'IFLA_NUM_RX_QUEUES', 'IFLA_CARRIER_CHANGES', 'IFLA_GSO_MAX_SEGS', 'IFLA_GSO_MAX_SIZE',
        'IFLA_CARRIER_UP_COUNT', 'IFLA_CARRIER_DOWN_COUNT', 'IFLA_MIN_MTU', 'IFLA_MAX_MTU', 'IFLA_GRO_MAX_SIZE', 'IFLA_TSO_MAX_SIZE',
        'IFLA_TSO_MAX_SEGS', 'IFLA_ALLMULTI'].map((n): [string, AttrValue] => [n, u32]),
    ]);
    this.addrValues = new Map<string, AttrValue>([
      ['IFA_ADDRESS', inetAddr], ['IFA_LOCAL', inetAddr], ['IFA_BROADCAST', inetAddr], ['IFA_ANYCAST', inetAddr], ['IFA_MULTICAST', inetAddr],
      ['IFA_LABEL', str], ['IFA_RT_PRIORITY', u32], ['IFA_TARGET_NETNSID', s32], ['IFA_PROTO', u8],
      ['IFA_CACHEINFO', (d, v) => (d.length >= 16 ? `{ifa_prefered=${v.getUint32(0, true)}, ifa_valid=${v.getUint32(4, true)}, cstamp=${v.getUint32(8, true)}, tstamp=${v.getUint32(12, true)}}` : '')],
      ['IFA_FLAGS', (d, v) => (d.length === 4 ? formatFlags(BigInt(v.getUint32(0, true)), xlat(tables, 'IFLA', IFA_FLAGS), 'IFA_F_???') : '')],
    ]);
    this.routeValues = new Map<string, AttrValue>([
      ['RTA_DST', inetAddr], ['RTA_SRC', inetAddr], ['RTA_GATEWAY', inetAddr], ['RTA_PREFSRC', inetAddr], ['RTA_NEWDST', inetAddr],
      ['RTA_IIF', ifindex], ['RTA_OIF', ifindex], ['RTA_PRIORITY', u32], ['RTA_FLOW', u32], ['RTA_MARK', u32], ['RTA_UID', u32],
      ['RTA_PREF', u8], ['RTA_TTL_PROPAGATE', u8], ['RTA_NH_ID', u32],
      ['RTA_TABLE', (d, v) => (d.length === 4 ? formatValue(BigInt(v.getUint32(0, true)), xlat(tables, 'RTM', TABLES_IDS), '') : '')],
    ]);
  }

  /**
   * The messages in `data` (the first `len` bytes the call transferred) of netlink `protocol`,
   * or undefined when the delivered bytes do not hold all of them.
   */
  decode(data: Uint8Array, len: number, protocol: number, max: number): string | undefined {
    if (data.length < len) return undefined;
    this.max = max;
    const bytes = data.subarray(0, len);
    if (bytes.length < NLMSG_HDRLEN) return this.hex(bytes);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const messages: string[] = [];
    let at = 0;
    let more = false;
    while (at + NLMSG_HDRLEN <= bytes.length) {
      if (messages.length === max) {
        more = true;
        break;
      }
      const msgLen = v.getUint32(at, true);
      const whole = Math.min(Math.max(msgLen, NLMSG_HDRLEN), bytes.length - at);
      messages.push(this.message(bytes.subarray(at, at + whole), new DataView(bytes.buffer, bytes.byteOffset + at, whole), msgLen, protocol));
      if (msgLen < NLMSG_HDRLEN || at + align4(msgLen) >= bytes.length) break;
      at += align4(msgLen);
      if (at + NLMSG_HDRLEN > bytes.length) {
        messages.push(this.hex(bytes.subarray(at)));
        break;
      }
    }
    if (more) messages.push('...');
    return messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  }

  private message(bytes: Uint8Array, v: DataView, msgLen: number, protocol: number): string {
    const type = v.getUint16(4, true);
    const flags = v.getUint16(6, true);
    const header = `{nlmsg_len=${msgLen}, nlmsg_type=${this.typeText(type, protocol)}, nlmsg_flags=${this.flagsText(flags, type, protocol)}, nlmsg_seq=${v.getUint32(8, true)}, nlmsg_pid=${v.getUint32(12, true)}}`;
    const payloadLen = Math.min(msgLen, bytes.length) - NLMSG_HDRLEN;
    if (payloadLen <= 0) return header;
    const payload = bytes.subarray(NLMSG_HDRLEN, NLMSG_HDRLEN + payloadLen);
    return `[${header}, ${this.payload(payload, type, flags, protocol)}]`;
  }

  /** A payload strace has no decoder for: in hex, cut at -s as printstr is. */
  private hex(bytes: Uint8Array): string {
    const cut = bytes.length > this.max;
    return quoteBytes(cut ? bytes.subarray(0, this.max) : bytes, { hex: true, truncated: cut });
  }

  private typeText(type: number, protocol: number): string {
    if (type < 0x10) return formatValue(BigInt(type), NLMSG_TYPES, 'NLMSG_???');
    if (protocol === PROTO.ROUTE) return formatValue(BigInt(type), this.routeTypes, 'RTM_???');
    if (protocol === PROTO.SOCK_DIAG) return formatValue(BigInt(type), SOCK_DIAG_TYPES, 'SOCK_DIAG_???');
    if (protocol === PROTO.GENERIC && type === GENL_ID_CTRL) return 'nlctrl';
    return `0x${type.toString(16)}`;
  }

  private flagsText(flags: number, type: number, protocol: number): string {
    let table: Xlat = [];
    if (type < 0x10) table = type === 2 ? ACK_FLAGS : [];
    else if (protocol === PROTO.SOCK_DIAG) table = GET_FLAGS;
    else if (protocol === PROTO.ROUTE) {
      const delAction = BigInt(this.tables.constants.RTM?.RTM_DELACTION ?? -1) === BigInt(type);
      table = delAction ? GET_FLAGS : [NEW_FLAGS, DELETE_FLAGS, GET_FLAGS, []][type & 3];
    }
    return formatFlags(BigInt(flags), [...NLM_FLAGS, ...table], 'NLM_F_???');
  }

  private payload(p: Uint8Array, type: number, flags: number, protocol: number): string {
    const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
    if (type === 2) return this.error(p, v, flags, protocol);
    if (type === 3 && p.length === 4) return String(v.getInt32(0, true));
    if (type >= 0x10 && protocol === PROTO.ROUTE) {
      const r = this.route(p, v, type);
      if (r !== undefined) return r;
    }
    if (type >= 0x10 && protocol === PROTO.SOCK_DIAG) {
      const d = this.sockDiag(p, v, type, flags);
      if (d !== undefined) return d;
    }
    return this.hex(p);
  }

  /** NLMSG_ERROR: `{error=-ENOENT, msg=[header, payload]}` (the request the error answers). */
  private error(p: Uint8Array, v: DataView, flags: number, protocol: number): string {
    if (p.length < 20) return this.hex(p);
    const err = v.getInt32(0, true);
    const name = err < 0 ? this.tables.errnos.find((e) => e.number === -err && e.aliasOf === undefined)?.name : undefined;
    const errText = err === 0 ? '0' : name ? `-${name}` : String(err);
    const inner = p.subarray(4);
    const iv = new DataView(inner.buffer, inner.byteOffset, inner.byteLength);
    const innerLen = Math.max(16, iv.getUint32(0, true));
    const capped = (flags & 0x100) !== 0;
    const payload = Math.min(inner.length, capped ? 16 : innerLen);
    const msg = this.message(inner.subarray(0, payload), new DataView(inner.buffer, inner.byteOffset, payload), iv.getUint32(0, true), protocol);
    return `{error=${errText}, msg=${msg}}`;
  }

  private route(p: Uint8Array, v: DataView, type: number): string | undefined {
    const kind = (type - 16) >> 2;
    const family = formatValue(BigInt(p[0]), this.families, 'AF_???');
    if (kind === 0) {
      if (p.length < 16) return `{ifi_family=${family}, ...}`;
      const index = ifindex(p.subarray(4, 8), new DataView(p.buffer, p.byteOffset + 4, 4));
      const head = `{ifi_family=${family}, ifi_type=${formatValue(BigInt(v.getUint16(2, true)), xlat(this.tables, 'ARPHRD', ARPHRD), 'ARPHRD_???')}, ifi_index=${index}, ` +
        `ifi_flags=${formatFlags(BigInt(v.getUint32(8, true)), xlat(this.tables, 'IFF', IFF_NAMES), 'IFF_???')}, ifi_change=0x${v.getUint32(12, true).toString(16)}}`.replace('ifi_change=0x0}', 'ifi_change=0}');
      return p.length > 16 ? `${head}, ${this.attributes(p.subarray(16), this.attrs.link, 'IFLA_???', this.linkValues)}` : head;
    }
    if (kind === 1) {
      if (p.length < 8) return `{ifa_family=${family}, ...}`;
      const head = `{ifa_family=${family}, ifa_prefixlen=${p[1]}, ifa_flags=${formatFlags(BigInt(p[2]), xlat(this.tables, 'IFLA', IFA_FLAGS), 'IFA_F_???')}, ` +
        `ifa_scope=${formatValue(BigInt(p[3]), xlat(this.tables, 'RTM', SCOPES), '')}, ifa_index=${ifindex(p.subarray(4, 8), new DataView(p.buffer, p.byteOffset + 4, 4))}}`;
      return p.length > 8 ? `${head}, ${this.attributes(p.subarray(8), this.attrs.addr, 'IFA_???', this.addrValues)}` : head;
    }
    if (kind === 2) {
      if (p.length < 12) return `{rtm_family=${family}, ...}`;
      const x = (group: string, names: string[], value: number, unknown: string) => formatValue(BigInt(value), xlat(this.tables, group, names), unknown);
      const head = `{rtm_family=${family}, rtm_dst_len=${p[1]}, rtm_src_len=${p[2]}, rtm_tos=${p[3]}, rtm_table=${x('RTM', TABLES_IDS, p[4], '')}, ` +
        `rtm_protocol=${x('RTM', RTPROTOS, p[5], 'RTPROT_???')}, rtm_scope=${x('RTM', SCOPES, p[6], '')}, rtm_type=${x('RTM', RTN_TYPES, p[7], 'RTN_???')}, ` +
        `rtm_flags=${v.getUint32(8, true) === 0 ? '0' : `0x${v.getUint32(8, true).toString(16)}`}}`;
      return p.length > 12 ? `${head}, ${this.attributes(p.subarray(12), this.attrs.route, 'RTA_???', this.routeValues)}` : head;
    }
    return undefined;
  }

  /** sock_diag: unix_diag_req requests and unix_diag_msg replies with their attributes. */
  private sockDiag(p: Uint8Array, v: DataView, type: number, flags: number): string | undefined {
    if (type !== 20 || p.length < 2) return undefined;
    const family = formatValue(BigInt(p[0]), this.families, 'AF_???');
    if ((flags & 1) === 0) return p[0] === 1 ? this.unixDiagReply(p, v, family) : undefined;
    if (p[0] === 1 && p.length >= 24) {
      return `{sdiag_family=${family}, sdiag_protocol=${p[1]}, udiag_states=${this.states(v.getUint32(4, true))}, udiag_ino=${v.getUint32(8, true)}, ` +
        `udiag_show=${formatFlags(BigInt(v.getUint32(12, true)), UDIAG_SHOW, 'UDIAG_SHOW_???')}, udiag_cookie=[${v.getUint32(16, true)}, ${v.getUint32(20, true)}]}`;
    }
    return undefined;
  }

  /** struct unix_diag_msg, then its attributes (the name cut at -s, as strace prints it). */
  private unixDiagReply(p: Uint8Array, v: DataView, family: string): string | undefined {
    if (p.length < 16) return undefined;
    const head = `{udiag_family=${family}, udiag_type=${formatValue(BigInt(p[1]), SOCK_TYPES, 'SOCK_???')}, ` +
      `udiag_state=${formatValue(BigInt(p[2]), TCP_STATE_VALUES, 'TCP_???')}, udiag_ino=${v.getUint32(4, true)}, udiag_cookie=[${v.getUint32(8, true)}, ${v.getUint32(12, true)}]}`;
    if (p.length === 16) return head;
    const name: AttrValue = (d) => {
      const text = d.subarray(0, d.indexOf(0) < 0 ? d.length : d.indexOf(0));
      return quoteBytes(text.subarray(0, this.max), { truncated: text.length > this.max });
    };
    const values = new Map<string, AttrValue>([
      ['UNIX_DIAG_NAME', name], ['UNIX_DIAG_PEER', u32], ['UNIX_DIAG_SHUTDOWN', u8], ['UNIX_DIAG_UID', u32],
      ['UNIX_DIAG_VFS', (d, dv) => (d.length >= 8 ? `{udiag_vfs_ino=${dv.getUint32(0, true)}, udiag_vfs_dev=${dv.getUint32(4, true)}}` : '')],
      ['UNIX_DIAG_RQLEN', (d, dv) => (d.length >= 8 ? `{udiag_rqueue=${dv.getUint32(0, true)}, udiag_wqueue=${dv.getUint32(4, true)}}` : '')],
    ]);
    return `${head}, ${this.attributes(p.subarray(16), UNIX_DIAG_ATTRS, 'UNIX_DIAG_???', values)}`;
  }

  /** A state mask: `1<<TCP_ESTABLISHED|1<<TCP_SYN_SENT|...`. */
  private states(mask: number): string {
    if (mask === 0) return '0';
    const parts: string[] = [];
    let rest = mask >>> 0;
    TCP_STATES.forEach((name, i) => {
      const bit = 2 ** (i + 1);
      if (rest & bit) {
        parts.push(`1<<${name}`);
        rest -= bit;
      }
    });
    if (rest !== 0) parts.push(`0x${(rest >>> 0).toString(16)}`);
    return parts.join('|');
  }

  /** Attributes: `[{nla_len=8, nla_type=IFLA_MTU}, 65536]`, several as an array. */
  private attributes(bytes: Uint8Array, names: Xlat, unknown: string, values: ReadonlyMap<string, AttrValue>): string {
    if (bytes.length < NLA_HDRLEN) return this.hex(bytes);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out: string[] = [];
    let at = 0;
    while (at + NLA_HDRLEN <= bytes.length) {
      // At most -s attributes, as strace prints arrays.
      if (out.length === this.max) {
        out.push('...');
        break;
      }
      const len = v.getUint16(at, true);
      const rawType = v.getUint16(at + 2, true);
      const prefix = `${rawType & 0x8000 ? 'NLA_F_NESTED|' : ''}${rawType & 0x4000 ? 'NLA_F_NET_BYTEORDER|' : ''}`;
      const typeName = formatValue(BigInt(rawType & 0x3fff), names, unknown);
      const head = `{nla_len=${len}, nla_type=${prefix}${typeName}}`;
      const dataLen = Math.min(len, bytes.length - at) - NLA_HDRLEN;
      if (dataLen > 0) {
        const data = bytes.subarray(at + NLA_HDRLEN, at + NLA_HDRLEN + dataLen);
        const shown = values.get(typeName)?.(data, new DataView(data.buffer, data.byteOffset, data.byteLength)) || this.hex(data);
        out.push(`[${head}, ${shown}]`);
      } else out.push(head);
      if (len < NLA_HDRLEN || at + align4(len) >= bytes.length) break;
      at += align4(len);
      if (at + NLA_HDRLEN > bytes.length) {
        out.push(this.hex(bytes.subarray(at)));
        break;
      }
    }
    return out.length === 1 ? out[0] : `[${out.join(', ')}]`;
  }
}

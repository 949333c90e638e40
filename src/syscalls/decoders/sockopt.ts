/**
 * getsockopt and setsockopt as strace prints them: the level (`SOL_SOCKET`), the option name of
 * that level (`SO_REUSEADDR`, `IP_TOS`, `TCP_NODELAY`), and the value: an int in brackets
 * (`[1]`), an errno for SO_ERROR, struct linger and ucred, or the bytes; getsockopt's length as
 * `[4]` or `[16 => 4]`.
 */
import type { ArchTables } from '../arch';
import { bytesOf, viewOf } from './registry';
import { ifindexText, ipv6Text, sockaddrFormatter } from './net';
import { quoteShown } from './quote';
import { argIndexOf, type CallView, type DecoderRegistry } from './registry';
import { fixedXlat, formatValue, pointer, u32, xlat, type Xlat } from './xlat';

/** strace's socketlayers with their values (include/linux/socket.h, the same everywhere). */
export const SOCKET_LEVELS = fixedXlat([
  ['SOL_IP', 0], ['SOL_SOCKET', 1], ['SOL_TCP', 6], ['SOL_UDP', 17], ['AF_VSOCK', 40], ['SOL_IPV6', 41], ['SOL_ICMPV6', 58],
  ['SOL_SCTP', 132], ['SOL_UDPLITE', 136], ['SOL_RAW', 255], ['SOL_IPX', 256], ['SOL_AX25', 257], ['SOL_ATALK', 258],
  ['SOL_NETROM', 259], ['SOL_ROSE', 260], ['SOL_DECNET', 261], ['SOL_X25', 262], ['SOL_PACKET', 263], ['SOL_ATM', 264],
  ['SOL_AAL', 265], ['SOL_IRDA', 266], ['SOL_NETBEUI', 267], ['SOL_LLC', 268], ['SOL_DCCP', 269], ['SOL_NETLINK', 270],
  ['SOL_TIPC', 271], ['SOL_RXRPC', 272], ['SOL_PPPOL2TP', 273], ['SOL_BLUETOOTH', 274], ['SOL_PNPIPE', 275], ['SOL_RDS', 276],
  ['SOL_IUCV', 277], ['SOL_CAIF', 278], ['SOL_ALG', 279], ['SOL_NFC', 280], ['SOL_KCM', 281], ['SOL_TLS', 282], ['SOL_XDP', 283],
]);
/** strace's sock_options names (values from the headers; *_OLD spellings as strace prints them). */
const SO_NAMES = [
  'SO_DEBUG', 'SO_REUSEADDR', 'SO_TYPE', 'SO_ERROR', 'SO_DONTROUTE', 'SO_BROADCAST', 'SO_SNDBUF', 'SO_RCVBUF', 'SO_KEEPALIVE',
  'SO_OOBINLINE', 'SO_NO_CHECK', 'SO_PRIORITY', 'SO_LINGER', 'SO_BSDCOMPAT', 'SO_REUSEPORT', 'SO_PASSCRED', 'SO_PEERCRED',
  'SO_RCVLOWAT', 'SO_SNDLOWAT', 'SO_RCVTIMEO_OLD', 'SO_SNDTIMEO_OLD', 'SO_SECURITY_AUTHENTICATION', 'SO_SECURITY_ENCRYPTION_TRANSPORT',
  'SO_SECURITY_ENCRYPTION_NETWORK', 'SO_BINDTODEVICE', 'SO_ATTACH_FILTER', 'SO_DETACH_FILTER', 'SO_PEERNAME', 'SO_TIMESTAMP_OLD',
  'SO_ACCEPTCONN', 'SO_PEERSEC', 'SO_SNDBUFFORCE', 'SO_RCVBUFFORCE', 'SO_PASSSEC', 'SO_TIMESTAMPNS_OLD', 'SO_MARK',
  'SO_TIMESTAMPING_OLD', 'SO_PROTOCOL', 'SO_DOMAIN', 'SO_RXQ_OVFL', 'SO_WIFI_STATUS', 'SO_PEEK_OFF', 'SO_NOFCS', 'SO_LOCK_FILTER',
  'SO_SELECT_ERR_QUEUE', 'SO_BUSY_POLL', 'SO_MAX_PACING_RATE', 'SO_BPF_EXTENSIONS', 'SO_INCOMING_CPU', 'SO_ATTACH_BPF',
  'SO_ATTACH_REUSEPORT_CBPF', 'SO_ATTACH_REUSEPORT_EBPF', 'SO_CNX_ADVICE', 'SO_MEMINFO', 'SO_INCOMING_NAPI_ID', 'SO_COOKIE',
  'SO_PEERGROUPS', 'SO_ZEROCOPY', 'SO_TXTIME', 'SO_BINDTOIFINDEX', 'SO_TIMESTAMP_NEW', 'SO_TIMESTAMPNS_NEW', 'SO_TIMESTAMPING_NEW',
  'SO_RCVTIMEO_NEW', 'SO_SNDTIMEO_NEW', 'SO_DETACH_REUSEPORT_BPF', 'SO_PREFER_BUSY_POLL', 'SO_BUSY_POLL_BUDGET', 'SO_NETNS_COOKIE',
  'SO_BUF_LOCK', 'SO_RESERVE_MEM', 'SO_TXREHASH', 'SO_RCVMARK',
];
/** The SOL_SOCKET options strace's print_setsockopt shows as an int. */
const SO_INT_NAMES = [
  'SO_DEBUG', 'SO_REUSEADDR', 'SO_DONTROUTE', 'SO_BROADCAST', 'SO_SNDBUF', 'SO_RCVBUF', 'SO_KEEPALIVE', 'SO_OOBINLINE', 'SO_NO_CHECK',
  'SO_PRIORITY', 'SO_BSDCOMPAT', 'SO_REUSEPORT', 'SO_PASSCRED', 'SO_RCVLOWAT', 'SO_SNDLOWAT', 'SO_DETACH_FILTER', 'SO_TIMESTAMP_OLD',
  'SO_ACCEPTCONN', 'SO_SNDBUFFORCE', 'SO_RCVBUFFORCE', 'SO_PASSSEC', 'SO_TIMESTAMPNS_OLD', 'SO_MARK', 'SO_TIMESTAMPING_OLD',
  'SO_RXQ_OVFL', 'SO_WIFI_STATUS', 'SO_PEEK_OFF', 'SO_NOFCS', 'SO_LOCK_FILTER', 'SO_SELECT_ERR_QUEUE', 'SO_BUSY_POLL',
  'SO_INCOMING_CPU', 'SO_CNX_ADVICE', 'SO_INCOMING_NAPI_ID', 'SO_ZEROCOPY', 'SO_TIMESTAMP_NEW', 'SO_TIMESTAMPNS_NEW',
  'SO_TIMESTAMPING_NEW', 'SO_DETACH_REUSEPORT_BPF', 'SO_PREFER_BUSY_POLL', 'SO_BUSY_POLL_BUDGET', 'SO_RESERVE_MEM', 'SO_RCVMARK',
];
/** strace's sock_ip_options, sock_ipv6_options, sock_tcp_options and sock_udp_options. */
const IP_NAMES = [
  'IP_TOS', 'IP_TTL', 'IP_HDRINCL', 'IP_OPTIONS', 'IP_ROUTER_ALERT', 'IP_RECVOPTS', 'IP_RETOPTS', 'IP_PKTINFO', 'IP_PKTOPTIONS',
  'IP_MTU_DISCOVER', 'IP_RECVERR', 'IP_RECVTTL', 'IP_RECVTOS', 'IP_MTU', 'IP_FREEBIND', 'IP_IPSEC_POLICY', 'IP_XFRM_POLICY',
  'IP_PASSSEC', 'IP_TRANSPARENT', 'IP_ORIGDSTADDR', 'IP_MINTTL', 'IP_NODEFRAG', 'IP_CHECKSUM', 'IP_BIND_ADDRESS_NO_PORT',
  'IP_RECVFRAGSIZE', 'IP_RECVERR_RFC4884', 'IP_MULTICAST_IF', 'IP_MULTICAST_TTL', 'IP_MULTICAST_LOOP', 'IP_ADD_MEMBERSHIP',
  'IP_DROP_MEMBERSHIP', 'IP_UNBLOCK_SOURCE', 'IP_BLOCK_SOURCE', 'IP_ADD_SOURCE_MEMBERSHIP', 'IP_DROP_SOURCE_MEMBERSHIP', 'IP_MSFILTER',
  'MCAST_JOIN_GROUP', 'MCAST_BLOCK_SOURCE', 'MCAST_UNBLOCK_SOURCE', 'MCAST_LEAVE_GROUP', 'MCAST_JOIN_SOURCE_GROUP',
  'MCAST_LEAVE_SOURCE_GROUP', 'MCAST_MSFILTER', 'IP_MULTICAST_ALL', 'IP_UNICAST_IF',
];
const IPV6_NAMES = [
  'IPV6_ADDRFORM', 'IPV6_2292PKTINFO', 'IPV6_2292HOPOPTS', 'IPV6_2292DSTOPTS', 'IPV6_2292RTHDR', 'IPV6_2292PKTOPTIONS',
  'IPV6_CHECKSUM', 'IPV6_2292HOPLIMIT', 'IPV6_NEXTHOP', 'IPV6_AUTHHDR', 'IPV6_FLOWINFO', 'IPV6_UNICAST_HOPS', 'IPV6_MULTICAST_IF',
  'IPV6_MULTICAST_HOPS', 'IPV6_MULTICAST_LOOP', 'IPV6_ADD_MEMBERSHIP', 'IPV6_DROP_MEMBERSHIP', 'IPV6_ROUTER_ALERT',
  'IPV6_MTU_DISCOVER', 'IPV6_MTU', 'IPV6_RECVERR', 'IPV6_V6ONLY', 'IPV6_JOIN_ANYCAST', 'IPV6_LEAVE_ANYCAST', 'IPV6_MULTICAST_ALL',
  'IPV6_ROUTER_ALERT_ISOLATE', 'IPV6_RECVERR_RFC4884', 'IPV6_FLOWLABEL_MGR', 'IPV6_FLOWINFO_SEND', 'IPV6_IPSEC_POLICY',
  'IPV6_XFRM_POLICY', 'IPV6_HDRINCL', 'MCAST_JOIN_GROUP', 'MCAST_BLOCK_SOURCE', 'MCAST_UNBLOCK_SOURCE', 'MCAST_LEAVE_GROUP',
  'MCAST_JOIN_SOURCE_GROUP', 'MCAST_LEAVE_SOURCE_GROUP', 'MCAST_MSFILTER', 'IPV6_RECVPKTINFO', 'IPV6_PKTINFO', 'IPV6_RECVHOPLIMIT',
  'IPV6_HOPLIMIT', 'IPV6_RECVHOPOPTS', 'IPV6_HOPOPTS', 'IPV6_RTHDRDSTOPTS', 'IPV6_RECVRTHDR', 'IPV6_RTHDR', 'IPV6_RECVDSTOPTS',
  'IPV6_DSTOPTS', 'IPV6_RECVPATHMTU', 'IPV6_PATHMTU', 'IPV6_DONTFRAG', 'IPV6_RECVTCLASS', 'IPV6_TCLASS', 'IPV6_AUTOFLOWLABEL',
  'IPV6_ADDR_PREFERENCES', 'IPV6_MINHOPCOUNT', 'IPV6_ORIGDSTADDR', 'IPV6_TRANSPARENT', 'IPV6_UNICAST_IF', 'IPV6_RECVFRAGSIZE',
  'IPV6_FREEBIND',
];
const TCP_NAMES = [
  'TCP_NODELAY', 'TCP_MAXSEG', 'TCP_CORK', 'TCP_KEEPIDLE', 'TCP_KEEPINTVL', 'TCP_KEEPCNT', 'TCP_SYNCNT', 'TCP_LINGER2',
  'TCP_DEFER_ACCEPT', 'TCP_WINDOW_CLAMP', 'TCP_INFO', 'TCP_QUICKACK', 'TCP_CONGESTION', 'TCP_MD5SIG', 'TCP_COOKIE_TRANSACTIONS',
  'TCP_THIN_LINEAR_TIMEOUTS', 'TCP_THIN_DUPACK', 'TCP_USER_TIMEOUT', 'TCP_REPAIR', 'TCP_REPAIR_QUEUE', 'TCP_QUEUE_SEQ',
  'TCP_REPAIR_OPTIONS', 'TCP_FASTOPEN', 'TCP_TIMESTAMP', 'TCP_NOTSENT_LOWAT', 'TCP_CC_INFO', 'TCP_SAVE_SYN', 'TCP_SAVED_SYN',
  'TCP_REPAIR_WINDOW', 'TCP_FASTOPEN_CONNECT', 'TCP_ULP', 'TCP_MD5SIG_EXT', 'TCP_FASTOPEN_KEY', 'TCP_FASTOPEN_NO_COOKIE',
  'TCP_ZEROCOPY_RECEIVE', 'TCP_INQ', 'TCP_TX_DELAY',
];
const UDP_NAMES = fixedXlat([['UDP_CORK', 1], ['UDP_ENCAP', 100], ['UDP_NO_CHECK6_TX', 101], ['UDP_NO_CHECK6_RX', 102], ['UDP_SEGMENT', 103], ['UDP_GRO', 104]]);

/** strace's sock_raw_options, sock_packet_options and sock_netlink_options (linux/icmp.h, if_packet.h, netlink.h). */
const RAW_NAMES = fixedXlat([['ICMP_FILTER', 1]]);
const PACKET_NAMES = fixedXlat([
  ['PACKET_ADD_MEMBERSHIP', 1], ['PACKET_DROP_MEMBERSHIP', 2], ['PACKET_RECV_OUTPUT', 3], ['PACKET_RX_RING', 5], ['PACKET_STATISTICS', 6],
  ['PACKET_COPY_THRESH', 7], ['PACKET_AUXDATA', 8], ['PACKET_ORIGDEV', 9], ['PACKET_VERSION', 10], ['PACKET_HDRLEN', 11],
  ['PACKET_RESERVE', 12], ['PACKET_TX_RING', 13], ['PACKET_LOSS', 14], ['PACKET_VNET_HDR', 15], ['PACKET_TX_TIMESTAMP', 16],
  ['PACKET_TIMESTAMP', 17], ['PACKET_FANOUT', 18], ['PACKET_TX_HAS_OFF', 19], ['PACKET_QDISC_BYPASS', 20], ['PACKET_ROLLOVER_STATS', 21],
  ['PACKET_FANOUT_DATA', 22], ['PACKET_IGNORE_OUTGOING', 23],
]);
const NETLINK_OPTION_NAMES = [
  'NETLINK_ADD_MEMBERSHIP', 'NETLINK_DROP_MEMBERSHIP', 'NETLINK_PKTINFO', 'NETLINK_BROADCAST_ERROR', 'NETLINK_NO_ENOBUFS',
  'NETLINK_RX_RING', 'NETLINK_TX_RING', 'NETLINK_LISTEN_ALL_NSID', 'NETLINK_LIST_MEMBERSHIPS', 'NETLINK_CAP_ACK', 'NETLINK_EXT_ACK',
  'NETLINK_GET_STRICT_CHK',
];

const SOL = { IP: 0n, SOCKET: 1n, TCP: 6n, UDP: 17n, IPV6: 41n, RAW: 255n, PACKET: 263n, NETLINK: 270n } as const;

/** The option names of each level, and the unknown-name text. */
function optionNames(tables: ArchTables): Map<bigint, [Xlat, string]> {
  return new Map<bigint, [Xlat, string]>([
    [SOL.SOCKET, [xlat(tables, 'SO', SO_NAMES), 'SO_???']],
    [SOL.IP, [xlat(tables, 'IP', IP_NAMES), 'IP_???']],
    [SOL.IPV6, [xlat(tables, 'IP', IPV6_NAMES), 'IPV6_???']],
    [SOL.TCP, [xlat(tables, 'TCP', TCP_NAMES), 'TCP_???']],
    [SOL.UDP, [UDP_NAMES, 'UDP_???']],
    [SOL.RAW, [RAW_NAMES, 'RAW_???']],
    [SOL.PACKET, [PACKET_NAMES, 'PACKET_???']],
    [SOL.NETLINK, [xlat(tables, 'NETLINK', NETLINK_OPTION_NAMES), 'NETLINK_???']],
  ]);
}

/** The option value as strace prints it, from `len` delivered bytes. */
function optionValue(tables: ArchTables, errno: (n: number) => string): (level: bigint, name: bigint, b: { data: Uint8Array; truncated: boolean }, len: number, call: CallView, get: boolean) => string {
  const so = (n: string) => BigInt(tables.constants.SO?.[n] ?? -1);
  const [LINGER, PEERCRED, ERROR] = [so('SO_LINGER'), so('SO_PEERCRED'), so('SO_ERROR')];
  return (level, name, b, len, call, get) => {
    const data = b.data.subarray(0, Math.max(0, Math.min(len, b.data.length)));
    const v = viewOf(data);
    if (level === SOL.SOCKET && name === LINGER && data.length >= 8) return `{l_onoff=${v.getInt32(0, true)}, l_linger=${v.getInt32(4, true)}}`;
    if (level === SOL.SOCKET && name === PEERCRED && get && data.length >= 12) return `{pid=${v.getInt32(0, true)}, uid=${v.getUint32(4, true)}, gid=${v.getUint32(8, true)}}`;
    if (level === SOL.SOCKET && name === ERROR && get && data.length >= 4) {
      const e = v.getUint32(0, true);
      return `[${e === 0 ? 0 : errno(e)}]`;
    }
    if (len === 4 && data.length >= 4) return `[${v.getInt32(0, true)}]`;
    return quoteShown(b.data.length > len ? { data, truncated: false } : b, call.options.stringMax);
  };
}

/** SOL_IP's and SOL_IPV6's membership options (linux/in.h, linux/in6.h: the same everywhere). */
const IP_MEMBERSHIP = new Set([35n, 36n]); // IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP
const IPV6_MEMBERSHIP = new Set([20n, 21n, 27n, 28n]); // IPV6_ADD/DROP_MEMBERSHIP, IPV6_JOIN/LEAVE_ANYCAST
const MCAST_GROUP = new Set([42n, 45n]); // MCAST_JOIN_GROUP, MCAST_LEAVE_GROUP
/** sizeof(struct ip_mreq), struct ipv6_mreq, struct group_req on x86_64. */
const MREQ_SIZE = 8;
const MREQ6_SIZE = 20;
const GROUP_REQ_SIZE = 136;

/**
 * setsockopt's structs strace decodes (print_setsockopt): the multicast memberships; undefined
 * for other options. A length shorter than the struct is the address; a longer one shows the struct.
 */
function setsockoptStruct(level: bigint, name: bigint, data: Uint8Array, len: number, sockaddr: (data: Uint8Array, len: number) => string): string | null | undefined {
  const need = level === SOL.IP && IP_MEMBERSHIP.has(name) ? MREQ_SIZE
    : level === SOL.IPV6 && IPV6_MEMBERSHIP.has(name) ? MREQ6_SIZE
      : (level === SOL.IP || level === SOL.IPV6) && MCAST_GROUP.has(name) ? GROUP_REQ_SIZE
        : 0;
  if (need === 0) return undefined;
  if (len < need || data.length < need) return null;
  const v = viewOf(data);
  if (need === MREQ_SIZE) return `{imr_multiaddr=inet_addr("${data.subarray(0, 4).join('.')}"), imr_interface=inet_addr("${data.subarray(4, 8).join('.')}")}`;
  if (need === MREQ6_SIZE) return `{inet_pton(AF_INET6, "${ipv6Text(data.subarray(0, 16))}", &ipv6mr_multiaddr), ipv6mr_interface=${ifindexText(v.getUint32(16, true))}}`;
  return `{gr_interface=${ifindexText(v.getUint32(0, true))}, gr_group=${sockaddr(data.subarray(8, GROUP_REQ_SIZE), GROUP_REQ_SIZE - 8)}}`;
}

/** Registers the getsockopt and setsockopt decoders. */
export function registerSockoptDecoders(registry: DecoderRegistry): void {
  const errno = (tables: ArchTables) => {
    const names = new Map(tables.errnos.filter((e) => e.aliasOf === undefined).map((e) => [e.number, e.name]));
    return (n: number) => names.get(n) ?? String(n);
  };
  for (const syscall of ['setsockopt', 'getsockopt']) {
    registry.register(syscall, 'level', (ctx) => (args) => formatValue(u32(args[ctx.argIndex]), SOCKET_LEVELS, 'SOL_??'));
    registry.register(syscall, 'optname', (ctx) => {
      const names = optionNames(ctx.tables);
      const level = argIndexOf(ctx, 'level');
      return (args) => {
        const l = names.get(u32(args[level]));
        const v = u32(args[ctx.argIndex]);
        return l === undefined ? v.toString() : formatValue(v, l[0], l[1]);
      };
    });
  }
  registry.register('setsockopt', 'optval', (ctx) => {
    const value = optionValue(ctx.tables, errno(ctx.tables));
    const sockaddr = sockaddrFormatter(ctx.tables);
    const linger = BigInt(ctx.tables.constants.SO?.SO_LINGER ?? -1);
    const intOptions = new Set(xlat(ctx.tables, 'SO', SO_INT_NAMES).map(([, v]) => v));
    const [level, name, len] = ['level', 'optname', 'optlen'].map((n) => argIndexOf(ctx, n));
    return (args, call) => {
      const b = bytesOf(call.blobs, ctx.argIndex);
      const l = u32(args[level]);
      const n = u32(args[name]);
      const length = Number(BigInt.asIntN(32, args[len] ?? 0n));
      if ((args[ctx.argIndex] ?? 0n) === 0n) return '';
      const known = setsockoptStruct(l, n, b?.data ?? new Uint8Array(0), length, sockaddr);
      if (known !== undefined) return known ?? pointer(args[ctx.argIndex]);
      // The int options: the address for a shorter length, the int for any longer one.
      if ((l === SOL.SOCKET && intOptions.has(n)) || l === SOL.NETLINK) {
        if (length < 4 || !b || b.data.length < 4) return pointer(args[ctx.argIndex]);
        return `[${viewOf(b.data).getInt32(0, true)}]`;
      }
      // struct linger: the address for a shorter length, the struct (and no more) for a longer one.
      if (l === SOL.SOCKET && n === linger) {
        if (length < 8 || !b || b.data.length < 8) return pointer(args[ctx.argIndex]);
        return value(l, n, b, 8, call, false);
      }
      // strace reads no more than the length; a length it cannot read whole is the address.
      if (!b || b.data.length < Math.min(length, call.options.stringMax)) return '';
      return value(l, n, b, length, call, false);
    };
  });
  registry.register('getsockopt', 'optval', (ctx) => {
    const value = optionValue(ctx.tables, errno(ctx.tables));
    const [level, name, lenIndex] = ['level', 'optname', 'optlen'].map((n) => argIndexOf(ctx, n));
    return (args, call) => {
      const b = bytesOf(call.blobs, ctx.argIndex);
      const lens = call.blobs.get(lenIndex);
      if (!b || call.ret < 0n || lens?.kind !== 'inout' || lens.unreadable) return '';
      const length = Math.min(lens.before, lens.after);
      // Nothing written: strace shows the address.
      if (length === 0) return pointer(args[ctx.argIndex]);
      return value(u32(args[level]), u32(args[name]), b, length, call, true);
    };
  });
  registry.register('getsockopt', 'optlen', (ctx) => (_args, call) => {
    const lens = call.blobs.get(ctx.argIndex);
    if (lens?.kind !== 'inout' || lens.unreadable) return '';
    if (call.ret < 0n || lens.before === lens.after) return `[${lens.before | 0}]`;
    return `[${lens.before | 0} => ${lens.after | 0}]`;
  });
}


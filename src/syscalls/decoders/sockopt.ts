/**
 * getsockopt and setsockopt as strace prints them: the level (`SOL_SOCKET`), the option name of
 * that level (`SO_REUSEADDR`, `IP_TOS`, `TCP_NODELAY`), and the value: an int in brackets
 * (`[1]`), an errno for SO_ERROR, the structs strace knows (linger, ucred, the multicast and
 * packet memberships, packet rings and statistics, the ICMP filter, netlink's group list), or
 * the bytes; getsockopt's length as `[4]` or `[16 => 4]`. A getsockopt struct is shown as far as
 * the returned length reaches (a field it cuts in hex); a value too short for an int in hex.
 */
import type { ArchTables } from '../arch';
import { sockFprogText, SOCK_FPROG_SIZE } from './bpf_filter';
import { arrayText } from './fields';
import { hwaddrText, ifindexText, ipv6Text, sockaddrFormatter } from './net';
import { quoteBytes, quoteShown } from './quote';
import { argIndexOf, bytesOf, viewOf, type DecoderRegistry } from './registry';
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

/** linux/icmp.h's ICMP types, as strace names the bits of struct icmp_filter. */
const ICMP_FILTER_FLAGS = fixedXlat([
  ['ICMP_ECHOREPLY', 0], ['ICMP_DEST_UNREACH', 3], ['ICMP_SOURCE_QUENCH', 4], ['ICMP_REDIRECT', 5], ['ICMP_ECHO', 8],
  ['ICMP_TIME_EXCEEDED', 11], ['ICMP_PARAMETERPROB', 12], ['ICMP_TIMESTAMP', 13], ['ICMP_TIMESTAMPREPLY', 14],
  ['ICMP_INFO_REQUEST', 15], ['ICMP_INFO_REPLY', 16], ['ICMP_ADDRESS', 17], ['ICMP_ADDRESSREPLY', 18],
]);
/** struct packet_mreq's mr_type (linux/if_packet.h). */
const PACKET_MR_TYPES = fixedXlat([['PACKET_MR_MULTICAST', 0], ['PACKET_MR_PROMISC', 1], ['PACKET_MR_ALLMULTI', 2], ['PACKET_MR_UNICAST', 3]]);
/** SO_TXREHASH's values (linux/socket.h). */
const TXREHASH_VALUES = fixedXlat([['SOCK_TXREHASH_DISABLED', 0], ['SOCK_TXREHASH_ENABLED', 1], ['SOCK_TXREHASH_DEFAULT', 255]]);

/** SOL_IP's and SOL_IPV6's membership options (linux/in.h, linux/in6.h: the same everywhere). */
const IP_MEMBERSHIP = new Set([35n, 36n]); // IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP
const IPV6_MEMBERSHIP = new Set([20n, 21n, 27n, 28n]); // IPV6_ADD/DROP_MEMBERSHIP, IPV6_JOIN/LEAVE_ANYCAST
const MCAST_GROUP = new Set([42n, 45n]); // MCAST_JOIN_GROUP, MCAST_LEAVE_GROUP
/** SOL_PACKET's options with a struct (linux/if_packet.h). */
const PACKET = { ADD_MEMBERSHIP: 1n, DROP_MEMBERSHIP: 2n, RX_RING: 5n, STATISTICS: 6n, TX_RING: 13n } as const;
const ICMP_FILTER = 1n;
const NETLINK_LIST_MEMBERSHIPS = 9n;
/** sizeof(struct ip_mreq), struct ipv6_mreq, struct group_req, struct packet_mreq and struct tpacket_req on x86_64. */
const MREQ_SIZE = 8;
const MREQ6_SIZE = 20;
const GROUP_REQ_SIZE = 136;
const PACKET_MREQ_SIZE = 16;
const TPACKET_REQ_SIZE = 16;

/** The first `len` bytes of the value, when the kernel side read that many (strace's umoven succeeded). */
function readable(b: { data: Uint8Array } | undefined, len: number): Uint8Array | undefined {
  return b && len >= 0 && b.data.length >= len ? b.data.subarray(0, len) : undefined;
}

/** A uid or gid as strace's PRINT_VAL_ID prints it: -1 for (uid_t) -1. */
function idText(v: DataView, at: number): string {
  const id = v.getUint32(at, true);
  return id === 0xffffffff ? '-1' : id.toString();
}

/** One 4-byte field of a struct strace prints as far as the length reaches. */
type Part = readonly [name: string, render: (v: DataView, at: number) => string];
const int32 = (v: DataView, at: number) => v.getInt32(at, true).toString();
const uint32 = (v: DataView, at: number) => v.getUint32(at, true).toString();
const LINGER_FIELDS: readonly Part[] = [['l_onoff', int32], ['l_linger', int32]];
const UCRED_FIELDS: readonly Part[] = [['pid', int32], ['uid', idText], ['gid', idText]];
const TPACKET_STATS_FIELDS: readonly Part[] = [['tp_packets', uint32], ['tp_drops', uint32], ['tp_freeze_q_cnt', uint32]];

/**
 * A struct of 4-byte fields as strace's MAYBE_PRINT_FIELD_LEN shows `data`, its bytes the kernel
 * returned: the fields they cover whole, a field they cover in part as its bytes in hex, none past them.
 */
function partialStruct(data: Uint8Array, parts: readonly Part[]): string {
  const v = viewOf(data);
  const out: string[] = [];
  parts.forEach(([name, render], i) => {
    const at = 4 * i;
    if (data.length <= at) return;
    out.push(`${name}=${data.length >= at + 4 ? render(v, at) : quoteBytes(data.subarray(at), { hex: true })}`);
  });
  return `{${out.join(', ')}}`;
}

/**
 * struct icmp_filter as strace prints it from the first `len` bytes (at most 4, over a filter of
 * all ones): the ICMP types of its set bits, or `~` and those of its clear bits when more than
 * half are set.
 */
function icmpFilterText(b: { data: Uint8Array } | undefined, len: number, ptr: bigint): string {
  const data = len > 0 ? readable(b, Math.min(len, 4)) : undefined;
  if (!data) return pointer(ptr);
  const word = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
  word.set(data);
  let bits = viewOf(word).getUint32(0, true);
  let set = 0;
  for (let i = 0; i < 32; i++) set += (bits >>> i) & 1;
  const invert = set > 16;
  if (invert) bits = ~bits >>> 0;
  const names: string[] = [];
  for (let i = 0; i < 32; i++) if ((bits >>> i) & 1) names.push(formatValue(BigInt(i), ICMP_FILTER_FLAGS, 'ICMP_???'));
  return `${invert ? '~' : ''}[${names.join(' ')}]`;
}

/** struct ip_mreq. */
function mreqText(d: Uint8Array): string {
  return `{imr_multiaddr=inet_addr("${d.subarray(0, 4).join('.')}"), imr_interface=inet_addr("${d.subarray(4, 8).join('.')}")}`;
}

/** struct ipv6_mreq. */
function mreq6Text(d: Uint8Array): string {
  return `{inet_pton(AF_INET6, "${ipv6Text(d.subarray(0, 16))}", &ipv6mr_multiaddr), ipv6mr_interface=${ifindexText(viewOf(d).getUint32(16, true))}}`;
}

/** struct group_req: the interface and the sockaddr_storage at byte 8. */
function groupReqText(d: Uint8Array, sockaddr: (data: Uint8Array, len: number) => string): string {
  return `{gr_interface=${ifindexText(viewOf(d).getUint32(0, true))}, gr_group=${sockaddr(d.subarray(8, GROUP_REQ_SIZE), GROUP_REQ_SIZE - 8)}}`;
}

/** struct tpacket_req. */
function tpacketReqText(d: Uint8Array): string {
  const v = viewOf(d);
  const names = ['tp_block_size', 'tp_block_nr', 'tp_frame_size', 'tp_frame_nr'];
  return `{${names.map((name, i) => `${name}=${v.getUint32(4 * i, true)}`).join(', ')}}`;
}

/** struct packet_mreq: the interface, the type, and as many bytes of the address as mr_alen says (at most its 8). */
function packetMreqText(d: Uint8Array): string {
  const v = viewOf(d);
  const alen = v.getUint16(6, true);
  return `{mr_ifindex=${ifindexText(v.getUint32(0, true))}, mr_type=${formatValue(BigInt(v.getUint16(4, true)), PACKET_MR_TYPES, 'PACKET_MR_???')}, mr_alen=${alen}, mr_address=${hwaddrText(d.subarray(8, 8 + Math.min(alen, 8)))}}`;
}

/** SO_TXREHASH's int by name, or the address when unread. */
function txrehashText(b: { data: Uint8Array } | undefined, ptr: bigint): string {
  const data = readable(b, 4);
  return data ? `[${decimalValue(viewOf(data).getInt32(0, true), TXREHASH_VALUES, 'SOCK_TXREHASH_???')}]` : pointer(ptr);
}

/** printxval_d: the name, or the value in decimal with an "unknown" comment. */
function decimalValue(value: number, table: Xlat, unknown: string): string {
  const name = table.find(([, v]) => v === BigInt(value));
  return name ? name[0] : `${value} /* ${unknown} */`;
}

/** The int at the value's start in brackets, or the address when the kernel side could not read it. */
function intText(b: { data: Uint8Array } | undefined, ptr: bigint): string {
  const data = readable(b, 4);
  return data ? `[${viewOf(data).getInt32(0, true)}]` : pointer(ptr);
}

/** A short value's bytes in hex (strace's QUOTE_FORCE_HEX), or the address when unread. */
function hexText(b: { data: Uint8Array } | undefined, len: number, ptr: bigint): string {
  const data = readable(b, len);
  return data ? quoteBytes(data, { hex: true }) : pointer(ptr);
}

/**
 * strace's default for a value it does not decode: an int when the length is one, else the bytes
 * up to -s (`...` past it); the address when the kernel side could not read what is shown.
 */
function defaultValue(b: { data: Uint8Array; truncated: boolean } | undefined, len: number, ptr: bigint, max: number): string {
  if (ptr === 0n) return pointer(ptr);
  if (len === 4) return intText(b, ptr);
  if (len < 0 || !b || b.data.length < Math.min(len, max)) return pointer(ptr);
  const data = b.data.subarray(0, Math.min(len, b.data.length));
  return quoteShown({ data, truncated: b.truncated || len > data.length }, max);
}

/** The errno name of `n`, or the number when it has none. */
function errnoName(tables: ArchTables): (n: number) => string {
  const names = new Map(tables.errnos.filter((e) => e.aliasOf === undefined).map((e) => [e.number, e.name]));
  return (n) => names.get(n) ?? String(n);
}

/** Registers the getsockopt and setsockopt decoders. */
export function registerSockoptDecoders(registry: DecoderRegistry): void {
  for (const syscall of ['setsockopt', 'getsockopt']) {
    registry.register(syscall, 'level', (ctx) => (args) => formatValue(u32(args[ctx.argIndex]), SOCKET_LEVELS, 'SOL_??'));
    registry.register(syscall, 'optname', (ctx) => {
      const names = optionNames(ctx.tables);
      const level = argIndexOf(ctx, 'level');
      // strace's getsock_options: getsockopt reads SO_ATTACH_FILTER's program back as SO_GET_FILTER.
      const getFilter = syscall === 'getsockopt' ? BigInt(ctx.tables.constants.SO?.SO_ATTACH_FILTER ?? -1) : -1n;
      return (args) => {
        const l = names.get(u32(args[level]));
        const v = u32(args[ctx.argIndex]);
        if (u32(args[level]) === SOL.SOCKET && v === getFilter) return 'SO_GET_FILTER';
        return l === undefined ? v.toString() : formatValue(v, l[0], l[1]);
      };
    });
  }
  registry.register('setsockopt', 'optval', (ctx) => {
    const sockaddr = sockaddrFormatter(ctx.tables);
    const so = (n: string) => BigInt(ctx.tables.constants.SO?.[n] ?? -1);
    const [LINGER, TXREHASH] = [so('SO_LINGER'), so('SO_TXREHASH')];
    const fprogOptions = new Set([so('SO_ATTACH_FILTER'), so('SO_ATTACH_REUSEPORT_CBPF')]);
    const intOptions = new Set(xlat(ctx.tables, 'SO', SO_INT_NAMES).map(([, v]) => v));
    const [level, name, lenIndex] = ['level', 'optname', 'optlen'].map((n) => argIndexOf(ctx, n));
    // strace's print_setsockopt: each struct read at its size (a longer length reads no more, a
    // shorter one, or one other than the size where strace wants it exact, is the address).
    return (args, call) => {
      const ptr = args[ctx.argIndex] ?? 0n;
      const b = bytesOf(call.blobs, ctx.argIndex);
      const l = u32(args[level]);
      const n = u32(args[name]);
      const len = Number(BigInt.asIntN(32, args[lenIndex] ?? 0n));
      const struct = (size: number, exact: boolean, render: (d: Uint8Array) => string) => {
        const data = (exact ? len === size : len >= size) ? readable(b, size) : undefined;
        return data ? render(data) : pointer(ptr);
      };
      if (ptr === 0n) return pointer(ptr);
      if (l === SOL.SOCKET && n === LINGER) return struct(8, false, (d) => partialStruct(d, LINGER_FIELDS));
      if (l === SOL.SOCKET && n === TXREHASH) return len < 4 ? pointer(ptr) : txrehashText(b, ptr);
      if (l === SOL.SOCKET && fprogOptions.has(n)) return len === SOCK_FPROG_SIZE ? sockFprogText(readable(b, len), ptr) : pointer(ptr);
      if ((l === SOL.SOCKET && intOptions.has(n)) || l === SOL.NETLINK) return len < 4 ? pointer(ptr) : intText(b, ptr);
      if (l === SOL.IP && IP_MEMBERSHIP.has(n)) return struct(MREQ_SIZE, false, mreqText);
      if (l === SOL.IPV6 && IPV6_MEMBERSHIP.has(n)) return struct(MREQ6_SIZE, false, mreq6Text);
      if ((l === SOL.IP || l === SOL.IPV6) && MCAST_GROUP.has(n)) return struct(GROUP_REQ_SIZE, false, (d) => groupReqText(d, sockaddr));
      if (l === SOL.PACKET && (n === PACKET.RX_RING || n === PACKET.TX_RING)) return struct(TPACKET_REQ_SIZE, true, tpacketReqText);
      if (l === SOL.PACKET && (n === PACKET.ADD_MEMBERSHIP || n === PACKET.DROP_MEMBERSHIP)) return struct(PACKET_MREQ_SIZE, true, packetMreqText);
      if (l === SOL.RAW && n === ICMP_FILTER) return icmpFilterText(b, len, ptr);
      return defaultValue(b, len, ptr, call.options.stringMax);
    };
  });
  registry.register('getsockopt', 'optval', (ctx) => {
    const errno = errnoName(ctx.tables);
    const so = (n: string) => BigInt(ctx.tables.constants.SO?.[n] ?? -1);
    const [LINGER, PEERCRED, ERROR, TXREHASH, GET_FILTER] = [so('SO_LINGER'), so('SO_PEERCRED'), so('SO_ERROR'), so('SO_TXREHASH'), so('SO_ATTACH_FILTER')];
    const intOptions = new Set(xlat(ctx.tables, 'SO', SO_INT_NAMES).map(([, v]) => v));
    const [level, name, lenIndex] = ['level', 'optname', 'optlen'].map((n) => argIndexOf(ctx, n));
    // strace's print_getsockopt, from the length given (ulen) and the length returned (rlen, how
    // many bytes the kernel side read at exit).
    return (args, call) => {
      const ptr = args[ctx.argIndex] ?? 0n;
      const b = bytesOf(call.blobs, ctx.argIndex);
      const lens = call.blobs.get(lenIndex);
      if (call.ret < 0n || lens?.kind !== 'inout' || lens.unreadable) return '';
      const [ulen, rlen] = [lens.before | 0, lens.after | 0];
      if (ulen <= 0 || rlen <= 0 || ptr === 0n) return pointer(ptr);
      const l = u32(args[level]);
      const n = u32(args[name]);
      const upTo = (size: number, parts: readonly Part[]) => {
        const data = readable(b, Math.min(rlen, size));
        return data ? partialStruct(data, parts) : pointer(ptr);
      };
      if (l === SOL.SOCKET && n === LINGER) return upTo(8, LINGER_FIELDS);
      if (l === SOL.SOCKET && n === PEERCRED) return upTo(12, UCRED_FIELDS);
      if (l === SOL.SOCKET && n === ERROR) {
        if (rlen < 4) return hexText(b, rlen, ptr);
        const data = readable(b, 4);
        if (!data) return pointer(ptr);
        const e = viewOf(data).getUint32(0, true);
        return `[${e === 0 ? 0 : errno(e)}]`;
      }
      if (l === SOL.SOCKET && n === TXREHASH) return rlen < 4 ? hexText(b, rlen, ptr) : txrehashText(b, ptr);
      // SO_GET_FILTER's instructions: strace shows them only under -v.
      if (l === SOL.SOCKET && n === GET_FILTER) return pointer(ptr);
      if (l === SOL.SOCKET && intOptions.has(n)) return rlen < 4 ? hexText(b, rlen, ptr) : intText(b, ptr);
      if (l === SOL.PACKET && n === PACKET.STATISTICS) return upTo(12, TPACKET_STATS_FIELDS);
      if (l === SOL.RAW && n === ICMP_FILTER) return icmpFilterText(b, rlen, ptr);
      if (l === SOL.NETLINK && n === NETLINK_LIST_MEMBERSHIPS) {
        return arrayText(ptr, BigInt(Math.floor(Math.min(ulen, rlen) / 4)), 4, b?.data, call.options.stringMax, uint32);
      }
      if (l === SOL.NETLINK) return intText(b, ptr);
      return defaultValue(b, rlen, ptr, call.options.stringMax);
    };
  });
  registry.register('getsockopt', 'optlen', (ctx) => (_args, call) => {
    const lens = call.blobs.get(ctx.argIndex);
    if (lens?.kind !== 'inout' || lens.unreadable) return '';
    if (call.ret < 0n || lens.before === lens.after) return `[${lens.before | 0}]`;
    return `[${lens.before | 0} => ${lens.after | 0}]`;
  });
}


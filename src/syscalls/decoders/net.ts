/**
 * Socket syscalls: socket's family, type and protocol; sockaddrs (IPv4, IPv6, unix, else raw
 * sa_data) and their lengths (`[16]`, or `[128 => 16]` when the call changed it); send/recv
 * flags; shutdown's how; socketpair's fds; setsockopt/getsockopt levels.
 */
import fs from 'node:fs';
import type { ArchTables } from '../arch';
import { fdPairDecoder } from './files';
import { bytesOf } from './registry';
import { flagsArg, valueArg } from './xlat';
import { quoteBytes } from './quote';
import { familyPrinters } from './sockaddr-families';
import { argIndexOf, type ArgDecoder, type CallView, type DecoderRegistry } from './registry';
import { cached, constant, fixedXlat, formatFlags, formatValue, hexValue, u32, xlat, type Xlat } from './xlat';

/** strace's addrfams. */
const AF_NAMES = [
  'AF_UNSPEC', 'AF_UNIX', 'AF_INET', 'AF_AX25', 'AF_IPX', 'AF_APPLETALK', 'AF_NETROM', 'AF_BRIDGE', 'AF_ATMPVC', 'AF_X25', 'AF_INET6',
  'AF_ROSE', 'AF_DECnet', 'AF_NETBEUI', 'AF_SECURITY', 'AF_KEY', 'AF_NETLINK', 'AF_PACKET', 'AF_ASH', 'AF_ECONET', 'AF_ATMSVC',
  'AF_RDS', 'AF_SNA', 'AF_IRDA', 'AF_PPPOX', 'AF_WANPIPE', 'AF_LLC', 'AF_IB', 'AF_MPLS', 'AF_CAN', 'AF_TIPC', 'AF_BLUETOOTH',
  'AF_IUCV', 'AF_RXRPC', 'AF_ISDN', 'AF_PHONET', 'AF_IEEE802154', 'AF_CAIF', 'AF_ALG', 'AF_NFC', 'AF_VSOCK', 'AF_KCM',
  'AF_QIPCRTR', 'AF_SMC', 'AF_XDP', 'AF_MCTP',
];
/** strace's socktypes and sock_type_flags. */
const SOCK_TYPE_NAMES = ['SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET', 'SOCK_DCCP', 'SOCK_PACKET'];
const SOCK_FLAG_NAMES = ['SOCK_CLOEXEC', 'SOCK_NONBLOCK'];
/** strace's iffflags (net/if.h). */
export const IFF_NAMES = ['IFF_UP', 'IFF_BROADCAST', 'IFF_DEBUG', 'IFF_LOOPBACK', 'IFF_POINTOPOINT', 'IFF_NOTRAILERS', 'IFF_RUNNING', 'IFF_NOARP', 'IFF_PROMISC', 'IFF_ALLMULTI', 'IFF_MASTER', 'IFF_SLAVE', 'IFF_MULTICAST', 'IFF_PORTSEL', 'IFF_AUTOMEDIA', 'IFF_DYNAMIC', 'IFF_LOWER_UP', 'IFF_DORMANT', 'IFF_ECHO'];
/** strace's arp_hardware_types, in its order. */
export const ARPHRD_NAMES = [
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

/** strace's inet_protocols. */
export const IPPROTO_NAMES = [
  'IPPROTO_IP', 'IPPROTO_ICMP', 'IPPROTO_IGMP', 'IPPROTO_IPIP', 'IPPROTO_TCP', 'IPPROTO_EGP', 'IPPROTO_PUP', 'IPPROTO_UDP',
  'IPPROTO_IDP', 'IPPROTO_TP', 'IPPROTO_DCCP', 'IPPROTO_IPV6', 'IPPROTO_ROUTING', 'IPPROTO_FRAGMENT', 'IPPROTO_RSVP', 'IPPROTO_GRE',
  'IPPROTO_ESP', 'IPPROTO_AH', 'IPPROTO_ICMPV6', 'IPPROTO_NONE', 'IPPROTO_DSTOPTS', 'IPPROTO_MTP', 'IPPROTO_BEETPH', 'IPPROTO_ENCAP',
  'IPPROTO_PIM', 'IPPROTO_COMP', 'IPPROTO_L2TP', 'IPPROTO_SCTP', 'IPPROTO_MH', 'IPPROTO_UDPLITE', 'IPPROTO_MPLS', 'IPPROTO_ETHERNET',
  'IPPROTO_RAW', 'IPPROTO_MPTCP',
];
/** strace's msg_flags (the same values on every Linux architecture). */
const MSG_FLAGS = fixedXlat([
  ['MSG_OOB', 0x1], ['MSG_PEEK', 0x2], ['MSG_DONTROUTE', 0x4], ['MSG_CTRUNC', 0x8], ['MSG_PROBE', 0x10], ['MSG_TRUNC', 0x20],
  ['MSG_DONTWAIT', 0x40], ['MSG_EOR', 0x80], ['MSG_WAITALL', 0x100], ['MSG_FIN', 0x200], ['MSG_SYN', 0x400],
  ['MSG_CONFIRM', 0x800], ['MSG_RST', 0x1000], ['MSG_ERRQUEUE', 0x2000], ['MSG_NOSIGNAL', 0x4000], ['MSG_MORE', 0x8000],
  ['MSG_WAITFORONE', 0x10000], ['MSG_SENDPAGE_NOTLAST', 0x20000], ['MSG_BATCH', 0x40000], ['MSG_NO_SHARED_FRAGS', 0x80000],
  ['MSG_ZEROCOPY', 0x4000000], ['MSG_FASTOPEN', 0x20000000], ['MSG_CMSG_CLOEXEC', 0x40000000], ['MSG_CMSG_COMPAT', 0x80000000],
]);
/** strace's shutdown_modes. */
const SHUTDOWN_MODES = fixedXlat([['SHUT_RD', 0], ['SHUT_WR', 1], ['SHUT_RDWR', 2]]);

/** strace's netlink_protocols: the protocols of socket(AF_NETLINK, ..., protocol). */
export const NETLINK_PROTOCOLS = [
  'NETLINK_ROUTE', 'NETLINK_UNUSED', 'NETLINK_USERSOCK', 'NETLINK_FIREWALL', 'NETLINK_SOCK_DIAG', 'NETLINK_NFLOG', 'NETLINK_XFRM',
  'NETLINK_SELINUX', 'NETLINK_ISCSI', 'NETLINK_AUDIT', 'NETLINK_FIB_LOOKUP', 'NETLINK_CONNECTOR', 'NETLINK_NETFILTER', 'NETLINK_IP6_FW',
  'NETLINK_DNRTMSG', 'NETLINK_KOBJECT_UEVENT', 'NETLINK_GENERIC', 'NETLINK_SCSITRANSPORT', 'NETLINK_ECRYPTFS', 'NETLINK_RDMA',
  'NETLINK_CRYPTO', 'NETLINK_SMC',
];

/** socket's type: the base type by name, then SOCK_CLOEXEC/SOCK_NONBLOCK. */
function sockTypeFormatter(tables: ArchTables): (type: bigint) => string {
  const types = xlat(tables, 'SOCK', SOCK_TYPE_NAMES);
  const flags = xlat(tables, 'SOCK', SOCK_FLAG_NAMES);
  return cached((v) => {
    const base = types.find(([, t]) => t === (v & 0xfn))?.[0];
    if (base === undefined) return formatFlags(v, flags, 'SOCK_???');
    const rest = v & ~0xfn;
    return rest === 0n ? base : `${base}|${formatFlags(rest, flags, 'SOCK_???')}`;
  });
}

/**
 * IPv6 text as glibc's inet_ntop writes it: the longest run of two or more zero groups as "::"
 * (the first of equal runs), lower-case hex, and the last 32 bits dotted for IPv4-mapped and
 * IPv4-compatible addresses.
 */
export function ipv6Text(addr: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((addr[2 * i] << 8) | addr[2 * i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLen) {
      if (i === bestStart) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && bestStart === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      return `${out}${addr[12]}.${addr[13]}.${addr[14]}.${addr[15]}`;
    }
    out += words[i].toString(16);
  }
  if (bestStart >= 0 && bestStart + bestLen === 8) out += ':';
  return out;
}

/** strace's addrfams of an architecture. */
export function addressFamilies(tables: ArchTables): Xlat {
  return xlat(tables, 'AF', AF_NAMES);
}

/** sizeof(struct sockaddr_rxrpc); strace's rxrpc_services and socktypes (x86 values). */
const SOCKADDR_RXRPC_SIZE = 36;
const RXRPC_SERVICES = fixedXlat([['CM_SERVICE', 1], ['YFS_FS_SERVICE', 2500], ['YFS_CM_SERVICE', 2501], ['YFS_VL_SERVICE', 2503]]);
const SOCKET_TYPE_NAMES = ['SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET', 'SOCK_DCCP', 'SOCK_PACKET'];

/** sizeof(struct sockaddr_un). */
const SOCKADDR_UN_SIZE = 110;

/** nl_groups as strace's `%#08x`: `0x0000ffff`-style for small values, `00000000` for none. */
function formatGroups(groups: number): string {
  return groups === 0 ? '00000000' : `0x${groups.toString(16).padStart(6, '0')}`;
}

/** A sockaddr of `len` bytes, as strace's print_sockaddr prints it. */
export function sockaddrFormatter(tables: ArchTables): (data: Uint8Array, len: number) => string {
  const families = xlat(tables, 'AF', AF_NAMES);
  const AF_UNIX = constant(tables, 'AF', 'AF_UNIX');
  const AF_INET = constant(tables, 'AF', 'AF_INET');
  const AF_INET6 = constant(tables, 'AF', 'AF_INET6');
  const AF_NETLINK = constant(tables, 'AF', 'AF_NETLINK');
  const AF_RXRPC = constant(tables, 'AF', 'AF_RXRPC');
  const socketTypes = xlat(tables, 'SOCK', SOCKET_TYPE_NAMES);
  const others = familyPrinters((name) => constant(tables, 'AF', name), xlat(tables, 'ARPHRD', ARPHRD_NAMES), ifindexText, hwaddrText);
  const format = (data: Uint8Array, len: number): string => {
    const bytes = data.subarray(0, Math.min(len, data.length));
    if (bytes.length < 2) return '';
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const family = view.getUint16(0, true);
    let out = `{sa_family=${formatValue(BigInt(family), families, 'AF_???')}`;
    if (bytes.length > 2) {
      if (family === AF_UNIX) {
        // sun_path is 108 bytes: strace shows no more of a longer address.
        const path = bytes.subarray(2, SOCKADDR_UN_SIZE);
        out += path[0] === 0 ? `, sun_path=@${quoteBytes(path.subarray(1))}` : `, sun_path=${quoteBytes(path, { stopAtNul: true })}`;
      } else if (family === AF_INET && bytes.length >= 16) {
        out += `, sin_port=htons(${view.getUint16(2, false)}), sin_addr=inet_addr("${bytes[4]}.${bytes[5]}.${bytes[6]}.${bytes[7]}")`;
      } else if (family === AF_INET6 && bytes.length >= 24) {
        out += `, sin6_port=htons(${view.getUint16(2, false)}), sin6_flowinfo=htonl(${view.getUint32(4, false)})`;
        out += `, inet_pton(AF_INET6, "${ipv6Text(bytes.subarray(8, 24))}", &sin6_addr)`;
        if (bytes.length > 24 && bytes.length >= 28) {
          out += `, sin6_scope_id=${ifindexText(view.getUint32(24, true))}`;
        }
      } else if (family === AF_NETLINK && bytes.length >= 12) {
        const pad = view.getUint16(2, true);
        out += `${pad ? `, nl_pad=${hexValue(BigInt(pad))}` : ''}, nl_pid=${view.getInt32(4, true)}, nl_groups=${formatGroups(view.getUint32(8, true))}`;
      } else if (family === AF_RXRPC && bytes.length >= SOCKADDR_RXRPC_SIZE) {
        out += `, ${rxrpc(bytes, view)}`;
      } else if ((others.get(family)?.minLen ?? Infinity) <= bytes.length) {
        out += `, ${others.get(family)!.print(view, bytes, bytes.length)}`;
      } else {
        out += `, sa_data=${quoteBytes(bytes.subarray(2))}`;
      }
    }
    return `${out}}`;
  };
  return format;
  /** struct sockaddr_rxrpc: the service, the transport's socket type and length, and the transport (INET or INET6 decoded). */
  function rxrpc(bytes: Uint8Array, view: DataView): string {
    const service = BigInt(view.getUint16(2, true));
    const declared = view.getUint16(6, true);
    const transportLen = Math.min(declared, bytes.length - 8);
    const rest = bytes.subarray(10, 10 + Math.max(0, transportLen - 2));
    const transportFamily = view.getUint16(8, true);
    const familyName = formatValue(BigInt(transportFamily), families, 'AF_???');
    const decoded = (field: string, min: number) => {
      if (declared >= min) return `${field}=${format(bytes.subarray(8, 8 + transportLen), transportLen).replace(/^\{sa_family=/, `{${field}_family=`)}`;
      return `${field}={${field}_family=${familyName}${rest.length > 0 ? `, ${quoteBytes(rest)}` : ''}}`;
    };
    let transport: string;
    if (transportFamily === AF_INET) transport = decoded('sin', 16);
    else if (transportFamily === AF_INET6) transport = decoded('sin6', 24);
    else transport = `family=${familyName}${rest.length > 0 ? `, ${quoteBytes(rest)}` : ''}`;
    return (
      `srx_service=${hexValue(service)} /* ${formatValue(service, RXRPC_SERVICES, '???_SERVICE').replace(/^(?:0x[0-9a-f]+|0) \/\* (.*) \*\/$/, '$1')} */, ` +
      `transport_type=${formatValue(BigInt(view.getUint16(4, true)), socketTypes, 'SOCK_???')}, transport_len=${declared}, transport={${transport}}`
    );
  }
}

/** Interface names by index, from /sys/class/net (the service's network namespace), re-read on a miss at most every 10 s. */
const interfaces = { names: new Map<number, string>(), readAt: 0 };

/** The network interface with index `index`, as if_indextoname(3) answers. */
export function interfaceName(index: number): string | undefined {
  if (!interfaces.names.has(index) && Date.now() - interfaces.readAt > 10_000) {
    interfaces.readAt = Date.now();
    interfaces.names.clear();
    try {
      for (const name of fs.readdirSync('/sys/class/net')) {
        const n = Number(fs.readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8'));
        if (Number.isInteger(n)) interfaces.names.set(n, name);
      }
    } catch {
      // no /sys: indexes stay numbers
    }
  }
  return interfaces.names.get(index);
}

/** An interface index as strace's print_ifindex: `if_nametoindex("lo")`, or the number. */
export function ifindexText(index: number): string {
  // No interface has index 0: no lookup (a miss rescans /sys/class/net every 10 s).
  const name = index === 0 ? undefined : interfaceName(index);
  return name === undefined ? String(index) : `if_nametoindex(${quoteBytes(Buffer.from(name))})`;
}

/** A hardware address as strace's print_mac_addr shows it abbreviated: `xx:xx:...`. */
export function hwaddrText(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The sockaddr an input call passed (connect, bind, sendto): length from the next argument. */
function sockaddrInDecoder(argIndex: number, lenIndex: number, tables: ArchTables): ArgDecoder {
  const format = sockaddrFormatter(tables);
  return (args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    const len = Number(BigInt.asIntN(32, args[lenIndex] ?? 0n));
    return b && len >= 2 ? format(b.data, len) : '';
  };
}

/** The entry and exit values of an in-out length, when delivered. */
function inout(call: CallView, index: number): { before: number; after: number } | undefined {
  const b = call.blobs.get(index);
  return b?.kind === 'inout' && !b.unreadable ? b : undefined;
}

/** The sockaddr an output call filled (accept, getsockname, recvfrom). */
function sockaddrOutDecoder(argIndex: number, lenIndex: number, tables: ArchTables): ArgDecoder {
  const format = sockaddrFormatter(tables);
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    const lens = inout(call, lenIndex);
    if (!b || !lens || call.ret < 0n) return '';
    const len = Math.min(lens.before, lens.after);
    // A read shorter than what strace shows (reads.ts reads at two sizes) is not shown.
    return b.data.length >= len ? format(b.data, len) : '';
  };
}

/** The length pointer of an output sockaddr: `[16]`, `[128 => 16]`, or `[128]` on failure. */
function socklenDecoder(lenIndex: number): ArgDecoder {
  return (_args, call) => {
    const lens = inout(call, lenIndex);
    if (!lens) return '';
    if (call.ret < 0n) return `[${lens.before | 0}]`;
    return lens.before === lens.after ? `[${lens.after | 0}]` : `[${lens.before | 0} => ${lens.after | 0}]`;
  };
}

/** Registers the socket decoders. */
export function registerNetDecoders(registry: DecoderRegistry): void {
  for (const syscall of ['socket', 'socketpair']) {
    registry.register(syscall, 'family', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'AF', AF_NAMES), 'AF_???'));
    registry.register(syscall, 'type', (ctx) => {
      const format = sockTypeFormatter(ctx.tables);
      return (args) => format(u32(args[ctx.argIndex]));
    });
  }
  registry.register('socket', 'protocol', (ctx) => {
    const family = argIndexOf(ctx, 'family');
    const inet = new Set([constant(ctx.tables, 'AF', 'AF_INET'), constant(ctx.tables, 'AF', 'AF_INET6')].map(BigInt));
    const netlink = BigInt(constant(ctx.tables, 'AF', 'AF_NETLINK'));
    const protocols = valueArg(ctx.argIndex, xlat(ctx.tables, 'IPPROTO', IPPROTO_NAMES), 'IPPROTO_???');
    const netlinkProtocols = valueArg(ctx.argIndex, xlat(ctx.tables, 'NETLINK', NETLINK_PROTOCOLS), 'NETLINK_???');
    return (args, call) => {
      const f = u32(args[family]);
      if (inet.has(f)) return protocols(args, call);
      return f === netlink ? netlinkProtocols(args, call) : '';
    };
  });

  registry.register('socketpair', 'usockvec', (ctx) => fdPairDecoder(ctx.argIndex));
  for (const syscall of ['accept4']) {
    registry.register(syscall, 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'SOCK', SOCK_FLAG_NAMES), 'SOCK_???'));
  }
  // Every `struct sockaddr *` argument, sized by the argument after it (as src/syscalls/reads.ts reads them).
  for (const [syscall, addr, len, output] of [
    ['connect', 'uservaddr', 'addrlen', false], ['bind', 'umyaddr', 'addrlen', false], ['sendto', 'addr', 'addr_len', false],
    ['accept', 'upeer_sockaddr', 'upeer_addrlen', true], ['accept4', 'upeer_sockaddr', 'upeer_addrlen', true],
    ['getsockname', 'usockaddr', 'usockaddr_len', true], ['getpeername', 'usockaddr', 'usockaddr_len', true],
    ['recvfrom', 'addr', 'addr_len', true],
  ] as const) {
    registry.register(syscall, addr, (ctx) => {
      const lenIndex = argIndexOf(ctx, len);
      if (lenIndex < 0) return null;
      return output ? sockaddrOutDecoder(ctx.argIndex, lenIndex, ctx.tables) : sockaddrInDecoder(ctx.argIndex, lenIndex, ctx.tables);
    });
    if (output) registry.register(syscall, len, (ctx) => socklenDecoder(ctx.argIndex));
  }
  for (const syscall of ['sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg']) {
    registry.register(syscall, 'flags', (ctx) => flagsArg(ctx.argIndex, MSG_FLAGS, 'MSG_???'));
  }
  registry.register('shutdown', 'how', (ctx) => valueArg(ctx.argIndex, SHUTDOWN_MODES, 'SHUT_???'));

}


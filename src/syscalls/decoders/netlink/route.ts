/**
 * rtnetlink payloads as strace prints them (its netlink_route.c and rtnl_*.c): each message
 * type's family header (ifinfomsg, ifaddrmsg, rtmsg, ndmsg, fib_rule_hdr, tcmsg, ...), then its
 * attributes; a type strace has no header for shows `{family=AF_INET, data="\x..."}`.
 */
import type { ArchTables } from '../../arch';
import { formatFlags, formatValue, xlat, type Xlat } from '../xlat';
import {
  align4, array, attrs, attrSpec, be16, be64, clockT, cstr, fields, inAddr, linkStats, structThenHex, uid, x16, x32, flags, hex, hwaddr, ifindex, ifindexText, familyAddr, in6Addr, indexedArray, named, nested, obj, s32, str, u16, u32, u64, u8, xval,
  type AttrSpec, type Ctx, type NlaDecoder,
} from './nlattr';
import { ARPHRD_NAMES as ARPHRD, IFF_NAMES, IPPROTO_NAMES } from '../net';
import { quoteBytes } from '../quote';
import * as T from './tables';

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
  'RTM_NEWLINKPROP', 'RTM_DELLINKPROP', 'RTM_GETLINKPROP', 'RTM_NEWVLAN', 'RTM_DELVLAN', 'RTM_GETVLAN', 'RTM_NEWNEXTHOPBUCKET',
  'RTM_DELNEXTHOPBUCKET', 'RTM_GETNEXTHOPBUCKET',
];

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
const IFA_FLAGS = ['IFA_F_SECONDARY', 'IFA_F_NODAD', 'IFA_F_OPTIMISTIC', 'IFA_F_DADFAILED', 'IFA_F_HOMEADDRESS', 'IFA_F_DEPRECATED', 'IFA_F_TENTATIVE', 'IFA_F_PERMANENT', 'IFA_F_MANAGETEMPADDR', 'IFA_F_NOPREFIXROUTE', 'IFA_F_MCAUTOJOIN', 'IFA_F_STABLE_PRIVACY'];
const SCOPES = ['RT_SCOPE_UNIVERSE', 'RT_SCOPE_SITE', 'RT_SCOPE_LINK', 'RT_SCOPE_HOST', 'RT_SCOPE_NOWHERE'];
const TABLES_IDS = ['RT_TABLE_UNSPEC', 'RT_TABLE_COMPAT', 'RT_TABLE_DEFAULT', 'RT_TABLE_MAIN', 'RT_TABLE_LOCAL'];
const RTPROTOS = ['RTPROT_UNSPEC', 'RTPROT_REDIRECT', 'RTPROT_KERNEL', 'RTPROT_BOOT', 'RTPROT_STATIC', 'RTPROT_GATED', 'RTPROT_RA', 'RTPROT_MRT', 'RTPROT_ZEBRA', 'RTPROT_BIRD', 'RTPROT_DNROUTED', 'RTPROT_XORP', 'RTPROT_NTK', 'RTPROT_DHCP', 'RTPROT_MROUTED', 'RTPROT_KEEPALIVED', 'RTPROT_BABEL', 'RTPROT_OPENR', 'RTPROT_BGP', 'RTPROT_ISIS', 'RTPROT_OSPF', 'RTPROT_RIP', 'RTPROT_EIGRP'];
const RTN_TYPES = ['RTN_UNSPEC', 'RTN_UNICAST', 'RTN_LOCAL', 'RTN_BROADCAST', 'RTN_ANYCAST', 'RTN_MULTICAST', 'RTN_BLACKHOLE', 'RTN_UNREACHABLE', 'RTN_PROHIBIT', 'RTN_THROW', 'RTN_NAT', 'RTN_XRESOLVE'];


/** Families of RTM_NEWCACHEREPORT (strace's rtnl_family): multicast routing's, before addrfams. */
const RTNL_FAMILY_IPMR = 128;
const RTNL_FAMILY_IP6MR = 129;

/** The rtnetlink decoder of one architecture's constants. */
export class RouteDecoder {
  private readonly types: Xlat;
  private readonly delAction: number;
  private readonly x: (group: string, names: readonly string[]) => Xlat;
  private readonly link: AttrSpec;
  private readonly addr: AttrSpec;
  private readonly route: AttrSpec;
  private readonly neigh: AttrSpec;
  private readonly rule: AttrSpec;
  private readonly tc: AttrSpec;
  private readonly tcAct: AttrSpec;
  private readonly mdb: AttrSpec;
  private readonly specs: Record<string, AttrSpec>;
  private readonly afSpec: ReadonlyMap<number, AttrSpec>;

  constructor(private readonly tables: ArchTables, private readonly families: Xlat) {
    this.x = (group, names) => xlat(tables, group, names);
    this.types = this.x('RTM', ROUTE_TYPES);
    this.delAction = Number(tables.constants.RTM?.RTM_DELACTION ?? -1);
    const af = (name: string) => Number(tables.constants.AF?.[name] ?? -1);
    const addr = familyAddr(af('AF_INET'), af('AF_INET6'));
    const ipProto = xval(xlat(tables, 'IPPROTO', IPPROTO_NAMES), 'IPPROTO_???');
    const range = structThenHex(8, (c, at) => `{start=${c.mem.u32(at)}, end=${c.mem.u32(at + 4)}}`);
    const portRange = structThenHex(4, (c, at) => `{start=${c.mem.u16(at)}, end=${c.mem.u16(at + 2)}}`);
    const rtTable: NlaDecoder = (c, at, len) => (len < 4 ? undefined : obj(c, at, 4, () => named(c.mem.u32(at), this.x('RTM', TABLES_IDS), '')));
    const ifaFlags = flags(this.x('IFLA', IFA_FLAGS), 'IFA_F_???', 4);
    const inet: AttrSpec = attrSpec(T.RTNL_IFLA_AF_SPEC_INET_ATTRS, 'IFLA_INET_???', {
      IFLA_INET_CONF: indexedArray(4, T.INET_DEVCONF_INDICES, 'IPV4_DEVCONF_???', true),
    });
    const inet6: AttrSpec = attrSpec(T.RTNL_IFLA_AF_SPEC_INET6_ATTRS, 'IFLA_INET6_???', {
      IFLA_INET6_FLAGS: flags(T.INET6_IF_FLAGS, 'IF_???', 4),
      IFLA_INET6_CONF: indexedArray(4, T.INET6_DEVCONF_INDICES, 'DEVCONF_???', true),
      IFLA_INET6_STATS: indexedArray(8, T.SNMP_IP_STATS, 'IPSTATS_MIB_???'),
      IFLA_INET6_CACHEINFO: fields(['max_reasm_len', 'tstamp', 'reachable_time', 'retrans_time'], 4),
      IFLA_INET6_ICMP6STATS: indexedArray(8, T.SNMP_ICMP6_STATS, 'ICMP6_MIB_???'),
      IFLA_INET6_TOKEN: in6Addr,
      IFLA_INET6_ADDR_GEN_MODE: xval(T.IN6_ADDR_GEN_MODE, 'IN6_ADDR_GEN_MODE_???', 1),
      IFLA_INET6_RA_MTU: u32,
    });
    const mctp: AttrSpec = attrSpec(T.RTNL_IFLA_AF_SPEC_MCTP_ATTRS, 'IFLA_MCTP_???', { IFLA_MCTP_NET: u32 });
    const brport = this.brport();
    const vlanFlags = flags(T.NL_BRIDGE_VLAN_FLAGS, 'BRIDGE_VLAN_INFO_???', 2);
    const bridgeSpec = attrSpec(T.RTNL_IFLA_AF_SPEC_BRIDGE_ATTRS, 'IFLA_BRIDGE_???', {
      IFLA_BRIDGE_FLAGS: flags(T.RTNL_IFLA_BRIDGE_FLAGS, 'BRIDGE_FLAGS_???', 2),
      IFLA_BRIDGE_MODE: xval(T.RTNL_IFLA_BRIDGE_MODES, 'BRIDGE_MODE_???', 2),
      IFLA_BRIDGE_VLAN_INFO: structThenHex(4, (c, at) => `{flags=${formatFlags(BigInt(c.mem.u16(at)), T.NL_BRIDGE_VLAN_FLAGS, 'BRIDGE_VLAN_INFO_???')}, vid=${c.mem.u16(at + 2)}}`),
      IFLA_BRIDGE_VLAN_TUNNEL_INFO: nested(attrSpec(T.RTNL_IFLA_AF_SPEC_BRIDGE_VLAN_TUNNEL_INFO_ATTRS, 'IFLA_BRIDGE_VLAN_TUNNEL_???', {
        IFLA_BRIDGE_VLAN_TUNNEL_ID: u32, IFLA_BRIDGE_VLAN_TUNNEL_VID: u16, IFLA_BRIDGE_VLAN_TUNNEL_FLAGS: vlanFlags,
      })),
    });
    this.afSpec = new Map([[af('AF_INET'), inet], [af('AF_INET6'), inet6], [af('AF_MCTP'), mctp]]);
    // IFLA_AF_SPEC: attributes named by address family, each holding that family's attributes.
    const perFamily: AttrSpec = { names: families, unknown: 'AF_???', all: (c, at, len, type) => this.bySpec(c, at, len, this.afSpec.get(type & 0x3fff)) };
    this.link = attrSpec(this.x('IFLA', LINK_ATTRS), 'IFLA_???', {
      IFLA_ADDRESS: hwaddr, IFLA_BROADCAST: hwaddr, IFLA_PERM_ADDRESS: hwaddr, IFLA_IFNAME: str, IFLA_QDISC: str, IFLA_IFALIAS: str,
      IFLA_ALT_IFNAME: str, IFLA_PHYS_PORT_NAME: str, IFLA_PARENT_DEV_NAME: str, IFLA_PARENT_DEV_BUS_NAME: str, IFLA_OPERSTATE: u8,
      IFLA_LINKMODE: u8, IFLA_CARRIER: u8, IFLA_PROTO_DOWN: u8, IFLA_STATS64: linkStats(8), IFLA_STATS: linkStats(4),
      IFLA_LINK_NETNSID: s32, IFLA_NEW_NETNSID: s32, IFLA_IF_NETNSID: s32, IFLA_NEW_IFINDEX: ifindex,
      IFLA_AF_SPEC: (c, at, len, family) => attrs(c, at, len, family === af('AF_BRIDGE') ? bridgeSpec : perFamily),
      ...this.linkNested(brport),
      IFLA_PROTINFO: (c, at, len, family) => this.bySpec(c, at, len, family === af('AF_BRIDGE') ? brport : family === af('AF_INET6') ? inet6 : undefined),
      ...Object.fromEntries(['IFLA_MTU', 'IFLA_LINK', 'IFLA_MASTER', 'IFLA_TXQLEN', 'IFLA_WEIGHT', 'IFLA_NET_NS_PID', 'IFLA_NUM_VF', 'IFLA_GROUP',
        'IFLA_PROMISCUITY', 'IFLA_NUM_TX_QUEUES', 'IFLA_NUM_RX_QUEUES', 'IFLA_CARRIER_CHANGES', 'IFLA_GSO_MAX_SEGS', 'IFLA_GSO_MAX_SIZE',
        'IFLA_CARRIER_UP_COUNT', 'IFLA_CARRIER_DOWN_COUNT', 'IFLA_MIN_MTU', 'IFLA_MAX_MTU', 'IFLA_GRO_MAX_SIZE', 'IFLA_TSO_MAX_SIZE',
        'IFLA_TSO_MAX_SEGS', 'IFLA_ALLMULTI'].map((n) => [n, u32])),
    });
    this.addr = attrSpec(this.x('IFLA', ADDR_ATTRS), 'IFA_???', {
      IFA_ADDRESS: addr, IFA_LOCAL: addr, IFA_BROADCAST: addr, IFA_ANYCAST: addr, IFA_MULTICAST: addr,
      IFA_LABEL: str, IFA_RT_PRIORITY: u32, IFA_TARGET_NETNSID: s32, IFA_PROTO: u8, IFA_FLAGS: ifaFlags,
      IFA_CACHEINFO: fields(['ifa_prefered', 'ifa_valid', 'cstamp', 'tstamp'], 4),
    });
    this.route = attrSpec(this.x('RTM', ROUTE_ATTRS), 'RTA_???', {
      RTA_DST: addr, RTA_SRC: addr, RTA_GATEWAY: addr, RTA_PREFSRC: addr, RTA_NEWDST: addr,
      RTA_IIF: ifindex, RTA_OIF: ifindex, RTA_PRIORITY: u32, RTA_PROTOINFO: u32, RTA_FLOW: u32, RTA_MP_ALGO: u32, RTA_MARK: u32, RTA_UID: u32,
      RTA_PREF: u8, RTA_TTL_PROPAGATE: u8, RTA_IP_PROTO: u8, RTA_SPORT: u16, RTA_DPORT: u16, RTA_NH_ID: u32, RTA_EXPIRES: u64, RTA_TABLE: rtTable,
      RTA_CACHEINFO: (c, at, len) => (len < 32 ? undefined : obj(c, at, 32, () => {
        const f = (i: number) => c.mem.u32(at + 4 * i);
        return `{rta_clntref=${f(0)}, rta_lastuse=${f(1)}, rta_expires=${f(2)}, rta_error=${f(3)}, rta_used=${f(4)}, rta_id=${hexOf(f(5))}, rta_ts=${f(6)}, rta_tsage=${f(7)}}`;
      })),
      RTA_MFC_STATS: (c, at, len) => (len < 24 ? undefined : obj(c, at, 24, () => `{mfcs_packets=${c.mem.u64(at)}, mfcs_bytes=${c.mem.u64(at + 8)}, mfcs_wrong_if=${c.mem.u64(at + 16)}}`)),
      RTA_VIA: (c, at, len) => (len < 2 ? undefined : obj(c, at, 2, () => {
        const family = c.mem.u16(at);
        const fam = `rtvia_family=${this.fam(family)}`;
        if (len <= 2) return `{${fam}}`;
        const via = addr(c, at + 2, len - 2, family) ?? '';
        return `{${fam}, ${via.startsWith('inet_pton') ? via.replace(/\)$/, ', &rtvia_addr)') : `rtvia_addr=${via}`}}`;
      })),
      RTA_ENCAP_TYPE: (c, at, len) => (len < 2 ? undefined : obj(c, at, 2, () => formatValue(BigInt(c.mem.u16(at)), T.LWTUNNEL_ENCAP_TYPES, 'LWTUNNEL_ENCAP_???'))),
      RTA_METRICS: nested(attrSpec(T.RTNL_RTA_METRICS_ATTRS, 'RTAX_???', { ...Object.fromEntries(T.RTNL_RTA_METRICS_ATTRS.filter(([n]) => n !== 'RTAX_UNSPEC').map(([n]) => [n, u32])), RTAX_CC_ALGO: str })),
    });
    this.neigh = attrSpec(T.RTNL_NEIGH_ATTRS, 'NDA_???', {
      NDA_DST: addr, NDA_LLADDR: hwaddr, NDA_PROBES: u32, NDA_VLAN: u16, NDA_VNI: u32, NDA_IFINDEX: ifindex, NDA_MASTER: ifindex,
      NDA_LINK_NETNSID: u32, NDA_SRC_VNI: u32, NDA_NH_ID: u32, NDA_PORT: be16, NDA_PROTOCOL: ipProto,
      NDA_FLAGS_EXT: flags(T.NEIGHBOR_CACHE_ENTRY_EXT_FLAGS, 'NTF_EXT_???', 4),
      NDA_FDB_EXT_ATTRS: nested(attrSpec(T.RTNL_NEIGH_FDB_EXT_ATTRS, 'NFEA_???', { NFEA_ACTIVITY_NOTIFY: flags(T.FDB_NOTIFY_FLAGS, 'FDB_NOTIFY_???', 1) })),
      NDA_CACHEINFO: fields(['ndm_confirmed', 'ndm_used', 'ndm_updated', 'ndm_refcnt'], 4),
      NDA_NDM_STATE_MASK: flags(T.NEIGHBOR_CACHE_ENTRY_STATES, 'NUD_???', 2),
      NDA_NDM_FLAGS_MASK: flags(T.NEIGHBOR_CACHE_ENTRY_FLAGS, 'NTF_???', 1),
    });
    this.rule = attrSpec(T.RTNL_RULE_ATTRS, 'FRA_???', {
      FRA_DST: addr, FRA_SRC: addr, FRA_IIFNAME: str, FRA_GOTO: u32, FRA_PRIORITY: u32, FRA_FWMARK: u32, FRA_FLOW: u32,
      FRA_TUN_ID: be64, FRA_UID_RANGE: range, FRA_SPORT_RANGE: portRange, FRA_DPORT_RANGE: portRange, FRA_SUPPRESS_IFGROUP: u32, FRA_SUPPRESS_PREFIXLEN: u32, FRA_TABLE: rtTable, FRA_FWMASK: u32, FRA_OIFNAME: str,
      FRA_L3MDEV: u8, FRA_PROTOCOL: xval(this.x('RTM', RTPROTOS), 'RTPROT_???', 1), FRA_IP_PROTO: ipProto,
    });
    // Traffic control statistics (struct tc_stats, gnet_stats_*), estimators and size tables.
    const fieldList = (c: Ctx, at: number, list: Array<[string, 's8' | 'u8' | 'u16' | 's16' | 'u32' | 's32' | 'u64', number]>) =>
      `{${list.map(([n, t, o]) => `${n}=${t === 'u64' ? c.mem.u64(at + o) : t === 'u32' ? c.mem.u32(at + o) : t === 's32' ? c.mem.s32(at + o) : t === 'u16' ? c.mem.u16(at + o) : t === 's16' ? c.mem.view.getInt16(at + o, true) : t === 's8' ? c.mem.view.getInt8(at + o) : c.mem.u8(at + o)}`).join(', ')}}`;
    const struct = (size: number, list: Array<[string, 's8' | 'u8' | 'u16' | 's16' | 'u32' | 's32' | 'u64', number]>): NlaDecoder =>
      (c, at, len) => (len < size ? undefined : obj(c, at, size, () => fieldList(c, at, list)));
    const tcStats = struct(36, [['bytes', 'u64', 0], ['packets', 'u32', 8], ['drops', 'u32', 12], ['overlimits', 'u32', 16], ['bps', 'u32', 20], ['pps', 'u32', 24], ['qlen', 'u32', 28], ['backlog', 'u32', 32]]);
    const basic = struct(12, [['bytes', 'u64', 0], ['packets', 'u32', 8]]);
    const stats2 = nested(attrSpec(T.RTNL_TCA_STATS_ATTRS, 'TCA_STATS_???', {
      TCA_STATS_BASIC: basic, TCA_STATS_BASIC_HW: basic, TCA_STATS_PKT64: u64,
      TCA_STATS_RATE_EST: struct(8, [['bps', 'u32', 0], ['pps', 'u32', 4]]),
      TCA_STATS_QUEUE: struct(20, [['qlen', 'u32', 0], ['backlog', 'u32', 4], ['drops', 'u32', 8], ['requeues', 'u32', 12], ['overlimits', 'u32', 16]]),
      TCA_STATS_RATE_EST64: struct(16, [['bps', 'u64', 0], ['pps', 'u64', 8]]),
    }));
    const stab = nested(attrSpec(T.RTNL_TCA_STAB_ATTRS, 'TCA_STAB_???', {
      TCA_STAB_BASE: struct(24, [['cell_log', 'u8', 0], ['size_log', 'u8', 1], ['cell_align', 's16', 2], ['overhead', 's32', 4], ['linklayer', 'u32', 8], ['mpu', 'u32', 12], ['mtu', 'u32', 16], ['tsize', 'u32', 20]]),
      TCA_STAB_DATA: array(2, (c, at) => String(c.mem.u16(at))),
    }));
    this.tc = attrSpec(T.RTNL_TC_ATTRS, 'TCA_???', {
      TCA_KIND: str, TCA_STATS: tcStats, TCA_RATE: struct(2, [['interval', 's8', 0], ['ewma_log', 'u8', 1]]), TCA_FCNT: u32, TCA_STATS2: stats2, TCA_STAB: stab,
      TCA_CHAIN: u32, TCA_HW_OFFLOAD: u8, TCA_INGRESS_BLOCK: u32, TCA_EGRESS_BLOCK: u32, TCA_DUMP_FLAGS: u32,
    });
    this.tcAct = attrSpec(T.RTNL_TC_ACTION_ATTRS, 'TCA_ACT_???', {
      TCA_ACT_KIND: str, TCA_ACT_INDEX: u32, TCA_ACT_STATS: stats2, TCA_ACT_FLAGS: flags(T.RTNL_TCA_ACT_FLAGS, 'TCA_ACT_FLAGS_???', 4),
      TCA_ACT_HW_STATS: flags(T.RTNL_TCA_ACT_HW_STATS, 'TCA_ACT_HW_STATS_???', 4), TCA_ACT_USED_HW_STATS: flags(T.RTNL_TCA_ACT_HW_STATS, 'TCA_ACT_HW_STATS_???', 4),
      TCA_ACT_IN_HW_COUNT: u32,
    });
    // Bridge multicast database: router ports (an ifindex, then its attributes) and entries.
    const routerPort: NlaDecoder = (c, at, len) => {
      if (len < 4) return undefined;
      const head = obj(c, at, 4, () => ifindexText(c.mem.u32(at)));
      return len > 4 ? `${head}, ${attrs(c, at + 4, len - 4, attrSpec(T.RTNL_MDBA_ROUTER_PATTR_ATTRS, 'MDBA_ROUTER_PATTR_???', {
        MDBA_ROUTER_PATTR_TIMER: clockT, MDBA_ROUTER_PATTR_INET_TIMER: clockT, MDBA_ROUTER_PATTR_INET6_TIMER: clockT,
        MDBA_ROUTER_PATTR_TYPE: (c2, a) => obj(c2, a, 1, () => formatValue(BigInt(c2.mem.u8(a)), T.MULTICAST_ROUTER_TYPES, 'MDB_RTR_TYPE_???')),
      }))}` : head;
    };
    this.mdb = attrSpec(T.RTNL_MDB_ATTRS, 'MDBA_???', {
      MDBA_MDB: nested(attrSpec(T.RTNL_MDBA_MDB_ATTRS, 'MDBA_MDB_???', { MDBA_MDB_ENTRY: nested(attrSpec(T.RTNL_MDBA_MDB_ENTRY_ATTRS, 'MDBA_MDB_ENTRY_???')) })),
      MDBA_ROUTER: nested(attrSpec(T.RTNL_MDBA_ROUTER_ATTRS, 'MDBA_ROUTER_???', { MDBA_ROUTER_PORT: routerPort })),
    });
    this.specs = {
      ndt: attrSpec(T.RTNL_NEIGHTBL_ATTRS, 'NDTA_???', {
        NDTA_NAME: str, NDTA_THRESH1: u32, NDTA_THRESH2: u32, NDTA_THRESH3: u32, NDTA_GC_INTERVAL: u64,
        NDTA_CONFIG: (c, at, len) => (len < 32 ? undefined : obj(c, at, 32, () => {
          const m = c.mem;
          return `{ndtc_key_len=${m.u16(at)}, ndtc_entry_size=${m.u16(at + 2)}, ndtc_entries=${m.u32(at + 4)}, ndtc_last_flush=${m.u32(at + 8)}, ndtc_last_rand=${m.u32(at + 12)}, ` +
            `ndtc_hash_rnd=${m.u32(at + 16)}, ndtc_hash_mask=${hexOf(m.u32(at + 20))}, ndtc_hash_chain_gc=${m.u32(at + 24)}, ndtc_proxy_qlen=${m.u32(at + 28)}}`;
        })),
        NDTA_PARMS: nested(attrSpec(T.RTNL_NEIGHTBL_PARMS_ATTRS, 'NDTPA_???', {
          NDTPA_IFINDEX: ifindex, ...Object.fromEntries(['REFCNT', 'QUEUE_LEN', 'APP_PROBES', 'UCAST_PROBES', 'MCAST_PROBES', 'PROXY_QLEN', 'QUEUE_LENBYTES', 'MCAST_REPROBES'].map((n) => [`NDTPA_${n}`, u32])),
          ...Object.fromEntries(['REACHABLE_TIME', 'BASE_REACHABLE_TIME', 'RETRANS_TIME', 'GC_STALETIME', 'DELAY_PROBE_TIME', 'ANYCAST_DELAY', 'PROXY_DELAY', 'LOCKTIME', 'INTERVAL_PROBE_TIME_MS'].map((n) => [`NDTPA_${n}`, u64])),
        })),
        NDTA_STATS: (c, at, len) => {
          const names = ['ndts_allocs', 'ndts_destroys', 'ndts_hash_grows', 'ndts_res_failed', 'ndts_lookups', 'ndts_hits', 'ndts_rcv_probes_mcast', 'ndts_rcv_probes_ucast', 'ndts_periodic_gc_runs', 'ndts_forced_gc_runs', 'ndts_table_fulls'];
          const n = len >= 88 ? 11 : len === 80 ? 10 : 0;
          return n === 0 ? undefined : obj(c, at, 8 * n, () => `{${names.slice(0, n).map((f, i) => `${f}=${c.mem.u64(at + 8 * i)}`).join(', ')}}`);
        },
      }),
      netconf: attrSpec(T.RTNL_NETCONF_ATTRS, 'NETCONFA_???', {
        NETCONFA_IFINDEX: ifindex, NETCONFA_FORWARDING: s32, NETCONFA_RP_FILTER: s32, NETCONFA_MC_FORWARDING: s32, NETCONFA_PROXY_NEIGH: s32,
        NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN: s32, NETCONFA_INPUT: s32, NETCONFA_BC_FORWARDING: s32,
      }),
      dcb: attrSpec(T.RTNL_DCB_ATTRS, 'DCB_ATTR_???'),
      addrlabel: attrSpec(T.RTNL_ADDRLABEL_ATTRS, 'IFAL_???', { IFAL_ADDRESS: addr, IFAL_LABEL: u32 }),
      nh: attrSpec(T.RTNL_NEXTHOP_ATTRS, 'NHA_???', { NHA_ID: u32, NHA_OIF: ifindex, NHA_GATEWAY: addr, NHA_GROUP_TYPE: u16, NHA_MASTER: ifindex }),
      stats: this.ifstats(),
      nsid: attrSpec(T.RTNL_NSID_ATTRS, 'NETNSA_???', { NETNSA_NSID: s32, NETNSA_PID: u32, NETNSA_FD: u32, NETNSA_TARGET_NSID: s32, NETNSA_CURRENT_NSID: s32 }),
      ipmr: attrSpec(T.RTNL_IPMRA_CREPORT_ATTR, 'IPMRA_CREPORT_???', {
        IPMRA_CREPORT_MSGTYPE: xval(T.RTNL_IPMRA_MSG_TYPES, 'IGMPMSG_???', 1), IPMRA_CREPORT_TABLE: u32, IPMRA_CREPORT_VIF_ID: u32, IPMRA_CREPORT_SRC_ADDR: inAddr, IPMRA_CREPORT_DST_ADDR: inAddr,
      }),
      ip6mr: attrSpec(T.RTNL_IP6MRA_CREPORT_ATTR, 'IP6MRA_CREPORT_???', {
        IP6MRA_CREPORT_MSGTYPE: xval(T.RTNL_IP6MRA_MSG_TYPES, 'MRT6MSG_???', 1), IP6MRA_CREPORT_MIF_ID: u32, IP6MRA_CREPORT_SRC_ADDR: in6Addr, IP6MRA_CREPORT_DST_ADDR: in6Addr,
      }),
    };
  }

  /** if_stats_msg's attributes: link statistics, extended ones by link type, per-family ones. */
  private ifstats(): AttrSpec {
    const u64s = Object.fromEntries(T.IFSTATS_XSTATS_BOND_3AD_ATTRS.map(([n]) => [n, u64]));
    delete u64s.BOND_3AD_STAT_PAD;
    const bond3ad = attrSpec(T.IFSTATS_XSTATS_BOND_3AD_ATTRS, 'BOND_XSTATS_???', u64s);
    const bond = attrSpec(T.IFSTATS_XSTATS_BOND_ATTRS, 'BOND_XSTATS_???', { BOND_XSTATS_3AD: nested(bond3ad) });
    const bridgeVlan = structThenHex(40, (c, at) => {
      const m = c.mem;
      const pad2 = m.u32(at + 36);
      return `{rx_bytes=${m.u64(at)}, rx_packets=${m.u64(at + 8)}, tx_bytes=${m.u64(at + 16)}, tx_packets=${m.u64(at + 24)}, vid=${m.u16(at + 32)}, ` +
        `flags=${formatFlags(BigInt(m.u16(at + 34)), T.NL_BRIDGE_VLAN_FLAGS, 'BRIDGE_VLAN_INFO_???')}${pad2 ? `, pad2=${hexOf(pad2)}` : ''}}`;
    });
    const stp = structThenHex(48, (c, at) =>
      `{${['transition_blk', 'transition_fwd', 'rx_bpdu', 'tx_bpdu', 'rx_tcn', 'tx_tcn'].map((n, i) => `${n}=${c.mem.u64(at + 8 * i)}`).join(', ')}}`);
    // struct br_mcast_stats: per-direction counters (`[[BR_MCAST_DIR_RX]=1, [BR_MCAST_DIR_TX]=2]`) and two totals.
    const mcastFields = ['igmp_v1queries', 'igmp_v2queries', 'igmp_v3queries', 'igmp_leaves', 'igmp_v1reports', 'igmp_v2reports', 'igmp_v3reports', '=igmp_parse_errors',
      'mld_v1queries', 'mld_v2queries', 'mld_leaves', 'mld_v1reports', 'mld_v2reports', '=mld_parse_errors', 'mcast_bytes', 'mcast_packets'];
    const mcast = structThenHex(240, (c, at) => {
      let o = at;
      const parts = mcastFields.map((f) => {
        if (f.startsWith('=')) {
          o += 8;
          return `${f.slice(1)}=${c.mem.u64(o - 8)}`;
        }
        o += 16;
        return `${f}=[[BR_MCAST_DIR_RX]=${c.mem.u64(o - 16)}, [BR_MCAST_DIR_TX]=${c.mem.u64(o - 8)}]`;
      });
      return `{${parts.join(', ')}}`;
    });
    const bridge = attrSpec(T.IFSTATS_XSTATS_BRIDGE_ATTRS, 'BRIDGE_XSTATS_???', { BRIDGE_XSTATS_VLAN: bridgeVlan, BRIDGE_XSTATS_MCAST: mcast, BRIDGE_XSTATS_STP: stp });
    const xstats = nested(attrSpec(T.IFSTATS_XSTATS_TYPE_ATTRS, 'LINK_XSTATS_TYPE_???', { LINK_XSTATS_TYPE_BRIDGE: nested(bridge), LINK_XSTATS_TYPE_BOND: nested(bond) }));
    const offload = attrSpec(T.IFSTATS_OFFLOAD_ATTRS, 'IFLA_OFFLOAD_XSTATS_???', { IFLA_OFFLOAD_XSTATS_CPU_HIT: linkStats(8) });
    const mplsLink = structThenHex(72, (c, at) =>
      `{${['rx_packets', 'tx_packets', 'rx_bytes', 'tx_bytes', 'rx_errors', 'tx_errors', 'rx_dropped', 'tx_dropped', 'rx_noroute'].map((n, i) => `${n}=${c.mem.u64(at + 8 * i)}`).join(', ')}}`);
    const mpls = attrSpec(T.IFSTATS_AF_SPEC_MPLS_ATTRS, 'MPLS_STATS_???', { MPLS_STATS_LINK: mplsLink });
    const AF_MPLS = Number(this.tables.constants.AF?.AF_MPLS ?? -1);
    const perFamily: AttrSpec = { names: this.families, unknown: 'AF_???', all: (c, at, len, type) => this.bySpec(c, at, len, (type & 0x3fff) === AF_MPLS ? mpls : undefined) };
    return attrSpec(T.IFSTATS_ATTRS, 'IFLA_STATS_???', {
      IFLA_STATS_LINK_64: linkStats(8), IFLA_STATS_LINK_XSTATS: xstats, IFLA_STATS_LINK_XSTATS_SLAVE: xstats,
      IFLA_STATS_LINK_OFFLOAD_XSTATS: nested(offload), IFLA_STATS_AF_SPEC: (c, at, len) => attrs(c, at, len, perFamily),
    });
  }

  /** IFLA_PROTINFO's attributes for AF_BRIDGE (bridge port options). */
  private brport(): AttrSpec {
    const bridgeId: NlaDecoder = (c, at, len) =>
      len < 8 ? undefined : obj(c, at, 8, () => `{prio=[${c.mem.u8(at)}, ${c.mem.u8(at + 1)}], addr=${Array.from(c.mem.bytes.subarray(at + 2, at + 8), (b) => b.toString(16).padStart(2, '0')).join(':')}}`);
    const d: Record<string, NlaDecoder> = { IFLA_BRPORT_PRIORITY: u16, IFLA_BRPORT_COST: u32, IFLA_BRPORT_ROOT_ID: bridgeId, IFLA_BRPORT_BRIDGE_ID: bridgeId,
      IFLA_BRPORT_DESIGNATED_PORT: u16, IFLA_BRPORT_DESIGNATED_COST: u16, IFLA_BRPORT_ID: u16, IFLA_BRPORT_NO: u16,
      IFLA_BRPORT_MESSAGE_AGE_TIMER: clockT, IFLA_BRPORT_FORWARD_DELAY_TIMER: clockT, IFLA_BRPORT_HOLD_TIMER: clockT,
      IFLA_BRPORT_GROUP_FWD_MASK: x16, IFLA_BRPORT_BACKUP_PORT: ifindex, IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT: u32, IFLA_BRPORT_MCAST_EHT_HOSTS_CNT: u32 };
    for (const n of ['STATE', 'MODE', 'GUARD', 'PROTECT', 'FAST_LEAVE', 'LEARNING', 'UNICAST_FLOOD', 'PROXYARP', 'LEARNING_SYNC', 'PROXYARP_WIFI',
      'TOPOLOGY_CHANGE_ACK', 'CONFIG_PENDING', 'MULTICAST_ROUTER', 'MCAST_FLOOD', 'MCAST_TO_UCAST', 'VLAN_TUNNEL', 'BCAST_FLOOD', 'NEIGH_SUPPRESS',
      'ISOLATED', 'MRP_RING_OPEN', 'MRP_IN_OPEN', 'LOCKED']) d[`IFLA_BRPORT_${n}`] = u8;
    return attrSpec(T.RTNL_IFLA_BRPORT_ATTRS, 'IFLA_BRPORT_???', d);
  }

  /** The IFLA_* attributes strace decodes inside others: IFLA_LINKINFO by link kind, VF lists, XDP, ports, reasons. */
  private linkNested(brport: AttrSpec): Record<string, NlaDecoder> {
    const mac = (c: Ctx, at: number) => Array.from(c.mem.bytes.subarray(at, at + 32), (b) => b.toString(16).padStart(2, '0')).join(':');
    const vfStruct = (size: number, show: (c: Ctx, at: number) => string): NlaDecoder => (c, at, len) => (len < size ? undefined : obj(c, at, size, () => show(c, at)));
    const vfPair = (b: string) => vfStruct(8, (c, at) => `{vf=${c.mem.u32(at)}, ${b}=${c.mem.u32(at + 4)}}`);
    const vfGuid: NlaDecoder = (c, at, len) => {
      if (len !== 12 && len !== 16) return undefined;
      return obj(c, at, len, () => `{vf=${c.mem.u32(at)}, guid=0x${c.mem.view.getBigUint64(at + len - 8, true).toString(16)}}`);
    };
    const vfStats = attrSpec(T.RTNL_IFLA_VF_STATS_ATTRS, 'IFLA_VF_STATS_???', Object.fromEntries(
      ['RX_PACKETS', 'TX_PACKETS', 'RX_BYTES', 'TX_BYTES', 'BROADCAST', 'MULTICAST', 'RX_DROPPED', 'TX_DROPPED'].map((n) => [`IFLA_VF_STATS_${n}`, u64])));
    const vlanInfo = vfStruct(16, (c, at) =>
      `{vf=${c.mem.u32(at)}, vlan=${c.mem.u32(at + 4)}, qos=${c.mem.u32(at + 8)}, vlan_proto=htons(${formatValue(BigInt(c.mem.view.getUint16(at + 12, false)), T.ETHERNET_PROTOCOLS, 'ETH_P_???')})}`);
    const vfInfo = attrSpec(T.RTNL_IFLA_VF_INFO_ATTRS, 'IFLA_VF_???', {
      IFLA_VF_MAC: vfStruct(36, (c, at) => `{vf=${c.mem.u32(at)}, mac=${mac(c, at + 4)}}`),
      IFLA_VF_VLAN: vfStruct(12, (c, at) => `{vf=${c.mem.u32(at)}, vlan=${c.mem.u32(at + 4)}, qos=${c.mem.u32(at + 8)}}`),
      IFLA_VF_TX_RATE: vfPair('rate'), IFLA_VF_SPOOFCHK: vfPair('setting'),
      IFLA_VF_LINK_STATE: vfStruct(8, (c, at) => `{vf=${c.mem.u32(at)}, link_state=${formatValue(BigInt(c.mem.u32(at + 4)), T.RTNL_IFLA_VF_LINK_STATES, 'IFLA_VF_LINK_STATE_???')}}`),
      IFLA_VF_RATE: vfStruct(12, (c, at) => `{vf=${c.mem.u32(at)}, min_tx_rate=${c.mem.u32(at + 4)}, max_tx_rate=${c.mem.u32(at + 8)}}`),
      IFLA_VF_RSS_QUERY_EN: vfPair('setting'), IFLA_VF_STATS: nested(vfStats), IFLA_VF_TRUST: vfPair('setting'),
      IFLA_VF_IB_NODE_GUID: vfGuid, IFLA_VF_IB_PORT_GUID: vfGuid,
      IFLA_VF_VLAN_LIST: nested(attrSpec(T.RTNL_IFLA_VF_VLAN_LIST_ATTRS, 'IFLA_VF_VLAN_INFO_???', { IFLA_VF_VLAN_INFO: vlanInfo })),
      IFLA_VF_BROADCAST: vfStruct(32, (c, at) => `{broadcast=${mac(c, at)}}`),
    });
    const vsi = vfStruct(8, (c, at) => {
      const pad = c.mem.bytes.subarray(at + 5, at + 8);
      const padText = pad.some((b) => b !== 0) ? `, pad=${quoteBytes(pad, { hex: true })}` : '';
      return `{vsi_mgr_id=${c.mem.u8(at)}, vsi_type_id=${quoteBytes(c.mem.bytes.subarray(at + 1, at + 4), { hex: true })}, vsi_type_version=${c.mem.u8(at + 4)}${padText}}`;
    });
    const port = attrSpec(T.RTNL_IFLA_PORT_ATTRS, 'IFLA_VF_PORT_???', {
      IFLA_PORT_VF: u32, IFLA_PORT_PROFILE: str, IFLA_PORT_VSI_TYPE: vsi, IFLA_PORT_REQUEST: u8, IFLA_PORT_RESPONSE: u16,
    });
    const xdp = attrSpec(T.RTNL_IFLA_XDP_ATTRS, 'IFLA_XDP_???', {
      IFLA_XDP_FD: s32, IFLA_XDP_EXPECTED_FD: s32, IFLA_XDP_ATTACHED: xval(T.RTNL_IFLA_XDP_ATTACHED_MODE, 'XDP_ATTACHED_???', 1),
      IFLA_XDP_FLAGS: (c, at, len) => (len < 4 ? undefined : obj(c, at, 4, () => formatFlags(BigInt(c.mem.u32(at)), T.XDP_FLAGS, 'XDP_FLAGS_???'))),
      IFLA_XDP_PROG_ID: u32, IFLA_XDP_DRV_PROG_ID: u32, IFLA_XDP_SKB_PROG_ID: u32, IFLA_XDP_HW_PROG_ID: u32,
    });
    const querier = attrSpec(T.RTNL_IFLA_BR_MCAST_QUERIER_ATTRS, 'BRIDGE_QUERIER_???', {
      BRIDGE_QUERIER_IP_ADDRESS: inAddr, BRIDGE_QUERIER_IP_PORT: ifindex, BRIDGE_QUERIER_IP_OTHER_TIMER: clockT,
      BRIDGE_QUERIER_IPV6_ADDRESS: in6Addr, BRIDGE_QUERIER_IPV6_PORT: ifindex, BRIDGE_QUERIER_IPV6_OTHER_TIMER: clockT,
    });
    const bridgeId: NlaDecoder = (c, at, len) =>
      len < 8 ? undefined : obj(c, at, 8, () => `{prio=[${c.mem.u8(at)}, ${c.mem.u8(at + 1)}], addr=${Array.from(c.mem.bytes.subarray(at + 2, at + 8), (b) => b.toString(16).padStart(2, '0')).join(':')}}`);
    const brData: Record<string, NlaDecoder> = {
      IFLA_BR_STP_STATE: u32, IFLA_BR_PRIORITY: u16, IFLA_BR_VLAN_PROTOCOL: (c, at, len) => (len < 2 ? undefined : obj(c, at, 2, () => `htons(${formatValue(BigInt(c.mem.view.getUint16(at, false)), T.ETHERNET_PROTOCOLS, 'ETHER_P_???')})`)),
      IFLA_BR_GROUP_FWD_MASK: x16, IFLA_BR_ROOT_ID: bridgeId, IFLA_BR_BRIDGE_ID: bridgeId, IFLA_BR_ROOT_PORT: u16, IFLA_BR_ROOT_PATH_COST: u32,
      IFLA_BR_GROUP_ADDR: hwaddr, IFLA_BR_VLAN_DEFAULT_PVID: u16, IFLA_BR_MCAST_QUERIER_STATE: nested(querier),
      IFLA_BR_MULTI_BOOLOPT: vfStruct(8, (c, at) => `{optval=${formatFlags(BigInt(c.mem.u32(at)), T.RTNL_IFLA_BR_BOOLOPT_FLAGS, '1<<BR_BOOLOPT_???')}, optmask=${formatFlags(BigInt(c.mem.u32(at + 4)), T.RTNL_IFLA_BR_BOOLOPT_FLAGS, '1<<BR_BOOLOPT_???')}}`),
    };
    for (const n of ['FORWARD_DELAY', 'HELLO_TIME', 'MAX_AGE', 'AGEING_TIME', 'HELLO_TIMER', 'TCN_TIMER', 'TOPOLOGY_CHANGE_TIMER', 'GC_TIMER', 'MCAST_LAST_MEMBER_INTVL',
      'MCAST_MEMBERSHIP_INTVL', 'MCAST_QUERIER_INTVL', 'MCAST_QUERY_INTVL', 'MCAST_QUERY_RESPONSE_INTVL', 'MCAST_STARTUP_QUERY_INTVL']) brData[`IFLA_BR_${n}`] = clockT;
    for (const n of ['VLAN_FILTERING', 'TOPOLOGY_CHANGE', 'TOPOLOGY_CHANGE_DETECTED', 'MCAST_ROUTER', 'MCAST_SNOOPING', 'MCAST_QUERY_USE_IFADDR', 'MCAST_QUERIER',
      'NF_CALL_IPTABLES', 'NF_CALL_IP6TABLES', 'NF_CALL_ARPTABLES', 'VLAN_STATS_ENABLED', 'MCAST_STATS_ENABLED', 'MCAST_IGMP_VERSION', 'MCAST_MLD_VERSION',
      'VLAN_STATS_PER_PORT']) brData[`IFLA_BR_${n}`] = u8;
    for (const n of ['MCAST_HASH_ELASTICITY', 'MCAST_HASH_MAX', 'MCAST_LAST_MEMBER_CNT', 'MCAST_STARTUP_QUERY_CNT']) brData[`IFLA_BR_${n}`] = u32;
    const bridge = attrSpec(T.RTNL_IFLA_INFO_DATA_BRIDGE_ATTRS, 'IFLA_BR_???', brData);
    const tun = attrSpec(T.RTNL_IFLA_INFO_DATA_TUN_ATTRS, 'IFLA_TUN_???', {
      IFLA_TUN_OWNER: uid, IFLA_TUN_GROUP: uid, IFLA_TUN_TYPE: xval(T.TUN_DEVICE_TYPES, 'IFF_???', 1), IFLA_TUN_PI: u8, IFLA_TUN_VNET_HDR: u8,
      IFLA_TUN_PERSIST: u8, IFLA_TUN_MULTI_QUEUE: u8, IFLA_TUN_NUM_QUEUES: u32, IFLA_TUN_NUM_DISABLED_QUEUES: u32,
    });
    const canStats = vfStruct(24, (c, at) => `{${['bus_error', 'error_warning', 'error_passive', 'bus_off', 'arbitration_lost', 'restarts'].map((n, i) => `${n}=${c.mem.u32(at + 4 * i)}`).join(', ')}}`);
    // The kind a link's IFLA_INFO_KIND names (at most 15 bytes and a NUL), which IFLA_INFO_DATA and IFLA_INFO_XSTATS depend on.
    const kindOf = (c: Ctx, at: number, len: number) => {
      if (len >= 16 || !c.mem.has(at, len)) return '';
      const b = c.mem.bytes.subarray(at, at + len);
      const nul = b.indexOf(0);
      return nul < 0 ? '' : Buffer.from(b.subarray(0, nul)).toString('latin1');
    };
    const linkinfo: NlaDecoder = (c, at, len) => {
      const ctx = { kind: '', slave: '' };
      return attrs(c, at, len, attrSpec(T.RTNL_IFLA_INFO_ATTRS, 'IFLA_INFO_???', {
        IFLA_INFO_KIND: (c2, a, l) => ((ctx.kind = kindOf(c2, a, l)), cstr(c2, a, l, 0)),
        IFLA_INFO_SLAVE_KIND: (c2, a, l) => ((ctx.slave = kindOf(c2, a, l)), cstr(c2, a, l, 0)),
        IFLA_INFO_DATA: (c2, a, l) => (ctx.kind === 'bridge' ? attrs(c2, a, l, bridge) : ctx.kind === 'tun' ? attrs(c2, a, l, tun) : undefined),
        IFLA_INFO_XSTATS: (c2, a, l) => (ctx.kind === 'can' ? canStats(c2, a, l, 0) : undefined),
        IFLA_INFO_SLAVE_DATA: (c2, a, l) => (ctx.slave === 'bridge' ? attrs(c2, a, l, brport) : undefined),
      }));
    };
    const altName: AttrSpec = { names: this.x('IFLA', LINK_ATTRS), unknown: 'IFLA_???', all: (c, at, len, type) => ((type & 0x3fff) === Number(this.tables.constants.IFLA?.IFLA_ALT_IFNAME ?? -1) ? str(c, at, len, 0) : undefined) };
    return {
      IFLA_LINKINFO: linkinfo,
      IFLA_VFINFO_LIST: nested(attrSpec(T.RTNL_IFLA_VFINFO_LIST_ATTRS, 'IFLA_VF_INFO_???', { IFLA_VF_INFO: nested(vfInfo) })),
      IFLA_VF_PORTS: nested(attrSpec(T.RTNL_IFLA_VF_PORT_ATTRS, 'IFLA_VF_PORT_???', { IFLA_VF_PORT: nested(port) })),
      IFLA_PORT_SELF: nested(port),
      IFLA_XDP: nested(xdp),
      IFLA_EXT_MASK: flags(T.RTNL_IFLA_EXT_FILTER_FLAGS, 'RTEXT_FILTER_???', 4),
      IFLA_EVENT: (c, at, len) => (len < 4 ? undefined : obj(c, at, 4, () => formatValue(BigInt(c.mem.u32(at)), T.RTNL_IFLA_EVENTS, 'IFLA_EVENT_???'))),
      IFLA_PROTO_DOWN_REASON: nested(attrSpec(T.RTNL_IFLA_PROTO_DOWN_REASON_ATTRS, 'IFLA_PROTO_DOWN_REASON_???', { IFLA_PROTO_DOWN_REASON_MASK: x32, IFLA_PROTO_DOWN_REASON_VALUE: x32 })),
      IFLA_PROP_LIST: (c, at, len) => attrs(c, at, len, altName),
      IFLA_NET_NS_FD: s32,
      IFLA_MAP: (c, at, len) => (len < 28 ? undefined : obj(c, at, 28, () => {
        const m = c.mem;
        return `{mem_start=0x${m.u64(at).toString(16)}, mem_end=0x${m.u64(at + 8).toString(16)}, base_addr=0x${m.u64(at + 16).toString(16)}, irq=${m.u16(at + 24)}, dma=${m.u8(at + 26)}, port=${m.u8(at + 27)}}`.replace(/=0x0([,}])/g, '=0$1');
      })),
    };
  }

  typeText(type: number): string {
    return formatValue(BigInt(type), this.types, 'RTM_???');
  }

  /** The flags of a request of `type`: by its kind (new, delete, get); RTM_DELACTION takes get's. */
  flagTable(type: number, news: Xlat, deletes: Xlat, gets: Xlat): Xlat {
    if (type === this.delAction) return gets;
    return [news, deletes, gets, []][type & 3];
  }

  /** decode_nla_af_spec: attributes of `spec`, or the bytes in hex for a family without one. */
  private bySpec(c: Ctx, at: number, len: number, spec: AttrSpec | undefined): string {
    return spec ? attrs(c, at, len, spec) : hex(c, at, len);
  }

  private fam(family: number): string {
    return formatValue(BigInt(family), this.families, 'AF_???');
  }

  /** The payload of rtnetlink message `type`: `len` bytes at `at`. */
  payload(c: Ctx, at: number, len: number, type: number): string {
    if (!c.mem.has(at, 1)) return c.mem.addr(at);
    const family = c.mem.u8(at);
    const name = this.types.find(([, v]) => v === BigInt(type))?.[0] ?? '';
    const kind = name.replace(/^RTM_(NEW|DEL|GET|SET)/, '');
    const m = c.mem;
    const x = (names: readonly string[], v: number, unknown: string, group = 'RTM') => named(v, this.x(group, names), unknown);
    // A family header: `{X_family=F, fields...}` when the payload holds `size` bytes, then attributes.
    const header = (prefix: string, size: number, body: (() => string) | undefined, spec: AttrSpec | undefined, opaque = family) => {
      const fam = `${prefix}family=${this.fam(family)}`;
      if (!body) {
        const head = `{${fam}}`;
        return len > align4(size) && spec ? `${head}, ${attrs(c, at + align4(size), len - align4(size), spec, opaque)}` : head;
      }
      if (len < size) return `{${fam}, ...}`;
      if (!m.has(at + 1, size - 1)) return `{${fam}, ${m.addr(at + 1)}}`;
      const head = `{${fam}, ${body()}}`;
      return len > align4(size) && spec ? `${head}, ${attrs(c, at + align4(size), len - align4(size), spec, opaque)}` : head;
    };
    const tos = (v: number) => formatFlags(BigInt(v), T.IP_TYPE_OF_SERVICES, 'IPTOS_TOS_???');
    const ifinfo = () => header('ifi_', 16, () =>
      `ifi_type=${x(ARPHRD, m.u16(at + 2), 'ARPHRD_???', 'ARPHRD')}, ifi_index=${ifindexText(m.u32(at + 4))}, ` +
      `ifi_flags=${formatFlags(BigInt(m.u32(at + 8)), this.x('IFF', IFF_NAMES), 'IFF_???')}, ifi_change=${hexOf(m.u32(at + 12))}`, this.link);
    switch (kind) {
      case 'LINK':
        return ifinfo();
      case 'ADDR':
      case 'MULTICAST':
      case 'ANYCAST':
        return header('ifa_', 8, () =>
          `ifa_prefixlen=${m.u8(at + 1)}, ifa_flags=${formatFlags(BigInt(m.u8(at + 2)), this.x('IFLA', IFA_FLAGS), 'IFA_F_???')}, ` +
          `ifa_scope=${x(SCOPES, m.u8(at + 3), '')}, ifa_index=${ifindexText(m.u32(at + 4))}`, this.addr);
      case 'ROUTE':
        return header('rtm_', 12, () =>
          `rtm_dst_len=${m.u8(at + 1)}, rtm_src_len=${m.u8(at + 2)}, rtm_tos=${tos(m.u8(at + 3))}, rtm_table=${x(TABLES_IDS, m.u8(at + 4), '')}, ` +
          `rtm_protocol=${x(RTPROTOS, m.u8(at + 5), 'RTPROT_???')}, rtm_scope=${x(SCOPES, m.u8(at + 6), '')}, rtm_type=${x(RTN_TYPES, m.u8(at + 7), 'RTN_???')}, ` +
          `rtm_flags=${formatFlags(BigInt(m.u32(at + 8)), T.ROUTING_FLAGS, 'RTM_F_???')}`, this.route);
      case 'NEIGH':
        if (name === 'RTM_GETNEIGH' && family === Number(this.tables.constants.AF?.AF_BRIDGE ?? -1)) return ifinfo();
        return header('ndm_', 12, () =>
          `ndm_ifindex=${ifindexText(m.u32(at + 4))}, ndm_state=${formatFlags(BigInt(m.u16(at + 8)), T.NEIGHBOR_CACHE_ENTRY_STATES, 'NUD_???')}, ` +
          `ndm_flags=${formatFlags(BigInt(m.u8(at + 10)), T.NEIGHBOR_CACHE_ENTRY_FLAGS, 'NTF_???')}, ndm_type=${x(RTN_TYPES, m.u8(at + 11), 'RTN_???')}`, this.neigh);
      case 'RULE':
        return header('', 12, () =>
          `dst_len=${m.u8(at + 1)}, src_len=${m.u8(at + 2)}, tos=${tos(m.u8(at + 3))}, table=${x(TABLES_IDS, m.u8(at + 4), 'RT_TABLE_???')}, ` +
          `action=${formatValue(BigInt(m.u8(at + 7)), T.FIB_RULE_ACTIONS, 'FR_ACT_???')}, flags=${formatFlags(BigInt(m.u32(at + 8)), T.FIB_RULE_FLAGS, 'FIB_RULE_???')}`, this.rule);
      case 'QDISC':
      case 'TCLASS':
      case 'TFILTER':
      case 'CHAIN':
        return header('tcm_', 20, () => `tcm_ifindex=${ifindexText(m.u32(at + 4))}, tcm_handle=${m.u32(at + 8)}, tcm_parent=${m.u32(at + 12)}, tcm_info=${m.u32(at + 16)}`, this.tc, 0);
      case 'ACTION':
        return header('tca_', 4, undefined, this.tcAct, 0);
      case 'NEIGHTBL':
        return header('ndtm_', 4, undefined, this.specs.ndt, 0);
      case 'ADDRLABEL':
        return header('ifal_', 12, () => `ifal_prefixlen=${m.u8(at + 2)}, ifal_flags=${m.u8(at + 3)}, ifal_index=${ifindexText(m.u32(at + 4))}, ifal_seq=${m.u32(at + 8)}`, this.specs.addrlabel);
      case 'DCB':
        return header('dcb_', 4, () => `cmd=${formatValue(BigInt(m.u8(at + 1)), T.DCB_COMMANDS, 'DCB_CMD_???')}`, this.specs.dcb);
      case 'NETCONF':
        return header('ncm_', 1, undefined, this.specs.netconf, 0);
      case 'MDB':
        return header('', 8, () => `ifindex=${ifindexText(m.u32(at + 4))}`, this.mdb, 0);
      case 'NSID':
        return header('rtgen_', 1, undefined, this.specs.nsid, 0);
      case 'STATS':
        return header('', 12, () => {
          const pads = `${m.u8(at + 1) ? `pad1=${hexOf(m.u8(at + 1))}, ` : ''}${m.u16(at + 2) ? `pad2=${hexOf(m.u16(at + 2))}, ` : ''}`;
          return `${pads}ifindex=${ifindexText(m.u32(at + 4))}, filter_mask=${formatFlags(BigInt(m.u32(at + 8)), T.IFSTATS_ATTR_FLAGS, '1<<IFLA_STATS_???')}`;
        }, this.specs.stats);
      case 'CACHEREPORT': {
        const famName = family === RTNL_FAMILY_IPMR ? 'RTNL_FAMILY_IPMR' : family === RTNL_FAMILY_IP6MR ? 'RTNL_FAMILY_IP6MR' : this.fam(family).replace('AF_???', 'RTNL_FAMILY_???');
        const head = `{rtgen_family=${famName}}`;
        if (len <= 4) return head;
        const spec = family === RTNL_FAMILY_IPMR ? this.specs.ipmr : family === RTNL_FAMILY_IP6MR ? this.specs.ip6mr : undefined;
        return `${head}, ${this.bySpec(c, at + 4, len - 4, spec)}`;
      }
      case 'NEXTHOP':
        return header('nh_', 8, () =>
          `nh_scope=${x(SCOPES, m.u8(at + 1), '')}, nh_protocol=${x(RTPROTOS, m.u8(at + 2), 'RTPROT_???')}, ${m.u8(at + 3) ? `resvd=${hexOf(m.u8(at + 3))}, ` : ''}` +
          `nh_flags=${formatFlags(BigInt(m.u32(at + 4)), T.ROUTE_NEXTHOP_FLAGS, 'RTNH_F_???')}`, this.specs.nh);
      default: {
        const head = `family=${this.fam(family)}`;
        return len > 1 ? `{${head}, data=${hex(c, at + 1, len - 1)}}` : `{${head}}`;
      }
    }
  }
}

/** strace's print_xlat_val of a field: hex, plain 0. */
const hexOf = (v: number) => (v === 0 ? '0' : `0x${v.toString(16)}`);

/**
 * Netlink messages as strace prints them (its netlink.c): a message is `[{nlmsg_len=32,
 * nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, nlmsg_seq=1, nlmsg_pid=0},
 * PAYLOAD]`, several are an array of those. Here: the header with each protocol's message types
 * and flags, errors (`{error=-ENOENT, msg=...}`), NLMSG_DONE, and the payloads of the families
 * strace decodes (route.ts: rtnetlink; diag.ts: sock_diag; netfilter's nfgenmsg and selinux's
 * messages below). Other payloads are shown as strace shows what it does not decode, their
 * bytes in hex, cut at -s (generic netlink's too: strace 6.1 names the controller's messages
 * `nlctrl` but has no decoder for their payload).
 *
 * The bytes are the call's data buffer as the kernel side delivered it, read whole; when only a
 * prefix could be read (the rest unmapped, the call failing with EFAULT), what lies past it
 * prints as its address, as strace prints what it could not read.
 */
import type { ArchTables } from '../../arch';
import { NETLINK_PROTOCOLS } from '../net';
import { currentBindingStyle, fixedXlat, formatFlags, formatValue, withBindingStyle, xlat, type Xlat } from '../xlat';
import { DiagDecoder } from './diag';
import { attrSpec, attrs, hex, Mem, nlValue, obj, str, strn, styledNl, u32, walk, type Ctx } from './nlattr';
import { RouteDecoder } from './route';
import * as T from './tables';

/** NETLINK_* protocol numbers (include/uapi/linux/netlink.h). */
const PROTO = { ROUTE: 0, SOCK_DIAG: 4, XFRM: 6, SELINUX: 7, AUDIT: 9, NETFILTER: 12, KOBJECT_UEVENT: 15, GENERIC: 16, CRYPTO: 21 } as const;
const NLMSG_HDRLEN = 16;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;

/** strace's netlink_types, netlink_flags and the per-type flag tables. */
const NLMSG_TYPES = fixedXlat([['NLMSG_NOOP', 1], ['NLMSG_ERROR', 2], ['NLMSG_DONE', 3], ['NLMSG_OVERRUN', 4]]);
const NLM_FLAGS = fixedXlat([['NLM_F_REQUEST', 1], ['NLM_F_MULTI', 2], ['NLM_F_ACK', 4], ['NLM_F_ECHO', 8], ['NLM_F_DUMP_INTR', 0x10], ['NLM_F_DUMP_FILTERED', 0x20]]);
const GET_FLAGS = fixedXlat([['NLM_F_DUMP', 0x300], ['NLM_F_ROOT', 0x100], ['NLM_F_MATCH', 0x200], ['NLM_F_ATOMIC', 0x400]]);
const NEW_FLAGS = fixedXlat([['NLM_F_REPLACE', 0x100], ['NLM_F_EXCL', 0x200], ['NLM_F_CREATE', 0x400], ['NLM_F_APPEND', 0x800]]);
const DELETE_FLAGS = fixedXlat([['NLM_F_NONREC', 0x100], ['NLM_F_BULK', 0x200]]);
const ACK_FLAGS = fixedXlat([['NLM_F_CAPPED', 0x100], ['NLM_F_ACK_TLVS', 0x200]]);
const SOCK_DIAG_TYPES = fixedXlat([['TCPDIAG_GETSOCK', 18], ['DCCPDIAG_GETSOCK', 19], ['SOCK_DIAG_BY_FAMILY', 20], ['SOCK_DESTROY', 21]]);
/** strace's nlmsgerr_attrs. */
const NLMSGERR_ATTRS = attrSpec(fixedXlat([['NLMSGERR_ATTR_UNUSED', 0], ['NLMSGERR_ATTR_MSG', 1], ['NLMSGERR_ATTR_OFFS', 2], ['NLMSGERR_ATTR_COOKIE', 3], ['NLMSGERR_ATTR_POLICY', 4]]), 'NLMSGERR_ATTR_???', {
  NLMSGERR_ATTR_MSG: str,
  NLMSGERR_ATTR_OFFS: u32,
  NLMSGERR_ATTR_COOKIE: (c, at, len) => obj(c, at, len, () => `[${Array.from(c.mem.bytes.subarray(at, at + Math.min(len, c.max)), String).join(', ')}${len > c.max ? ', ...' : ''}]`),
});
/** GENL_ID_CTRL: the generic controller's family id, which strace names by its family name. */
const GENL_ID_CTRL = 0x10;
/** Netfilter subsystems' message types, by subsystem id (strace's nf_nlmsg_types). */
const NF_TYPES: ReadonlyArray<readonly [Xlat, string] | undefined> = [
  undefined, [T.NF_CTNETLINK_MSG_TYPES, 'IPCTNL_MSG_CT_???'], [T.NF_CTNETLINK_EXP_MSG_TYPES, 'IPCTNL_MSG_EXP_???'],
  [T.NF_QUEUE_MSG_TYPES, 'NFQNL_MSG_???'], [T.NF_ULOG_MSG_TYPES, 'NFULNL_MSG_???'], [T.NF_OSF_MSG_TYPES, 'OSF_MSG_???'],
  [T.NF_IPSET_MSG_TYPES, 'IPSET_CMD_???'], [T.NF_ACCT_MSG_TYPES, 'NFNL_MSG_ACCT_???'], [T.NF_CTTIMEOUT_MSG_TYPES, 'IPCTNL_MSG_TIMEOUT_???'],
  [T.NF_CTHELPER_MSG_TYPES, 'NFNL_MSG_CTHELPER_???'], [T.NF_NFTABLES_MSG_TYPES, 'NFT_MSG_???'], [T.NF_NFT_COMPAT_MSG_TYPES, 'NFNL_MSG_COMPAT_???'],
  [T.NF_HOOK_MSG_TYPES, 'NFT_MSG_HOOK_???'],
];
/** Message type names and unknown comments of the protocols strace names plainly. */
const PLAIN_TYPES = new Map<number, readonly [Xlat, string]>([
  [PROTO.SOCK_DIAG, [SOCK_DIAG_TYPES, 'SOCK_DIAG_???']], [PROTO.AUDIT, [T.NL_AUDIT_TYPES, 'AUDIT_???']],
  [PROTO.CRYPTO, [T.NL_CRYPTO_TYPES, 'CRYPTO_MSG_???']], [PROTO.SELINUX, [T.NL_SELINUX_TYPES, 'SELNL_MSG_???']],
  [PROTO.XFRM, [T.NL_XFRM_TYPES, 'XFRM_MSG_???']],
]);
/** Attributes strace does not name (decode_nlattr without a table): types in hex. */
const UNNAMED_ATTRS = attrSpec([], '');
/** strace's netfilter_versions. */
const NFNETLINK_VERSIONS = fixedXlat([['NFNETLINK_V0', 0]]);

/** The name of `name` in `table`, for the flag tables keyed by message type. */
const valueOf = (table: Xlat, name: string) => Number(table.find(([n]) => n === name)?.[1] ?? -1);

/** The netlink decoder of one architecture's constants. */
export class NetlinkDecoder {
  private readonly route: RouteDecoder;
  private readonly diag: DiagDecoder;
  /** XFRM, crypto and netfilter request types by the flag table they take (strace's decode_nlmsg_flags_*). */
  private readonly typeFlags: Map<number, Map<number, Xlat>>;

  /** -X of the decoders being bound (xlat.ts's currentBindingStyle). */
  private readonly style = currentBindingStyle();

  constructor(private readonly tables: ArchTables, private readonly families: Xlat) {
    this.route = new RouteDecoder(tables, families);
    this.diag = new DiagDecoder(tables, families, xlat(tables, 'NETLINK', NETLINK_PROTOCOLS));
    const byNames = (table: Xlat, groups: Array<[Xlat, string[]]>, shift = 0) => {
      const m = new Map<number, Xlat>();
      for (const [flags, names] of groups) for (const n of names) m.set(valueOf(table, n) + shift, flags);
      return m;
    };
    const nf = new Map<number, Xlat>();
    const nfGroup = (subsys: number, table: Xlat, news: string[], gets: string[], dels: string[]) => {
      for (const [k, v] of byNames(table, [[NEW_FLAGS, news], [GET_FLAGS, gets], [DELETE_FLAGS, dels]], subsys << 8)) nf.set(k, v);
    };
    nfGroup(1, T.NF_CTNETLINK_MSG_TYPES, ['IPCTNL_MSG_CT_NEW'], ['IPCTNL_MSG_CT_GET', 'IPCTNL_MSG_CT_GET_CTRZERO', 'IPCTNL_MSG_CT_GET_STATS_CPU', 'IPCTNL_MSG_CT_GET_STATS', 'IPCTNL_MSG_CT_GET_DYING', 'IPCTNL_MSG_CT_GET_UNCONFIRMED'], ['IPCTNL_MSG_CT_DELETE']);
    nfGroup(2, T.NF_CTNETLINK_EXP_MSG_TYPES, ['IPCTNL_MSG_EXP_NEW'], ['IPCTNL_MSG_EXP_GET', 'IPCTNL_MSG_EXP_GET_STATS_CPU'], ['IPCTNL_MSG_EXP_DELETE']);
    nfGroup(7, T.NF_ACCT_MSG_TYPES, ['NFNL_MSG_ACCT_NEW'], ['NFNL_MSG_ACCT_GET', 'NFNL_MSG_ACCT_GET_CTRZERO'], ['NFNL_MSG_ACCT_DEL']);
    nfGroup(8, T.NF_CTTIMEOUT_MSG_TYPES, ['IPCTNL_MSG_TIMEOUT_NEW'], ['IPCTNL_MSG_TIMEOUT_GET'], ['IPCTNL_MSG_TIMEOUT_DELETE']);
    nfGroup(9, T.NF_CTHELPER_MSG_TYPES, ['NFNL_MSG_CTHELPER_NEW'], ['NFNL_MSG_CTHELPER_GET'], ['NFNL_MSG_CTHELPER_DEL']);
    nfGroup(10, T.NF_NFTABLES_MSG_TYPES,
      ['NFT_MSG_NEWTABLE', 'NFT_MSG_NEWCHAIN', 'NFT_MSG_NEWRULE', 'NFT_MSG_NEWSET', 'NFT_MSG_NEWSETELEM', 'NFT_MSG_NEWGEN', 'NFT_MSG_NEWOBJ', 'NFT_MSG_NEWFLOWTABLE'],
      ['NFT_MSG_GETTABLE', 'NFT_MSG_GETCHAIN', 'NFT_MSG_GETRULE', 'NFT_MSG_GETSET', 'NFT_MSG_GETSETELEM', 'NFT_MSG_GETGEN', 'NFT_MSG_GETOBJ', 'NFT_MSG_GETOBJ_RESET', 'NFT_MSG_GETFLOWTABLE'],
      ['NFT_MSG_DELTABLE', 'NFT_MSG_DELCHAIN', 'NFT_MSG_DELRULE', 'NFT_MSG_DELSET', 'NFT_MSG_DELSETELEM', 'NFT_MSG_DELOBJ', 'NFT_MSG_DELFLOWTABLE']);
    nfGroup(11, T.NF_NFT_COMPAT_MSG_TYPES, [], ['NFNL_MSG_COMPAT_GET'], []);
    nfGroup(12, T.NF_HOOK_MSG_TYPES, [], ['NFNL_MSG_HOOK_GET'], []);
    this.typeFlags = new Map([
      [PROTO.XFRM, byNames(T.NL_XFRM_TYPES, [
        [NEW_FLAGS, ['XFRM_MSG_NEWSA', 'XFRM_MSG_NEWPOLICY', 'XFRM_MSG_NEWAE', 'XFRM_MSG_NEWSADINFO', 'XFRM_MSG_NEWSPDINFO']],
        [DELETE_FLAGS, ['XFRM_MSG_DELSA', 'XFRM_MSG_DELPOLICY']],
        [GET_FLAGS, ['XFRM_MSG_GETSA', 'XFRM_MSG_GETPOLICY', 'XFRM_MSG_GETAE', 'XFRM_MSG_GETSADINFO', 'XFRM_MSG_GETSPDINFO']],
      ])],
      [PROTO.CRYPTO, byNames(T.NL_CRYPTO_TYPES, [[NEW_FLAGS, ['CRYPTO_MSG_NEWALG']], [DELETE_FLAGS, ['CRYPTO_MSG_DELALG', 'CRYPTO_MSG_DELRNG']], [GET_FLAGS, ['CRYPTO_MSG_GETALG']]])],
      [PROTO.NETFILTER, nf],
    ]);
  }

  /**
   * The messages the call sent or received: `len` bytes at user address `addr`, of which `data`
   * could be read (all of them, or a prefix when the rest was unreadable), on a socket of netlink
   * `protocol`; `max` is -s.
   */
  decode(data: Uint8Array, len: number, protocol: number, max: number, addr = 0n, failed = false): string {
    const c: Ctx = { mem: new Mem(data, addr), max, tables: this.tables, families: this.families, style: this.style };
    if (protocol === PROTO.KOBJECT_UEVENT) return this.uevent(c, len, failed);
    return withBindingStyle(this.style, () => walk(c, 0, len, NLMSG_HDRLEN, (at) => c.mem.u32(at), (at, rest) => this.message(c, at, rest, protocol)));
  }

  /**
   * A uevent (not netlink messages): udev's monitor header (`{prefix="libudev", magic=htonl(0xfeedcafe),
   * ...}`) and the properties after it, or the bytes as a string when it is not one or the call failed.
   */
  private uevent(c: Ctx, len: number, failed: boolean): string {
    const m = c.mem;
    const prefix = m.bytes.subarray(0, 8);
    if (failed || len < 40 || !m.has(0, 40) || Buffer.from(prefix).toString('latin1') !== 'libudev\0') return strn(c, 0, len, 0) ?? '';
    const be = (at: number) => `htonl(0x${m.view.getUint32(at, false).toString(16)})`.replace('(0x0)', '(0)');
    const head = `{prefix="libudev", magic=${be(8)}, header_size=${m.u32(12)}, properties_off=${m.u32(16)}, properties_len=${m.u32(20)}, ` +
      `filter_subsystem_hash=${be(24)}, filter_devtype_hash=${be(28)}, filter_tag_bloom_hi=${be(32)}, filter_tag_bloom_lo=${be(36)}}`;
    return len > 40 ? `[${head}, ${strn(c, 40, len - 40, 0)}]` : head;
  }

  /** decode_nlmsghdr_with_payload: the header at `at` and its payload within `len` bytes. */
  private message(c: Ctx, at: number, len: number, protocol: number): string {
    const m = c.mem;
    const type = m.u16(at + 4);
    const flags = m.u16(at + 6);
    const header = `{nlmsg_len=${m.u32(at)}, nlmsg_type=${this.typeText(type, protocol)}, nlmsg_flags=${this.flagsText(flags, type, protocol)}, nlmsg_seq=${m.u32(at + 8)}, nlmsg_pid=${m.u32(at + 12)}}`;
    const shown = Math.min(m.u32(at), len);
    if (shown <= NLMSG_HDRLEN) return header;
    return `[${header}, ${this.payload(c, at + NLMSG_HDRLEN, shown - NLMSG_HDRLEN, type, flags, protocol)}]`;
  }

  /** nlmsg_type as -X shows it (the netfilter subsystem and message together, as one number). */
  private typeText(type: number, protocol: number): string {
    return styledNl(type, this.typeName(type, protocol));
  }

  private typeName(type: number, protocol: number): string {
    if (type < 0x10) return formatValue(BigInt(type), NLMSG_TYPES, 'NLMSG_???');
    if (protocol === PROTO.ROUTE) return this.route.typeName(type);
    const plain = PLAIN_TYPES.get(protocol);
    if (plain) return formatValue(BigInt(type), plain[0], plain[1]);
    if (protocol === PROTO.NETFILTER) {
      const control = T.NL_NETFILTER_MSG_TYPES.find(([, v]) => v === BigInt(type));
      if (control) return control[0];
      const subsys = type >> 8;
      const sub = NF_TYPES[subsys];
      const msg = sub ? formatValue(BigInt(type & 0xff), sub[0], sub[1]) : `0x${(type & 0xff).toString(16)}`;
      return `${formatValue(BigInt(subsys), T.NL_NETFILTER_SUBSYS_IDS, 'NFNL_SUBSYS_???')}<<8|${msg}`;
    }
    if (protocol === PROTO.GENERIC && type === GENL_ID_CTRL) return 'nlctrl';
    if (protocol === PROTO.GENERIC) return `0x${type.toString(16)} /* GENERIC_FAMILY_??? */`;
    return `0x${type.toString(16)}`;
  }

  private flagsText(flags: number, type: number, protocol: number): string {
    let table: Xlat = [];
    if (type < 0x10) table = type === NLMSG_ERROR ? ACK_FLAGS : [];
    else if (protocol === PROTO.SOCK_DIAG) table = GET_FLAGS;
    else if (protocol === PROTO.ROUTE) table = this.route.flagTable(type, NEW_FLAGS, DELETE_FLAGS, GET_FLAGS);
    else table = this.typeFlags.get(protocol)?.get(type) ?? [];
    return styledNl(flags, formatFlags(BigInt(flags), [...NLM_FLAGS, ...table], 'NLM_F_???'));
  }

  /** decode_payload: `len` bytes at `at` of a message of `type`. */
  private payload(c: Ctx, at: number, len: number, type: number, flags: number, protocol: number): string {
    if (type === NLMSG_ERROR) return this.error(c, at, len, (flags & 0x100) !== 0, protocol);
    if (type >= 0x10 && protocol === PROTO.ROUTE) return this.route.payload(c, at, len, type);
    if (type >= 0x10 && protocol === PROTO.SOCK_DIAG) return this.diag.payload(c, at, len, type, flags);
    if (type >= 0x10 && protocol === PROTO.NETFILTER) return this.netfilter(c, at, len, type);
    if (type >= 0x10 && protocol === PROTO.SELINUX) {
      const selinux = this.selinux(c, at, len, type);
      if (selinux !== undefined) return selinux;
    }
    if (type === NLMSG_DONE && len === 4) return obj(c, at, 4, () => String(c.mem.s32(at)));
    return hex(c, at, len);
  }

  /** NLMSG_ERROR: `{error=-ENOENT, msg=[header, payload]}` (the request the error answers), then extended ack attributes. */
  private error(c: Ctx, at: number, len: number, capped: boolean, protocol: number): string {
    if (len < 20) return hex(c, at, len);
    if (!c.mem.has(at, 20)) return c.mem.addr(at);
    const err = c.mem.s32(at);
    const name = err < 0 ? this.tables.errnos.find((e) => e.number === -err && e.aliasOf === undefined)?.name : undefined;
    const errText = err === 0 ? '0' : name ? `-${name}` : String(err);
    const innerLen = Math.max(16, c.mem.u32(at + 4));
    const rest = len - 4;
    const payload = Math.min(rest, capped ? 16 : innerLen);
    const head = `{error=${errText}, msg=${this.message(c, at + 4, payload, protocol)}}`;
    if (rest <= payload) return head;
    return `[${head}, ${attrs(c, at + 4 + payload, rest - payload, NLMSGERR_ATTRS)}]`;
  }

  /** struct nfgenmsg, then the bytes after it. */
  private netfilter(c: Ctx, at: number, len: number, type: number): string {
    if (len < 4) return hex(c, at, len);
    return obj(c, at, 4, () => {
      const m = c.mem;
      const resId = m.view.getUint16(at + 2, false);
      const nftables = type >> 8 === 10;
      // strace works around kernels that sent res_id in host order (Linux v4.3's nf_tables).
      const res = nftables && resId === 10 ? 'htons(NFNL_SUBSYS_NFTABLES)' : nftables && m.u16(at + 2) === 10 ? 'NFNL_SUBSYS_NFTABLES' : `htons(${resId})`;
      const head = `{nfgen_family=${nlValue(BigInt(m.u8(at)), this.families, 'AF_???')}, version=${nlValue(BigInt(m.u8(at + 1)), NFNETLINK_VERSIONS, 'NFNETLINK_???')}, res_id=${res}}`;
      if (len <= 4) return head;
      const batch = type === valueOf(T.NL_NETFILTER_MSG_TYPES, 'NFNL_MSG_BATCH_BEGIN') || type === valueOf(T.NL_NETFILTER_MSG_TYPES, 'NFNL_MSG_BATCH_END');
      return `${head}, ${batch ? hex(c, at + 4, len - 4) : attrs(c, at + 4, len - 4, UNNAMED_ATTRS)}`;
    });
  }

  /** SELNL_MSG_SETENFORCE's `{val=1}` and SELNL_MSG_POLICYLOAD's `{seqno=1}`. */
  private selinux(c: Ctx, at: number, len: number, type: number): string | undefined {
    const field = type === valueOf(T.NL_SELINUX_TYPES, 'SELNL_MSG_SETENFORCE') ? 'val' : type === valueOf(T.NL_SELINUX_TYPES, 'SELNL_MSG_POLICYLOAD') ? 'seqno' : '';
    if (!field) return undefined;
    if (len < 4) return hex(c, at, len);
    return obj(c, at, 4, () => `{${field}=${field === 'val' ? c.mem.s32(at) : c.mem.u32(at)}}`);
  }
}

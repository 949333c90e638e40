/**
 * sock_diag payloads as strace prints them (its netlink_sock_diag.c and netlink_*_diag.c):
 * requests (NLM_F_REQUEST) and replies by the socket family in their first byte; a family
 * strace has no decoder for shows `{family=AF_INET, data="\x..."}`.
 */
import type { ArchTables } from '../../arch';
import { makedev } from '../files';
import { IPPROTO_NAMES, ipv6Text, sockaddrFormatter } from '../net';
import { quoteBytes } from '../quote';
import { fixedXlat, hexValue, xlat, type Xlat } from '../xlat';
import { align4, array, attrs, attrSpec, fields, flags, hex, indexedArray, nlFlags, nlIfindex, nlValue, nested, obj, seq, str, u16, u32, u64, u8, uid, uintOf, x16, x32, x64, x8, xval, type AttrSpec, type Ctx, type NlaDecoder } from './nlattr';
import * as T from './tables';

const AF_UNIX = 1;
const TCPDIAG_GETSOCK = 18;
const DCCPDIAG_GETSOCK = 19;
const NLM_F_REQUEST = 1;

const UDIAG_SHOW = fixedXlat([['UDIAG_SHOW_NAME', 1], ['UDIAG_SHOW_VFS', 2], ['UDIAG_SHOW_PEER', 4], ['UDIAG_SHOW_ICONS', 8], ['UDIAG_SHOW_RQLEN', 16], ['UDIAG_SHOW_MEMINFO', 32], ['UDIAG_SHOW_UID', 64]]);
/** strace's tcp_states, which the sock_diag state masks name bit by bit. */
const TCP_STATES = ['TCP_ESTABLISHED', 'TCP_SYN_SENT', 'TCP_SYN_RECV', 'TCP_FIN_WAIT1', 'TCP_FIN_WAIT2', 'TCP_TIME_WAIT', 'TCP_CLOSE', 'TCP_CLOSE_WAIT', 'TCP_LAST_ACK', 'TCP_LISTEN', 'TCP_CLOSING', 'TCP_NEW_SYN_RECV'];
const TCP_STATE_VALUES = seq(TCP_STATES, 1);
const SOCK_TYPES = seq(['SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET', 'SOCK_DCCP'], 1);
/** unix_diag_msg's attributes (enum UNIX_DIAG_*). */
const UNIX_DIAG_ATTRS = seq(['UNIX_DIAG_NAME', 'UNIX_DIAG_VFS', 'UNIX_DIAG_PEER', 'UNIX_DIAG_ICONS', 'UNIX_DIAG_RQLEN', 'UNIX_DIAG_MEMINFO', 'UNIX_DIAG_SHUTDOWN', 'UNIX_DIAG_UID']);

/** A state mask: `1<<TCP_ESTABLISHED|1<<TCP_SYN_SENT|...`. */
function states(mask: number): string {
  return nlFlags(BigInt(mask >>> 0), TCP_STATES.map((name, i) => [`1<<${name}`, 1n << BigInt(i + 1)] as const), '');
}

/** The unix socket name, cut at -s. */
const unixName: NlaDecoder = (c, at, len) =>
  obj(c, at, len, () => {
    const d = c.mem.bytes.subarray(at, at + len);
    const text = d.subarray(0, d.indexOf(0) < 0 ? d.length : d.indexOf(0));
    return quoteBytes(text.subarray(0, c.max), { truncated: text.length > c.max });
  });
const pair = (a: string, b: string): NlaDecoder => (c, at, len) => (len < 8 ? undefined : obj(c, at, 8, () => `{${a}=${c.mem.u32(at)}, ${b}=${c.mem.u32(at + 4)}}`));
const UNIX_ATTRS: AttrSpec = attrSpec(UNIX_DIAG_ATTRS, 'UNIX_DIAG_???', {
  UNIX_DIAG_NAME: unixName, UNIX_DIAG_PEER: u32, UNIX_DIAG_SHUTDOWN: u8, UNIX_DIAG_UID: u32,
  UNIX_DIAG_VFS: (c, at, len) => (len < 8 ? undefined : obj(c, at, 8, () => `{udiag_vfs_dev=${makedev(BigInt(c.mem.u32(at + 4)))}, udiag_vfs_ino=${c.mem.u32(at)}}`)),
  UNIX_DIAG_ICONS: array(4, (c, at) => String(c.mem.u32(at))), UNIX_DIAG_RQLEN: pair('udiag_rqueue', 'udiag_wqueue'),
});

/** The sock_diag decoder of one architecture's constants. */
export class DiagDecoder {
  private readonly inet: AttrSpec;
  private readonly inet0: Record<string, NlaDecoder>;
  private readonly inetReq: AttrSpec;
  private readonly netlink: AttrSpec;
  private readonly packet: AttrSpec;
  private readonly smc: AttrSpec;
  private readonly ipproto: Xlat;
  private readonly af: (name: string) => number;

  constructor(tables: ArchTables, private readonly families: Xlat, netlinkProtocols: Xlat) {
    this.netlinkProtocols = netlinkProtocols;
    this.ipproto = xlat(tables, 'IPPROTO', IPPROTO_NAMES);
    this.af = (name) => Number(tables.constants.AF?.[name] ?? -1);
    const ipProto: NlaDecoder = (c, at, len) => (len > 8 ? undefined : obj(c, at, len, () => nlValue(uintOf(c, at, len), this.ipproto, 'IPPROTO_???')));
    const meminfo = indexedArray(4, T.NETLINK_SK_MEMINFO_INDICES, 'SK_MEMINFO_???');
    const struct = (names: string[], size: 4 | 8) => fields(names, size);
    this.inet0 = {
      INET_DIAG_MEMINFO: struct(['idiag_rmem', 'idiag_wmem', 'idiag_fmem', 'idiag_tmem'], 4),
      INET_DIAG_VEGASINFO: struct(['tcpv_enabled', 'tcpv_rttcnt', 'tcpv_rtt', 'tcpv_minrtt'], 4),
      INET_DIAG_CONG: str, INET_DIAG_TOS: u8, INET_DIAG_TCLASS: u8, INET_DIAG_SKMEMINFO: meminfo,
      INET_DIAG_SHUTDOWN: (c, at, len) => (len > 8 || len < 1 ? undefined : obj(c, at, 1, () => {
        const v = BigInt(c.mem.u8(at));
        const names = nlFlags(v, T.INET_DIAG_SHUTDOWN_FLAGS, '???_SHUTDOWN');
        // RCV_SHUTDOWN and SEND_SHUTDOWN are not UAPI: strace shows the number with the names in a comment.
        return c.style === 'raw' || v === 0n ? hexValue(v) : names.includes('/*') ? names : `${hexValue(v)} /* ${names} */`;
      })),
      INET_DIAG_DCTCPINFO: (c, at, len) => (len < 16 ? undefined : obj(c, at, 16, () =>
        `{dctcp_enabled=${c.mem.u16(at)}, dctcp_ce_state=${c.mem.u16(at + 2)}, dctcp_alpha=${c.mem.u32(at + 4)}, dctcp_ab_ecn=${c.mem.u32(at + 8)}, dctcp_ab_tot=${c.mem.u32(at + 12)}}`)),
      INET_DIAG_PROTOCOL: ipProto, INET_DIAG_SKV6ONLY: u8, INET_DIAG_MARK: u32, INET_DIAG_CLASS_ID: u32, INET_DIAG_CGROUP_ID: u64,
      INET_DIAG_BBRINFO: (c, at, len) => (len < 20 ? undefined : obj(c, at, 20, () =>
        `{bbr_bw_lo=${hexValue(BigInt(c.mem.u32(at)))}, bbr_bw_hi=${hexValue(BigInt(c.mem.u32(at + 4)))}, bbr_min_rtt=${c.mem.u32(at + 8)}, bbr_pacing_gain=${c.mem.u32(at + 12)}, bbr_cwnd_gain=${c.mem.u32(at + 16)}}`)),
    };
    const tls = attrSpec(T.INET_DIAG_ULP_INFO_TLS_ATTRS, 'TLS_INFO_???', {
      TLS_INFO_VERSION: xval(T.TLS_INFO_VERSIONS, 'TLS_???_VERSION', 2), TLS_INFO_CIPHER: xval(T.TLS_INFO_CIPHERS, 'TLS_CIPHER_???', 2),
      TLS_INFO_TXCONF: xval(T.TLS_INFO_CONFIGS, 'TLS_CONF_???', 2), TLS_INFO_RXCONF: xval(T.TLS_INFO_CONFIGS, 'TLS_CONF_???', 2),
    });
    const mptcp = attrSpec(T.INET_DIAG_ULP_INFO_MPTCP_ATTRS, 'MPTCP_SUBFLOW_ATTR_???', {
      MPTCP_SUBFLOW_ATTR_TOKEN_REM: x32, MPTCP_SUBFLOW_ATTR_TOKEN_LOC: x32, MPTCP_SUBFLOW_ATTR_RELWRITE_SEQ: u32, MPTCP_SUBFLOW_ATTR_MAP_SEQ: u64,
      MPTCP_SUBFLOW_ATTR_MAP_SFSEQ: u32, MPTCP_SUBFLOW_ATTR_SSN_OFFSET: u32, MPTCP_SUBFLOW_ATTR_MAP_DATALEN: u16,
      MPTCP_SUBFLOW_ATTR_FLAGS: flags(T.MPTCP_SUBFLOW_FLAGS, 'MPTCP_SUBFLOW_FLAG_???', 4), MPTCP_SUBFLOW_ATTR_ID_REM: u8, MPTCP_SUBFLOW_ATTR_ID_LOC: u8,
    });
    const ulp = attrSpec(T.INET_DIAG_ULP_INFO_ATTRS, 'INET_ULP_INFO_???', { INET_ULP_INFO_NAME: str, INET_ULP_INFO_TLS: nested(tls), INET_ULP_INFO_MPTCP: nested(mptcp) });
    const xint: NlaDecoder = (c, at, len) => (len === 1 ? x8 : len === 2 ? x16 : len === 4 ? x32 : len === 8 ? x64 : () => undefined)(c, at, len, 0);
    const storage = attrSpec(T.INET_DIAG_BPF_STORAGE_ATTRS, 'SK_DIAG_BPF_STORAGE_???', { SK_DIAG_BPF_STORAGE_MAP_ID: u32, SK_DIAG_BPF_STORAGE_MAP_VALUE: xint });
    const storages = attrSpec(T.INET_DIAG_BPF_STORAGES_ATTRS, 'SK_DIAG_BPF_STORAGE_???', { SK_DIAG_BPF_STORAGE: nested(storage) });
    // INET_DIAG_MD5SIG: an array of struct tcp_diag_md5sig (100 bytes each).
    const md5sig = array(100, (c, p) => {
      const m = c.mem;
      const family = m.u8(p);
      const keylen = Math.min(m.u16(p + 2), 80);
      return `{tcpm_family=${nlValue(BigInt(family), this.families, 'AF_???')}, tcpm_prefixlen=${m.u8(p + 1)}, tcpm_keylen=${m.u16(p + 2)}, ` +
        `${this.inetField(c, p + 4, family, 'tcpm_addr')}, tcpm_key=${quoteBytes(m.bytes.subarray(p + 20, p + 20 + keylen), { hex: true })}}`;
    });
    // INET_DIAG_LOCALS/PEERS: an array of struct sockaddr_storage (128 bytes each).
    const sockaddr = sockaddrFormatter(tables);
    const sockaddrs = array(128, (c, p) => sockaddr(c.mem.bytes.subarray(p, p + 128), 128));
    // INET_DIAG_SOCKOPT: struct inet_diag_sockopt's bit fields, the set ones only (strace's abbreviated form).
    const sockopt: NlaDecoder = (c, at, len) => {
      if (len < 2) return undefined;
      return obj(c, at, 2, () => {
        const bits = c.mem.u16(at);
        const names = ['recverr', 'is_icsk', 'freebind', 'hdrincl', 'mc_loop', 'transparent', 'mc_all', 'nodefrag', 'bind_address_no_port', 'recverr_rfc4884', 'defer_connect'];
        const parts = names.filter((_, i) => bits & (1 << i)).map((n) => `${n}=1`);
        const unused = bits >> 11;
        if (unused) parts.push(`unused=${hexValue(BigInt(unused))} /* bits 3..8 */`);
        const rest = c.mem.bytes.subarray(at + 2, at + Math.min(len, 4096));
        const tail = rest.some((b) => b !== 0) ? `, /* bytes 2..${Math.min(len, 4096) - 1} */ ${hex(c, at + 2, Math.min(len, 4096) - 2)}` : '';
        return `{${parts.join(', ')}}${tail}`;
      });
    };
    this.inet = attrSpec(T.INET_DIAG_ATTRS, 'INET_DIAG_???', {
      ...this.inet0, INET_DIAG_LOCALS: sockaddrs, INET_DIAG_PEERS: sockaddrs, INET_DIAG_ULP_INFO: nested(ulp), INET_DIAG_SK_BPF_STORAGES: nested(storages), INET_DIAG_MD5SIG: md5sig, INET_DIAG_SOCKOPT: sockopt,
    });
    // INET_DIAG_REQ_BYTECODE: an inet_diag_bc_op, then what its code takes.
    const bc = (v: number) => nlValue(BigInt(v), T.INET_DIAG_BYTECODES, 'INET_DIAG_BC_???');
    const op = (c: Ctx, at: number) => `{code=${bc(c.mem.u8(at))}, yes=${c.mem.u8(at + 1)}, no=${c.mem.u16(at + 2)}}`;
    const code = (name: string) => Number(T.INET_DIAG_BYTECODES.find(([n]) => n === name)?.[1] ?? -1);
    const operand = (c: Ctx, at: number, len: number, opcode: number): string => {
      const m = c.mem;
      if (opcode === code('INET_DIAG_BC_S_COND') || opcode === code('INET_DIAG_BC_D_COND')) {
        if (len < 8) return hex(c, at, len);
        return obj(c, at, 8, () => {
          const family = m.u8(at);
          const head = `family=${nlValue(BigInt(family), this.families, 'AF_???')}, prefix_len=${m.u8(at + 1)}, port=${m.s32(at + 4)}`;
          if (len === 8) return `{${head}}`;
          const size = family === this.af('AF_INET') ? 4 : family === this.af('AF_INET6') ? 16 : 0;
          const rest = len - 8;
          const address = !size || rest < size ? `addr=${hex(c, at + 8, rest)}`
            : !m.has(at + 8, size) ? `addr=${m.addr(at + 8)}`
              : size === 4 ? `addr=inet_addr("${Array.from(m.bytes.subarray(at + 8, at + 12)).join('.')}")` : `inet_pton(AF_INET6, "${ipv6Text(m.bytes.subarray(at + 8, at + 24))}", &addr)`;
          return `{${head}, ${address}}`;
        });
      }
      if (opcode === code('INET_DIAG_BC_DEV_COND')) return len < 4 ? hex(c, at, len) : obj(c, at, 4, () => nlIfindex(m.u32(at)));
      if ([code('INET_DIAG_BC_S_GE'), code('INET_DIAG_BC_S_LE'), code('INET_DIAG_BC_D_GE'), code('INET_DIAG_BC_D_LE')].includes(opcode)) {
        return len < 4 ? hex(c, at, len) : obj(c, at, 4, () => op(c, at));
      }
      if (opcode === code('INET_DIAG_BC_MARK_COND')) return len < 8 ? hex(c, at, len) : obj(c, at, 8, () => `{mark=${m.u32(at)}, mask=${m.u32(at + 4)}}`);
      return hex(c, at, len);
    };
    const bytecode: NlaDecoder = (c, at, len) => {
      if (len < 4) return undefined;
      if (!c.mem.has(at, 4)) return c.mem.addr(at);
      return len > 4 ? `${op(c, at)}, ${operand(c, at + 4, len - 4, c.mem.u8(at))}` : op(c, at);
    };
    this.inetReq = attrSpec(T.INET_DIAG_REQ_ATTRS, 'INET_DIAG_REQ_???', { INET_DIAG_REQ_PROTOCOL: ipProto, INET_DIAG_REQ_BYTECODE: bytecode });
    const u32s = (names: string[]) => (c: Ctx, at: number) => `{${names.map((n, i) => `${n}=${c.mem.u32(at + 4 * i)}`).join(', ')}}`;
    const sized = (size: number, show: (c: Ctx, at: number) => string): NlaDecoder => (c, at, len) => (len < size ? undefined : obj(c, at, size, () => show(c, at)));
    // NETLINK_DIAG_GROUPS: the group bitmap in words of the traced process (x86_64: 8 bytes).
    const groups = array(8, (c, at) => hexValue(c.mem.u64(at)));
    this.netlink = attrSpec(T.NETLINK_DIAG_ATTRS, 'NETLINK_DIAG_???', {
      NETLINK_DIAG_MEMINFO: meminfo, NETLINK_DIAG_GROUPS: groups,
      NETLINK_DIAG_RX_RING: sized(16, u32s(['ndr_block_size', 'ndr_block_nr', 'ndr_frame_size', 'ndr_frame_nr'])),
      NETLINK_DIAG_TX_RING: sized(16, u32s(['ndr_block_size', 'ndr_block_nr', 'ndr_frame_size', 'ndr_frame_nr'])),
      NETLINK_DIAG_FLAGS: sized(4, (c, at) => nlFlags(BigInt(c.mem.u32(at)), T.NETLINK_SOCKET_FLAGS, 'NDIAG_FLAG_???')),
    });
    const ring = sized(28, u32s(['pdr_block_size', 'pdr_block_nr', 'pdr_frame_size', 'pdr_frame_nr', 'pdr_retire_tmo', 'pdr_sizeof_priv', 'pdr_features']));
    this.packet = attrSpec(T.PACKET_DIAG_ATTRS, 'PACKET_DIAG_???', {
      PACKET_DIAG_FANOUT: u32, PACKET_DIAG_UID: uid, PACKET_DIAG_MEMINFO: meminfo, PACKET_DIAG_RX_RING: ring, PACKET_DIAG_TX_RING: ring,
      PACKET_DIAG_INFO: sized(24, (c, at) =>
        `{pdi_index=${nlIfindex(c.mem.u32(at))}, pdi_version=${nlValue(BigInt(c.mem.u32(at + 4)), T.AF_PACKET_VERSIONS, 'TPACKET_???')}, pdi_reserve=${c.mem.u32(at + 8)}, ` +
        `pdi_copy_thresh=${c.mem.u32(at + 12)}, pdi_tstamp=${c.mem.u32(at + 16)}, pdi_flags=${nlFlags(BigInt(c.mem.u32(at + 20)), T.PACKET_DIAG_INFO_FLAGS, 'PDI_???')}}`),
      PACKET_DIAG_MCLIST: array(44, (c, p) => {
        const alen = Math.min(c.mem.u16(p + 10), 32);
        return `{pdmc_index=${nlIfindex(c.mem.u32(p))}, pdmc_count=${c.mem.u32(p + 4)}, pdmc_type=${c.mem.u16(p + 8)}, pdmc_alen=${c.mem.u16(p + 10)}, ` +
          `pdmc_addr=${quoteBytes(c.mem.bytes.subarray(p + 12, p + 12 + alen), { hex: true })}}`;
      }),
    });
    this.smc = attrSpec(T.SMC_DIAG_ATTRS, 'SMC_DIAG_???', { SMC_DIAG_SHUTDOWN: flags(T.SOCK_SHUTDOWN_FLAGS, '???_SHUTDOWN', 1) });
  }
  private readonly netlinkProtocols: Xlat;

  /** A sock_diag message of `type` (`len` bytes at `at`), a request when `flags` has NLM_F_REQUEST. */
  payload(c: Ctx, at: number, len: number, type: number, flags: number): string {
    if (!c.mem.has(at, 1)) return c.mem.addr(at);
    const family = c.mem.u8(at);
    const fam = nlValue(BigInt(family), this.families, 'AF_???');
    const request = (flags & NLM_F_REQUEST) !== 0;
    const m = c.mem;
    if (len > 1) {
      // A family header of `size` bytes (`{prefix_family=F, body}`), then attributes of `spec`.
      const header = (prefix: string, size: number, body: () => string, spec?: AttrSpec) => {
        const head = `${prefix}family=${fam}`;
        if (len < size) return `{${head}, ...}`;
        if (!m.has(at + 1, size - 1)) return `{${head}, ${m.addr(at + 1)}}`;
        const text = `{${head}, ${body()}}`;
        return spec && len > align4(size) ? `${text}, ${attrs(c, at + align4(size), len - align4(size), spec)}` : text;
      };
      if (family === AF_UNIX) return request ? this.unixReq(c, at, len, fam) : this.unixMsg(c, at, len, fam);
      if (family === this.af('AF_INET') || family === this.af('AF_INET6')) {
        if (request && (type === TCPDIAG_GETSOCK || type === DCCPDIAG_GETSOCK)) {
          return header('idiag_', 60, () =>
            `idiag_src_len=${m.u8(at + 1)}, idiag_dst_len=${m.u8(at + 2)}, idiag_ext=${nlFlags(BigInt(m.u8(at + 3)), T.INET_DIAG_EXTENDED_FLAGS, '1<<INET_DIAG_???-1')}, ` +
            `id=${this.sockid(c, at + 4, family)}, idiag_states=${states(m.u32(at + 52))}, idiag_dbs=${m.u32(at + 56)}`, this.inetReq);
        }
        if (request) {
          return header('sdiag_', 56, () =>
            `sdiag_protocol=${nlValue(BigInt(m.u8(at + 1)), this.ipproto, 'IPPROTO_???')}, idiag_ext=${nlFlags(BigInt(m.u8(at + 2)), T.INET_DIAG_EXTENDED_FLAGS, '1<<INET_DIAG_???-1')}, ` +
            `idiag_states=${states(m.u32(at + 4))}, id=${this.sockid(c, at + 8, family)}`, this.inetReq);
        }
        return header('idiag_', 72, () =>
          `idiag_state=${nlValue(BigInt(m.u8(at + 1)), TCP_STATE_VALUES, 'TCP_???')}, idiag_timer=${m.u8(at + 2)}, idiag_retrans=${m.u8(at + 3)}, ` +
          `id=${this.sockid(c, at + 4, family)}, idiag_expires=${m.u32(at + 52)}, idiag_rqueue=${m.u32(at + 56)}, idiag_wqueue=${m.u32(at + 60)}, idiag_uid=${m.u32(at + 64)}, idiag_inode=${m.u32(at + 68)}`, this.inet);
      }
      if (family === this.af('AF_NETLINK')) {
        if (request) {
          return header('sdiag_', 20, () => {
            const proto = m.u8(at + 1);
            const protoText = proto === 255 ? 'NDIAG_PROTO_ALL' : nlValue(BigInt(proto), this.netlinkProtocols, 'NETLINK_???');
            return `sdiag_protocol=${protoText}, ndiag_ino=${m.u32(at + 4)}, ndiag_show=${nlFlags(BigInt(m.u32(at + 8)), T.NETLINK_DIAG_SHOW, 'NDIAG_SHOW_???')}, ndiag_cookie=[${m.u32(at + 12)}, ${m.u32(at + 16)}]`;
          });
        }
        return header('ndiag_', 28, () =>
          `ndiag_type=${nlValue(BigInt(m.u8(at + 1)), SOCK_TYPES, 'SOCK_???')}, ndiag_protocol=${nlValue(BigInt(m.u8(at + 2)), this.netlinkProtocols, 'NETLINK_???')}, ` +
          `ndiag_state=${nlValue(BigInt(m.u8(at + 3)), T.NETLINK_STATES, 'NETLINK_???')}, ndiag_portid=${m.u32(at + 4)}, ndiag_dst_portid=${m.u32(at + 8)}, ` +
          `ndiag_dst_group=${m.u32(at + 12)}, ndiag_ino=${m.u32(at + 16)}, ndiag_cookie=[${m.u32(at + 20)}, ${m.u32(at + 24)}]`, this.netlink);
      }
      if (family === this.af('AF_PACKET')) {
        if (request) {
          return header('sdiag_', 20, () =>
            `sdiag_protocol=${hexValue(BigInt(m.u8(at + 1)))}, pdiag_ino=${m.u32(at + 4)}, pdiag_show=${nlFlags(BigInt(m.u32(at + 8)), T.PACKET_DIAG_SHOW, 'PACKET_SHOW_???')}, pdiag_cookie=[${m.u32(at + 12)}, ${m.u32(at + 16)}]`);
        }
        return header('pdiag_', 16, () =>
          `pdiag_type=${nlValue(BigInt(m.u8(at + 1)), SOCK_TYPES, 'SOCK_???')}, pdiag_num=${nlValue(BigInt(m.u16(at + 2)), T.ETHERNET_PROTOCOLS, 'ETH_P_???')}, ` +
          `pdiag_ino=${m.u32(at + 4)}, pdiag_cookie=[${m.u32(at + 8)}, ${m.u32(at + 12)}]`, this.packet);
      }
      if (family === this.af('AF_SMC')) {
        if (request) {
          return header('diag_', 52, () =>
            `diag_ext=${nlFlags(BigInt(m.u8(at + 1)), T.SMC_DIAG_EXTENDED_FLAGS, '1<<SMC_DIAG_???-1')}, id=${this.sockid(c, at + 4, this.af('AF_INET'))}`);
        }
        return header('diag_', 64, () =>
          `diag_state=${nlValue(BigInt(m.u8(at + 1)), T.SMC_STATES, 'SMC_???')}, diag_fallback=${nlValue(BigInt(m.u8(at + 2)), T.SMC_DIAG_MODE, 'SMC_DIAG_MODE_???')}, ` +
          `diag_shutdown=${m.u8(at + 3)}, id=${this.sockid(c, at + 4, this.af('AF_INET'))}, diag_uid=${m.u32(at + 52)}, diag_inode=${m.view.getBigUint64(at + 56, true)}`, this.smc);
      }
    }
    const head = `family=${fam}`;
    return len > 1 ? `{${head}, data=${hex(c, at + 1, len - 1)}}` : `{${head}}`;
  }

  /** struct inet_diag_sockid at `at` (48 bytes), its addresses by `family`. */
  private sockid(c: Ctx, at: number, family: number): string {
    const m = c.mem;
    return `{idiag_sport=htons(${m.view.getUint16(at, false)}), idiag_dport=htons(${m.view.getUint16(at + 2, false)}), ${this.inetField(c, at + 4, family, 'idiag_src')}, ${this.inetField(c, at + 20, family, 'idiag_dst')}, ` +
      `idiag_if=${nlIfindex(m.u32(at + 36))}, idiag_cookie=[${m.u32(at + 40)}, ${m.u32(at + 44)}]}`;
  }

  /** PRINT_FIELD_INET_ADDR of a 16-byte field at `p`: `field=inet_addr("1.2.3.4")`, `inet_pton(AF_INET6, "::1", &field)`, or hex. */
  private inetField(c: Ctx, p: number, family: number, field: string): string {
    const b = c.mem.bytes;
    if (family === this.af('AF_INET')) return `${field}=inet_addr("${Array.from(b.subarray(p, p + 4)).join('.')}")`;
    if (family === this.af('AF_INET6')) return `inet_pton(AF_INET6, "${ipv6Text(b.subarray(p, p + 16))}", &${field})`;
    return `${field}=${quoteBytes(b.subarray(p, p + 16), { hex: true })}`;
  }

  private unixReq(c: Ctx, at: number, len: number, fam: string): string {
    const m = c.mem;
    if (len < 24) return `{sdiag_family=${fam}, ...}`;
    if (!m.has(at + 1, 23)) return `{sdiag_family=${fam}, ${m.addr(at + 1)}}`;
    return obj(c, at + 1, 23, () =>
      `{sdiag_family=${fam}, sdiag_protocol=${m.u8(at + 1)}, udiag_states=${states(m.u32(at + 4))}, udiag_ino=${m.u32(at + 8)}, ` +
      `udiag_show=${nlFlags(BigInt(m.u32(at + 12)), UDIAG_SHOW, 'UDIAG_SHOW_???')}, udiag_cookie=[${m.u32(at + 16)}, ${m.u32(at + 20)}]}`);
  }

  private unixMsg(c: Ctx, at: number, len: number, fam: string): string {
    const m = c.mem;
    if (len < 16) return `{udiag_family=${fam}, ...}`;
    if (!m.has(at + 1, 15)) return `{udiag_family=${fam}, ${m.addr(at + 1)}}`;
    const head = obj(c, at + 1, 15, () =>
      `{udiag_family=${fam}, udiag_type=${nlValue(BigInt(m.u8(at + 1)), SOCK_TYPES, 'SOCK_???')}, ` +
      `udiag_state=${nlValue(BigInt(m.u8(at + 2)), TCP_STATE_VALUES, 'TCP_???')}, udiag_ino=${m.u32(at + 4)}, udiag_cookie=[${m.u32(at + 8)}, ${m.u32(at + 12)}]}`);
    return len > 16 ? `${head}, ${attrs(c, at + 16, len - 16, UNIX_ATTRS)}` : head;
  }
}

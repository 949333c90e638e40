/**
 * sock_diag payloads as strace prints them (its netlink_sock_diag.c and netlink_*_diag.c):
 * requests (NLM_F_REQUEST) and replies by the socket family in their first byte; a family
 * strace has no decoder for shows `{family=AF_INET, data="\x..."}`.
 */
import { formatFlags, formatValue, fixedXlat } from '../xlat';
import { attrs, hex, obj, seq, u32, u8, type AttrSpec, attrSpec, type Ctx, type NlaDecoder } from './nlattr';
import { quoteBytes } from '../quote';

const AF_UNIX = 1;
const SOCK_DIAG_BY_FAMILY = 20;
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
  return formatFlags(BigInt(mask >>> 0), TCP_STATES.map((name, i) => [`1<<${name}`, 1n << BigInt(i + 1)] as const), '');
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
  UNIX_DIAG_VFS: pair('udiag_vfs_ino', 'udiag_vfs_dev'), UNIX_DIAG_RQLEN: pair('udiag_rqueue', 'udiag_wqueue'),
});

/** A sock_diag message of `type` (`len` bytes at `at`), a request when `flags` has NLM_F_REQUEST. */
export function diagPayload(c: Ctx, at: number, len: number, type: number, flags: number, families: (f: number) => string): string {
  if (!c.mem.has(at, 1)) return c.mem.addr(at);
  const family = c.mem.u8(at);
  const m = c.mem;
  if (type === SOCK_DIAG_BY_FAMILY && len > 1 && family === AF_UNIX) {
    const fam = families(family);
    if (flags & NLM_F_REQUEST) {
      if (len < 24) return `{sdiag_family=${fam}, ...}`;
      return obj(c, at + 1, 23, () =>
        `{sdiag_family=${fam}, sdiag_protocol=${m.u8(at + 1)}, udiag_states=${states(m.u32(at + 4))}, udiag_ino=${m.u32(at + 8)}, ` +
        `udiag_show=${formatFlags(BigInt(m.u32(at + 12)), UDIAG_SHOW, 'UDIAG_SHOW_???')}, udiag_cookie=[${m.u32(at + 16)}, ${m.u32(at + 20)}]}`);
    }
    if (len < 16) return `{udiag_family=${fam}, ...}`;
    const head = obj(c, at + 1, 15, () =>
      `{udiag_family=${fam}, udiag_type=${formatValue(BigInt(m.u8(at + 1)), SOCK_TYPES, 'SOCK_???')}, ` +
      `udiag_state=${formatValue(BigInt(m.u8(at + 2)), TCP_STATE_VALUES, 'TCP_???')}, udiag_ino=${m.u32(at + 4)}, udiag_cookie=[${m.u32(at + 8)}, ${m.u32(at + 12)}]}`);
    return len > 16 ? `${head}, ${attrs(c, at + 16, len - 16, UNIX_ATTRS)}` : head;
  }
  const head = `family=${families(family)}`;
  return len > 1 ? `{${head}, data=${hex(c, at + 1, len - 1)}}` : `{${head}}`;
}

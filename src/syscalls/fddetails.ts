/**
 * What strace -yy prints for an fd instead of its bare path (strace's printsocket, printdev,
 * printpidfd):
 * - a socket: its protocol and endpoints, `TCP:[127.0.0.1:40000->127.0.0.1:8080]`,
 *   `TCPv6:[[::1]:8080]` (listening: the local end alone), `UNIX-STREAM:[1234,"/run/a.sock"]`,
 *   `NETLINK:[ROUTE:5678]` (protocol and port id); a socket no table lists (not bound yet) as
 *   `TCP:[INODE]` when its protocol is known from its socket() call, else its path;
 * - a character or block device: `/dev/null<char 1:3>`;
 * - a pidfd: `pid:1234`.
 * strace asks the kernel over NETLINK_SOCK_DIAG; this reads the same sockets from the traced
 * process's /proc/PID/net/{tcp,udp,udplite,raw,icmp}{,6}, unix and netlink, which lack
 * one thing: a unix socket's peer inode (strace's `UNIX-STREAM:[1234->1235]`), so unix sockets
 * show their inode and path only. As in strace, a socket's details are looked up until found and
 * then kept (bounded), since they are fixed once it is bound or connected.
 */
import fs from 'node:fs';
import { quoteBytes } from './decoders/quote';
import { ipv6Text } from './decoders/net';

/** Files the details come from, injectable for tests. */
export interface DetailsSystem {
  /** A /proc text file as bytes; undefined on any error. */
  readFile(file: string): Buffer | undefined;
  /** stat(2)'s mode and rdev; undefined on any error. */
  stat(file: string): { mode: number; rdev: number } | undefined;
}

export const HOST_DETAILS: DetailsSystem = {
  readFile: (file) => {
    try {
      return fs.readFileSync(file);
    } catch {
      return undefined;
    }
  },
  stat: (file) => {
    try {
      const st = fs.statSync(file);
      return { mode: st.mode, rdev: st.rdev };
    } catch {
      return undefined;
    }
  },
};

/** What a socket() call said about a socket: enough to name its protocol while no table lists it. */
export interface SocketKind {
  family: number;
  type?: number;
  protocol: number;
}

const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_RAW = 3;
const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_UDPLITE = 136;
const S_IFMT = 0o170000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;

/** The inet tables: file, protocol name (strace's names), IPv6. */
const INET_TABLES: ReadonlyArray<readonly [string, string, boolean]> = [
  ['tcp', 'TCP', false],
  ['tcp6', 'TCPv6', true],
  ['udp', 'UDP', false],
  ['udp6', 'UDPv6', true],
  ['udplite', 'UDPLITE', false],
  ['udplite6', 'UDPLITEv6', true],
  ['raw', 'RAW', false],
  ['raw6', 'RAWv6', true],
  ['icmp', 'PING', false],
  ['icmp6', 'PINGv6', true],
];

/** Details kept per trace (found sockets, devices). */
const CACHE_MAX = 4096;

export class FdDetails {
  private readonly sockets = new Map<string, string>();
  private readonly devices = new Map<string, string | null>();

  /** `netlinkName(protocol)`: NETLINK_ROUTE's "ROUTE", or undefined for an unknown number. */
  constructor(
    private readonly netlinkName: (protocol: number) => string | undefined,
    private readonly system: DetailsSystem = HOST_DETAILS,
  ) {}

  /**
   * The -yy text of an fd of process `pid` whose path is `path`, or undefined when -yy shows the
   * path as -y does. `kind` is what its socket() call said, when the trace saw it.
   */
  describe(pid: number, fd: number, path: string, kind: SocketKind | undefined): string | undefined {
    const socket = /^socket:\[(\d+)\]$/.exec(path);
    if (socket) return this.socket(pid, socket[1], kind);
    if (path === 'anon_inode:[pidfd]') {
      const info = this.system.readFile(`/proc/${pid}/fdinfo/${fd}`)?.toString('latin1');
      const m = info ? /^Pid:\s*(-?\d+)$/m.exec(info) : null;
      return m && Number(m[1]) > 0 ? `pid:${m[1]}` : undefined;
    }
    if (path.startsWith('/')) return this.device(path);
    return undefined;
  }

  private socket(pid: number, inode: string, kind: SocketKind | undefined): string | undefined {
    const known = this.sockets.get(inode);
    if (known !== undefined) return known;
    const found = this.lookup(pid, inode, kind);
    if (found !== undefined) {
      if (this.sockets.size >= CACHE_MAX) this.sockets.clear();
      this.sockets.set(inode, found);
      return found;
    }
    const name = kind && protocolName(kind);
    return name === undefined ? undefined : `${name}:[${inode}]`;
  }

  /** The socket's entry in the /proc/PID/net table its family says, or in all of them. */
  private lookup(pid: number, inode: string, kind: SocketKind | undefined): string | undefined {
    const family = kind?.family;
    if (family === undefined || family === AF_INET || family === AF_INET6) {
      for (const [file, name, v6] of INET_TABLES) {
        if (family !== undefined && v6 !== (family === AF_INET6)) continue;
        const found = this.inet(pid, file, name, v6, inode);
        if (found !== undefined) return found;
      }
      if (family !== undefined) return undefined;
    }
    if (family === undefined || family === AF_UNIX) {
      const found = this.unix(pid, inode);
      if (found !== undefined || family !== undefined) return found;
    }
    if (family === undefined || family === AF_NETLINK) return this.netlink(pid, inode);
    return undefined;
  }

  private rows(pid: number, file: string): string[] {
    return (this.system.readFile(`/proc/${pid}/net/${file}`)?.toString('latin1') ?? '').split('\n').slice(1);
  }

  /** sl local_address rem_address st ... uid timeout inode */
  private inet(pid: number, file: string, name: string, v6: boolean, inode: string): string | undefined {
    for (const row of this.rows(pid, file)) {
      const f = row.trim().split(/\s+/);
      if (f[9] !== inode) continue;
      const local = endpoint(f[1], v6);
      const remote = endpoint(f[2], v6);
      if (local === undefined || remote === undefined) return undefined;
      return remote.zero ? `${name}:[${local.text}]` : `${name}:[${local.text}->${remote.text}]`;
    }
    return undefined;
  }

  /** Num RefCount Protocol Flags Type St Inode Path */
  private unix(pid: number, inode: string): string | undefined {
    for (const row of this.rows(pid, 'unix')) {
      const m = /^\s*\S+:\s+\S+\s+\S+\s+\S+\s+([0-9A-Fa-f]+)\s+\S+\s+(\d+)(?: (.*))?$/.exec(row);
      if (!m || m[2] !== inode) continue;
      const name = parseInt(m[1], 16) === SOCK_STREAM ? 'UNIX-STREAM' : 'UNIX';
      const path = m[3];
      if (path === undefined || path === '') return undefined; // strace: neither peer nor path, so no details
      const bytes = Buffer.from(path, 'latin1');
      const shown = bytes[0] === 0x40 ? `@${quoteBytes(bytes.subarray(1))}` : quoteBytes(bytes);
      return `${name}:[${inode},${shown}]`;
    }
    return undefined;
  }

  /** sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
  private netlink(pid: number, inode: string): string | undefined {
    for (const row of this.rows(pid, 'netlink')) {
      const f = row.trim().split(/\s+/);
      if (f[9] !== inode) continue;
      const protocol = this.netlinkName(Number(f[1]));
      return protocol === undefined ? `NETLINK:[${f[1]}]` : `NETLINK:[${protocol}:${f[2]}]`;
    }
    return undefined;
  }

  private device(path: string): string | undefined {
    let shown = this.devices.get(path);
    if (shown === undefined) {
      const st = this.system.stat(path);
      const type = st === undefined ? 0 : st.mode & S_IFMT;
      shown = type === S_IFCHR || type === S_IFBLK ? `${type === S_IFBLK ? 'block' : 'char'} ${major(st!.rdev)}:${minor(st!.rdev)}` : null;
      if (this.devices.size >= CACHE_MAX) this.devices.clear();
      this.devices.set(path, shown);
    }
    return shown === null ? undefined : `${path}<${shown}>`;
  }
}

/** The kernel's proto name of a socket its socket() call describes (what strace's getfdproto reads). */
function protocolName(k: SocketKind): string | undefined {
  const type = (k.type ?? 0) & 0xf;
  if (k.family === AF_UNIX) return type === SOCK_STREAM ? 'UNIX-STREAM' : 'UNIX';
  if (k.family === AF_NETLINK) return 'NETLINK';
  if (k.family !== AF_INET && k.family !== AF_INET6) return undefined;
  const v6 = k.family === AF_INET6 ? 'v6' : '';
  if (type === SOCK_STREAM && (k.protocol === 0 || k.protocol === IPPROTO_TCP)) return `TCP${v6}`;
  if (type === SOCK_DGRAM && k.protocol === IPPROTO_UDPLITE) return `UDPLITE${v6}`;
  if (type === SOCK_DGRAM && (k.protocol === 0 || k.protocol === IPPROTO_UDP)) return `UDP${v6}`;
  if (type === SOCK_DGRAM && k.protocol === IPPROTO_ICMP) return `PING${v6}`;
  if (type === SOCK_RAW) return `RAW${v6}`;
  return undefined;
}

/**
 * "0100007F:1F90" (or 32 hex digits for IPv6): the address as the kernel prints it (each 32-bit
 * word in host order, little-endian here) and the port; `zero` for the all-zero remote end of
 * a listening or unconnected socket.
 */
function endpoint(text: string | undefined, v6: boolean): { text: string; zero: boolean } | undefined {
  const m = text ? /^([0-9A-Fa-f]+):([0-9A-Fa-f]{4})$/.exec(text) : null;
  if (!m || m[1].length !== (v6 ? 32 : 8)) return undefined;
  const addr = new Uint8Array(m[1].length / 2);
  for (let w = 0; w < addr.length / 4; w++) {
    const word = parseInt(m[1].slice(8 * w, 8 * w + 8), 16);
    new DataView(addr.buffer).setUint32(4 * w, word, true);
  }
  const port = parseInt(m[2], 16);
  const zero = port === 0 && addr.every((b) => b === 0);
  const host = v6 ? `[${ipv6Text(addr)}]` : addr.join('.');
  return { text: `${host}:${port}`, zero };
}

/** Linux's major() and minor() of a dev_t. */
function major(dev: number): number {
  return Number(((BigInt(dev) >> 8n) & 0xfffn) | ((BigInt(dev) >> 32n) & ~0xfffn));
}

function minor(dev: number): number {
  return Number((BigInt(dev) & 0xffn) | ((BigInt(dev) >> 12n) & ~0xffn));
}

/**
 * The address families whose sockaddr strace spells out beyond the common ones (net.ts has
 * UNIX, INET, INET6, NETLINK and RXRPC): packet, vsock, Qualcomm IPC router, XDP, MCTP, the
 * kernel crypto API, IEEE 802.15.4, NFC, IPX, X.25 and AX.25, as strace's print_sockaddr_data_*
 * print them. Each is shown when the
 * address is at least its struct's size (strace's min_len), else as sa_data.
 */
import { ETHERNET_PROTOCOLS } from './ethernet';
import { fixedCString } from './fields';
import { quoteBytes } from './quote';
import { fixedXlat, formatFlags, formatValue, hexValue, type Xlat } from './xlat';

/** A family's printer: the fields after sa_family, from the address's bytes (zero beyond `len`). */
export interface FamilyPrinter {
  minLen: number;
  print(v: DataView, bytes: Uint8Array, len: number): string;
}

const PACKET_TYPES = fixedXlat(['HOST', 'BROADCAST', 'MULTICAST', 'OTHERHOST', 'OUTGOING', 'LOOPBACK', 'USER', 'KERNEL'].map((n, i) => [`PACKET_${n}`, i]));
const VSOCK_CIDS = fixedXlat([['VMADDR_CID_ANY', 0xffffffff], ['VMADDR_CID_HYPERVISOR', 0], ['VMADDR_CID_LOCAL', 1], ['VMADDR_CID_HOST', 2]]);
const VSOCK_PORTS = fixedXlat([['VMADDR_PORT_ANY', 0xffffffff]]);
const VSOCK_FLAGS = fixedXlat([['VMADDR_FLAG_TO_HOST', 1]]);
const QRTR_NODES = fixedXlat([['QRTR_NODE_BCAST', 0xffffffff]]);
const QRTR_PORTS = fixedXlat([['QRTR_PORT_CTRL', 0xfffffffe]]);
const XDP_FLAGS = fixedXlat([['XDP_SHARED_UMEM', 1], ['XDP_COPY', 2], ['XDP_ZEROCOPY', 4], ['XDP_USE_NEED_WAKEUP', 8]]);
const MCTP_NETS = fixedXlat([['MCTP_NET_ANY', 0]]);
const MCTP_ADDRS = fixedXlat([['MCTP_ADDR_NULL', 0], ['MCTP_ADDR_ANY', 0xff]]);
const IEEE802154_ADDR_TYPES = fixedXlat([['IEEE802154_ADDR_NONE', 0], ['IEEE802154_ADDR_SHORT', 2], ['IEEE802154_ADDR_LONG', 3]]);
const IEEE802154_PAN_IDS = fixedXlat([['IEEE802154_PANID_BROADCAST', 0xffff]]);
const IEEE802154_ADDRS = fixedXlat([['IEEE802154_ADDR_UNDEF', 0xfffe], ['IEEE802154_ADDR_BROADCAST', 0xffff]]);
const NFC_PROTOCOLS = fixedXlat(['JEWEL', 'MIFARE', 'FELICA', 'ISO14443', 'NFC_DEP', 'ISO14443_B', 'ISO15693'].map((n, i) => [`NFC_PROTO_${n}`, i + 1]));
const NFC_SAPS = fixedXlat([['LLCP_SAP_SDP', 1], ['LLCP_SAP_IP', 2], ['LLCP_SAP_OBEX', 3], ['LLCP_SAP_SNEP', 4], ['LLCP_SAP_MAX', 0xff]]);
/** The CRYPTO_ALG_* bits a sockaddr_alg's feat and mask may carry that strace names. */
const ALG_FLAGS = fixedXlat([['CRYPTO_ALG_KERN_DRIVER_ONLY', 0x1000]]);

/** A value by name, or in hex with no comment (strace's PRINT_FIELD_XVAL without a default). */
const named = (n: number, table: Xlat) => table.find(([, v]) => v === BigInt(n))?.[0] ?? hexValue(BigInt(n));
/** A byte as strace's PRINT_VAL_0X (printf's %#02x): 00 for zero, 0x1 for one. */
const byte0x = (b: number) => (b === 0 ? '00' : `0x${b.toString(16)}`);
/** PRINT_FIELD_XVAL_VERBOSE: the value in hex, its name (or `unknown`, when given) in a comment. */
const xvalVerbose = (n: number, table: Xlat, unknown?: string) => {
  const name = table.find(([, v]) => v === BigInt(n))?.[0] ?? unknown;
  return name ? `${hexValue(BigInt(n))} /* ${name} */` : hexValue(BigInt(n));
};
/** PRINT_FIELD_FLAGS_VERBOSE: 0, or the hex value with the names in a comment. */
const verboseFlags = (n: number, table: Xlat, unknown: string) => {
  if (n === 0) return '0';
  const names = formatFlags(BigInt(n), table, unknown);
  return names.includes('/*') ? names : `${hexValue(BigInt(n))} /* ${names} */`;
};

/**
 * An AX.25 address (7 bytes: a callsign of six shifted characters, then the SSID) as strace's
 * print_ax25_addr shows it: `VALID-13`, `*` for an empty one, the raw bytes with the reading in
 * a comment when it is not a well-formed callsign, only the raw bytes when it cannot be read.
 */
function ax25Address(call: Uint8Array): string {
  let style: 'abbrev' | 'verbose' | 'raw' = 'abbrev';
  let spaceSeen = false;
  let charSeen = false;
  for (let i = 0; i < 6; i++) {
    if (call[i] & 1) style = 'verbose';
    const c = call[i] >> 1;
    if (c === 0x20) spaceSeen = true;
    else charSeen = true;
    const sane = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x20;
    if (!sane || (c !== 0x20 && spaceSeen)) style = 'verbose';
    if (c < 0x20 || c > 0x7e || c === 0x2a || c === 0x2f) {
      style = 'raw';
      break;
    }
  }
  if (style !== 'raw' && ((call[6] & ~0x1e) || (!charSeen && call[6]))) style = 'verbose';
  const raw = `{ax25_call=${quoteBytes(call, { hex: true })}}`;
  if (style === 'raw') return raw;
  let end = 6;
  while (end > 0 && call[end - 1] >> 1 === 0x20) end--;
  const ssid = (call[6] >> 1) & 0xf;
  const text = `${String.fromCharCode(...Array.from(call.subarray(0, end), (b) => b >> 1))}-${ssid}`;
  const shown = text === '-0' ? '*' : text;
  return style === 'verbose' ? `${raw} /* ${shown} */` : shown;
}

export function familyPrinters(af: (name: string) => number, arphrd: Xlat, ifindex: (n: number) => string, hwaddr: (b: Uint8Array) => string): Map<number, FamilyPrinter> {
  const printers = new Map<number, FamilyPrinter>();
  // struct sockaddr_ieee802154: the address type, PAN id, and a short or a long (hardware) address.
  printers.set(af('AF_IEEE802154'), {
    minLen: 20,
    print: (v, bytes) => {
      const type = v.getInt32(4, true);
      let out = `addr={addr_type=${xvalVerbose(type >>> 0, IEEE802154_ADDR_TYPES, 'IEEE802154_ADDR_???')}, pan_id=${xvalVerbose(v.getUint16(8, true), IEEE802154_PAN_IDS)}`;
      if (type === 2) out += `, short_addr=${xvalVerbose(v.getUint16(10, true), IEEE802154_ADDRS)}`;
      else if (type !== 0) out += `, hwaddr=${hwaddr(bytes.subarray(10, 18))}`;
      return `${out}}`;
    },
  });
  // struct sockaddr_nfc, and sockaddr_nfc_llcp's service access points and name when the address is that long (96 bytes).
  printers.set(af('AF_NFC'), {
    minLen: 16,
    print: (v, bytes, len) => {
      const out = `dev_idx=${ifindex(v.getUint32(4, true))}, target_idx=${hexValue(BigInt(v.getUint32(8, true)))}, nfc_protocol=${formatValue(BigInt(v.getUint32(12, true)), NFC_PROTOCOLS, 'NFC_PROTO_???')}`;
      if (len < 96) return len > 16 ? `${out}, ...` : out;
      const nameLen = v.getBigUint64(88, true);
      const shown = nameLen < 63n ? Number(nameLen) : 63;
      return `${out}, dsap=${xvalVerbose(v.getUint8(16), NFC_SAPS)}, ssap=${xvalVerbose(v.getUint8(17), NFC_SAPS)}, service_name=${quoteBytes(bytes.subarray(18, 18 + shown))}, service_name_len=${nameLen}`;
    },
  });
  // struct sockaddr_ipx: port, network (big-endian), node, type, and sipx_zero when set.
  printers.set(af('AF_IPX'), {
    minLen: 16,
    print: (v, bytes) => {
      const x0 = byte0x;
      const zero = v.getUint8(15);
      return `sipx_port=htons(${v.getUint16(2, false)}), sipx_network=htonl(${hexValue(BigInt(v.getUint32(4, false)))}), sipx_node=[${Array.from(bytes.subarray(8, 14), x0).join(', ')}], ` +
        `sipx_type=${x0(v.getUint8(14))}${zero ? `, sipx_zero=${hexValue(BigInt(zero))}` : ''}`;
    },
  });
  // struct full_sockaddr_ax25: the callsign and digipeater count, then (when there are any, or the
  // address is longer) as many digipeaters as both the count and the length allow.
  printers.set(af('AF_AX25'), {
    minLen: 16,
    print: (v, bytes, len) => {
      const ndigis = v.getInt32(12, true);
      const head = `sax25_call=${ax25Address(bytes.subarray(2, 9))}, sax25_ndigis=${ndigis}`;
      if (ndigis === 0 && len <= 16) return head;
      const has = Math.min(Math.floor((len - 16) / 7), 8);
      const want = Math.min(Math.max(ndigis, 0), 8);
      let out = `fsa_ax25={${head}}`;
      if (want) {
        const items = Array.from({ length: Math.min(has, want) }, (_, i) => ax25Address(bytes.subarray(16 + 7 * i, 23 + 7 * i)));
        if (want > has) items.push('...');
        out += `, fsa_digipeater=[${items.join(', ')}]`;
      }
      return len > has * 7 + 16 ? `${out}, ...` : out;
    },
  });
  printers.set(af('AF_X25'), { minLen: 18, print: (_v, bytes) => `sx25_addr={x25_addr=${fixedCString(bytes.subarray(2, 18))}}` });
  // struct sockaddr_ll: protocol (big-endian), ifindex, hardware type, packet type, address.
  printers.set(af('AF_PACKET'), {
    minLen: 20,
    print: (v, bytes, len) => {
      const halen = v.getUint8(11);
      let out = `sll_protocol=htons(${formatValue(BigInt(v.getUint16(2, false)), ETHERNET_PROTOCOLS, 'ETH_P_???')}), sll_ifindex=${ifindex(v.getUint32(4, true))}, ` +
        `sll_hatype=${formatValue(BigInt(v.getUint16(8, true)), arphrd, 'ARPHRD_???')}, sll_pkttype=${formatValue(BigInt(v.getUint8(10)), PACKET_TYPES, 'PACKET_???')}, sll_halen=${halen}`;
      if (halen) {
        const items: string[] = [];
        for (let i = 0; i < halen; i++) {
          // What lies past the address's length is not shown.
          if (12 + i >= len) {
            items.push('...');
            break;
          }
          items.push(byte0x(bytes[12 + i] ?? 0));
        }
        out += `, sll_addr=[${items.join(', ')}]`;
      }
      return out;
    },
  });
  // struct sockaddr_vm: reserved1 when set, cid, port, flags, the zero bytes when set.
  printers.set(af('AF_VSOCK'), {
    minLen: 16,
    print: (v, bytes) => {
      const reserved = v.getUint16(2, true);
      const zero = bytes.subarray(13, 16);
      return `${reserved ? `svm_reserved1=${hexValue(BigInt(reserved))}, ` : ''}svm_cid=${named(v.getUint32(8, true), VSOCK_CIDS)}, svm_port=${named(v.getUint32(4, true), VSOCK_PORTS)}, ` +
        `svm_flags=${formatFlags(BigInt(v.getUint8(12)), VSOCK_FLAGS, 'VMADDR_FLAG_???')}${zero.some((b) => b !== 0) ? `, svm_zero=${quoteBytes(zero, { hex: true })}` : ''}`;
    },
  });
  printers.set(af('AF_QIPCRTR'), { minLen: 12, print: (v) => `sq_node=${named(v.getUint32(4, true), QRTR_NODES)}, sq_port=${named(v.getUint32(8, true), QRTR_PORTS)}` });
  // struct sockaddr_xdp: flags, ifindex, queue, and the shared umem's fd (in hex unless XDP_SHARED_UMEM).
  printers.set(af('AF_XDP'), {
    minLen: 16,
    print: (v) => {
      const flags = v.getUint16(2, true);
      const fd = v.getUint32(12, true);
      const umem = flags & 1 ? `, sxdp_shared_umem_fd=${fd | 0}` : fd ? `, sxdp_shared_umem_fd=${hexValue(BigInt(fd))}` : '';
      return `sxdp_flags=${formatFlags(BigInt(flags), XDP_FLAGS, 'XDP_???')}, sxdp_ifindex=${ifindex(v.getUint32(4, true))}, sxdp_queue_id=${v.getUint32(8, true)}${umem}`;
    },
  });
  // struct sockaddr_mctp: the paddings only when set.
  printers.set(af('AF_MCTP'), {
    minLen: 12,
    print: (v) => {
      const pad0 = v.getUint16(2, true);
      const pad1 = v.getUint8(11);
      return `${pad0 ? `__smctp_pad0=${hexValue(BigInt(pad0))}, ` : ''}smctp_network=${named(v.getUint32(4, true), MCTP_NETS)}, smctp_addr={s_addr=${named(v.getUint8(8), MCTP_ADDRS)}}, ` +
        `smctp_type=${hexValue(BigInt(v.getUint8(9)))}, smctp_tag=${hexValue(BigInt(v.getUint8(10)))}${pad1 ? `, __smctp_pad1=${hexValue(BigInt(pad1))}` : ''}`;
    },
  });
  // struct sockaddr_alg_new: type, feat, mask, and the name to the address's end.
  printers.set(af('AF_ALG'), {
    minLen: 25,
    print: (v, bytes, len) =>
      `salg_type=${fixedCString(bytes.subarray(2, 16))}, salg_feat=${verboseFlags(v.getUint32(16, true), ALG_FLAGS, 'CRYPTO_ALG_???')}, ` +
      `salg_mask=${verboseFlags(v.getUint32(20, true), ALG_FLAGS, 'CRYPTO_ALG_???')}, salg_name=${fixedCString(bytes.subarray(24, len))}`,
  });
  return printers;
}

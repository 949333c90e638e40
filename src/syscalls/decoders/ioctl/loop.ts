/**
 * Loop devices ('L', linux/loop.h) as strace's loop decoder shows them: struct loop_info,
 * loop_info64 and loop_config, abbreviated unless -v (the device numbers, the key and the init
 * words only in full; the cipher only when there is one).
 */
import { makedev } from '../files';
import { fixedCString } from '../fields';
import { quoteBytes } from '../quote';
import { fixedXlat, formatFlags, formatValue, hexValue, styled } from '../xlat';
import type { ShapeContext } from './shape';

const LO_FLAGS = fixedXlat([['LO_FLAGS_READ_ONLY', 1], ['LO_FLAGS_USE_AOPS', 2], ['LO_FLAGS_AUTOCLEAR', 4], ['LO_FLAGS_PARTSCAN', 8], ['LO_FLAGS_DIRECT_IO', 16]]);
const LO_CRYPT = fixedXlat([
  ['LO_CRYPT_NONE', 0], ['LO_CRYPT_XOR', 1], ['LO_CRYPT_DES', 2], ['LO_CRYPT_FISH2', 3], ['LO_CRYPT_BLOW', 4], ['LO_CRYPT_CAST128', 5],
  ['LO_CRYPT_IDEA', 6], ['LO_CRYPT_DUMMY', 9], ['LO_CRYPT_SKIPJACK', 10], ['LO_CRYPT_CRYPTOAPI', 18],
]);
/** LO_NAME_SIZE and LO_KEY_SIZE. */
const NAME = 64;
const KEY = 32;

export function loopShapes(ctx: ShapeContext): void {
  const { set, style, verbose } = ctx;
  const u32 = (v: DataView, at: number) => v.getUint32(at, true);
  const u64 = (v: DataView, at: number) => v.getBigUint64(at, true);
  const bytes = (v: DataView, at: number, n: number) => new Uint8Array(v.buffer, v.byteOffset + at, n);
  const cstr = (v: DataView, at: number, n: number) => fixedCString(bytes(v, at, n));
  const cipher = (v: DataView, at: number) => styled(BigInt(u32(v, at)), formatValue(BigInt(u32(v, at)), LO_CRYPT, 'LO_CRYPT_???'), style);
  const flags = (v: DataView, at: number) => styled(BigInt(u32(v, at)), formatFlags(BigInt(u32(v, at)), LO_FLAGS, 'LO_FLAGS_???'), style);
  // The key as many bytes as its size says, at most LO_KEY_SIZE (the kernel's own bound).
  const key = (v: DataView, at: number, sizeAt: number) => quoteBytes(bytes(v, at, Math.min(u32(v, sizeAt), KEY)));
  const xs = (v: DataView, at: number, n: number, w: 1 | 8) =>
    `[${Array.from({ length: n }, (_, i) => hexValue(w === 8 ? u64(v, at + 8 * i) : BigInt(v.getUint8(at + i)))).join(', ')}]`;

  // struct loop_info: the old one, with an int offset and dev_t-sized device numbers.
  const info = (v: DataView) => {
    const crypt = verbose || u32(v, 36) !== 0;
    let out = `{lo_number=${v.getInt32(0, true)}`;
    if (verbose) out += `, lo_device=${makedev(u64(v, 8))}, lo_inode=${u64(v, 16)}, lo_rdevice=${makedev(u64(v, 24))}`;
    out += `, lo_offset=${hexValue(BigInt(u32(v, 32)))}`;
    if (crypt) out += `, lo_encrypt_type=${cipher(v, 36)}, lo_encrypt_key_size=${u32(v, 40)}`;
    out += `, lo_flags=${flags(v, 44)}, lo_name=${cstr(v, 48, NAME)}`;
    if (crypt) out += `, lo_encrypt_key=${key(v, 112, 40)}`;
    return `${out}, ${verbose ? `lo_init=${xs(v, 144, 2, 8)}, reserved=${xs(v, 160, 4, 1)}` : '...'}}`;
  };
  // struct loop_info64, at `at` (it is also loop_config's info).
  const info64 = (v: DataView, at = 0) => {
    const crypt = verbose || u32(v, at + 44) !== 0;
    let out = verbose
      ? `{lo_device=${makedev(u64(v, at))}, lo_inode=${u64(v, at + 8)}, lo_rdevice=${makedev(u64(v, at + 16))}, lo_offset=${hexValue(u64(v, at + 24))}, ` +
        `lo_sizelimit=${u64(v, at + 32)}, lo_number=${u32(v, at + 40)}`
      : `{lo_offset=${hexValue(u64(v, at + 24))}, lo_number=${u32(v, at + 40)}`;
    if (crypt) out += `, lo_encrypt_type=${cipher(v, at + 44)}, lo_encrypt_key_size=${u32(v, at + 48)}`;
    out += `, lo_flags=${flags(v, at + 52)}, lo_file_name=${cstr(v, at + 56, NAME)}`;
    if (crypt) out += `, lo_crypt_name=${cstr(v, at + 120, NAME)}, lo_encrypt_key=${key(v, at + 184, at + 48)}`;
    return `${out}, ${verbose ? `lo_init=${xs(v, at + 216, 2, 8)}` : '...'}}`;
  };
  // struct loop_config: fd, block_size, info, and the reserved words when any is set.
  const config = (v: DataView) => {
    const reserved = Array.from({ length: 8 }, (_, i) => u64(v, 240 + 8 * i));
    const rest = reserved.some((r) => r !== 0n) ? `, __reserved=${xs(v, 240, 8, 8)}` : '';
    return `{fd=${v.getInt32(0, true)}, block_size=${u32(v, 4)}, info=${info64(v, 8)}${rest}}`;
  };
  set(['LOOP_SET_STATUS'], { kind: 'struct', output: false, size: 168, format: info });
  set(['LOOP_GET_STATUS'], { kind: 'struct', output: true, size: 168, format: info });
  set(['LOOP_SET_STATUS64'], { kind: 'struct', output: false, size: 232, format: (v) => info64(v) });
  set(['LOOP_GET_STATUS64'], { kind: 'struct', output: true, size: 232, format: (v) => info64(v) });
  set(['LOOP_CONFIGURE'], { kind: 'struct', output: false, size: 304, format: config });
}

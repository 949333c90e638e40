/**
 * UBI volumes ('o' and 'O', mtd/ubi-user.h) as strace's ubi decoder shows what they are given:
 * attach, LEB change and map requests, volume creation, resizing and properties. What attach
 * and volume creation return (the number given) follows `=>` after a success.
 * UBI_IOCRNVOL's struct (4368 bytes) is longer than the kernel side reads; it shows as the address.
 */
import { fixedCString } from '../fields';
import { fixedXlat, formatFlags, formatValue, hexValue, styled, type Xlat } from '../xlat';
import type { ArgShape, ShapeContext } from './shape';

const VOLUME_TYPES = fixedXlat([['UBI_DYNAMIC_VOLUME', 3], ['UBI_STATIC_VOLUME', 4]]);
const VOLUME_FLAGS = fixedXlat([['UBI_VOL_SKIP_CRC_CHECK_FLG', 1]]);
const VOLUME_PROPS = fixedXlat([['UBI_VOL_PROP_DIRECT_WRITE', 1]]);
/** The data types the kernel once took (and ignores now). */
const DATA_TYPES = fixedXlat([['UBI_LONGTERM', 1], ['UBI_SHORTTERM', 2], ['UBI_UNKNOWN', 3]]);

export function ubiShapes(ctx: ShapeContext): void {
  const { set, style } = ctx;
  const s32 = (v: DataView, at: number) => v.getInt32(at, true);
  const u8 = (v: DataView, at: number, table: Xlat, unknown: string) => styled(BigInt(v.getUint8(at)), formatValue(BigInt(v.getUint8(at)), table, unknown), style);
  const input = (size: number, format: (v: DataView) => string): ArgShape => ({ kind: 'struct', output: false, size, format });
  // Given at entry; after a success, the number the kernel wrote back into its first int.
  const numbered = (size: number, text: (v: DataView) => string): ArgShape => ({
    kind: 'struct',
    output: false,
    inout: true,
    size,
    format: (v, call, entry, given) => (entry || call.ret < 0n || !given ? text(v) : `${text(given)} => [${s32(v, 0)}]`),
  });
  set(['UBI_IOCATT'], numbered(24, (v) => `{ubi_num=${s32(v, 0)}, mtd_num=${s32(v, 4)}, vid_hdr_offset=${s32(v, 8)}, max_beb_per1024=${v.getInt16(12, true)}}`));
  set(['UBI_IOCEBCH'], input(16, (v) => `{lnum=${s32(v, 0)}, bytes=${s32(v, 4)}, dtype=${u8(v, 8, DATA_TYPES, 'UBI_???')}}`));
  set(['UBI_IOCEBMAP'], input(8, (v) => `{lnum=${s32(v, 0)}, dtype=${u8(v, 4, DATA_TYPES, 'UBI_???')}}`));
  set(['UBI_IOCMKVOL'], numbered(152, (v) => {
    const nameLen = v.getInt16(18, true);
    // The name up to name_len (0 to 127) bytes, cut as a C string of one byte more.
    const name = fixedCString(new Uint8Array(v.buffer, v.byteOffset + 24, 1 + Math.min(Math.max(nameLen, 0), 127)));
    const flags = BigInt(v.getUint8(17));
    return `{vol_id=${s32(v, 0)}, alignment=${s32(v, 4)}, bytes=${v.getBigInt64(8, true)}, vol_type=${u8(v, 16, VOLUME_TYPES, 'UBI_???_VOLUME')}, ` +
      `flags=${styled(flags, formatFlags(flags, VOLUME_FLAGS, 'UBI_VOL_???'), style)}, name_len=${nameLen}, name=${name}}`;
  }));
  set(['UBI_IOCRSVOL'], input(12, (v) => `{bytes=${v.getBigInt64(0, true)}, vol_id=${s32(v, 8)}}`));
  set(['UBI_IOCSETVOLPROP'], input(16, (v) => `{property=${u8(v, 0, VOLUME_PROPS, 'UBI_VOL_PROP_???')}, value=${hexValue(v.getBigUint64(8, true))}}`));
}

/**
 * MTD (flash) requests ('M') as strace's mtd decoder shows what they are given: erase ranges,
 * out-of-band buffers, write requests, bad block offsets.
 */
import { fixedXlat, formatValue, hexValue, styled } from '../xlat';
import type { ShapeContext } from './shape';

const MTD_OPS = fixedXlat([['MTD_OPS_PLACE_OOB', 0], ['MTD_OPS_AUTO_OOB', 1], ['MTD_OPS_RAW', 2]]);

export function mtdShapes(ctx: ShapeContext): void {
  const { set, style } = ctx;
  const x32 = (v: DataView, at: number) => hexValue(BigInt(v.getUint32(at, true)));
  const x64 = (v: DataView, at: number) => hexValue(v.getBigUint64(at, true));
  const input = (size: number, format: (v: DataView) => string) => ({ kind: 'struct' as const, output: false, size, format });
  // struct erase_info_user(64): start, length.
  set(['MEMERASE', 'MEMLOCK', 'MEMUNLOCK'], input(8, (v) => `{start=${x32(v, 0)}, length=${x32(v, 4)}}`));
  set(['MEMERASE64'], input(16, (v) => `{start=${x64(v, 0)}, length=${x64(v, 8)}}`));
  // struct mtd_oob_buf(64): start, length, the buffer.
  set(['MEMWRITEOOB', 'MEMREADOOB'], input(16, (v) => `{start=${x32(v, 0)}, length=${x32(v, 4)}, ptr=${x64(v, 8)}}`));
  set(['MEMWRITEOOB64', 'MEMREADOOB64'], input(24, (v) => `{start=${x64(v, 0)}, length=${x32(v, 12)}, usr_ptr=${x64(v, 16)}}`));
  // struct mtd_write_req: start, len, ooblen, usr_data, usr_oob, mode.
  set(['MEMWRITE'], input(48, (v) =>
    `{start=${x64(v, 0)}, len=${x64(v, 8)}, ooblen=${x64(v, 16)}, usr_data=${x64(v, 24)}, usr_oob=${x64(v, 32)}, ` +
    `mode=${styled(BigInt(v.getUint8(40)), formatValue(BigInt(v.getUint8(40)), MTD_OPS, 'MTD_OPS_???'), style)}}`));
  set(['MEMGETBADBLOCK', 'MEMSETBADBLOCK'], { kind: 'int', output: false, unsigned: true, bytes: 8 });
}

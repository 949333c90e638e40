/**
 * The file system requests strace spells out as given (its fs_f and fs_x decoders): struct
 * fiemap's request part (FS_IOC_FIEMAP), struct fstrim_range (FITRIM) and struct fsxattr
 * (FS_IOC_FSSETXATTR).
 */
import { fixedXlat, formatFlags, hexValue, styled } from '../xlat';
import { givenStruct, type ShapeContext } from './shape';

const FIEMAP_FLAGS = fixedXlat([['FIEMAP_FLAG_SYNC', 1], ['FIEMAP_FLAG_XATTR', 2], ['FIEMAP_FLAG_CACHE', 4]]);
const XFLAGS = fixedXlat([
  ['FS_XFLAG_REALTIME', 0x1], ['FS_XFLAG_PREALLOC', 0x2], ['FS_XFLAG_IMMUTABLE', 0x8], ['FS_XFLAG_APPEND', 0x10], ['FS_XFLAG_SYNC', 0x20],
  ['FS_XFLAG_NOATIME', 0x40], ['FS_XFLAG_NODUMP', 0x80], ['FS_XFLAG_RTINHERIT', 0x100], ['FS_XFLAG_PROJINHERIT', 0x200],
  ['FS_XFLAG_NOSYMLINKS', 0x400], ['FS_XFLAG_EXTSIZE', 0x800], ['FS_XFLAG_EXTSZINHERIT', 0x1000], ['FS_XFLAG_NODEFRAG', 0x2000],
  ['FS_XFLAG_FILESTREAM', 0x4000], ['FS_XFLAG_DAX', 0x8000], ['FS_XFLAG_COWEXTSIZE', 0x10000], ['FS_XFLAG_HASATTR', 0x80000000],
]);

export function fsShapes(ctx: ShapeContext): void {
  const { set, style } = ctx;
  const flags = (v: number, table: typeof XFLAGS, unknown: string) => styled(BigInt(v), formatFlags(BigInt(v), table, unknown), style);
  // struct fiemap: fm_start, fm_length, fm_flags, fm_mapped_extents, fm_extent_count (the extents that follow are an output).
  set(['FS_IOC_FIEMAP'], givenStruct(32, (v) =>
    `{fm_start=${v.getBigUint64(0, true)}, fm_length=${v.getBigUint64(8, true)}, fm_flags=${flags(v.getUint32(16, true), FIEMAP_FLAGS, 'FIEMAP_FLAG_???')}, fm_extent_count=${v.getUint32(24, true)}}`));
  // struct fstrim_range: start, len, minlen (the kernel updates len: shown as given).
  set(['FITRIM'], givenStruct(24, (v) => `{start=${hexValue(v.getBigUint64(0, true))}, len=${v.getBigUint64(8, true)}, minlen=${v.getBigUint64(16, true)}}`));
  // struct fsxattr: fsx_xflags, fsx_extsize, fsx_nextents (an output), fsx_projid, fsx_cowextsize.
  set(['FS_IOC_FSSETXATTR'], {
    kind: 'struct',
    output: false,
    size: 28,
    format: (v) => `{fsx_xflags=${flags(v.getUint32(0, true), XFLAGS, 'FS_XFLAG_???')}, fsx_extsize=${v.getUint32(4, true)}, fsx_projid=${hexValue(BigInt(v.getUint32(12, true)))}, fsx_cowextsize=${v.getUint32(16, true)}}`,
  });
}

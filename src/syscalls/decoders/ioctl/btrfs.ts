/**
 * btrfs requests (0x94) as strace's btrfs decoder shows them: those that take nothing (their
 * numbers claim a vol_args the kernel never reads), the u64 they are given or return, the
 * subvolume flags, the balance control command, struct btrfs_ioctl_vol_args and (at entry) its v2.
 * The other structs stay addresses.
 */
import { fixedCString } from '../fields';
import { fixedXlat, formatFlags, formatValue, pointer, styled } from '../xlat';
import type { ShapeContext } from './shape';

/** linux/btrfs.h: BTRFS_SUBVOL_* (strace's btrfs_snap_flags_v2) and BTRFS_BALANCE_CTL_*. */
const SUBVOL_FLAGS = fixedXlat([['BTRFS_SUBVOL_CREATE_ASYNC', 1], ['BTRFS_SUBVOL_RDONLY', 2], ['BTRFS_SUBVOL_QGROUP_INHERIT', 4]]);
/** sizeof(struct btrfs_ioctl_vol_args) and _v2 (BTRFS_PATH_NAME_MAX + 9, 56 + BTRFS_SUBVOL_NAME_MAX + 1). */
const VOL_ARGS_SIZE = 4096;
const VOL_ARGS_V2_NAME = 56;
const QGROUP_INHERIT = 4n;
const BALANCE_CTL = fixedXlat([['BTRFS_BALANCE_CTL_PAUSE', 1], ['BTRFS_BALANCE_CTL_CANCEL', 2]]);

export function btrfsShapes(ctx: ShapeContext): void {
  const { set, style } = ctx;
  set(['BTRFS_IOC_TRANS_START', 'BTRFS_IOC_TRANS_END', 'BTRFS_IOC_SYNC', 'BTRFS_IOC_SCRUB_CANCEL', 'BTRFS_IOC_QUOTA_RESCAN_WAIT', 'BTRFS_IOC_DEFRAG', 'BTRFS_IOC_BALANCE'], { kind: 'none' });
  set(['BTRFS_IOC_BALANCE_CTL'], { kind: 'value', format: (arg) => styled(arg, formatValue(arg, BALANCE_CTL, 'BTRFS_BALANCE_CTL_???'), style) });
  set(['BTRFS_IOC_DEFAULT_SUBVOL', 'BTRFS_IOC_WAIT_SYNC'], { kind: 'int', output: false, unsigned: true, bytes: 8 });
  set(['BTRFS_IOC_START_SYNC'], { kind: 'int', output: true, unsigned: true, bytes: 8 });
  // The flags are shown bare, not in brackets as other values behind a pointer.
  const flags = (v: DataView) => styled(v.getBigUint64(0, true), formatFlags(v.getBigUint64(0, true), SUBVOL_FLAGS, 'BTRFS_SUBVOL_???'), style);
  set(['BTRFS_IOC_SUBVOL_GETFLAGS'], { kind: 'struct', output: true, size: 8, format: flags });
  set(['BTRFS_IOC_SUBVOL_SETFLAGS'], { kind: 'struct', output: false, size: 8, format: flags });
  // The fd as an int (strace's printfd of the __s64), the name up to its NUL.
  const fd = (v: DataView) => BigInt.asIntN(32, v.getBigUint64(0, true)).toString();
  const name = (v: DataView, at: number) => fixedCString(new Uint8Array(v.buffer, v.byteOffset + at, VOL_ARGS_SIZE - at));
  set(['BTRFS_IOC_SNAP_CREATE', 'BTRFS_IOC_RESIZE', 'BTRFS_IOC_SCAN_DEV', 'BTRFS_IOC_FORGET_DEV', 'BTRFS_IOC_ADD_DEV', 'BTRFS_IOC_RM_DEV', 'BTRFS_IOC_SUBVOL_CREATE', 'BTRFS_IOC_SNAP_DESTROY', 'BTRFS_IOC_DEVICES_READY'], {
    kind: 'struct',
    output: false,
    size: VOL_ARGS_SIZE,
    format: (v) => `{fd=${fd(v)}, name=${name(v, 8)}}`,
  });
  // What the call was given; the qgroup_inherit struct behind its pointer is not read (its address).
  set(['BTRFS_IOC_SNAP_CREATE_V2', 'BTRFS_IOC_SUBVOL_CREATE_V2'], {
    kind: 'struct',
    output: false,
    size: VOL_ARGS_SIZE,
    format: (v) => {
      const f = v.getBigUint64(16, true);
      const inherit = f & QGROUP_INHERIT ? `, size=${v.getBigUint64(24, true)}, qgroup_inherit=${pointer(v.getBigUint64(32, true))}` : '';
      return `{fd=${fd(v)}, flags=${styled(f, formatFlags(f, SUBVOL_FLAGS, 'BTRFS_SUBVOL_???'), style)}${inherit}, name=${name(v, VOL_ARGS_V2_NAME)}}`;
    },
  });
}

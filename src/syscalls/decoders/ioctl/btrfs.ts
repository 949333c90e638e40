/**
 * btrfs requests (0x94) as strace's btrfs decoder shows them: those that take nothing (their
 * numbers claim a vol_args the kernel never reads), the u64 they are given or return, the
 * subvolume flags, the balance control command. The larger structs stay addresses.
 */
import { fixedXlat, formatFlags, formatValue, styled } from '../xlat';
import type { ShapeContext } from './shape';

/** linux/btrfs.h: BTRFS_SUBVOL_* (strace's btrfs_snap_flags_v2) and BTRFS_BALANCE_CTL_*. */
const SUBVOL_FLAGS = fixedXlat([['BTRFS_SUBVOL_CREATE_ASYNC', 1], ['BTRFS_SUBVOL_RDONLY', 2], ['BTRFS_SUBVOL_QGROUP_INHERIT', 4]]);
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
}

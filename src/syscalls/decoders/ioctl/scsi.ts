/**
 * SCSI generic requests (0x22, scsi/sg.h) as strace's scsi decoder shows them: the ints they
 * take or return behind a pointer, the reset kind, the transform value, the device's id after
 * success. SG_IO's v3/v4 headers and the request table show their address.
 */
import { fixedXlat, formatValue, hexValue, styled } from '../xlat';
import type { ShapeContext } from './shape';

const RESETS = fixedXlat([['SG_SCSI_RESET_NOTHING', 0], ['SG_SCSI_RESET_DEVICE', 1], ['SG_SCSI_RESET_BUS', 2], ['SG_SCSI_RESET_HOST', 3], ['SG_SCSI_RESET_TARGET', 4]]);
const NO_ESCALATE = 0x100;

export function scsiShapes(ctx: ShapeContext): void {
  const { set, style } = ctx;
  set(['SG_NEXT_CMD_LEN', 'SG_SET_COMMAND_Q', 'SG_SET_DEBUG', 'SG_SET_FORCE_LOW_DMA', 'SG_SET_FORCE_PACK_ID', 'SG_SET_KEEP_ORPHAN', 'SG_SET_RESERVED_SIZE', 'SG_SET_TIMEOUT'], {
    kind: 'int',
    output: false,
  });
  set(['SG_EMULATED_HOST', 'SG_GET_ACCESS_COUNT', 'SG_GET_COMMAND_Q', 'SG_GET_KEEP_ORPHAN', 'SG_GET_LOW_DMA', 'SG_GET_NUM_WAITING', 'SG_GET_PACK_ID',
    'SG_GET_RESERVED_SIZE', 'SG_GET_SG_TABLESIZE', 'SG_GET_TRANSFORM', 'SG_GET_VERSION_NUM'], { kind: 'int', output: true });
  set(['SG_SET_TRANSFORM'], { kind: 'value', format: (arg) => hexValue(BigInt.asUintN(32, arg)) });
  // The reset kind, with SG_SCSI_RESET_NO_ESCALATE named apart.
  set(['SG_SCSI_RESET'], {
    kind: 'struct',
    output: false,
    size: 4,
    format: (v) => {
      const val = v.getUint32(0, true);
      const kind = BigInt(val & ~NO_ESCALATE);
      return `[${val & NO_ESCALATE ? 'SG_SCSI_RESET_NO_ESCALATE|' : ''}${styled(kind, formatValue(kind, RESETS, 'SG_SCSI_RESET_???'), style)}]`;
    },
  });
  // struct sg_scsi_id: host, channel, id, lun, type, queue depths.
  set(['SG_GET_SCSI_ID'], {
    kind: 'struct',
    output: true,
    size: 32,
    format: (v) =>
      `{host_no=${v.getInt32(0, true)}, channel=${v.getInt32(4, true)}, scsi_id=${hexValue(BigInt(v.getUint32(8, true)))}, lun=${v.getInt32(12, true)}, ` +
      `scsi_type=${hexValue(BigInt(v.getUint32(16, true)))}, h_cmd_per_lun=${v.getInt16(20, true)}, d_queue_depth=${v.getInt16(22, true)}}`,
  });
}

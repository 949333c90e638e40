/**
 * ATA/IDE disks (linux/hdreg.h) as strace's hdio decoder shows them: the geometry, the drive
 * command header with the command by name, the reset and scan ints, the nice bits and bus
 * states. What a drive command returns (status, error, sectors and data) is not spelled out.
 */
import { fixedXlat, formatFlags, formatValue, hexValue, styled } from '../xlat';
import type { ShapeContext } from './shape';

const IDE_NICE = fixedXlat([['1 << IDE_NICE_DSC_OVERLAP', 1], ['1 << IDE_NICE_ATAPI_OVERLAP', 2], ['1 << IDE_NICE_1', 8], ['1 << IDE_NICE_0', 4], ['1 << IDE_NICE_2', 16]]);
const BUSSTATES = fixedXlat([['BUSSTATE_OFF', 0], ['BUSSTATE_ON', 1], ['BUSSTATE_TRISTATE', 2]]);
/** The ATA command opcodes (ATA/ATAPI command set, as the kernel's linux/ata.h names them). */
const ATA_CMDS = fixedXlat(([
  ['NOP', 0x00], ['CFA_REQ_EXT_ERR', 0x03], ['DSM', 0x06], ['DEV_RESET', 0x08], ['REQ_SENSE_DATA', 0x0b], ['RESTORE', 0x10],
  ['PIO_READ', 0x20], ['READ_LONG', 0x22], ['READ_LONG_ONCE', 0x23], ['PIO_READ_EXT', 0x24], ['READ_EXT', 0x25], ['READ_QUEUED', 0x26],
  ['READ_NATIVE_MAX_EXT', 0x27], ['READ_MULTI_EXT', 0x29], ['READ_STREAM_DMA_EXT', 0x2a], ['READ_STREAM_EXT', 0x2b], ['READ_LOG_EXT', 0x2f], ['PIO_WRITE', 0x30],
  ['WRITE_LONG', 0x32], ['WRITE_LONG_ONCE', 0x33], ['PIO_WRITE_EXT', 0x34], ['WRITE_EXT', 0x35], ['WRITE_QUEUED', 0x36], ['SET_MAX_EXT', 0x37],
  ['CFA_WRITE_NE', 0x38], ['WRITE_MULTI_EXT', 0x39], ['WRITE_STREAM_DMA_EXT', 0x3a], ['WRITE_STREAM_EXT', 0x3b], ['WRITE_FUA_EXT', 0x3d], ['WRITE_QUEUED_FUA_EXT', 0x3e],
  ['WRITE_LOG_EXT', 0x3f], ['VERIFY', 0x40], ['VERIFY_EXT', 0x42], ['WRITE_UNCORR_EXT', 0x45], ['READ_LOG_DMA_EXT', 0x47], ['ZAC_MGMT_IN', 0x4a],
  ['CONFIG_STREAM', 0x51], ['WRITE_LOG_DMA_EXT', 0x57], ['TRUSTED_NONDATA', 0x5b], ['TRUSTED_RCV', 0x5c], ['TRUSTED_RCV_DMA', 0x5d], ['TRUSTED_SND', 0x5e],
  ['TRUSTED_SND_DMA', 0x5f], ['FPDMA_READ', 0x60], ['FPDMA_WRITE', 0x61], ['NCQ_NON_DATA', 0x63], ['FPDMA_SEND', 0x64], ['FPDMA_RECV', 0x65],
  ['CFA_TRANS_SECT', 0x87], ['EDD', 0x90], ['INIT_DEV_PARAMS', 0x91], ['DOWNLOAD_MICRO', 0x92], ['DOWNLOAD_MICRO_DMA', 0x93], ['ZAC_MGMT_OUT', 0x9f],
  ['PACKET', 0xa0], ['ID_ATAPI', 0xa1], ['SERVICE', 0xa2], ['SMART', 0xb0], ['CONF_OVERLAY', 0xb1], ['SANITIZE_DEVICE', 0xb4],
  ['CFA_ERASE', 0xc0], ['READ_MULTI', 0xc4], ['WRITE_MULTI', 0xc5], ['SET_MULTI', 0xc6], ['READ', 0xc8], ['WRITE', 0xca],
  ['CFA_WRITE_MULT_NE', 0xcd], ['WRITE_MULTI_FUA_EXT', 0xce], ['CHK_MED_CRD_TYP', 0xd1], ['MEDIA_LOCK', 0xde], ['MEDIA_UNLOCK', 0xdf], ['STANDBYNOW1', 0xe0],
  ['IDLEIMMEDIATE', 0xe1], ['STANDBY', 0xe2], ['IDLE', 0xe3], ['PMP_READ', 0xe4], ['CHK_POWER', 0xe5], ['SLEEP', 0xe6],
  ['FLUSH', 0xe7], ['PMP_WRITE', 0xe8], ['PMP_READ_DMA', 0xe9], ['FLUSH_EXT', 0xea], ['PMP_WRITE_DMA', 0xeb], ['ID_ATA', 0xec],
  ['SET_FEATURES', 0xef], ['SEC_SET_PASS', 0xf1], ['SEC_UNLOCK', 0xf2], ['SEC_ERASE_PREP', 0xf3], ['SEC_ERASE_UNIT', 0xf4], ['SEC_FREEZE_LOCK', 0xf5],
  ['SEC_DISABLE_PASS', 0xf6], ['READ_NATIVE_MAX', 0xf8], ['SET_MAX', 0xf9],
] as const).map(([n, v]) => [`ATA_CMD_${n}`, v] as const));

export function hdioShapes(ctx: ShapeContext): void {
  const { set, style } = ctx;
  // struct hd_geometry: heads, sectors, cylinders, start.
  set(['HDIO_GETGEO'], {
    kind: 'struct',
    output: true,
    size: 16,
    format: (v) => `{heads=${v.getUint8(0)}, sectors=${v.getUint8(1)}, cylinders=${v.getUint16(2, true)}, start=${v.getBigUint64(8, true)}}`,
  });
  // struct hd_drive_cmd_hdr as given: command, sector_number, feature, sector_count.
  set(['HDIO_DRIVE_CMD'], {
    kind: 'struct',
    output: false,
    size: 4,
    format: (v) =>
      `{command=${styled(BigInt(v.getUint8(0)), formatValue(BigInt(v.getUint8(0)), ATA_CMDS, 'ATA_CMD_???'), style)}, sector_number=${v.getUint8(1)}, ` +
      `feature=${v.getUint8(2)}, sector_count=${v.getUint8(3)}}`,
  });
  // HDIO_DRIVE_RESET's and HDIO_SCAN_HWIF's three ints, in hex as strace's generated HDIO printer shows them.
  const ints3 = (v: DataView) => `[${[0, 4, 8].map((at) => hexValue(BigInt(v.getUint32(at, true)))).join(', ')}]`;
  set(['HDIO_DRIVE_RESET', 'HDIO_SCAN_HWIF'], { kind: 'struct', output: false, size: 12, format: ints3 });
  set(['HDIO_SET_NICE'], { kind: 'value', format: (arg) => styled(arg, formatFlags(arg, IDE_NICE, 'IDE_NICE_???'), style) });
  set(['HDIO_SET_BUSSTATE'], { kind: 'value', format: (arg) => styled(arg, formatValue(arg, BUSSTATES, 'BUSSTATE_???'), style) });
}

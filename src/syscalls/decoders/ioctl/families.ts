/**
 * The requests of the other families strace decodes (its evdev, ptp, gpio, v4l2, watchdog,
 * random, loop, fs, block, hdio, lirc, mtd, rtc, scsi, ubi, uffdio, tee, perf, nbd, counter,
 * inotify, btrfs and socket decoders), by what their argument is: a value (a descriptor, a
 * number, a flag), nothing, an int behind a pointer, or a pointer to a struct this decoder does
 * not spell out yet, which strace shows as NULL or as the struct, and this decoder as NULL or
 * the address.
 */
import type { ArchTables } from '../../arch';
import { fixedXlat, formatFlags, formatValue, hexValue, styled, type Xlat } from '../xlat';
import { givenStruct, type ShapeContext } from './shape';

/** Requests whose argument strace prints as a signed int. */
const INT_VALUES = ['INOTIFY_IOC_SETNEXTWD', 'EVIOCRMFF', 'LOOP_SET_FD', 'LOOP_CHANGE_FD', 'LOOP_CTL_ADD', 'LOOP_CTL_REMOVE', 'PERF_EVENT_IOC_REFRESH', 'PERF_EVENT_IOC_SET_OUTPUT', 'PERF_EVENT_IOC_SET_BPF'];
/** Requests whose argument strace prints as an unsigned long in decimal. */
const ULONG_VALUES = [
  'EVIOCGRAB', 'EVIOCREVOKE', 'LOOP_SET_DIRECT_IO', 'LOOP_SET_BLOCK_SIZE', 'RTC_EPOCH_SET', 'RTC_IRQP_SET', 'PERF_EVENT_IOC_PAUSE_OUTPUT',
  'NBD_SET_SOCK', 'NBD_SET_BLKSIZE', 'NBD_SET_SIZE', 'NBD_SET_SIZE_BLOCKS', 'NBD_SET_TIMEOUT',
  'HDIO_SET_32BIT', 'HDIO_SET_ACOUSTIC', 'HDIO_SET_ADDRESS', 'HDIO_SET_DMA', 'HDIO_SET_KEEPSETTINGS', 'HDIO_SET_MULTCOUNT', 'HDIO_SET_NOWERR',
  'HDIO_SET_PIO_MODE', 'HDIO_SET_UNMASKINTR', 'HDIO_SET_WCACHE', 'HDIO_UNREGISTER_HWIF',
];
/** Requests that take no argument. */
const NO_ARG = [
  'COUNTER_ENABLE_EVENTS_IOCTL', 'COUNTER_DISABLE_EVENTS_IOCTL', 'WDIOC_KEEPALIVE', 'RNDZAPENTCNT', 'RNDCLEARPOOL', 'RNDRESEEDCRNG',
  'LOOP_CLR_FD', 'LOOP_SET_CAPACITY', 'LOOP_CTL_GET_FREE', 'NBD_DISCONNECT', 'NBD_CLEAR_SOCK', 'NBD_DO_IT', 'NBD_CLEAR_QUE', 'NBD_PRINT_DEBUG',
  'RTC_AIE_ON', 'RTC_AIE_OFF', 'RTC_UIE_ON', 'RTC_UIE_OFF', 'RTC_PIE_ON', 'RTC_PIE_OFF', 'RTC_WIE_ON', 'RTC_WIE_OFF', 'RTC_VL_CLR',
  'UBI_IOCVOLCRBLK', 'UBI_IOCVOLRMBLK', 'SG_GET_TIMEOUT',
];
/** An int input behind a pointer. */
const INT_INPUTS = ['WDIOC_SETTIMEOUT', 'WDIOC_SETPRETIMEOUT', 'RNDADDTOENTCNT', 'UBI_IOCDET', 'UBI_IOCEBER', 'UBI_IOCEBISMAP', 'UBI_IOCEBUNMAP', 'UBI_IOCRMVOL', 'UBI_IOCRPEB', 'UBI_IOCSPEB'];
const UINT_INPUTS = ['EVIOCSCLOCKID', 'VIDIOC_S_INPUT', 'LIRC_SET_SEND_CARRIER', 'LIRC_SET_REC_CARRIER', 'LIRC_SET_SEND_DUTY_CYCLE', 'LIRC_SET_REC_TIMEOUT', 'LIRC_SET_REC_TIMEOUT_REPORTS', 'LIRC_SET_MEASURE_CARRIER_MODE', 'LIRC_SET_REC_CARRIER_RANGE', 'LIRC_SET_WIDEBAND_RECEIVER'];
/** An int output behind a pointer. */
const INT_OUTPUTS = ['WDIOC_GETTIMEOUT', 'WDIOC_GETPRETIMEOUT', 'WDIOC_GETTIMELEFT', 'RNDGETENTCNT'];
const UINT_OUTPUTS = ['LIRC_GET_REC_RESOLUTION', 'LIRC_GET_MIN_TIMEOUT', 'LIRC_GET_MAX_TIMEOUT', 'LIRC_GET_LENGTH', 'LIRC_GET_REC_TIMEOUT'];

/** Pointers to structs strace decodes (by family). */
const POINTERS = [
  // evdev
  'EVIOCGVERSION', 'EVIOCGEFFECTS', 'EVIOCGID', 'EVIOCGREP', 'EVIOCGKEYCODE_V2',
  // ptp
  'PTP_CLOCK_GETCAPS', 'PTP_CLOCK_GETCAPS2', 'PTP_EXTTS_REQUEST', 'PTP_EXTTS_REQUEST2', 'PTP_PEROUT_REQUEST', 'PTP_PEROUT_REQUEST2', 'PTP_SYS_OFFSET',
  'PTP_SYS_OFFSET2', 'PTP_PIN_GETFUNC', 'PTP_PIN_GETFUNC2', 'PTP_PIN_SETFUNC', 'PTP_PIN_SETFUNC2', 'PTP_SYS_OFFSET_PRECISE', 'PTP_SYS_OFFSET_PRECISE2',
  'PTP_SYS_OFFSET_EXTENDED', 'PTP_SYS_OFFSET_EXTENDED2',
  // v4l2
  'VIDIOC_QUERYCAP', 'VIDIOC_ENUM_FMT', 'VIDIOC_G_FMT', 'VIDIOC_S_FMT', 'VIDIOC_TRY_FMT', 'VIDIOC_REQBUFS', 'VIDIOC_QUERYBUF', 'VIDIOC_QBUF', 'VIDIOC_DQBUF',
  'VIDIOC_G_FBUF', 'VIDIOC_S_FBUF', 'VIDIOC_STREAMON', 'VIDIOC_STREAMOFF', 'VIDIOC_G_PARM', 'VIDIOC_S_PARM', 'VIDIOC_G_STD', 'VIDIOC_S_STD', 'VIDIOC_ENUMSTD',
  'VIDIOC_ENUMINPUT', 'VIDIOC_G_CTRL', 'VIDIOC_S_CTRL', 'VIDIOC_G_TUNER', 'VIDIOC_S_TUNER', 'VIDIOC_QUERYCTRL', 'VIDIOC_QUERY_EXT_CTRL', 'VIDIOC_G_INPUT',
  'VIDIOC_S_INPUT', 'VIDIOC_CROPCAP', 'VIDIOC_G_CROP', 'VIDIOC_S_CROP', 'VIDIOC_S_EXT_CTRLS', 'VIDIOC_TRY_EXT_CTRLS', 'VIDIOC_G_EXT_CTRLS',
  'VIDIOC_ENUM_FRAMESIZES', 'VIDIOC_ENUM_FRAMEINTERVALS', 'VIDIOC_CREATE_BUFS',
  // watchdog, random, counter
  'WDIOC_GETSUPPORT', 'WDIOC_GETSTATUS', 'WDIOC_GETBOOTSTATUS', 'WDIOC_GETTEMP', 'WDIOC_SETOPTIONS', 'RNDADDENTROPY',
  // fs
  'FS_IOC_FIEMAP', 'FITRIM', 'FS_IOC_FSGETXATTR', 'FS_IOC_FSSETXATTR', 'FICLONERANGE', 'FIDEDUPERANGE', 'FS_IOC_GETFSLABEL', 'FS_IOC_SETFSLABEL',
  // block, hdio (ioctl/loop.ts and ioctl/hdio.ts shape the others)
  'HDIO_OBSOLETE_IDENTITY', 'HDIO_GET_IDENTITY',
  // lirc, mtd, rtc
  'LIRC_GET_FEATURES', 'LIRC_GET_SEND_MODE', 'LIRC_GET_REC_MODE',
  'MEMERASE', 'MEMLOCK', 'MEMUNLOCK', 'MEMISLOCKED', 'MEMERASE64', 'MEMWRITEOOB', 'MEMREADOOB', 'MEMWRITEOOB64', 'MEMREADOOB64', 'MEMWRITE',
  'OTPGETREGIONINFO', 'OTPLOCK', 'OTPSELECT', 'MEMGETBADBLOCK', 'MEMSETBADBLOCK', 'MEMGETINFO', 'MEMGETOOBSEL', 'ECCGETLAYOUT', 'ECCGETSTATS',
  'OTPGETREGIONCOUNT', 'MEMGETREGIONCOUNT', 'MEMGETREGIONINFO',
  'RTC_ALM_READ', 'RTC_RD_TIME', 'RTC_ALM_SET', 'RTC_SET_TIME', 'RTC_IRQP_READ', 'RTC_EPOCH_READ', 'RTC_WKALM_RD', 'RTC_WKALM_SET', 'RTC_PLL_GET',
  'RTC_PLL_SET', 'RTC_VL_READ', 'RTC_PARAM_GET', 'RTC_PARAM_SET',
  // scsi generic (ioctl/scsi.ts shapes the others)
  'SG_IO', 'SG_GET_REQUEST_TABLE',
  // ubi (ioctl/ubi.ts shapes the others), uffdio, tee, perf, kvm
  'UBI_IOCRNVOL',
  'TEE_IOC_CANCEL', 'TEE_IOC_INVOKE', 'TEE_IOC_VERSION', 'TEE_IOC_SHM_ALLOC', 'TEE_IOC_SUPPL_RECV', 'TEE_IOC_SUPPL_SEND', 'TEE_IOC_OPEN_SESSION',
  'TEE_IOC_SHM_REGISTER', 'TEE_IOC_CLOSE_SESSION', 'TEE_IOC_SHM_REGISTER_FD',
  'PERF_EVENT_IOC_PERIOD', 'PERF_EVENT_IOC_SET_FILTER', 'PERF_EVENT_IOC_ID', 'PERF_EVENT_IOC_QUERY_BPF', 'PERF_EVENT_IOC_MODIFY_ATTRIBUTES',
  // btrfs (ioctl/btrfs.ts shapes the small ones)
  'BTRFS_IOC_BALANCE_PROGRESS', 'BTRFS_IOC_FS_INFO', 'BTRFS_IOC_GET_FEATURES', 'BTRFS_IOC_GET_SUPPORTED_FEATURES', 'BTRFS_IOC_QGROUP_LIMIT',
  'BTRFS_IOC_QUOTA_RESCAN_STATUS', 'BTRFS_IOC_SNAP_CREATE',
  'BTRFS_IOC_SNAP_CREATE_V2', 'BTRFS_IOC_SUBVOL_CREATE', 'BTRFS_IOC_SUBVOL_CREATE_V2', 'BTRFS_IOC_SNAP_DESTROY', 'BTRFS_IOC_BALANCE_V2',
  'BTRFS_IOC_RESIZE', 'BTRFS_IOC_SCAN_DEV', 'BTRFS_IOC_FORGET_DEV', 'BTRFS_IOC_ADD_DEV', 'BTRFS_IOC_RM_DEV', 'BTRFS_IOC_DEVICES_READY', 'BTRFS_IOC_DEFRAG_RANGE',
  'BTRFS_IOC_TREE_SEARCH', 'BTRFS_IOC_TREE_SEARCH_V2', 'BTRFS_IOC_INO_LOOKUP', 'BTRFS_IOC_SPACE_INFO', 'BTRFS_IOC_SCRUB', 'BTRFS_IOC_SCRUB_PROGRESS',
  'BTRFS_IOC_DEV_INFO', 'BTRFS_IOC_INO_PATHS', 'BTRFS_IOC_LOGICAL_INO', 'BTRFS_IOC_SET_RECEIVED_SUBVOL', 'BTRFS_IOC_SEND', 'BTRFS_IOC_QUOTA_CTL',
  'BTRFS_IOC_QGROUP_ASSIGN', 'BTRFS_IOC_QGROUP_CREATE', 'BTRFS_IOC_QUOTA_RESCAN', 'BTRFS_IOC_GET_DEV_STATS', 'BTRFS_IOC_DEV_REPLACE',
  'BTRFS_IOC_SET_FEATURES', 'BTRFS_IOC_CLONE_RANGE', 'BTRFS_IOC_FILE_EXTENT_SAME',
  // sockets: the structs strace prints the address of (rtentry, arpreq, ...; ioctl/sock.ts decodes
  // ifreq, ifconf and bridge names)
  'SIOCGSTAMP_OLD', 'SIOCGSTAMP_NEW', 'SIOCGSTAMPNS_OLD', 'SIOCGSTAMPNS_NEW', 'SIOCADDRT', 'SIOCDELRT', 'SIOCRTMSG', 'SIOCSIFLINK',
  'SIOCGIFMEM', 'SIOCSIFMEM', 'SIOCSIFPFLAGS', 'SIOCGIFPFLAGS', 'SIOCDIFADDR', 'SIOCGIFCOUNT', 'SIOCGIFBR', 'SIOCSIFBR', 'SIOCETHTOOL',
  'SIOCGMIIPHY', 'SIOCGMIIREG', 'SIOCSMIIREG', 'SIOCWANDEV', 'SIOCGSKNS', 'SIOCDARP', 'SIOCGARP', 'SIOCSARP', 'SIOCDRARP', 'SIOCGRARP',
  'SIOCSRARP', 'SIOCADDDLCI', 'SIOCDELDLCI', 'SIOCGIFVLAN', 'SIOCSIFVLAN', 'SIOCBONDENSLAVE', 'SIOCBONDRELEASE', 'SIOCBONDSETHWADDR',
  'SIOCBONDSLAVEINFOQUERY', 'SIOCBONDINFOQUERY', 'SIOCBONDCHANGEACTIVE', 'SIOCSHWTSTAMP', 'SIOCGHWTSTAMP',
  // kvm
  'KVM_SET_CPUID2', 'KVM_GET_SUPPORTED_CPUID', 'KVM_SET_USER_MEMORY_REGION', 'KVM_GET_SREGS', 'KVM_SET_SREGS', 'KVM_GET_REGS', 'KVM_SET_REGS',
];

/** userfaultfd's features and modes (linux/userfaultfd.h). */
const UFFD_FEATURES = fixedXlat([
  'PAGEFAULT_FLAG_WP', 'EVENT_FORK', 'EVENT_REMAP', 'EVENT_REMOVE', 'MISSING_HUGETLBFS', 'MISSING_SHMEM', 'EVENT_UNMAP', 'SIGBUS', 'THREAD_ID',
  'MINOR_HUGETLBFS', 'MINOR_SHMEM', 'EXACT_ADDRESS', 'WP_HUGETLBFS_SHMEM',
].map((n, i) => [`UFFD_FEATURE_${n}`, 1n << BigInt(i)]));
const UFFD_REGISTER_MODES = fixedXlat([['UFFDIO_REGISTER_MODE_MISSING', 1], ['UFFDIO_REGISTER_MODE_WP', 2], ['UFFDIO_REGISTER_MODE_MINOR', 4]]);
const UFFD_COPY_MODES = fixedXlat([['UFFDIO_COPY_MODE_DONTWAKE', 1], ['UFFDIO_COPY_MODE_WP', 2]]);
const UFFD_ZEROPAGE_MODES = fixedXlat([['UFFDIO_ZEROPAGE_MODE_DONTWAKE', 1]]);

/** NBD_SET_FLAGS's flags (linux/nbd.h). */
const NBD_FLAGS = fixedXlat([
  ['NBD_FLAG_HAS_FLAGS', 1 << 0], ['NBD_FLAG_READ_ONLY', 1 << 1], ['NBD_FLAG_SEND_FLUSH', 1 << 2], ['NBD_FLAG_SEND_FUA', 1 << 3],
  ['NBD_FLAG_ROTATIONAL', 1 << 4], ['NBD_FLAG_SEND_TRIM', 1 << 5], ['NBD_FLAG_SEND_WRITE_ZEROES', 1 << 6], ['NBD_FLAG_SEND_DF', 1 << 7],
  ['NBD_FLAG_CAN_MULTI_CONN', 1 << 8], ['NBD_FLAG_SEND_RESIZE', 1 << 9], ['NBD_FLAG_SEND_CACHE', 1 << 10],
]);
/** PERF_EVENT_IOC_{ENABLE,DISABLE,RESET}'s flag. */
const PERF_IOC_FLAGS = fixedXlat([['PERF_IOC_FLAG_GROUP', 1]]);
/** LIRC_MODE_* (linux/lirc.h). */
const LIRC_MODES = fixedXlat([['LIRC_MODE_RAW', 1], ['LIRC_MODE_PULSE', 2], ['LIRC_MODE_MODE2', 4], ['LIRC_MODE_SCANCODE', 8], ['LIRC_MODE_LIRCCODE', 0x10]]);
/** struct counter_watch's enums (linux/counter.h). */
const COUNTER_COMPONENTS = fixedXlat(['NONE', 'SIGNAL', 'COUNT', 'FUNCTION', 'SYNAPSE_ACTION', 'EXTENSION'].map((n, i) => [`COUNTER_COMPONENT_${n}`, i]));
const COUNTER_SCOPES = fixedXlat(['DEVICE', 'SIGNAL', 'COUNT'].map((n, i) => [`COUNTER_SCOPE_${n}`, i]));
const COUNTER_EVENTS = fixedXlat(['OVERFLOW', 'UNDERFLOW', 'OVERFLOW_UNDERFLOW', 'THRESHOLD', 'INDEX', 'CHANGE_OF_STATE', 'CAPTURE'].map((n, i) => [`COUNTER_EVENT_${n}`, i]));

/** linux/input-event-codes.h's key and button codes, the first name of each value (aliases follow their key). */
function keyNames(tables: ArchTables): Xlat {
  const seen = new Set<number>();
  const pairs: Array<[string, number]> = [];
  for (const [name, v] of Object.entries(tables.constants.KEYCODE ?? {})) {
    if (seen.has(v)) continue;
    seen.add(v);
    pairs.push([name, v]);
  }
  return fixedXlat(pairs);
}

export function familyShapes(ctx: ShapeContext): void {
  const { set, style } = ctx;
  set(INT_VALUES, { kind: 'value', signed: true });
  set(ULONG_VALUES, { kind: 'value', format: (arg) => arg.toString() });
  set(NO_ARG, { kind: 'none' });
  set(INT_INPUTS, { kind: 'int', output: false });
  set(UINT_INPUTS, { kind: 'int', output: false, unsigned: true });
  set(INT_OUTPUTS, { kind: 'int', output: true });
  set(UINT_OUTPUTS, { kind: 'int', output: true, unsigned: true });
  set(POINTERS, { kind: 'ptr' });
  set(['NBD_SET_FLAGS'], { kind: 'value', format: (arg) => styled(arg, formatFlags(arg, NBD_FLAGS, 'NBD_FLAG_???'), style) });
  set(['PERF_EVENT_IOC_ENABLE', 'PERF_EVENT_IOC_DISABLE', 'PERF_EVENT_IOC_RESET'], {
    kind: 'value',
    format: (arg) => styled(BigInt.asUintN(32, arg), formatFlags(BigInt.asUintN(32, arg), PERF_IOC_FLAGS, 'PERF_IOC_FLAG_???'), style),
  });
  // struct ff_effect and input_keymap_entry, abbreviated as strace abbreviates them (in full they need the key names).
  const FF_TYPES = fixedXlat(['RUMBLE', 'PERIODIC', 'CONSTANT', 'SPRING', 'FRICTION', 'DAMPER', 'INERTIA', 'RAMP', 'SQUARE', 'TRIANGLE', 'SINE', 'SAW_UP', 'SAW_DOWN', 'CUSTOM']
    .map((n, i) => [`FF_${n}`, 0x50 + i] as const).concat([['FF_GAIN', 0x60], ['FF_AUTOCENTER', 0x61]]));
  const abbreviated = (size: number, text: (v: DataView) => string) => ({ kind: 'struct' as const, output: false, size, format: (v: DataView) => (ctx.verbose ? '' : text(v)) });
  set(['EVIOCSFF'], abbreviated(48, (v) => `{type=${value(v.getUint16(0, true), FF_TYPES, 'FF_???')}, id=${v.getInt16(2, true)}, direction=${v.getUint16(4, true)}, ...}`));
  // EVIOCGKEYCODE/EVIOCSKEYCODE's unsigned int pair: a scancode and a key code (`[30, KEY_A]`).
  const keys = keyNames(ctx.tables);
  const keycode = (v: DataView) => `[${v.getUint32(0, true)}, ${value(v.getUint32(4, true), keys, 'KEY_???')}]`;
  set(['EVIOCSKEYCODE'], { kind: 'struct', output: false, size: 8, format: keycode });
  set(['EVIOCGKEYCODE'], { kind: 'struct', output: true, size: 8, format: keycode });
  set(['EVIOCSKEYCODE_V2'], abbreviated(40, (v) => `{flags=${v.getUint8(0)}, len=${v.getUint8(1)}, ...}`));
  // BLKDISCARD's and friends' uint64_t range [start, length].
  set(['BLKDISCARD', 'BLKSECDISCARD', 'BLKZEROOUT'], { kind: 'struct', output: false, size: 16, format: (v) => `[${v.getBigUint64(0, true)}, ${v.getBigUint64(8, true)}]` });
  set(['UBI_IOCVOLUP'], { kind: 'int', output: false, bytes: 8 });
  set(['EVIOCSREP'], { kind: 'struct', output: false, size: 8, format: (v) => `[${v.getUint32(0, true)}, ${v.getUint32(4, true)}]` });
  set(['PERF_EVENT_IOC_PERIOD'], { kind: 'int', output: false, unsigned: true, bytes: 8 });
  const value = (n: number, table: typeof LIRC_MODES, unknown: string) => styled(BigInt(n), formatValue(BigInt(n), table, unknown), style);
  set(['LIRC_SET_SEND_MODE', 'LIRC_SET_REC_MODE'], { kind: 'struct', output: false, size: 4, format: (v) => `[${value(v.getUint32(0, true), LIRC_MODES, 'LIRC_MODE_???')}]` });
  set(['LIRC_SET_TRANSMITTER_MASK'], { kind: 'struct', output: false, size: 4, format: (v) => `[${hexValue(BigInt(v.getUint32(0, true)))}]` });
  // userfaultfd: what each request is given (a success adds what it returns, not spelled out here).
  const x64 = (v: DataView, at: number) => hexValue(v.getBigUint64(at, true));
  const flags64 = (v: DataView, at: number, table: typeof UFFD_FEATURES, unknown: string) => styled(v.getBigUint64(at, true), formatFlags(v.getBigUint64(at, true), table, unknown), style);
  const range = (v: DataView, at: number) => `{start=${x64(v, at)}, len=${x64(v, at + 8)}}`;
  const given = givenStruct;
  set(['UFFDIO_API'], given(24, (v) => `{api=${x64(v, 0)}, features=${flags64(v, 8, UFFD_FEATURES, 'UFFD_FEATURE_???')}}`));
  set(['UFFDIO_REGISTER'], given(32, (v) => `{range=${range(v, 0)}, mode=${flags64(v, 16, UFFD_REGISTER_MODES, 'UFFDIO_REGISTER_MODE_???')}}`));
  set(['UFFDIO_COPY'], given(40, (v) => `{dst=${x64(v, 0)}, src=${x64(v, 8)}, len=${x64(v, 16)}, mode=${flags64(v, 24, UFFD_COPY_MODES, 'UFFDIO_COPY_MODE_???')}}`));
  set(['UFFDIO_ZEROPAGE'], given(32, (v) => `{range=${range(v, 0)}, mode=${flags64(v, 16, UFFD_ZEROPAGE_MODES, 'UFFDIO_ZEROPAGE_MODE_???')}}`));
  // The header numbers these as outputs; the kernel reads the range they are given.
  set(['UFFDIO_WAKE', 'UFFDIO_UNREGISTER'], { kind: 'struct', output: false, size: 16, format: (v) => range(v, 0) });
  // struct counter_watch: component {type, scope, parent, id}, event, channel.
  set(['COUNTER_ADD_WATCH_IOCTL'], {
    kind: 'struct',
    output: false,
    size: 6,
    format: (v) =>
      `{component={type=${value(v.getUint8(0), COUNTER_COMPONENTS, 'COUNTER_COMPONENT_???')}, scope=${value(v.getUint8(1), COUNTER_SCOPES, 'COUNTER_SCOPE_???')}, ` +
      `parent=${v.getUint8(2)}, id=${v.getUint8(3)}}, event=${value(v.getUint8(4), COUNTER_EVENTS, 'COUNTER_EVENT_???')}, channel=${v.getUint8(5)}}`,
  });
}

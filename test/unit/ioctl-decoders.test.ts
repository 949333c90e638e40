/**
 * ioctl's family decoders (src/syscalls/decoders/ioctl/*.ts) on raw registers and kernel reads,
 * against the lines strace 6.1 printed for the same calls (test/corpus/ioctl-dev.c's, on fd -1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatArgs } from '../../clients/cli/printer';
import type { SyscallEvent__Output } from '../../src/api/generated/sctrace/v1/SyscallEvent';
import { SyscallCatalog } from '../../src/syscalls/catalog';
import { ENUMS } from '../../src/backends/ebpf/generated/bpf';
import { IOCTL_SIZES_MAX, ioctlArgSizes } from '../../src/syscalls/decoders/ioctl';
import { derivedKey } from '../../src/syscalls/decoders/registry';
import { archTables } from '../../src/syscalls/arch';
import type { RawBlob } from '../../src/syscalls/types';

const catalog = SyscallCatalog.fromFormats(
  new Map([['ioctl', { name: 'ioctl', id: 0, args: ['fd', 'cmd', 'arg'].map((name) => ({ name, type: name === 'fd' ? 'unsigned int' : 'unsigned long', signed: false, offset: 0, size: 8 })) }]]),
  { arch: 'x86_64' },
);
const EBADF = -9n;
const bytes = (data: number[]): RawBlob => ({ kind: 'bytes', data: Uint8Array.from(data), truncated: false, unreadable: false });

/** ioctl(-1, request, arg) as the CLI prints its arguments; `exit`/`entry`: the kernel's reads of arg. */
function ioctl(request: number, arg: bigint | number, opts: { ret?: bigint; exit?: number[]; entry?: number[] } = {}): string {
  const info = catalog.byName('ioctl');
  assert.ok(info);
  const blobs = new Map<number, RawBlob>();
  if (opts.exit) blobs.set(2, bytes(opts.exit));
  if (opts.entry) blobs.set(derivedKey(2, 0), bytes(opts.entry));
  const ev = catalog.decode({ nr: info.nr, args: [0xffffffffn, BigInt(request), BigInt(arg), 0n, 0n, 0n], ret: opts.ret ?? EBADF, durationNs: 1n, noReturn: false, strings: new Map(), blobs, pid: 1, tid: 1 });
  const out = { ...ev, decoded: (ev.decoded ?? []).map((a) => ({ truncated: false, unreadable: false, symbolic: '', fd_path: '', ignored: false, buffer: Buffer.alloc(0), items: [], return_note: '', ...a })) };
  return formatArgs(out as unknown as SyscallEvent__Output, false).slice(1).join(', ');
}

test('console (kd) values: sounds and tones with their frequency, LEDs, modes, signals, ports', () => {
  assert.equal(ioctl(0x4b2f, 0), 'KIOCSOUND, 0 /* off */');
  assert.equal(ioctl(0x4b2f, 440), 'KIOCSOUND, 440 /* 2711 Hz */');
  assert.equal(ioctl(0x4b30, (100 << 16) | 1193), 'KDMKTONE, 100<<16|1193 /* 1000 Hz, 100 ms */');
  assert.equal(ioctl(0x4b30, 1193), 'KDMKTONE, 1193 /* off */');
  assert.equal(ioctl(0x4b32, 5), 'KDSETLED, LED_SCR|LED_CAP');
  assert.equal(ioctl(0x4b32, 0xf9), 'KDSETLED, LED_SCR|0xf8');
  assert.equal(ioctl(0x4b65, 0x21), 'KDSKBLED, LED_SCR|LED_NUM<<4');
  assert.equal(ioctl(0x4b3a, 7), 'KDSETMODE, 0x7 /* KD_??? */');
  assert.equal(ioctl(0x4b45, 3), 'KDSKBMODE, K_UNICODE');
  assert.equal(ioctl(0x4b45, 0xffffffffffffffffn), 'KDSKBMODE, -1 /* K_??? */');
  assert.equal(ioctl(0x4b63, 1), 'KDSKBMETA, 0x1 /* K_??? */');
  assert.equal(ioctl(0x4b4e, 10), 'KDSIGACCEPT, SIGUSR1');
  assert.equal(ioctl(0x4b4e, 0xffffffffffffffffn), 'KDSIGACCEPT, 18446744073709551615');
  assert.equal(ioctl(0x4b34, 0x3c0), 'KDADDIO, 0x3c0 /* GPFIRST + 12 */');
  assert.equal(ioctl(0x4b34, 0x80), 'KDADDIO, 0x80');
  assert.equal(ioctl(0x4b36, 0x7ffc), 'KDENABIO', 'no argument');
});

test('pointers strace decodes are NULL when null; struct kbentry as given, and its value once read', () => {
  assert.equal(ioctl(0x4b31, 0), 'KDGETLED, NULL');
  assert.equal(ioctl(0x4b72, 0), 'KDFONTOP, NULL');
  assert.equal(ioctl(0x4b72, 0x7ffc), 'KDFONTOP, 0x7ffc', 'not spelled out: the address');
  assert.equal(ioctl(0xc0403d08, 0), 'PTP_SYS_OFFSET_PRECISE, NULL');
  assert.equal(ioctl(0x40304580, 0), 'EVIOCSFF, NULL');
  assert.equal(ioctl(0x4b46, 0x7ffc, { entry: [0x0c, 2, 0, 0] }), 'KDGKBENT, {kb_table=1<<KG_CTRL|1<<KG_ALT, kb_index=2}');
  assert.equal(ioctl(0x4b46, 0x7ffc, { ret: 0n, exit: [1, 30, 0x61, 0] }), "KDGKBENT, {kb_table=K_SHIFTTAB, kb_index=30, kb_value=0x61 /* K(KT_LATIN, 'a') */}");
  assert.equal(ioctl(0x4b47, 0x7ffc, { entry: [1, 30, 0x14, 3] }), 'KDSKBENT, {kb_table=K_SHIFTTAB, kb_index=30, kb_value=0x314 /* K(KT_PAD, 0x14) */}');
  assert.equal(ioctl(0x4b47, 0x7ffc), 'KDSKBENT, 0x7ffc', 'unreadable: the address');
});

test('other families: values, no argument, ints behind pointers, numbered evdev requests', () => {
  assert.equal(ioctl(0x40044900, 0xfffffffb), 'INOTIFY_IOC_SETNEXTWD, -5');
  assert.equal(ioctl(0x4c00, 0xffffffffffffffffn), 'LOOP_SET_FD, -1');
  assert.equal(ioctl(0x4c09, 4096), 'LOOP_SET_BLOCK_SIZE, 4096');
  assert.equal(ioctl(0x4c01, 0), 'LOOP_CLR_FD');
  assert.equal(ioctl(0x80045705, 0), 'WDIOC_KEEPALIVE');
  assert.equal(ioctl(0xc0045706, 0x7ffc, { entry: [123, 0, 0, 0] }), 'WDIOC_SETTIMEOUT, [123]', 'an input read and written: its value at entry');
  assert.equal(ioctl(0x40045201, 0x7ffc, { exit: [123, 0, 0, 0] }), 'RNDADDTOENTCNT, [123]');
  assert.equal(ioctl(0x2400, 1), 'PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP');
  assert.equal(ioctl(0xab0a, 1), 'NBD_SET_FLAGS, NBD_FLAG_HAS_FLAGS');
  assert.equal(ioctl(0x80104521, 0), 'EVIOCGBIT(EV_KEY, 16), NULL');
  assert.equal(ioctl(0x80044529, 0), 'EVIOCGBIT(0x9 /* EV_??? */, 4), NULL');
  assert.equal(ioctl(0x80184541, 0), 'EVIOCGABS(ABS_Y), NULL');
  assert.equal(ioctl(0x401845ef, 0), 'EVIOCSABS(ABS_MT_SLOT), NULL');
  assert.equal(ioctl(0x40044590, 1), 'EVIOCGRAB, 1');
  assert.equal(ioctl(0x5413, 0), 'TIOCGWINSZ, NULL');
});

test('v4l2: what a request is given, as a failed call shows it', () => {
  const le = (...w: number[]) => w.flatMap((x) => [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24]);
  const pad = (a: number[], n: number) => [...a, ...new Array(n - a.length).fill(0)];
  assert.equal(ioctl(0xc0d05604, 0x7ffc, { entry: pad(le(1), 208) }), 'VIDIOC_G_FMT, {type=V4L2_BUF_TYPE_VIDEO_CAPTURE}');
  assert.equal(ioctl(0xc0145608, 0x7ffc, { entry: pad(le(4, 0xf3f2f1f0, 2), 20) }), 'VIDIOC_REQBUFS, {type=0xf3f2f1f0 /* V4L2_BUF_TYPE_??? */, memory=V4L2_MEMORY_USERPTR, count=4}');
  assert.equal(ioctl(0x40045612, 0x7ffc, { exit: le(1) }), 'VIDIOC_STREAMON, [V4L2_BUF_TYPE_VIDEO_CAPTURE]');
  assert.equal(ioctl(0xc0d05605, 0x7ffc, { entry: pad(le(0xb3b2b1b0), 208) }), 'VIDIOC_S_FMT, {type=0xb3b2b1b0 /* V4L2_BUF_TYPE_??? */}');
  assert.equal(ioctl(0xc0d05605, 0x7ffc, { entry: pad(le(1), 208) }), 'VIDIOC_S_FMT, 0x7ffc', 'formats not spelled out: the address');
  assert.equal(ioctl(0xc0d05604, 0x7ffc, { ret: 0n, exit: pad(le(1), 208) }), 'VIDIOC_G_FMT, 0x7ffc', "a driver's answer not spelled out: the address");
});

test('the kernel size table holds every request whose number does not give what is shown', () => {
  const sizes = ioctlArgSizes(archTables('x86_64'));
  assert.ok(sizes.length < IOCTL_SIZES_MAX, 'every request read at a size of its own, or not read, has a place in the table');
  assert.deepEqual(sizes.find((s) => s.request === 0x4b46), { request: 0x4b46, size: 4, dir: 3 }, 'KDGKBENT: read at entry and exit');
  assert.deepEqual(sizes.find((s) => s.request === 0x4b31), { request: 0x4b31, size: 1, dir: 2 }, 'KDGETLED: one byte out');
  assert.equal(sizes.find((s) => s.request === 0xc0045706), undefined, 'WDIOC_SETTIMEOUT: its number says it');
});

test('ptp, gpio, fs, counter: the structs requests are given', () => {
  const le = (...w: number[]) => w.flatMap((x) => [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24]);
  const pad = (a: number[], n: number) => [...a, ...new Array(n - a.length).fill(0)];
  assert.equal(ioctl(0x40103d02, 0x7ffc, { exit: le(7, 2 | 4 | 0x100, 0, 0) }), 'PTP_EXTTS_REQUEST, {index=7, flags=PTP_RISING_EDGE|PTP_FALLING_EDGE|0x100}');
  assert.equal(ioctl(0x40103d0b, 0x7ffc, { exit: le(7, 0, 0xdeadc0de, 0) }), 'PTP_EXTTS_REQUEST2, {index=7, flags=0, rsv=[0xdeadc0de, 0]}');
  const perout = pad([...le(0, 0, 0, 0), ...le(2, 0, 500, 0), ...le(3, 1)], 56);
  assert.equal(ioctl(0x40383d03, 0x7ffc, { exit: perout }), 'PTP_PEROUT_REQUEST, {start={sec=0, nsec=0}, period={sec=2, nsec=500}, index=3, flags=PTP_PEROUT_ONE_SHOT}');
  assert.equal(ioctl(0x43403d05, 0x7ffc, { exit: pad(le(13, 0xbadfaced), 832) }), 'PTP_SYS_OFFSET, {n_samples=13, rsv=[0xbadfaced, 0, 0]}');
  assert.equal(ioctl(0xc0603d06, 0x7ffc, { entry: pad([...new Array(64).fill(0), ...le(5)], 96) }), 'PTP_PIN_GETFUNC, {index=5}');
  assert.equal(ioctl(0x40603d07, 0x7ffc, { exit: pad([...new Array(64).fill(0), ...le(5, 1, 9)], 96) }), 'PTP_PIN_SETFUNC, {index=5, func=PTP_PF_EXTTS, chan=9}');
  assert.equal(ioctl(0xc048b402, 0x7ffc, { entry: pad(le(50), 72) }), 'GPIO_GET_LINEINFO_IOCTL, {line_offset=50}');
  assert.equal(ioctl(0xc110b40d, 0x7ffc, { entry: pad(le(0x102, 0, 0), 272) }), 'GPIO_V2_LINE_SET_CONFIG_IOCTL, {flags=GPIO_V2_LINE_FLAG_ACTIVE_LOW|GPIO_V2_LINE_FLAG_BIAS_PULL_UP, num_attrs=0}');
  const fiemap = [...le(16, 0, 4096, 0), ...le(1 | 8, 0, 3, 0)];
  assert.equal(ioctl(0xc020660b, 0x7ffc, { entry: fiemap }), 'FS_IOC_FIEMAP, {fm_start=16, fm_length=4096, fm_flags=FIEMAP_FLAG_SYNC|0x8, fm_extent_count=3}');
  assert.equal(ioctl(0x401c5820, 0x7ffc, { exit: pad(le(0x8 | 4, 7, 0, 0xcafe, 1), 28) }), 'FS_IOC_FSSETXATTR, {fsx_xflags=FS_XFLAG_IMMUTABLE|0x4, fsx_extsize=7, fsx_projid=0xcafe, fsx_cowextsize=1}');
  assert.equal(ioctl(0x40063e00, 0x7ffc, { exit: [5, 2, 23, 42, 6, 69] }),
    'COUNTER_ADD_WATCH_IOCTL, {component={type=COUNTER_COMPONENT_EXTENSION, scope=COUNTER_SCOPE_COUNT, parent=23, id=42}, event=COUNTER_EVENT_CAPTURE, channel=69}');
  assert.equal(ioctl(0x5416, 0x7ffc, { exit: le(0xe1ff) }), 'TIOCMBIS, [TIOCM_LE|TIOCM_DTR|TIOCM_RTS|TIOCM_ST|TIOCM_SR|TIOCM_CTS|TIOCM_CAR|TIOCM_RNG|TIOCM_DSR|TIOCM_OUT1|TIOCM_OUT2|TIOCM_LOOP]');
});

test('kbentry values by name (function, special, pad, cursor, shift, lock keys), termio flags', () => {
  assert.equal(ioctl(0x4b47, 0x7ffc, { entry: [0, 89, 0x00, 1] }), 'KDSKBENT, {kb_table=K_NORMTAB, kb_index=89, kb_value=0x100 /* K_F1 */}');
  assert.equal(ioctl(0x4b47, 0x7ffc, { entry: [1, 1, 0x7e, 2] }), 'KDSKBENT, {kb_table=K_SHIFTTAB, kb_index=1, kb_value=0x27e /* K_ALLOCATED */}');
  assert.equal(ioctl(0x4b47, 0x7ffc, { entry: [0, 2, 0x08, 7] }), 'KDSKBENT, {kb_table=K_NORMTAB, kb_index=2, kb_value=0x708 /* K_CAPSSHIFT */}');
  assert.equal(ioctl(0x4b47, 0x7ffc, { entry: [0, 2, 0x0b, 14] }), 'KDSKBENT, {kb_table=K_NORMTAB, kb_index=2, kb_value=0xe0b /* K(KT_BRL, 0xb) */}');
  assert.equal(ioctl(0x4b48, 0x7ffc, { entry: [1] }), 'KDGKBSENT, {kb_func=KVAL(K_F2)}');
  const termio = [0x00, 0x05, 0x05, 0, 0xbf, 0, 0x3b, 0x8a, 0, 3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0];
  assert.equal(ioctl(0x5405, 0x7ffc, { ret: 0n, exit: termio }), 'TCGETA, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}');
});

test('rtc: times abbreviated, the wake alarm, parameters by kind', () => {
  const le = (...w: number[]) => w.flatMap((x) => [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24]);
  assert.equal(ioctl(0x4024700a, 0x7ffc, { exit: le(1, 2, 3, 4, 5, 6, 7, 8, 9) }), 'RTC_SET_TIME, {tm_sec=1, tm_min=2, tm_hour=3, tm_mday=4, tm_mon=5, tm_year=6, ...}');
  assert.equal(ioctl(0x4028700f, 0x7ffc, { exit: [1, 0, 0, 0, ...le(1, 2, 3, 4, 5, 6, 7, 8, 9)] }), 'RTC_WKALM_SET, {enabled=1, pending=0, time={tm_sec=1, tm_min=2, tm_hour=3, tm_mday=4, tm_mon=5, tm_year=6, ...}}');
  assert.equal(ioctl(0x40187014, 0x7ffc, { exit: le(0, 0, 1 | 4, 0, 7, 0) }), 'RTC_PARAM_SET, {param=RTC_PARAM_FEATURES, uvalue=1<<RTC_FEATURE_ALARM|1<<RTC_FEATURE_NEED_WEEK_DAY, index=7}');
  assert.equal(ioctl(0x40187014, 0x7ffc, { exit: le(2, 0, 4, 0, 0, 0x17) }), 'RTC_PARAM_SET, {param=RTC_PARAM_BACKUP_SWITCH_MODE, uvalue=0x4 /* RTC_BSM_??? */, index=0, __pad=0x17}');
  assert.equal(ioctl(0x40187013, 0x7ffc, { exit: le(1, 0, 5, 0, 66, 0) }), 'RTC_PARAM_GET, {param=RTC_PARAM_CORRECTION, index=66} => 0x7ffc');
});

test('uffdio and ubi: ranges, modes and ints as given', () => {
  const le64 = (...w: number[]) => w.flatMap((x) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(x)); return [...b]; });
  assert.equal(ioctl(0xc018aa3f, 0x7ffc, { entry: le64(0xaa, 2, 0) }), 'UFFDIO_API, {api=0xaa, features=UFFD_FEATURE_EVENT_FORK}');
  assert.equal(ioctl(0xc020aa00, 0x7ffc, { entry: le64(0x1000, 0x2000, 1, 0) }), 'UFFDIO_REGISTER, {range={start=0x1000, len=0x2000}, mode=UFFDIO_REGISTER_MODE_MISSING}');
  assert.equal(ioctl(0x8010aa02, 0x7ffc, { exit: le64(0, 0) }), 'UFFDIO_WAKE, {start=0, len=0}');
  assert.equal(ioctl(0x40046f41, 0x7ffc, { exit: [0xef, 0xbe, 0xad, 0xde] }), 'UBI_IOCDET, [-559038737]');
});

test('mtd: erase ranges, out-of-band buffers, write requests', () => {
  const le = (...w: number[]) => w.flatMap((x) => [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24]);
  assert.equal(ioctl(0x40084d02, 0x7ffc, { exit: le(0x1000, 0x2000) }), 'MIXER_WRITE(2) or MEMERASE, {start=0x1000, length=0x2000}');
  assert.equal(ioctl(0xc0104d04, 0x7ffc, { entry: le(0x10, 0x20, 0x7000, 0) }), 'MEMREADOOB, {start=0x10, length=0x20, ptr=0x7000}');
  assert.equal(ioctl(0xc0304d18, 0x7ffc, { entry: [...le(1, 0, 2, 0, 3, 0, 4, 0, 5, 0), 1, 0, 0, 0, 0, 0, 0, 0] }), 'MEMWRITE, {start=0x1, len=0x2, ooblen=0x3, usr_data=0x4, usr_oob=0x5, mode=MTD_OPS_AUTO_OOB}');
});

test('evdev: force-feedback effects and keymap entries abbreviated', () => {
  const ff = [0x52, 0, 0x82, 0x83, 0x84, 0x85, ...new Array(42).fill(0)];
  assert.equal(ioctl(0x40304580, 0x7ffc, { exit: ff }), 'EVIOCSFF, {type=FF_CONSTANT, id=-31870, direction=34180, ...}');
  assert.equal(ioctl(0x40284504, 0x7ffc, { exit: [128, 129, ...new Array(38).fill(0)] }), 'EVIOCSKEYCODE_V2, {flags=128, len=129, ...}');
});

test('hdio: nice bits and bus states as values', () => {
  assert.equal(ioctl(0x329, 0x1f | 0x100), 'HDIO_SET_NICE, 1 << IDE_NICE_DSC_OVERLAP|1 << IDE_NICE_ATAPI_OVERLAP|1 << IDE_NICE_1|1 << IDE_NICE_0|1 << IDE_NICE_2|0x100');
  assert.equal(ioctl(0x32d, 2), 'HDIO_SET_BUSSTATE, BUSSTATE_TRISTATE');
  assert.equal(ioctl(0x32d, 7), 'HDIO_SET_BUSSTATE, 0x7 /* BUSSTATE_??? */');
});

test('socket requests: struct ifreq by request, input at entry, output after success (strace 6.1 on lo)', () => {
  const le = (...w: number[]) => w.flatMap((x) => [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24]);
  const ifreq = (name: string, union: number[] = []) => [...Buffer.from(name.padEnd(16, '\0')), ...union, ...new Array(24 - union.length).fill(0)];
  const ok = { ret: 0n };
  assert.equal(ioctl(0x8933, 0x7ffc, { ...ok, entry: ifreq('lo'), exit: ifreq('lo', le(1)) }), 'SIOCGIFINDEX, {ifr_name="lo", ifr_ifindex=1}');
  assert.equal(ioctl(0x8933, 0x7ffc, { ret: -19n, entry: ifreq('sct-none0'), exit: ifreq('sct-none0') }), 'SIOCGIFINDEX, {ifr_name="sct-none0"}', 'a failure: the input only');
  assert.equal(ioctl(0x8933, 0x7ffc, { ret: -14n }), 'SIOCGIFINDEX, 0x7ffc', 'unreadable: the address');
  assert.equal(ioctl(0x8910, 0x7ffc, { ...ok, entry: ifreq('', le(1)), exit: ifreq('lo', le(1)) }), 'SIOCGIFNAME, {ifr_ifindex=1, ifr_name="lo"}', 'the index in, the name out');
  assert.equal(ioctl(0x8910, 0x7ffc, { ret: -19n, entry: ifreq('', le(0x7fffffff)), exit: ifreq('', le(0x7fffffff)) }), 'SIOCGIFNAME, {ifr_ifindex=2147483647}');
  assert.equal(ioctl(0x8913, 0x7ffc, { ...ok, entry: ifreq('lo'), exit: ifreq('lo', [0x49, 0]) }), 'SIOCGIFFLAGS, {ifr_name="lo", ifr_flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING}');
  assert.equal(ioctl(0x8921, 0x7ffc, { ...ok, entry: ifreq('lo'), exit: ifreq('lo', le(65536)) }), 'SIOCGIFMTU, {ifr_name="lo", ifr_mtu=65536}');
  assert.equal(ioctl(0x8942, 0x7ffc, { ...ok, entry: ifreq('lo'), exit: ifreq('lo', le(1000)) }), 'SIOCGIFTXQLEN, {ifr_name="lo", ifr_qlen=1000}');
  assert.equal(ioctl(0x8927, 0x7ffc, { ...ok, entry: ifreq('lo'), exit: ifreq('lo', [0x04, 0x03]) }), 'SIOCGIFHWADDR, {ifr_name="lo", ifr_hwaddr={sa_family=ARPHRD_LOOPBACK, sa_data=00:00:00:00:00:00}}');
  const inet = (a: number[]) => [2, 0, 0, 0, ...a];
  assert.equal(
    ioctl(0x891b, 0x7ffc, { ...ok, entry: ifreq('lo'), exit: ifreq('lo', inet([255, 0, 0, 0])) }),
    'SIOCGIFNETMASK, {ifr_name="lo", ifr_netmask={sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("255.0.0.0")}}',
  );
  assert.equal(ioctl(0x8970, 0x7ffc, { ...ok, entry: ifreq('lo'), exit: ifreq('lo', [0x10, ...new Array(15).fill(0), 0x20, 0, 5]) }), 'SIOCGIFMAP, {ifr_name="lo", ifr_map={mem_start=0x10, mem_end=0, base_addr=0x20, irq=0x5, dma=0, port=0}}');
  // Sets: everything is an input, shown after a failure too.
  assert.equal(ioctl(0x8922, 0x7ffc, { ret: -19n, exit: ifreq('sct-none0', le(1500)) }), 'SIOCSIFMTU, {ifr_name="sct-none0", ifr_mtu=1500}');
  assert.equal(ioctl(0x8923, 0x7ffc, { ret: -19n, exit: [...Buffer.from('sct-none0'.padEnd(16, '\0')), ...Buffer.from('sct-new0'.padEnd(24, '\0'))] }), 'SIOCSIFNAME, {ifr_name="sct-none0", ifr_newname="sct-new0"}');
  assert.equal(
    ioctl(0x8924, 0x7ffc, { ret: -19n, exit: ifreq('sct-none0', [1, 0, 2, 0, 0x5e, 0x10, 0x20, 0x30]) }),
    'SIOCSIFHWADDR, {ifr_name="sct-none0", ifr_hwaddr={sa_family=ARPHRD_ETHER, sa_data=02:00:5e:10:20:30}}',
    "an Ethernet address: ETH_ALEN bytes of sa_data",
  );
  assert.equal(ioctl(0x8931, 0x7ffc, { ret: -19n, exit: ifreq('x', [0xff, 0xff, 1, 2]) }), 'SIOCADDMULTI, {ifr_name="x", ifr_hwaddr={sa_family=ARPHRD_VOID, sa_data=01:02:00:00:00:00:00:00:00:00:00:00:00:00}}', 'a type without a size: all of sa_data');
  assert.equal(ioctl(0x8914, 0x7ffc, { ret: -19n, exit: ifreq('0123456789abcdef', [3, 0]) }), 'SIOCSIFFLAGS, {ifr_name="0123456789abcde"..., ifr_flags=IFF_UP|IFF_BROADCAST}', 'a name without its NUL');
  assert.equal(ioctl(0x89a2, 0x7ffc, { ret: -19n, exit: ifreq('', le(0)) }), 'SIOCBRADDIF, {ifr_ifindex=0}');
});

test('socket requests: struct ifconf lengths and buffer, owner and queue ints', () => {
  const le = (...w: number[]) => w.flatMap((x) => [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24]);
  const ifconf = (len: number, buf: number) => [...le(len, 0), ...le(buf, 0)];
  assert.equal(ioctl(0x8912, 0x7ffc, { ret: 0n, entry: ifconf(0, 0), exit: ifconf(80, 0) }), 'SIOCGIFCONF, {ifc_len=80 /* 2 * sizeof(struct ifreq) */, ifc_buf=NULL}');
  assert.equal(ioctl(0x8912, 0x7ffc, { ret: -14n, entry: ifconf(160, 0x7000), exit: ifconf(160, 0x7000) }), 'SIOCGIFCONF, {ifc_len=160 /* 4 * sizeof(struct ifreq) */, ifc_buf=0x7000}');
  assert.equal(ioctl(0x8912, 0x7ffc, { ret: 0n, entry: ifconf(320, 0x7000), exit: ifconf(80, 0x7000) }), 'SIOCGIFCONF, 0x7ffc', 'the ifreqs written are not read: the address');
  assert.equal(ioctl(0x8912, 0x7ffc, { ret: -14n, entry: ifconf(7, 0x7000), exit: ifconf(7, 0x7000) }), 'SIOCGIFCONF, {ifc_len=7, ifc_buf=0x7000}');
  assert.equal(ioctl(0x8905, 0x7ffc, { ret: 0n, exit: le(0) }), 'SIOCATMARK, [0]');
  assert.equal(ioctl(0x8903, 0x7ffc, { ret: -9n, exit: le(7) }), 'FIOGETOWN, [7]', 'read at exit, failure or not');
  assert.equal(ioctl(0x8901, 0x7ffc, { ret: 0n, exit: le(0) }), 'FIOSETOWN, [0]');
  assert.equal(ioctl(0x8906, 0x7ffc, { ret: -2n }), 'SIOCGSTAMP_OLD, 0x7ffc');
  assert.equal(ioctl(0x89a0, 0x7ffc, { ret: -1n, exit: [...Buffer.from('sct-br0'), ...new Array(9).fill(0)] }), 'SIOCBRADDBR, "sct-br0"');
  assert.equal(ioctl(0x89a1, 0x7ffc, { ret: -1n, exit: [...Buffer.from('0123456789abcdef')] }), 'SIOCBRDELBR, "0123456789abcdef"...', 'IFNAMSIZ bytes and no NUL');
});

test('the socket requests are in the kernel size table, in ascending order for the module', () => {
  const sizes = ioctlArgSizes(archTables('x86_64'));
  assert.deepEqual(sizes.find((s) => s.request === 0x8933), { request: 0x8933, size: 40, dir: 3 }, 'SIOCGIFINDEX: an ifreq read at entry and exit');
  assert.deepEqual(sizes.find((s) => s.request === 0x8922), { request: 0x8922, size: 40, dir: 1 }, 'SIOCSIFMTU: an input ifreq');
  assert.deepEqual(sizes.find((s) => s.request === 0x8912), { request: 0x8912, size: 16, dir: 3 }, 'SIOCGIFCONF: struct ifconf both ways');
  assert.ok(sizes.every((s, i) => i === 0 || sizes[i - 1].request < s.request), 'ascending, no request twice');
  assert.ok(sizes.length < IOCTL_SIZES_MAX, `${sizes.length} entries: every request has room in the ${IOCTL_SIZES_MAX} of the table`);
  assert.equal(IOCTL_SIZES_MAX, ENUMS.sct_limits.SCT_IOCTL_SIZES_MAX, "the table's size is the kernel's");
});

/*
 * ioctl-dev: the device families' requests (console, input, PTP clocks, watchdogs, random, loop (struct loop_info, loop_info64, loop_config), UBI volumes, ATA drive commands, seccomp listeners, GPIO lines, SCSI generic devices,
 * network block devices, perf events, RTCs, infrared, counters, inotify), on fd -1 and on real
 * files: values with their comments, LEDs and modes by name, no argument, ints behind pointers,
 * NULL pointers, struct kbentry, request numbers that carry an event type or an axis.
 */
#include "corpus.h"
#include <linux/blkpg.h>
#include <linux/blktrace_api.h>
#include <linux/counter.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/gpio.h>
#include <linux/input.h>
#include <linux/hdreg.h>
#include <linux/kd.h>
#include <linux/keyboard.h>
#include <linux/lirc.h>
#include <linux/loop.h>
#include <linux/nbd.h>
#include <linux/perf_event.h>
#include <linux/ptp_clock.h>
#include <linux/random.h>
#include <linux/rtc.h>
#include <linux/seccomp.h>
#include <linux/videodev2.h>
#include <linux/watchdog.h>
#include <mtd/ubi-user.h>
#include <scsi/sg.h>
#include <signal.h>
#include <sys/inotify.h>
#include <asm/termbits.h>
#include <sys/ioctl.h>

#ifndef INOTIFY_IOC_SETNEXTWD
#define INOTIFY_IOC_SETNEXTWD _IOW('I', 0, __s32)
#endif

int main(int argc, char **argv)
{
	enter_dir(argc, argv);
	int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0600);
	int null = open("/dev/null", O_RDWR);
	int fds[] = { -1, fd, null };
	struct kbentry kbe = { .kb_table = K_SHIFTTAB, .kb_index = 30, .kb_value = K(KT_LATIN, 'a') };
	struct kbentry kbg = { .kb_table = (1 << KG_CTRL) | (1 << KG_ALT), .kb_index = 2 };
	int n = 123;
	struct fiemap fm = { .fm_start = 16, .fm_length = 4096, .fm_flags = FIEMAP_FLAG_SYNC, .fm_extent_count = 0 };
	struct fstrim_range trim = { .start = 0x1000, .len = 1 << 20, .minlen = 512 };
	struct fsxattr fsx = { .fsx_xflags = FS_XFLAG_APPEND | FS_XFLAG_NODUMP, .fsx_extsize = 4096, .fsx_projid = 0xcafe };
	struct counter_watch cw = { .component = { .type = COUNTER_COMPONENT_COUNT, .scope = COUNTER_SCOPE_COUNT, .parent = 2, .id = 3 }, .event = COUNTER_EVENT_INDEX, .channel = 1 };
	struct ptp_extts_request extts = { .index = 1, .flags = PTP_ENABLE_FEATURE | PTP_RISING_EDGE };
	struct ptp_perout_request perout = { .start = { .sec = 1700000000, .nsec = 5 }, .period = { .sec = 1 }, .index = 2, .flags = PTP_PEROUT_ONE_SHOT };
	struct ptp_sys_offset so = { .n_samples = 5 };
	struct ptp_pin_desc pd = { .index = 3, .func = PTP_PF_PEROUT, .chan = 1 };
	struct gpioline_info gli = { .line_offset = 7 };
	struct gpio_v2_line_config glc = { .flags = GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING };
	struct v4l2_format vf = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers rb = { .count = 4, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP };
	struct v4l2_crop crop = { .type = V4L2_BUF_TYPE_VIDEO_OUTPUT, .c = { .left = -1, .top = 2, .width = 640, .height = 480 } };
	int buftype = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct loop_info li = { .lo_number = 3, .lo_offset = 0x200, .lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR, .lo_name = "img" };
	struct loop_info64 li64 = { .lo_offset = 0x10000, .lo_number = 7, .lo_encrypt_type = LO_CRYPT_XOR, .lo_encrypt_key_size = 3,
				    .lo_encrypt_key = "k\0y", .lo_flags = LO_FLAGS_PARTSCAN, .lo_file_name = "/tmp/disk.img", .lo_crypt_name = "xor" };
	struct loop_config lc = { .fd = 5, .block_size = 4096, .info = { .lo_flags = LO_FLAGS_DIRECT_IO }, .__reserved = { [2] = 9 } };
	struct ubi_attach_req att = { .ubi_num = UBI_DEV_NUM_AUTO, .mtd_num = 2, .vid_hdr_offset = 512, .max_beb_per1024 = 20 };
	struct ubi_mkvol_req mkv = { .vol_id = UBI_VOL_NUM_AUTO, .alignment = 1, .bytes = 1 << 20, .vol_type = UBI_DYNAMIC_VOLUME,
				     .flags = UBI_VOL_SKIP_CRC_CHECK_FLG, .name_len = 4, .name = "data" };
	struct ubi_leb_change_req lebc = { .lnum = 5, .bytes = 2048, .dtype = 3 };
	struct ubi_map_req map = { .lnum = 6, .dtype = 1 };
	struct ubi_rsvol_req rsv = { .bytes = 1 << 21, .vol_id = 1 };
	struct ubi_set_vol_prop_req prop = { .property = UBI_VOL_PROP_DIRECT_WRITE, .value = 1 };
	struct hd_drive_cmd_hdr dcmd = { .command = 0xec, .sector_number = 1, .feature = 0, .sector_count = 1 };
	struct hd_drive_cmd_hdr dcmd2 = { .command = 0x80, .sector_number = 2, .feature = 3, .sector_count = 0 };
	struct hd_geometry geo;
	struct seccomp_notif notif = { .id = 0x1234, .pid = 1, .data = { .nr = 39, .arch = 0xc000003e, .args = { 1, 0, 0xff } } };
	struct seccomp_notif notif0 = { 0 };
	struct seccomp_notif_resp resp = { .id = 0x1234, .val = -1, .error = -EPERM, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };
	struct seccomp_notif_addfd addfd = { .id = 7, .flags = SECCOMP_ADDFD_FLAG_SEND, .srcfd = 3, .newfd = 0, .newfd_flags = O_CLOEXEC };
	unsigned long long notif_id = 0xabcd;
	struct blkpg_ioctl_arg bpg = { .op = BLKPG_RESIZE_PARTITION, .flags = 0, .datalen = 0, .data = (void *) 8 };
	struct blk_user_trace_setup buts = { .act_mask = 0xffff, .buf_size = 4096, .buf_nr = 4, .start_lba = 0, .end_lba = 1 << 20, .pid = 1 };
	struct gpiohandle_request ghr = { .lineoffsets = { 3, 5 }, .flags = GPIOHANDLE_REQUEST_OUTPUT | GPIOHANDLE_REQUEST_ACTIVE_LOW, .default_values = { 1, 0 },
					  .consumer_label = "corpus", .lines = 2 };
	struct gpioevent_request ger = { .lineoffset = 9, .handleflags = GPIOHANDLE_REQUEST_INPUT, .eventflags = GPIOEVENT_REQUEST_BOTH_EDGES, .consumer_label = "ev" };
	struct gpiohandle_data ghd = { .values = { 1, 1, 0, 1 } };
	struct gpio_v2_line_request glr = { .offsets = { 4 }, .consumer = "v2", .num_lines = 1, .event_buffer_size = 16,
					    .config = { .flags = GPIO_V2_LINE_FLAG_OUTPUT, .num_attrs = 2,
							.attrs = { { .attr = { .id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES, .values = 1 }, .mask = 1 },
								   { .attr = { .id = GPIO_V2_LINE_ATTR_ID_DEBOUNCE, .debounce_period_us = 500 }, .mask = 3 } } } };
	struct gpio_v2_line_values glv = { .bits = 0x5, .mask = 0xf };
	struct kbkeycode kc = { .scancode = 0x1e, .keycode = 30 };
	struct kbd_repeat rep = { .delay = 250, .period = 33 };
	struct unimapinit umi = { .advised_hashsize = 1, .advised_hashstep = 2, .advised_hashlevel = 3 };
	struct unimapdesc umd = { .entry_ct = 0, .entries = NULL };
	struct consolefontdesc cfd = { .charcount = 256, .charheight = 16, .chardata = NULL };
	struct console_font_op cfo = { .op = KD_FONT_OP_GET, .flags = KD_FONT_FLAG_DONT_RECALC, .width = 8, .height = 16, .charcount = 256 };
	unsigned int reps[2] = { 250, 33 }, mode = LIRC_MODE_MODE2, modem = TIOCM_DTR | TIOCM_RTS;

	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		int d = fds[i];
		/* Values: a divisor, a tone, LEDs, modes, a signal, a port. */
		ioctl(d, KIOCSOUND, 0);
		ioctl(d, KIOCSOUND, 440);
		ioctl(d, KDMKTONE, (100 << 16) | 1193);
		ioctl(d, KDMKTONE, 1193);
		ioctl(d, KDSETLED, LED_SCR | LED_CAP);
		ioctl(d, KDSETLED, 0xf9);
		ioctl(d, KDSKBLED, LED_NUM << 4 | LED_SCR);
		ioctl(d, KDSETMODE, KD_GRAPHICS);
		ioctl(d, KDSETMODE, 7);
		ioctl(d, KDSKBMODE, K_UNICODE);
		ioctl(d, KDSKBMODE, -1);
		ioctl(d, KDSKBMETA, K_METABIT);
		ioctl(d, KDSKBMETA, 1);
		ioctl(d, KDSIGACCEPT, SIGUSR1);
		ioctl(d, KDSIGACCEPT, (unsigned long)-1);
		ioctl(d, KDADDIO, 0x3c0);
		ioctl(d, KDADDIO, 0x80);
		/* No argument; pointers that are NULL; ints and structs behind pointers. */
		ioctl(d, KDENABIO);
		ioctl(d, PIO_FONTRESET);
		ioctl(d, KDGETLED, NULL);
		ioctl(d, KDGKBMODE, NULL);
		ioctl(d, KDGKBENT, NULL);
		ioctl(d, KDGKBENT, &kbg);
		ioctl(d, KDSKBENT, &kbe);
		ioctl(d, KDFONTOP, NULL);
		ioctl(d, EVIOCSFF, NULL);
		ioctl(d, EVIOCGBIT(EV_KEY, 16), NULL);
		ioctl(d, EVIOCGBIT(0, 4), NULL);
		ioctl(d, EVIOCGBIT(9, 4), NULL);
		ioctl(d, EVIOCGABS(ABS_Y), NULL);
		ioctl(d, EVIOCSABS(ABS_MT_SLOT), NULL);
		unsigned long long range[2] = { 4096, 1ULL << 40 };
		ioctl(d, BLKDISCARD, range);
		ioctl(d, BLKZEROOUT, range);
		int hwif[3] = { 0x1f0, 0x3f6, 14 };
		ioctl(d, HDIO_SCAN_HWIF, hwif);
		unsigned int keycode[2] = { 30, KEY_A };
		ioctl(d, EVIOCSKEYCODE, keycode);
		keycode[1] = BTN_LEFT;
		ioctl(d, EVIOCSKEYCODE, keycode);
		ioctl(d, EVIOCGRAB, 1);
		ioctl(d, EVIOCRMFF, -2);
		ioctl(d, PTP_SYS_OFFSET_PRECISE, NULL);
		ioctl(d, PTP_SYS_OFFSET_EXTENDED2, NULL);
		ioctl(d, PTP_PIN_GETFUNC, NULL);
		ioctl(d, WDIOC_SETTIMEOUT, &n);
		ioctl(d, WDIOC_GETTIMEOUT, NULL);
		ioctl(d, WDIOC_KEEPALIVE);
		ioctl(d, RNDADDTOENTCNT, &n);
		ioctl(d, RNDCLEARPOOL);
		ioctl(d, RNDADDENTROPY, NULL);
		ioctl(d, LOOP_SET_FD, -1);
		ioctl(d, LOOP_CLR_FD);
		ioctl(d, LOOP_SET_BLOCK_SIZE, 4096);
		ioctl(d, LOOP_GET_STATUS64, NULL);
		ioctl(d, NBD_SET_SOCK, 3);
		ioctl(d, NBD_DISCONNECT);
		ioctl(d, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
		ioctl(d, PERF_EVENT_IOC_SET_OUTPUT, -1);
		ioctl(d, RTC_AIE_ON);
		ioctl(d, RTC_IRQP_SET, 64);
		ioctl(d, RTC_RD_TIME, NULL);
		ioctl(d, FS_IOC_GETFLAGS, NULL);
		ioctl(d, TIOCGWINSZ, NULL);
		ioctl(d, TIOCMGET, NULL);
		ioctl(d, INOTIFY_IOC_SETNEXTWD, -5);
		/* Structs as given (not to the file: FITRIM would trim its file system). */
		if (d == fd)
			continue;
		ioctl(d, FS_IOC_FIEMAP, &fm);
		ioctl(d, FITRIM, &trim);
		ioctl(d, FS_IOC_FSSETXATTR, &fsx);
		ioctl(d, COUNTER_ADD_WATCH_IOCTL, &cw);
		ioctl(d, PTP_EXTTS_REQUEST2, &extts);
		ioctl(d, PTP_PEROUT_REQUEST, &perout);
		ioctl(d, PTP_SYS_OFFSET, &so);
		ioctl(d, PTP_PIN_GETFUNC, &pd);
		ioctl(d, PTP_PIN_SETFUNC, &pd);
		ioctl(d, GPIO_GET_LINEINFO_IOCTL, &gli);
		ioctl(d, GPIO_V2_LINE_SET_CONFIG_IOCTL, &glc);
		ioctl(d, VIDIOC_G_FMT, &vf);
		ioctl(d, VIDIOC_REQBUFS, &rb);
		ioctl(d, VIDIOC_S_CROP, &crop);
		ioctl(d, VIDIOC_STREAMON, &buftype);
		ioctl(d, LOOP_SET_STATUS, &li);
		ioctl(d, LOOP_GET_STATUS, &li);
		ioctl(d, LOOP_SET_STATUS64, &li64);
		ioctl(d, LOOP_CONFIGURE, &lc);
		lc.__reserved[2] = 0;
		ioctl(d, LOOP_CONFIGURE, &lc);
		ioctl(d, UBI_IOCATT, &att);
		ioctl(d, UBI_IOCMKVOL, &mkv);
		mkv.name_len = 2;
		ioctl(d, UBI_IOCMKVOL, &mkv);
		ioctl(d, UBI_IOCEBCH, &lebc);
		ioctl(d, UBI_IOCEBMAP, &map);
		ioctl(d, UBI_IOCRSVOL, &rsv);
		ioctl(d, UBI_IOCSETVOLPROP, &prop);
		ioctl(d, HDIO_DRIVE_CMD, &dcmd);
		ioctl(d, HDIO_DRIVE_CMD, &dcmd2);
		ioctl(d, HDIO_GETGEO, &geo);
		ioctl(d, SECCOMP_IOCTL_NOTIF_RECV, &notif);
		ioctl(d, SECCOMP_IOCTL_NOTIF_RECV, &notif0);
		ioctl(d, SECCOMP_IOCTL_NOTIF_SEND, &resp);
		ioctl(d, SECCOMP_IOCTL_NOTIF_ID_VALID, &notif_id);
		ioctl(d, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
		ioctl(d, BLKPG, &bpg);
		ioctl(d, BLKTRACESETUP, &buts);
		ioctl(d, GPIO_GET_LINEHANDLE_IOCTL, &ghr);
		ioctl(d, GPIO_GET_LINEEVENT_IOCTL, &ger);
		ioctl(d, GPIOHANDLE_SET_LINE_VALUES_IOCTL, &ghd);
		ioctl(d, GPIO_V2_GET_LINE_IOCTL, &glr);
		ioctl(d, GPIO_V2_LINE_SET_CONFIG_IOCTL, &glr.config);
		ioctl(d, GPIO_V2_LINE_SET_VALUES_IOCTL, &glv);
		ioctl(d, GPIO_V2_LINE_GET_VALUES_IOCTL, &glv);
		ioctl(d, SG_SET_TIMEOUT, &n);
		ioctl(d, SG_GET_VERSION_NUM, &n);
		ioctl(d, 0x2289 /* SG_GET_ACCESS_COUNT */, &n);
		int reset = 0x100 /* SG_SCSI_RESET_NO_ESCALATE */ | SG_SCSI_RESET_BUS;
		ioctl(d, SG_SCSI_RESET, &reset);
		ioctl(d, SG_SET_TRANSFORM, 0x1234);
		ioctl(d, SG_GET_SCSI_ID, &kc);
		ioctl(d, KDGETKEYCODE, &kc);
		ioctl(d, KDSETKEYCODE, &kc);
		ioctl(d, KDKBDREP, &rep);
		ioctl(d, PIO_UNIMAPCLR, &umi);
		ioctl(d, GIO_UNIMAP, &umd);
		ioctl(d, PIO_UNIMAP, &umd);
		ioctl(d, GIO_FONTX, &cfd);
		ioctl(d, KDFONTOP, &cfo);
		ioctl(d, EVIOCSREP, reps);
		ioctl(d, LIRC_SET_REC_MODE, &mode);
		ioctl(d, TIOCMBIS, &modem);
	}
	/* The old and the new terminal structs on a pseudo-terminal. */
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	grantpt(m);
	unlockpt(m);
	int s = open(ptsname(m), O_RDWR | O_NOCTTY);
	struct termio tio;
	struct termios2 t2;
	ioctl(s, TCGETA, &tio);
	ioctl(s, TCSETA, &tio);
	ioctl(s, TCGETS2, &t2);
	ioctl(s, TCSETSW2, &t2);
	ioctl(s, TIOCMGET, &n);
	close(s);
	close(m);
	int in = inotify_init1(IN_CLOEXEC);
	ioctl(in, INOTIFY_IOC_SETNEXTWD, 7);
	close(in);
	close(null);
	close(fd);
	unlink("f");
	return 0;
}

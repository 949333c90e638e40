/*
 * ioctl-dev: the device families' requests (console, input, PTP clocks, watchdogs, random, loop,
 * network block devices, perf events, RTCs, infrared, counters, inotify), on fd -1 and on real
 * files: values with their comments, LEDs and modes by name, no argument, ints behind pointers,
 * NULL pointers, struct kbentry, request numbers that carry an event type or an axis.
 */
#include "corpus.h"
#include <linux/fs.h>
#include <linux/input.h>
#include <linux/kd.h>
#include <linux/keyboard.h>
#include <linux/loop.h>
#include <linux/nbd.h>
#include <linux/perf_event.h>
#include <linux/ptp_clock.h>
#include <linux/random.h>
#include <linux/rtc.h>
#include <linux/watchdog.h>
#include <signal.h>
#include <sys/inotify.h>
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
	}
	int in = inotify_init1(IN_CLOEXEC);
	ioctl(in, INOTIFY_IOC_SETNEXTWD, 7);
	close(in);
	close(null);
	close(fd);
	unlink("f");
	return 0;
}

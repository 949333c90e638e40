/* Clocks and timers: resolutions, sleeps with known times, timerfds, interval timers. */
#include "corpus.h"
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <stdint.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct timespec ts;
	enter_dir(argc, argv);
	clock_getres(CLOCK_REALTIME, &ts);
	clock_getres(CLOCK_MONOTONIC, &ts);
	clock_getres(CLOCK_BOOTTIME, &ts);
	clock_getres(12345, &ts);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL);
	struct timespec nap = { 0, 1000 };
	nanosleep(&nap, NULL);
	syscall(SYS_nanosleep, &(struct timespec){ 0, 1000000000 }, NULL);
	clock_nanosleep(CLOCK_MONOTONIC, 0, &nap, NULL);
	clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &(struct timespec){ 1, 0 }, NULL);
	int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec its = { { 1, 500 }, { 2, 0 } }, old;
	timerfd_settime(t, 0, &its, &old);
	its.it_value.tv_sec = 0;
	timerfd_settime(t, 0, &its, NULL);
	uint64_t n;
	read(t, &n, sizeof(n));
	close(t);
	timerfd_create(CLOCK_REALTIME, 0x40000000);
	struct itimerval iv = { { 0, 0 }, { 0, 0 } }, ov;
	setitimer(ITIMER_REAL, &iv, &ov);
	getitimer(ITIMER_VIRTUAL, &ov);
	clock_settime(CLOCK_MONOTONIC, &ts);
	return 0;
}

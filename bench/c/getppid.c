/*
 * getppid load: N calls as fast as possible ("getppid N"), or paced at RATE calls per second for
 * SECONDS ("getppid N RATE"; N = RATE * SECONDS), in 1 ms ticks, so a tracer gets a steady
 * stream. Prints the number of calls made and the achieved rate on stderr.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

int main(int argc, char **argv)
{
	long long n = argc > 1 ? atoll(argv[1]) : 1000000;
	long long rate = argc > 2 ? atoll(argv[2]) : 0;
	long long done = 0, t0 = now_ns(), t1;

	if (rate <= 0) {
		for (; done < n; done++)
			syscall(SYS_getppid);
	} else {
		struct timespec next;
		long long tick = 0;

		clock_gettime(CLOCK_MONOTONIC, &next);
		while (done < n) {
			/* Calls due by the end of this 1 ms tick. */
			long long due = (tick + 1) * rate / 1000;

			if (due > n)
				due = n;
			for (; done < due; done++)
				syscall(SYS_getppid);
			tick++;
			next.tv_nsec += 1000000;
			if (next.tv_nsec >= 1000000000) {
				next.tv_nsec -= 1000000000;
				next.tv_sec++;
			}
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		}
	}
	t1 = now_ns();
	fprintf(stderr, "{\"calls\":%lld,\"rate\":%.0f}\n", done, done * 1e9 / (double)(t1 - t0));
	return 0;
}

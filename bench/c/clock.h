/* CLOCK_MONOTONIC in nanoseconds, shared by the bench programs. */
#ifndef SCTRACE_BENCH_CLOCK_H
#define SCTRACE_BENCH_CLOCK_H

#include <time.h>

static inline long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif

/*
 * pingpong: two processes pinned to one CPU pass a byte back and forth through two pipes, so
 * every round trip is two context switches between them (bench/sched.ts). Prints
 * {"pids":[PARENT,CHILD]} once both are pinned, waits for a line on stdin (a tracer attaches
 * meanwhile), runs 1000 rounds of warm-up and ROUNDS timed ones, and prints
 * {"rounds":N,"ns_per_round":X}.
 *
 * usage: pingpong ROUNDS [CPU]
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		perror("pingpong: sched_setaffinity");
		exit(1);
	}
}

static void rounds(int to, int from, long n)
{
	char b = 0;

	for (long i = 0; i < n; i++)
		if (write(to, &b, 1) != 1 || read(from, &b, 1) != 1) {
			perror("pingpong: parent");
			exit(1);
		}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	int cpu = argc > 2 ? atoi(argv[2]) : 0;
	int down[2], up[2];
	char line[64], b;
	long long t0, t1;
	pid_t child;

	if (n <= 0 || pipe(down) || pipe(up)) {
		fprintf(stderr, "usage: pingpong ROUNDS [CPU]\n");
		return 2;
	}
	pin(cpu);
	child = fork();
	if (child < 0) {
		perror("pingpong: fork");
		return 1;
	}
	if (child == 0) {
		close(down[1]);
		close(up[0]);
		while (read(down[0], &b, 1) == 1)
			if (write(up[1], &b, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	printf("{\"pids\":[%d,%d]}\n", getpid(), child);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	rounds(down[1], up[0], 1000);
	t0 = now_ns();
	rounds(down[1], up[0], n);
	t1 = now_ns();
	close(down[1]);
	waitpid(child, NULL, 0);
	printf("{\"rounds\":%ld,\"ns_per_round\":%.1f}\n", n, (double)(t1 - t0) / n);
	return 0;
}

/*
 * launch: runs a workload under a stopwatch, started stopped so a tracer can attach to its pid
 * first. Prints "pid N" once the child is stopped before exec, waits for a line on stdin, resumes
 * it, and prints one JSON line with the wall time from resume to exit and the child's CPU
 * (getrusage of the waited child, which includes the descendants it waited for). It then waits
 * for a second line (or EOF) before exiting, so a tracer that runs it is still alive and its own
 * CPU can be read from /proc.
 *
 * usage: launch CMD [ARGS...]
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

int main(int argc, char **argv)
{
	struct rusage ru;
	char line[64];
	long long t0, t1;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: launch CMD [ARGS...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("launch: fork");
		return 1;
	}
	if (pid == 0) {
		raise(SIGSTOP);
		execvp(argv[1], argv + 1);
		perror("launch: exec");
		_exit(127);
	}
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status)) {
		fprintf(stderr, "launch: child did not stop\n");
		return 1;
	}
	printf("pid %d\n", pid);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin)) {
		kill(pid, SIGKILL);
		return 1;
	}
	t0 = now_ns();
	kill(pid, SIGCONT);
	for (;;) {
		pid_t got = wait4(pid, &status, 0, &ru);

		if (got == pid && (WIFEXITED(status) || WIFSIGNALED(status)))
			break;
		if (got < 0) {
			perror("launch: wait4");
			return 1;
		}
	}
	t1 = now_ns();
	printf("{\"wall_ns\":%lld,\"user_us\":%lld,\"sys_us\":%lld,\"exit\":%d}\n", t1 - t0,
	       (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
	       (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return 0;
}

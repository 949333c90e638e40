/*
 * Fork/exec-heavy load: CYCLES times fork, execv(PROG) in the child, wait in the parent.
 * usage: forkexec PROG CYCLES
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long cycles;

	if (argc != 3) {
		fprintf(stderr, "usage: forkexec PROG CYCLES\n");
		return 2;
	}
	cycles = atol(argv[2]);
	for (long i = 0; i < cycles; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			char *args[] = { argv[1], NULL };

			execv(argv[1], args);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "forkexec: child failed\n");
			return 1;
		}
	}
	return 0;
}

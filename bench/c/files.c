/*
 * File-heavy load: CYCLES rounds of openat/read/close over the small files DIR/0 .. DIR/(FILES-1).
 * usage: files DIR FILES CYCLES
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[4096], buf[8192];
	long files, cycles;

	if (argc != 4) {
		fprintf(stderr, "usage: files DIR FILES CYCLES\n");
		return 2;
	}
	files = atol(argv[2]);
	cycles = atol(argv[3]);
	for (long i = 0; i < cycles; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%ld", argv[1], i % files);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(path);
			return 1;
		}
		if (read(fd, buf, sizeof(buf)) < 0)
			perror("read");
		close(fd);
	}
	return 0;
}

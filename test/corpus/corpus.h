/*
 * Shared by the comparison corpus (test/integration/strace-lines.test.ts): each program makes
 * one family's system calls with known arguments, successes and failures, and runs in DIR (its
 * first argument), a fresh directory that both runs share.
 */
#ifndef SCT_CORPUS_H
#define SCT_CORPUS_H
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* An address whose page is not mapped: arguments strace (and sctrace) cannot read. */
static inline void *unmapped(void)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + 4096, 4096);
	return p + 4096;
}

/* `len` bytes of `fill` that end right before an unmapped page (strace's tail_alloc). */
static inline void *tail(size_t len, int fill)
{
	char *end = unmapped();
	memset(end - len, fill, len);
	return end - len;
}

static inline void enter_dir(int argc, char **argv)
{
	if (argc < 2 || chdir(argv[1]))
		exit(2);
}
#endif

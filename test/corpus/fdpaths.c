/* strace -y on a trace of some calls (test/integration/strace-lines.test.ts runs it with -y and a
 * trace= list): fds opened by calls the trace does not select, dirfds and plain fds at AT_FDCWD,
 * fsconfig's aux per command, open_tree's and io_uring's fds, a cwd of PATH_MAX bytes. The
 * process exits right after, before the service decodes its records, so /proc cannot name them. */
#include "corpus.h"
#include <limits.h>
#include <linux/io_uring.h>
#include <linux/mount.h>
#include <sys/stat.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

int main(int argc, char **argv)
{
	enter_dir(argc, argv);
	/* open(2), not traced: the trace's fd table names it all the same. */
	int full = syscall(SYS_open, "/dev/full", O_WRONLY);
	syscall(SYS_fspick, full, "", 8 /* FSPICK_EMPTY_PATH */);
	syscall(SYS_fspick, AT_FDCWD, "nonexistent", 0);
	syscall(SYS_open_tree, full, "", AT_EMPTY_PATH);
	syscall(SYS_open_tree, -1, "/dev/full", 0);
	syscall(SYS_move_mount, full, "x", AT_FDCWD, "", 0);
	/* fsmount's fd is no dirfd: -100 is just -100. */
	syscall(SYS_fsmount, AT_FDCWD, 0, 0);
	syscall(SYS_fsmount, full, 0, 0);
	syscall(SYS_fsconfig, full, FSCONFIG_SET_FD, "k", NULL, full);
	syscall(SYS_fsconfig, full, FSCONFIG_SET_PATH, "k", "/dev/full", AT_FDCWD);
	syscall(SYS_fsconfig, full, FSCONFIG_SET_FLAG, "k", NULL, AT_FDCWD);
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	int ring = syscall(SYS_io_uring_setup, 1, &p);
	syscall(SYS_io_uring_enter, ring, 0, 0, 0, NULL, 0);
	syscall(SYS_io_uring_enter, full, 0, 0, 0, NULL, 0);
	/* A cwd of PATH_MAX bytes or more: strace prints AT_FDCWD without a path. */
	char name[NAME_MAX + 1];
	memset(name, 'x', NAME_MAX);
	name[NAME_MAX] = '\0';
	int depth = 0;
	for (size_t len = strlen(argv[1]); len <= PATH_MAX; len += NAME_MAX + 1, depth++)
		if (mkdir(name, 0700) || chdir(name))
			return 3;
	syscall(SYS_openat, AT_FDCWD, "sample", O_RDONLY);
	for (; depth > 0; depth--)
		if (chdir("..") || rmdir(name))
			return 4;
	syscall(SYS_openat, AT_FDCWD, "sample", O_RDONLY);
	return 0;
}

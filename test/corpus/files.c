/* Files and directories: opens, stats, links, renames, modes, dirs, odd and long names. */
#include "corpus.h"
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <utime.h>
#include <limits.h>

int main(int argc, char **argv)
{
	char buf[256], path[PATH_MAX];
	struct stat st;
	struct statfs sfs;
	int fd, dfd;

	enter_dir(argc, argv);
	fd = open("a.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, "hello, corpus\n", 14);
	fsync(fd);
	fdatasync(fd);
	ftruncate(fd, 10);
	fstat(fd, &st);
	fchmod(fd, 0600);
	flock(fd, LOCK_EX | LOCK_NB);
	flock(fd, LOCK_UN);
	close(fd);
	fd = open("a.txt", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	read(fd, buf, sizeof(buf));
	lseek(fd, 2, SEEK_SET);
	lseek(fd, -1, SEEK_END);
	lseek(fd, 0, SEEK_CUR);
	pread(fd, buf, 4, 1);
	fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, O_NONBLOCK | O_APPEND);
	fcntl(fd, F_GETFD);
	fcntl(fd, F_DUPFD, 10);
	fcntl(fd, F_DUPFD_CLOEXEC, 20);
	close(10);
	close(20);
	close(fd);
	open("missing.txt", O_RDONLY);
	open("a.txt", O_WRONLY | O_CREAT | O_EXCL, 0600);
	openat(AT_FDCWD, "b.txt", O_RDWR | O_CREAT | O_APPEND | O_SYNC, 0755);
	close(3);
	creat("c.txt", 0640);
	close(3);
	stat("a.txt", &st);
	stat("missing.txt", &st);
	lstat("a.txt", &st);
	fstatat(AT_FDCWD, "b.txt", &st, AT_SYMLINK_NOFOLLOW);
	statfs(".", &sfs);
	access("a.txt", R_OK | W_OK);
	access("a.txt", X_OK);
	access("missing.txt", F_OK);
	faccessat(AT_FDCWD, "b.txt", W_OK, AT_EACCESS);
	symlink("a.txt", "link");
	readlink("link", buf, sizeof(buf));
	readlink("a.txt", buf, sizeof(buf));
	link("a.txt", "hard");
	rename("hard", "hard2");
	renameat(AT_FDCWD, "hard2", AT_FDCWD, "hard3");
	unlink("hard3");
	unlink("missing.txt");
	chmod("b.txt", 04755);
	chmod("b.txt", 0644);
	chown("b.txt", -1, -1);
	lchown("link", 0, 0);
	truncate("b.txt", 100);
	truncate("missing.txt", 0);
	utime("b.txt", NULL);
	utimensat(AT_FDCWD, "b.txt", NULL, 0);
	mkdir("d", 0755);
	mkdir("d", 0755);
	mkdirat(AT_FDCWD, "d/e", 0700);
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	openat(dfd, "f.txt", O_WRONLY | O_CREAT, 0600);
	close(4);
	fstatat(dfd, "f.txt", &st, 0);
	unlinkat(dfd, "f.txt", 0);
	unlinkat(dfd, "e", AT_REMOVEDIR);
	fchdir(dfd);
	getcwd(path, sizeof(path));
	chdir("..");
	close(dfd);
	rmdir("d");
	rmdir("missing");
	/* A directory read of more than 4096 bytes: its entries counted in the kernel (strace counts them all). */
	static char ents[32768];
	dfd = open("/usr/bin", O_RDONLY | O_DIRECTORY);
	syscall(SYS_getdents64, dfd, ents, sizeof(ents));
	close(dfd);
	umask(022);
	umask(077);
	mknod("fifo", S_IFIFO | 0600, 0);
	unlink("fifo");
	setxattr("a.txt", "user.x", "1", 1, 0);
	getxattr("a.txt", "user.nope", buf, sizeof(buf));
	listxattr("a.txt", buf, sizeof(buf));
	/* A value's trailing NUL is not shown, one beyond XATTR_SIZE_MAX is an address; a zero-size list too. */
	setxattr("a.txt", "user.y", "foo\0bar", 8, XATTR_CREATE);
	syscall(SYS_setxattr, "a.txt", "user.z", buf, 65537, XATTR_CREATE);
	listxattr("a.txt", buf, 0);
	/* odd names: bytes that are not UTF-8, escapes, a long path */
	chdir("/tmp/hi~\222");
	open("tab\there\nnewline\"quote\\", O_RDONLY);
	memset(path, 'x', 300);
	path[0] = '/';
	path[300] = 0;
	stat(path, &st);
	syscall(SYS_chdir, tail(8, '/'));
	syscall(SYS_chdir, (char *)1);
	syscall(SYS_chdir, NULL);
	syscall(SYS_close, -1);
	syscall(SYS_close, 1000);
	unlink("a.txt");
	unlink("b.txt");
	unlink("c.txt");
	unlink("link");
	return 0;
}

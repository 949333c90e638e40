/*
 * Strings: paths of every length up to PATH_MAX (never cut, one without its NUL), every byte
 * value in a path, strings that are not paths and data buffers around the -s limit (32), and
 * strings the kernel cannot read.
 */
#include "corpus.h"
#include <limits.h>
#include <sys/xattr.h>

static const unsigned lengths[] = { 0, 1, 2, 30, 31, 32, 33, 63, 64, 65, 127, 255, 256, 257, 511, 1000, 2047, 2048, 4000, 4094, 4095 };

int main(int argc, char **argv)
{
	char *p = tail(PATH_MAX, '/');
	char name[256], buf[300];

	enter_dir(argc, argv);
	/* PATH_MAX bytes and no NUL: strace shows PATH_MAX - 1 of them and "..." */
	syscall(SYS_chdir, p);
	for (unsigned i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		p[PATH_MAX - 1] = 0;
		syscall(SYS_chdir, p + PATH_MAX - 1 - lengths[i]);
	}
	/* every byte value from 1 to 255, 32 to a path */
	for (unsigned start = 1; start < 256; start += 32) {
		unsigned n = 0;
		for (unsigned c = start; c < start + 32 && c < 256; c++) name[n++] = (char)c;
		name[n] = 0;
		syscall(SYS_chdir, name);
		syscall(SYS_access, name, F_OK);
	}
	/* digits after an escape: "\1" before a digit is "\0011" */
	syscall(SYS_chdir, "\001" "1" "\177" "7" "\n" "0");
	/* strings that are not paths: cut at -s */
	memset(name, 'n', sizeof(name));
	memcpy(name, "user.", 5);
	for (unsigned len = 30; len <= 34; len++) {
		name[len] = 0;
		setxattr(".", name, "v", 1, 0);
		name[len] = 'n';
	}
	/* data buffers around 32 bytes, with bytes that need escapes */
	for (unsigned i = 0; i < sizeof(buf); i++) buf[i] = (char)(i * 7);
	for (unsigned len = 30; len <= 34; len++) syscall(SYS_write, -1, buf, len);
	syscall(SYS_write, -1, buf, sizeof(buf));
	syscall(SYS_write, -1, "\0\0\0", 3);
	/* strings the kernel cannot read */
	syscall(SYS_chdir, unmapped());
	syscall(SYS_chdir, tail(1, 'x'));
	syscall(SYS_chdir, (char *)-1L);
	return 0;
}

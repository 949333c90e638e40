/* Memory: mappings, protections, advice, remaps, locks, the break. */
#include "corpus.h"

int main(int argc, char **argv)
{
	enter_dir(argc, argv);
	char *m = mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	mmap(NULL, 4096, PROT_READ, MAP_SHARED, -1, 0);
	mmap((void *)0x10000, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	int fd = open("map", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ftruncate(fd, 8192);
	char *f = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
	f = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	f[0] = 1;
	msync(f, 4096, MS_SYNC);
	msync(f, 4096, MS_ASYNC | MS_INVALIDATE);
	munmap(f, 8192);
	close(fd);
	unlink("map");
	mprotect(m, 4096, PROT_READ);
	mprotect(m + 4096, 4096, PROT_NONE);
	mprotect(m, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
	madvise(m, 16384, MADV_DONTNEED);
	madvise(m, 16384, MADV_WILLNEED);
	madvise(m, 16384, MADV_SEQUENTIAL);
	madvise(m, 16384, 12345);
	mlock(m, 4096);
	munlock(m, 4096);
	mlockall(MCL_CURRENT);
	munlockall();
	unsigned char vec[4];
	mincore(m, 16384, vec);
	char *r = mremap(m, 16384, 32768, MREMAP_MAYMOVE);
	munmap(r, 32768);
	munmap(NULL, 0);
	syscall(SYS_brk, 0);
	mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return 0;
}

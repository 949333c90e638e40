/* Kernel objects with known arguments, mostly invalid fds and sizes so each call fails the same
 * way anywhere as root: fanotify, bpf attrs, keyctl commands, io_uring, memory policies, pkeys,
 * perf flags, System V IPC structs, futex_waitv, sched_attr, module syscalls (ENOSYS on a kernel
 * without modules). */
#include "corpus.h"
#include <linux/aio_abi.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/futex.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/sched/types.h>
#include <mqueue.h>
#include <signal.h>
#include <time.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/uio.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

int main(int argc, char **argv)
{
	enter_dir(argc, argv);
	/* fanotify_mark on no fanotify fd: flags, a 64-bit mask with unknown bits, FAN_NOFD. */
	syscall(SYS_fanotify_mark, -1, 0, 0ULL, -1, NULL);
	syscall(SYS_fanotify_mark, -1, 0x11, 0xffffffff00000003ULL, AT_FDCWD, ".");
	syscall(SYS_fanotify_mark, -1, 0xeface800, 0x80000ULL, 1, NULL);
	syscall(SYS_fanotify_init, 0, 0x80000001);

	/* bpf: attrs cut at their size, at the end of a page, on fds that do not exist. */
	union bpf_attr *a = tail(sizeof(*a), 0);
	a->map_type = BPF_MAP_TYPE_ARRAY;
	syscall(SYS_bpf, BPF_MAP_CREATE, a, 4);
	a->map_type = 0xdeadf00d;
	a->key_size = 4;
	a->value_size = 8;
	a->max_entries = 256;
	a->map_flags = BPF_F_NUMA_NODE | BPF_F_RDONLY;
	a->inner_map_fd = -1;
	a->numa_node = 7;
	memcpy(a->map_name, "12345678", 8);
	syscall(SYS_bpf, BPF_MAP_CREATE, a, 36);
	memset(a, 0, sizeof(*a));
	a->map_fd = -1;
	a->key = 0xdeadbeef;
	a->value = 0xbadc0ded;
	a->flags = BPF_F_LOCK;
	syscall(SYS_bpf, BPF_MAP_LOOKUP_ELEM, a, 32);
	syscall(SYS_bpf, BPF_MAP_UPDATE_ELEM, a, 4);
	syscall(SYS_bpf, BPF_MAP_DELETE_ELEM, a, 16);
	syscall(SYS_bpf, BPF_MAP_GET_NEXT_KEY, a, 24);
	memset(a, 0, sizeof(*a));
	a->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	syscall(SYS_bpf, BPF_PROG_LOAD, a, 4);
	memset(a, 0, sizeof(*a));
	a->bpf_fd = -1;
	syscall(SYS_bpf, BPF_OBJ_PIN, a, 12);
	syscall(SYS_bpf, BPF_OBJ_GET, a, 16);
	/*
	 * Strings behind the attr's pointers, in written memory (a string in a page the program has
	 * not touched yet cannot be read from the kernel side: KERNEL_NEEDS.md).
	 */
	char text[3][64];
	strcpy(text[0], "/sys/fs/bpf/no-such-corpus-object");
	strcpy(text[1], "GPL");
	strcpy(text[2], "a license string longer than strace's -s of 32");
	a->pathname = (uintptr_t)text[0];
	syscall(SYS_bpf, BPF_OBJ_PIN, a, 12);
	syscall(SYS_bpf, BPF_OBJ_GET, a, 16);
	memset(a, 0, sizeof(*a));
	a->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a->license = (uintptr_t)text[1];
	syscall(SYS_bpf, BPF_PROG_LOAD, a, 48);
	a->license = (uintptr_t)text[2];
	syscall(SYS_bpf, BPF_PROG_LOAD, a, 48);
	memset(a, 0, sizeof(*a));
	a->raw_tracepoint.name = (uintptr_t)text[1];
	a->raw_tracepoint.prog_fd = -1;
	syscall(SYS_bpf, BPF_RAW_TRACEPOINT_OPEN, a, 16);
	memset(a, 0, sizeof(*a));
	a->target_fd = -1;
	a->attach_bpf_fd = -1;
	a->attach_type = BPF_CGROUP_INET_EGRESS;
	a->attach_flags = BPF_F_ALLOW_MULTI;
	syscall(SYS_bpf, BPF_PROG_ATTACH, a, 16);
	syscall(SYS_bpf, BPF_PROG_DETACH, a, 12);
	memset(a, 0, sizeof(*a));
	a->link_create.prog_fd = -1;
	a->link_create.target_fd = -1;
	a->link_create.attach_type = BPF_CGROUP_INET_EGRESS;
	syscall(SYS_bpf, BPF_LINK_CREATE, a, 16);
	syscall(SYS_bpf, BPF_LINK_CREATE, a, 0);
	syscall(SYS_bpf, BPF_LINK_CREATE, (char *)a + sizeof(*a) - 7, 8);

	/* keyctl: each command's own arguments, on keys that do not exist. */
	syscall(SYS_keyctl, KEYCTL_UPDATE, KEY_SPEC_REQUESTOR_KEYRING, NULL, 0, 0x1234);
	syscall(SYS_keyctl, KEYCTL_CHOWN, 0xdeadf00d, -1, -1);
	syscall(SYS_keyctl, KEYCTL_SETPERM, 0xdeadf00d, 0xc0c0c0c0);
	syscall(SYS_keyctl, KEYCTL_DESCRIBE, 0xdeadf00d, NULL, 0xfeedfacebadc0dedULL);
	syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_REQUESTOR_KEYRING, NULL, NULL, 0);
	syscall(SYS_keyctl, KEYCTL_REJECT, 0xdeadf00d, 3, ENODEV, 0xdeadf00d);
	syscall(SYS_keyctl, KEYCTL_MOVE, 0xdeadf00d, KEY_SPEC_THREAD_KEYRING, 0xdeadf00d, 0xfffffffe);
	syscall(SYS_keyctl, KEYCTL_NEGATE, 0xdeadf00d, 10, KEY_SPEC_THREAD_KEYRING);
	/* keyctl's strings and payloads, chosen by the command, and its outputs at the length returned. */
	static char longname[5000];
	memset(longname, 'k', sizeof(longname) - 1);
	syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, longname);
	syscall(SYS_keyctl, KEYCTL_UPDATE, 0xdeadf00d, "new-payload", 11);
	syscall(SYS_keyctl, KEYCTL_UPDATE, 0xdeadf00d, "a payload longer than thirty-two bytes", 38);
	syscall(SYS_keyctl, KEYCTL_UPDATE, 0xdeadf00d, tail(4, 'p'), 4);
	syscall(SYS_keyctl, KEYCTL_UPDATE, 0xdeadf00d, tail(4, 'p'), 5);
	syscall(SYS_keyctl, KEYCTL_INSTANTIATE, 0xdeadf00d, "pay\0load", 8, KEY_SPEC_PROCESS_KEYRING);
	syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_PROCESS_KEYRING, "user", "no-such-key", 0);
	syscall(SYS_keyctl, KEYCTL_RESTRICT_KEYRING, 0xdeadf00d, "asymmetric", "builtin_trusted");
	syscall(SYS_add_key, "user", "corpus-key", "secret", 6, KEY_SPEC_PROCESS_KEYRING);
	char *desc = tail(64, 0);
	syscall(SYS_keyctl, KEYCTL_DESCRIBE, KEY_SPEC_PROCESS_KEYRING, desc, 64);
	syscall(SYS_keyctl, KEYCTL_DESCRIBE, KEY_SPEC_PROCESS_KEYRING, desc, 8);
	syscall(SYS_keyctl, KEYCTL_DESCRIBE, KEY_SPEC_PROCESS_KEYRING, desc, 4096);
	syscall(SYS_keyctl, KEYCTL_GET_SECURITY, KEY_SPEC_PROCESS_KEYRING, desc, 64);
	syscall(SYS_keyctl, KEYCTL_READ, 0xdeadf00d, desc, 64);

	/* perf_event_open's attr, as strace prints it without -v, for each type; EINVAL/ENOENT/E2BIG/EFAULT. */
	struct perf_event_attr *pa = tail(sizeof(*pa), 0);
	pa->type = PERF_TYPE_SOFTWARE;
	pa->size = PERF_ATTR_SIZE_VER5;
	pa->config = 0xdead;
	pa->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | (1ULL << 40);
	pa->read_format = PERF_FORMAT_ID | PERF_FORMAT_GROUP;
	pa->disabled = 1;
	pa->exclude_kernel = 1;
	pa->precise_ip = 2;
	pa->sigtrap = 1;
	syscall(SYS_perf_event_open, pa, -1, -1, -1, 0);
	pa->type = PERF_TYPE_HARDWARE;
	pa->config = 0x500000007ULL;
	pa->freq = 1;
	pa->sample_freq = 4000;
	pa->size = 0;
	syscall(SYS_perf_event_open, pa, 0x7fffffff, -1, -1, 0);
	pa->type = PERF_TYPE_HW_CACHE;
	pa->config = 0x3000000ULL | (PERF_COUNT_HW_CACHE_RESULT_MISS << 16) | (PERF_COUNT_HW_CACHE_OP_WRITE << 8) | PERF_COUNT_HW_CACHE_DTLB;
	/* A size past the kernel's struct with a non-zero byte there: E2BIG, the kernel's size written back. */
	struct perf_event_attr *big = tail(256, 0);
	memcpy(big, pa, sizeof(*pa));
	big->size = 200;
	((char *)big)[199] = 1;
	syscall(SYS_perf_event_open, big, 0x7fffffff, -1, -1, 0);
	pa->type = PERF_TYPE_TRACEPOINT;
	pa->size = 32;
	syscall(SYS_perf_event_open, pa, -1, -1, -1, 0);
	pa->type = 0x77;
	pa->size = PERF_ATTR_SIZE_VER0;
	pa->config = 0x1234;
	*((uint64_t *)pa + 5) |= 0xffffc00000000000ULL;
	syscall(SYS_perf_event_open, pa, -1, -1, -1, 0);
	syscall(SYS_perf_event_open, (char *)tail(40, 0), -1, -1, -1, 0);

	/* io_uring: params rejected for their flags, enter on no ring, register on fd 0. */
	struct io_uring_params *p = tail(sizeof(*p), 0);
	p->flags = IORING_SETUP_ATTACH_WQ;
	p->wq_fd = -1;
	syscall(SYS_io_uring_setup, 2, p);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	syscall(SYS_io_uring_enter, -1, 1, 0, IORING_ENTER_GETEVENTS | 0x100, &set, 8);
	struct io_uring_rsrc_register *r = tail(sizeof(*r), 0);
	r->tags = (uintptr_t)r;
	syscall(SYS_io_uring_register, 0, IORING_REGISTER_FILES2, r, sizeof(*r));
	r->flags = IORING_RSRC_REGISTER_SPARSE;
	syscall(SYS_io_uring_register, 0, IORING_REGISTER_BUFFERS2, r, sizeof(*r));
	struct io_uring_rsrc_update2 *u = tail(sizeof(*u), 0);
	u->offset = 3;
	syscall(SYS_io_uring_register, 0, IORING_REGISTER_FILES_UPDATE2, u, sizeof(*u));
	struct io_uring_buf_reg *b = tail(sizeof(*b), 0);
	b->ring_entries = 8;
	b->bgid = 2;
	syscall(SYS_io_uring_register, 0, IORING_REGISTER_PBUF_RING, b, 1);
	/*
	 * Arrays of nr_args elements: fds, iovecs. Not at a page end: the kernel side reads them at
	 * 16 bytes an element (the largest element), so a shorter array must not end at a page.
	 */
	int fds[16] = { 3, -1, -2 };
	syscall(SYS_io_uring_register, 0, IORING_REGISTER_FILES, fds, 3);
	syscall(SYS_io_uring_register, 0, IORING_REGISTER_EVENTFD, fds, 1);
	syscall(SYS_io_uring_register, 0, IORING_REGISTER_RESTRICTIONS, fds, 0);
	struct iovec iov[2] = { { fds, 12 }, { NULL, 0 } };
	syscall(SYS_io_uring_register, 0, IORING_REGISTER_BUFFERS, iov, 2);
	/* The arrays behind the register structs' pointers: fds (IORING_REGISTER_FILES_SKIP), iovecs, tags. */
	__u64 tags[3] = { 0, 0x1234, 7 };
	struct io_uring_files_update fu = { .offset = 1, .fds = (uintptr_t)fds };
	syscall(SYS_io_uring_register, 0, IORING_REGISTER_FILES_UPDATE, &fu, 3);
	struct io_uring_rsrc_register rr = { .nr = 3, .data = (uintptr_t)fds, .tags = (uintptr_t)tags };
	syscall(SYS_io_uring_register, 0, IORING_REGISTER_FILES2, &rr, sizeof(rr));
	rr.nr = 2;
	rr.data = (uintptr_t)iov;
	syscall(SYS_io_uring_register, 0, IORING_REGISTER_BUFFERS2, &rr, sizeof(rr));
	struct io_uring_rsrc_update2 ru = { .offset = 2, .data = (uintptr_t)fds, .tags = (uintptr_t)tags, .nr = 3 };
	syscall(SYS_io_uring_register, 0, IORING_REGISTER_FILES_UPDATE2, &ru, sizeof(ru));
	ru.data = (uintptr_t)iov;
	ru.nr = 2;
	syscall(SYS_io_uring_register, 0, IORING_REGISTER_BUFFERS_UPDATE, &ru, sizeof(ru));

	/* Memory policies on a page that is not ours to bind, pkeys with bits the kernel refuses. */
	syscall(SYS_mbind, 0, 4096, 0x8001, NULL, 0, 0xffffffff);
	syscall(SYS_set_mempolicy, 0x4002, NULL, 0);
	int *pol = tail(sizeof(int), 0);
	syscall(SYS_get_mempolicy, pol, NULL, 0, NULL, 0);
	syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL, 0xfULL);
	/* Node masks of maxnode - 1 bits, in longs; move_pages' arrays of nr_pages elements. */
	unsigned long nodes[2] = { 1, 0 };
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	page[0] = 1;
	syscall(SYS_mbind, page, 4096, 2 /* MPOL_BIND */, nodes, 3, 0);
	syscall(SYS_mbind, page, 4096, 0 /* MPOL_DEFAULT */, nodes, 70, 0);
	syscall(SYS_mbind, page, 4096, 2, nodes, 1, 0);
	syscall(SYS_set_mempolicy, 1 /* MPOL_PREFERRED */, nodes, 2);
	syscall(SYS_set_mempolicy, 0, NULL, 0);
	/* Masks that end at an unmapped page: the words before it, then its address. */
	unsigned long *end = tail(16, 0);
	syscall(SYS_set_mempolicy, 0, end, 130);
	syscall(SYS_set_mempolicy, 0, end, 300);
	syscall(SYS_set_mempolicy, 0, end + 1, 66);
	unsigned long got[2] = { ~0UL, ~0UL };
	syscall(SYS_get_mempolicy, pol, got, 65, NULL, 0);
	syscall(SYS_migrate_pages, 0, 3, nodes, nodes);
	void *pages[2] = { page, NULL };
	int to[2] = { 0, 0 }, status[2] = { 7, 7 };
	syscall(SYS_move_pages, 0, 2, pages, NULL, status, 0);
	syscall(SYS_move_pages, 0, 2, pages, to, status, 2 /* MPOL_MF_MOVE */);
	syscall(SYS_move_pages, 0, 2, pages, NULL, tail(sizeof(int), 0), 0);
	syscall(SYS_pkey_alloc, 0, 0xdec0de8ULL | 5);
	syscall(SYS_perf_event_open, NULL, -1, -1, -1, 0xfULL);

	/* System V IPC on keys and ids that do not exist, message queues at a bad name, kcmp. */
	syscall(SYS_msgget, 0xfdb9f531, 0xface1000 | IPC_EXCL | 0125);
	syscall(SYS_semget, 0xfdb97531, 1, 0);
	syscall(SYS_shmget, 0x5c7ace01, 4096, SHM_HUGETLB | (21 << 26) | 0600);
	syscall(SYS_msgctl, -1, IPC_STAT, NULL);
	/* A struct msgbuf: its mtype and msgsz bytes of text, shown whether the call failed or not. */
	struct { long mtype; char mtext[64]; } mb = { 5, "hello\0msg queue, a text longer than strace's default -s of 32" };
	syscall(SYS_msgsnd, -1, &mb, 10, IPC_NOWAIT);
	syscall(SYS_msgsnd, -1, &mb, 60, 0);
	syscall(SYS_msgrcv, -1, &mb, 4, -2L, IPC_NOWAIT | 010000 /* MSG_NOERROR */);
	syscall(SYS_msgsnd, -1, tail(4, 0), 0, 0);
	syscall(SYS_semctl, -1, 0, IPC_RMID, 0);
	syscall(SYS_shmctl, -1, IPC_SET, NULL);
	/* The ctl structs: IPC_SET's input even on a bad id, semctl's semid_ds even after a failure,
	 * IPC_64 before a command, the limits IPC_INFO returns (the same on every run). */
	struct msqid_ds *mq = tail(sizeof(*mq), 0);
	mq->msg_perm.uid = 1000;
	mq->msg_perm.gid = -1;
	mq->msg_perm.mode = 0640;
	mq->msg_qbytes = 4096;
	syscall(SYS_msgctl, -1, IPC_SET, mq);
	syscall(SYS_msgctl, -1, IPC_STAT, mq);
	syscall(SYS_msgctl, -1, 0x100 | IPC_STAT, mq);
	struct shmid_ds *sd = tail(sizeof(*sd), 0);
	sd->shm_perm.mode = 01600;
	syscall(SYS_shmctl, -1, IPC_SET, sd);
	syscall(SYS_shmctl, -1, SHM_LOCK, sd);
	struct semid_ds *sm = tail(sizeof(*sm), 0);
	sm->sem_perm.__key = 0x1234;
	sm->sem_nsems = 3;
	syscall(SYS_semctl, -1, 0, IPC_STAT, sm);
	syscall(SYS_semctl, -1, 0, 0x100 | IPC_SET, sm);
	syscall(SYS_semctl, -1, 0, IPC_STAT, NULL);
	syscall(SYS_msgctl, 0, IPC_INFO, tail(sizeof(struct msginfo), 0));
	syscall(SYS_shmctl, 0, IPC_INFO, tail(sizeof(struct shminfo), 0));
	syscall(SYS_semctl, 0, 0, IPC_INFO, tail(sizeof(struct seminfo), 0));
	/* struct sembuf arrays: whole, cut at the page's end, past -s. */
	struct sembuf *sb = tail(2 * sizeof(*sb), 0);
	sb[0] = (struct sembuf){ 0, -1, SEM_UNDO };
	sb[1] = (struct sembuf){ 0xface, 0x7fff, IPC_NOWAIT | 0xa000 };
	syscall(SYS_semop, -1, sb, 2);
	syscall(SYS_semop, -1, sb + 1, 2);
	syscall(SYS_semop, -1, NULL, 1);
	struct timespec *ts = tail(sizeof(*ts), 0);
	ts->tv_sec = 1;
	ts->tv_nsec = 2;
	syscall(SYS_semtimedop, -1, sb, 2, ts);
	struct sembuf many[40] = { 0 };
	syscall(SYS_semtimedop, -1, many, 40, NULL);
	syscall(SYS_shmat, -1, NULL, SHM_RDONLY | SHM_RND | 0x1);
	syscall(SYS_shmdt, NULL);
	/* futex_waitv's waiters (bad flags and a cut array: EINVAL, EFAULT). */
	struct futex_waitv *wv = tail(2 * sizeof(*wv), 0);
	wv[0] = (struct futex_waitv){ .val = 1, .uaddr = 0, .flags = FUTEX_32 | FUTEX_PRIVATE_FLAG };
	wv[1] = (struct futex_waitv){ .val = 0xfeedface, .uaddr = (uintptr_t)wv, .flags = 0xf0, .__reserved = 7 };
	syscall(SYS_futex_waitv, wv, 2, 0, NULL, CLOCK_MONOTONIC);
	syscall(SYS_futex_waitv, wv + 1, 2, 0, ts, CLOCK_REALTIME);
	syscall(SYS_futex_waitv, wv, 0, 0, NULL, CLOCK_MONOTONIC);
	/* struct sched_attr: this thread's, set back as it was, at the sizes the kernel refuses. */
	struct sched_attr *sa = tail(sizeof(*sa), 0);
	syscall(SYS_sched_getattr, 0, sa, sizeof(*sa), 0);
	syscall(SYS_sched_getattr, 0, sa, SCHED_ATTR_SIZE_VER0, 0);
	syscall(SYS_sched_getattr, 0, sa, 0, 0);
	sa->size = SCHED_ATTR_SIZE_VER1;
	sa->sched_flags = SCHED_FLAG_KEEP_POLICY;
	syscall(SYS_sched_setattr, 0, sa, 0);
	sa->sched_flags = SCHED_FLAG_KEEP_PARAMS | SCHED_FLAG_KEEP_POLICY;
	syscall(SYS_sched_setattr, 0, sa, 0);
	sa->size = 1;
	syscall(SYS_sched_setattr, 0, sa, 0);
	sa->sched_policy = 0xca7faced;
	sa->sched_flags = 0x100;
	sa->size = 0;
	syscall(SYS_sched_setattr, -1, sa, 1);
	syscall(SYS_sched_setattr, 0, tail(SCHED_ATTR_SIZE_VER0, 0), 0);
	syscall(SYS_mq_open, NULL, O_RDONLY, 0, NULL);
	syscall(SYS_mq_open, NULL, O_RDWR | O_CREAT, 0600, NULL);
	syscall(SYS_mq_open, NULL, O_RDWR | O_CREAT, 0xfacefeed, NULL);
	/* A queue: a message sent and received with their timeouts and priority, a notification. */
	struct mq_attr qa = { .mq_maxmsg = 2, .mq_msgsize = 16 };
	int q = syscall(SYS_mq_open, "sctrace-corpus", O_RDWR | O_CREAT, 0600, &qa);
	struct timespec qt = { .tv_sec = 4102444800, .tv_nsec = 5 };
	syscall(SYS_mq_timedsend, q, "queued\0x", 8, 3, &qt);
	char qbuf[16];
	unsigned int qprio = 0;
	syscall(SYS_mq_timedreceive, q, qbuf, sizeof(qbuf), &qprio, &qt);
	syscall(SYS_mq_timedreceive, q, qbuf, 4, &qprio, &qt);
	struct sigevent qev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	syscall(SYS_mq_notify, q, &qev);
	syscall(SYS_mq_notify, q, NULL);
	close(q);
	syscall(SYS_mq_unlink, "sctrace-corpus");
	syscall(SYS_kcmp, -1, -1, 0, 3, 4);
	syscall(SYS_kcmp, -1, -1, 1, 3, 4);
	syscall(SYS_landlock_add_rule, -1, 1, NULL, 0);
	syscall(SYS_landlock_restrict_self, -1, 1);

	/* Module syscalls: ENOSYS without CONFIG_MODULES, EFAULT/EINVAL/ENOENT with it. */
	syscall(SYS_delete_module, NULL, 0);
	syscall(SYS_delete_module, "no_such_module_corpus", O_NONBLOCK | O_TRUNC);
	/* 33 bytes without a NUL before an unmapped page: strace reads -s + 1 of them and cuts. */
	syscall(SYS_delete_module, tail(33, 'M'), 0);
	syscall(SYS_finit_module, -1, tail(40, 'u'), 0);
	syscall(SYS_finit_module, -1, "x=1", 2);
	syscall(SYS_init_module, NULL, 0, NULL);
	/*
	 * aio: iocbs of the kinds strace decodes (a read of /dev/zero, vectored, a write to no fd
	 * that ends the submission), a pointer array running into unmapped memory, the events.
	 */
	aio_context_t ctx = 0;
	if (syscall(SYS_io_setup, 4, &ctx) == 0) {
		static char abuf[2][64];
		char wbuf[48];
		strcpy(wbuf, "an aio write longer than strace's -s of 32");
		struct iovec aiov[2] = { { abuf[0], 16 }, { abuf[1], 32 } };
		struct iocb cbs[3];
		memset(cbs, 0, sizeof(cbs));
		cbs[0].aio_data = 0xfeedface;
		cbs[0].aio_lio_opcode = IOCB_CMD_PREAD;
		cbs[0].aio_fildes = open("/dev/zero", O_RDONLY);
		cbs[0].aio_buf = (uintptr_t)abuf[0];
		cbs[0].aio_nbytes = sizeof(abuf[0]);
		cbs[0].aio_reqprio = 3;
		cbs[1] = cbs[0];
		cbs[1].aio_data = 2;
		cbs[1].aio_lio_opcode = IOCB_CMD_PREADV;
		cbs[1].aio_buf = (uintptr_t)aiov;
		cbs[1].aio_nbytes = 2;
		cbs[1].aio_offset = 8;
		cbs[2].aio_lio_opcode = IOCB_CMD_PWRITE;
		cbs[2].aio_fildes = -1;
		cbs[2].aio_buf = (uintptr_t)wbuf;
		cbs[2].aio_nbytes = strlen(wbuf);
		struct iocb *cbp[3] = { &cbs[0], &cbs[1], &cbs[2] };
		syscall(SYS_io_submit, ctx, 3, cbp);
		struct iocb **edge = tail(2 * sizeof(*edge), 0);
		edge[0] = NULL;
		edge[1] = &cbs[2];
		syscall(SYS_io_submit, ctx, 3, edge);
		syscall(SYS_io_submit, ctx, -1L, edge);
		struct io_event ev[4];
		struct timespec ts = { 1, 0 };
		syscall(SYS_io_getevents, ctx, 2, 4, ev, &ts);
		syscall(SYS_io_cancel, ctx, &cbs[0], &ev[0]);
		ts.tv_sec = 0;
		syscall(SYS_io_pgetevents, ctx, 0, 1, ev, &ts, NULL);
		syscall(SYS_io_destroy, ctx);
	}
	return 0;
}

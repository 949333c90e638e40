/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The contract between sctrace's kernel side (the eBPF programs and the kmod module) and its
 * TypeScript side: the records user space reads, the per-syscall tables and the control block it
 * writes. Fixed-width types and explicit padding only, so the layout never depends on a compiler.
 * The constants are enumerators, not macros, so that they reach the BPF object's BTF:
 * scripts/gen-bpf-types.js generates the TypeScript constants and layouts from that BTF
 * (src/backends/ebpf/generated/), and test/contract checks them.
 *
 * One kernel pass serves every trace of the service: a trace is a slot (0..SCT_TRACES_MAX-1), a
 * record carries the mask of the slots it is for (sct_header.traces), and the filters are maps
 * from a value (syscall number, tgid, comm, uid, cgroup id) to the mask of the traces that accept
 * it (sct_masks.h evaluates them).
 *
 * Every record starts with struct sct_header and is a multiple of 8 bytes long. Variable-length
 * data follows the fixed part as a run of blobs: struct sct_blob, then `len` bytes, then zero
 * padding up to the next multiple of 8. A blob's kind (in the high bits of its flags) says what
 * the bytes are: a string argument (the text, no NUL), raw user memory behind a pointer argument,
 * a string array, an element count, or a value read at entry and at exit.
 *
 * Versioning: SCT_ABI_VERSION changes whenever a layout below changes incompatibly; readers refuse
 * records of another version. Version 2 added blob kinds; version 3 added sct_header.traces (one
 * kernel pass for many traces), sct_syscall_meta.traces/path_mask and struct sct_control; version
 * 4 added what the process used to struct sct_exit (struct sct_usage, start time); version 5 added
 * thread records (SCT_KIND_THREAD, SCT_KIND_THREAD_EXIT) and sct_fork.clone_flags; version 6 added
 * context switches (SCT_KIND_SWITCH, struct sct_switch, sct_control.sched); version 7 added
 * sct_switch.runq_ns (run-queue wait) and SCT_SWITCH_NO_WAKEUP; version 8 added signal deliveries
 * (SCT_KIND_SIGNAL, struct sct_signal, sct_control.signals) and SCT_READ_SIGMASK; version 9 added
 * the reads of issue 10 (SCT_READ_IOCTL, SCT_READ_FDSETS, SCT_READ_CLONE3, SCT_READ_DIRENTS, the
 * SCT_RD_BOTH flag and the entry-value blobs, sct_syscall_meta.enter_str's SCT_ENTER_READS) and
 * the ioctl size table (struct sct_ioctl_size); version 10 added sct_blob.aux (a netlink read's
 * socket protocol, so a socket whose process is gone by decode time still decodes).
 */
#ifndef SCTRACE_EVENT_H
#define SCTRACE_EVENT_H

enum sct_limits {
	SCT_ABI_VERSION = 10,
	SCT_COMM_LEN = 16,
	SCT_MAX_ARGS = 6,
	/* Trace slots: one bit each in every mask. */
	SCT_TRACES_MAX = 64,
	/* Hard cap on TraceSpec.string_max_bytes and on one read; also PATH_MAX, the cap of paths. */
	SCT_STR_MAX = 4096,
	/* Syscall numbers covered by the per-syscall tables (x86_64 has about 460). */
	SCT_NR_MAX = 512,
	/* Bytes of an exec's argument area copied into one record. */
	SCT_ARGV_BYTES = 4096,
	/* Extra reads per syscall (struct sct_syscall_reads). */
	SCT_READS_MAX = 3,
	/* A string array blob (argv, envp): at most this many elements and text bytes. */
	SCT_STRV_MAX = 64,
	SCT_STRV_BYTES = 4096,
	/* Elements an envp count covers before it stops (and is marked truncated). */
	SCT_COUNT_MAX = 1024,
	/* Default string_max (TraceSpec.string_max_bytes 0). */
	SCT_STR_DEFAULT = 256,
	/* Entries of the ioctl size table (struct sct_ioctl_size), given in ascending request order. */
	SCT_IOCTL_SIZES_MAX = 256,
	/* Bytes of one fd_set an SCT_READ_FDSETS reads: FD_SETSIZE (1024) bits. */
	SCT_FDSET_MAX = 128,
	/* Directory entries an SCT_READ_DIRENTS counts before it stops (and is marked truncated). */
	SCT_DIRENTS_MAX = 2048,
};

enum sct_kind {
	SCT_KIND_SYSCALL = 1,
	SCT_KIND_EXEC = 2,
	SCT_KIND_FORK = 3,
	SCT_KIND_EXIT = 4,
	/* A thread created in an existing thread group: struct sct_fork. */
	SCT_KIND_THREAD = 5,
	/* A thread exited that was not its group's last: struct sct_thread_exit. */
	SCT_KIND_THREAD_EXIT = 6,
	/* A traced task was switched out or in (sched_switch): struct sct_switch. */
	SCT_KIND_SWITCH = 7,
	/* A signal was delivered to a traced task (signal_deliver): struct sct_signal. */
	SCT_KIND_SIGNAL = 8,
};

/* sct_header.flags */
enum sct_header_flags {
	/* SYSCALL: the call never returned (exit, exit_group, or the thread died inside it). */
	SCT_F_NO_RETURN = 1 << 0,
	/* EXEC: the argument area was longer than SCT_ARGV_BYTES or string_max and was cut. */
	SCT_F_ARGV_TRUNCATED = 1 << 1,
	/*
	 * Charged to the ring budget of its first trace (the lowest slot of sct_header.traces; the
	 * ring was under pressure): whoever consumes the record credits that trace
	 * SCT_CHARGE_OVERHEAD + size bytes (sct_control.used).
	 */
	SCT_F_CHARGED = 1 << 2,
};

enum sct_charge {
	/* Bytes a record costs a budget beyond its size: the ring's per-record header. */
	SCT_CHARGE_OVERHEAD = 8,
};

/* Common header of every record: 72 bytes. */
struct sct_header {
	__u16 kind;    /* enum sct_kind */
	__u16 version; /* SCT_ABI_VERSION */
	__u32 size;    /* whole record in bytes, header included, multiple of 8 */
	__u64 ts_ns;   /* CLOCK_MONOTONIC (bpf_ktime_get_ns); for a syscall, its exit */
	__u32 pid;     /* thread-group id */
	__u32 tid;
	__u32 ppid;    /* real parent's thread-group id */
	__u32 uid;     /* real uid */
	__u32 gid;     /* real gid */
	__u32 flags;   /* enum sct_header_flags */
	__u64 cgroup_id;
	char comm[SCT_COMM_LEN];
	__u64 traces;  /* bit s: the record is for the trace in slot s */
};

/* sct_blob.flags, low bits; the high four bits hold the blob's kind (enum sct_blob_kind). */
enum sct_blob_flags {
	SCT_BLOB_TRUNCATED = 1 << 0,  /* cut: longer than string_max (or the read's cap); len bytes
				      * delivered. STRV: more elements or bytes than delivered */
	SCT_BLOB_UNREADABLE = 1 << 1, /* the pointer could not be read; len is 0 */
	SCT_BLOB_DATA = 1 << 2,       /* BYTES: data a call transferred (an iovec element's):
				      * user space cuts it to each trace's buffer_bytes */
	SCT_BLOB_WHOLE = 1 << 3,      /* BYTES: a netlink message read whole (SCT_RD_NETLINK), not
				      * cut to buffer_bytes for decoding; sct_blob.aux holds the
				      * socket's protocol */
	SCT_BLOB_KIND_SHIFT = 4,
};

/* What a blob holds: (sct_blob.flags >> SCT_BLOB_KIND_SHIFT). */
enum sct_blob_kind {
	SCT_BLOB_STR = 0,   /* a string argument: its text, without the NUL */
	SCT_BLOB_BYTES = 1, /* raw user memory at pointer argument `arg` */
	SCT_BLOB_STRV = 2,  /* a string array at argument `arg`: per element one flags byte
			     * (enum sct_blob_flags of that element), its text, a NUL */
	SCT_BLOB_COUNT = 3, /* a __u32: elements of the string array at `arg` (not delivered) */
	SCT_BLOB_INOUT = 4, /* two __u32: the value at pointer argument `arg` at entry, at exit */
};

/* Header of one blob: 8 bytes, followed by len bytes and padding to 8. */
struct sct_blob {
	__u8 arg;   /* SYSCALL: argument index 0-5. EXEC: 0 filename, 1 argument area */
	__u8 flags; /* enum sct_blob_flags | kind << SCT_BLOB_KIND_SHIFT */
	__u16 len;
	__u32 aux;  /* BYTES with SCT_BLOB_WHOLE: the netlink socket's protocol (sk_protocol, NETLINK_*),
		     * which the call's fd had when it was made; 0 otherwise */
};

/*
 * One completed syscall: 72 + 72 bytes, then nblob blobs: the string arguments in argument order,
 * then the extra reads (struct sct_syscall_reads) in read order.
 */
struct sct_syscall {
	struct sct_header hdr;
	__u64 args[SCT_MAX_ARGS];
	__s64 ret;      /* 0 when SCT_F_NO_RETURN */
	__u64 enter_ns; /* CLOCK_MONOTONIC at entry; duration = hdr.ts_ns - enter_ns */
	__u32 nr;
	__u16 nblob;
	__u16 pad;
};

/*
 * A successful exec: 72 + 8 bytes, then blob 0 (the filename the kernel resolved) and blob 1 (the
 * new image's argument area: the argv strings separated by NUL bytes, as in the process's memory).
 */
struct sct_exec {
	struct sct_header hdr;
	__u32 old_pid; /* tid of the exec'ing thread before exec: == pid unless a non-leader exec'd */
	__u16 nblob;
	__u16 pad;
};

/*
 * A task created by hdr's task (read at task_newtask, in the creator, before the new task runs):
 * a new process (SCT_KIND_FORK) or a new thread of hdr's group (SCT_KIND_THREAD): 72 + 16 bytes.
 */
struct sct_fork {
	struct sct_header hdr;
	__u32 child_pid;
	__u32 child_tid;
	__u64 clone_flags; /* what clone/clone3/fork/vfork asked for (CLONE_*, the low byte the exit signal) */
};

/*
 * What a thread group (or a thread) used, as the kernel counts it in struct task_struct and struct
 * signal_struct: 64 bytes. The CPU times are the kernel's raw ones: utime and stime are sampled at
 * the scheduler tick, runtime is exact (se.sum_exec_runtime); getrusage() and wait4() report
 * runtime split in the ratio utime:stime (kernel/sched/cputime.c cputime_adjust), and so does the
 * decoder (src/backends/records.ts), starting from sct_exit.prev_*.
 */
struct sct_usage {
	__u64 utime_ns;   /* user time, tick-sampled */
	__u64 stime_ns;   /* system time, tick-sampled */
	__u64 runtime_ns; /* on-CPU time, exact; a zero utime and stime leave it unsplit (all user) */
	__u64 nvcsw;      /* voluntary context switches (the task blocked or slept) */
	__u64 nivcsw;     /* involuntary ones (preempted) */
	__u64 min_flt;    /* page faults served without I/O */
	__u64 maj_flt;    /* ... that needed I/O */
	__u64 maxrss_kb;  /* peak resident set size (signal_struct.maxrss), KiB; 0 for a thread */
};

/*
 * The last thread of a thread group exited: 72 + 32 + 2 * 64 bytes, read at sched_process_exit,
 * in the exiting thread, before the kernel has released it. What the kernel has summed by then:
 * signal_struct holds the counts of the group's threads already released (each added in
 * __exit_signal), the group's list still holds the others (this thread, a leader that exited
 * first and waits as a zombie, threads racing to exit), so `self` is the signal's sums plus those
 * threads' own counts: the figures wait4() gives the parent for the group (RUSAGE_SELF's part of
 * its rusage), less what the exiting thread does after this point (its on-CPU time since the
 * scheduler last accounted it, at most a tick, and the final switch into death, which wait4
 * counts as one more voluntary switch). maxrss is the signal's, which do_exit has updated from
 * the address space by then. `children` is what the group's waited-for children used
 * (signal_struct.c*: RUSAGE_CHILDREN, already split by the kernel: runtime = utime + stime);
 * wait4's rusage is the sum of both (maxrss the larger).
 */
struct sct_exit {
	struct sct_header hdr;
	__u32 exit_code;  /* task->exit_code: (status << 8) | signal | 0x80 if core dumped */
	__u32 threads;    /* threads whose own counts were added from the group's list */
	__u64 start_ns;   /* the group leader's start (fork; CLOCK_MONOTONIC): wall = hdr.ts_ns - start_ns */
	__u64 prev_utime_ns; /* signal_struct.prev_cputime: the split of runtime reported so far, */
	__u64 prev_stime_ns; /* which cputime_adjust keeps from going back */
	struct sct_usage self;
	struct sct_usage children;
};

/*
 * A thread exited while others of its group live on (hdr is that thread): 72 + 32 + 64 bytes, read
 * at sched_process_exit in the thread itself. `self` holds its own counts (maxrss 0: the address
 * space is the group's), less what it runs after that point (at most a tick, and the final switch).
 */
struct sct_thread_exit {
	struct sct_header hdr;
	__u32 exit_code;     /* task->exit_code */
	__u32 pad;
	__u64 start_ns;      /* the thread's start (its clone; CLOCK_MONOTONIC) */
	__u64 prev_utime_ns; /* task_struct.prev_cputime, as in struct sct_exit */
	__u64 prev_stime_ns;
	struct sct_usage self;
};

/*
 * Value of the per-syscall table (sct_syscall_tab), trace-independent, filled once by user space
 * before the first attach: what the kernel reads for a syscall whichever trace wants it.
 */
struct sct_syscall_meta {
	__u8 str_mask;  /* bit i: argument i is a user-space string to read */
	__u8 path_mask; /* bit i: ...and a path: read up to SCT_STR_MAX whatever string_max says */
	__u8 enter_str; /* enum sct_enter: what is read at entry and parked until the exit */
	__u8 reads;     /* 1: sct_syscall_reads holds extra reads for this syscall */
};

/* sct_syscall_meta.enter_str: bits. */
enum sct_enter {
	/*
	 * The strings and the SCT_RD_ENTRY arrays, at entry (a successful execve replaces the address
	 * space), and again at exit when the call failed: a freshly forked child may not have the
	 * pages of its strings mapped at entry (a BPF program cannot fault them in), and the failed
	 * call has faulted in what it copied.
	 */
	SCT_ENTER_STRINGS = 1 << 0,
	/* The entry values of BYTES reads with SCT_RD_BOTH or SCT_RD_ENTRY and of SCT_READ_FDSETS. */
	SCT_ENTER_READS = 1 << 1,
};

/* sct_read.kind */
enum sct_read_kind {
	SCT_READ_NONE = 0,
	SCT_READ_BYTES = 1, /* bytes at pointer argument `arg` → an SCT_BLOB_BYTES */
	SCT_READ_STRV = 2,  /* the NULL-terminated string pointer array at `arg` → SCT_BLOB_STRV */
	SCT_READ_INOUT = 3, /* the __u32 at pointer `arg`, at entry and at exit → SCT_BLOB_INOUT */
	SCT_READ_IOVEC = 4, /* the iovec array at `arg` of `len_arg` elements and their data, at
			     * exit (len_from SCT_LEN_RET: the data at most the return value) →
			     * derived blobs (enum sct_derived; sctrace_iov.h) */
	SCT_READ_MSGHDR = 5, /* what the struct user_msghdr at `arg` points to, at exit → derived
			      * blobs (the struct itself is an SCT_READ_BYTES of its own) */
	SCT_READ_SIGMASK = 6, /* rt_sigreturn's: the signal mask its signal frame restores, 8 bytes
			       * on the user stack at entry (sctrace_signal.h) → an SCT_BLOB_BYTES
			       * of `arg` */
	/*
	 * ioctl's argument at `arg`, sized by the request in argument `len_arg`: the ioctl size
	 * table's entry for it (struct sct_ioctl_size, filled by user space: requests without the
	 * _IOC encoding, or whose encoding misstates the size), else _IOC_SIZE and _IOC_DIR; at most
	 * `max` bytes. _IOC_WRITE: an input, read at exit (the kernel does not change it, and has
	 * faulted it in by then); _IOC_READ: at exit after success; both: also at entry (the
	 * entry-value blob). Nothing for _IOC_NONE or size 0.
	 */
	SCT_READ_IOCTL = 7,
	/*
	 * select's three fd_set pointers, arguments `arg`..`arg` + 2, each (nfds + 7) / 8 bytes
	 * (nfds: argument `len_arg`), at most `max`: at entry (entry-value blobs) and, when the call
	 * returned a positive count, at exit (the arguments' own blobs).
	 */
	SCT_READ_FDSETS = 8,
	/*
	 * clone3's outputs behind pointers in its struct clone_args at `arg`, at exit in the parent
	 * (ret > 0): the pidfd (CLONE_PIDFD) and the parent's copy of the child's tid
	 * (CLONE_PARENT_SETTID), 4 bytes each; and whatever it returned (not in the child), the
	 * set_tid array of set_tid_size ints, at most SCT_CLONE3_SET_TID_MAX (derived parts
	 * SCT_CLONE3_PART_*).
	 */
	SCT_READ_CLONE3 = 9,
	/*
	 * The number of directory entries getdents/getdents64 returned at `arg` (their d_reclen walked
	 * over the ret bytes), when ret exceeds `max`, the bytes a BYTES read of them delivers
	 * (user space counts those itself): an SCT_BLOB_COUNT in derived part SCT_DIRENTS_PART_COUNT.
	 */
	SCT_READ_DIRENTS = 10,
	/*
	 * What a pointer inside the struct at `arg` points to, at exit (bpf_attr's pathname and
	 * license, clone_args' set_tid): the pointer is the __u64 at byte 8 * `len_arg` of the struct.
	 * With SCT_RD_STRING a string, whole up to PATH_MAX when `max` is SCT_STR_MAX (a path), else
	 * cut at string_max (an SCT_BLOB_STR); otherwise the __u32 count at byte 4 * `len_from` of
	 * the struct times `elem` bytes, at most `max` (an SCT_BLOB_BYTES). In derived part
	 * SCT_INNER_PART + `len_arg` % 4 of `arg`, so two such reads of one call differ there.
	 * With SCT_RD_HEAD also the struct itself through its count read as a __u64 (4 * `len_from`
	 * + 8 bytes, at most SCT_INNER_HEAD_MAX), as `arg`'s own blob (pselect6's sigmask pair).
	 */
	SCT_READ_INNER = 11,
	/*
	 * io_uring_register's argument `arg` (`max` bytes), and for the opcode in argument `len_arg`
	 * the arrays its struct points to (FILES_UPDATE's fds, the rsrc structs' data and tags), at
	 * exit, in derived parts SCT_URING_PART_*.
	 */
	SCT_READ_URING_RSRC = 12,
	/*
	 * io_submit's iocb pointer array at `arg`, argument `len_arg` (nr) of them, at most
	 * SCT_AIO_PTRS_MAX + 1 (the argument's own blob; up to its page's end when the array runs
	 * into unreadable memory), at exit; the struct iocb behind each of the first SCT_AIO_IOCBS
	 * (derived part i of `arg`), and what it points to, in derived part i of the pseudo-argument
	 * SCT_AIO_DATA_ARG: IOCB_CMD_PWRITE's buffer (at most string_max bytes), IOCB_CMD_PREADV's
	 * and IOCB_CMD_PWRITEV's iovec array (at most SCT_AIO_IOVS_MAX + 1 elements).
	 */
	SCT_READ_AIO = 13,
	/* The highest kind, which readers of read tables accept (a new kind moves it). */
	SCT_READ_LAST = SCT_READ_AIO,
};

/*
 * Derived blobs: what a read found behind a pointer inside user memory. Their sct_blob.arg is
 * SCT_BLOB_DERIVED | arg << SCT_DERIVED_ARG_SHIFT | part, so they never collide with an
 * argument's blob (0-5); their kind is SCT_BLOB_BYTES.
 */
enum sct_derived {
	SCT_BLOB_DERIVED = 0x80,
	SCT_DERIVED_ARG_SHIFT = 3,
	/* SCT_READ_IOVEC: part 0 the array, parts 1.. the data of the first elements. */
	SCT_IOV_PART_ARRAY = 0,
	SCT_IOV_DATA_PARTS = 7,
	/* Elements of an iovec array delivered (the blob is truncated beyond). */
	SCT_IOV_ELEMS = 32,
	/* SCT_READ_MSGHDR: 1 msg_name, 2 the iovec array, 3-6 the data, 7 msg_control. */
	SCT_MSG_PART_NAME = 1,
	SCT_MSG_PART_IOV = 2,
	SCT_MSG_DATA_PARTS = 4,
	SCT_MSG_PART_CONTROL = 7,
	SCT_MSG_NAME_MAX = 128,
	SCT_MSG_CONTROL_MAX = 1024,
	/* An argument's value at entry, of a read made at entry and at exit (SCT_RD_BOTH, FDSETS, IOCTL). */
	SCT_PART_ENTRY = 0,
	/* SCT_READ_CLONE3 (behind argument 0): the pidfd, the parent_tid, the set_tid array. */
	SCT_CLONE3_PART_PIDFD = 0,
	SCT_CLONE3_PART_PARENT_TID = 1,
	SCT_CLONE3_PART_SET_TID = 2,
	/* The most set_tid elements the kernel takes (MAX_PID_NS_LEVEL), and strace prints. */
	SCT_CLONE3_SET_TID_MAX = 32,
	/* SCT_READ_DIRENTS: the entry count. */
	SCT_DIRENTS_PART_COUNT = 0,
	/* SCT_READ_INNER: parts 4..7, by the pointer's offset in the struct (in longs, modulo 4). */
	SCT_INNER_PART = 4,
	/* SCT_READ_URING_RSRC: the data array (fds, iovecs), the tags. */
	SCT_URING_PART_DATA = 0,
	SCT_URING_PART_TAGS = 1,
	/* SCT_READ_INNER with SCT_RD_HEAD: the most of the struct delivered as the argument's blob. */
	SCT_INNER_HEAD_MAX = 64,
	/*
	 * SCT_READ_AIO: iocb pointers delivered (strace shows -s's default of them), iocbs read,
	 * the pseudo-argument (no syscall has a seventh) whose parts hold what they point to, and
	 * the iovecs of each delivered.
	 */
	SCT_AIO_PTRS_MAX = 32,
	SCT_AIO_IOCBS = 8,
	SCT_AIO_DATA_ARG = 6,
	SCT_AIO_IOVS_MAX = 32,
};

/*
 * sct_read.len_from: how many bytes an SCT_READ_BYTES takes (never more than `max`). ARG and RET
 * count elements of sct_read.elem bytes when elem is set (move_pages' `count` pages, ppoll's
 * `nfds` pollfds, epoll_wait's returned events), bytes otherwise.
 */
enum sct_read_len {
	SCT_LEN_FIXED = 0,   /* exactly `max` */
	SCT_LEN_ARG = 1,     /* the value of argument `len_arg` (times elem) */
	SCT_LEN_ARG_PTR = 2, /* the __u32 that argument `len_arg` points to, at exit */
	SCT_LEN_RET = 3,     /* the return value (times elem): bytes or elements transferred */
	/*
	 * A node mask of argument `len_arg` (maxnode) bits, of which the kernel takes maxnode - 1
	 * (mm/mempolicy.c get_nodes): (maxnode + 62) / 64 longs, as strace reads it.
	 */
	SCT_LEN_NODEMASK = 4,
	/*
	 * The value of argument `len_arg` plus elem bytes: a payload of that length after a header
	 * of elem bytes (msgsnd's and msgrcv's struct msgbuf: the mtype long, then msgsz bytes).
	 */
	SCT_LEN_ARG_HDR = 5,
	/*
	 * SCT_LEN_ARG of an `int` or `unsigned int` length (poll's nfds, setgroups' size, an
	 * addrlen): its low 32 bits, as the kernel takes it; the upper half of the register may hold
	 * anything (strace's tests fill it with garbage).
	 */
	SCT_LEN_ARG32 = 6,
	SCT_LEN_LAST = SCT_LEN_ARG32,
};

/* sct_read.flags */
enum sct_read_flags {
	SCT_RD_SUCCESS = 1 << 0, /* only when the call succeeded (ret >= 0): an output */
	SCT_RD_BUFFER = 1 << 1,  /* a data buffer: only for traces with buffer_bytes > 0 (the
				  * largest of theirs is read; user space cuts per trace) */
	SCT_RD_ENTRY = 1 << 2,   /* at entry only (execve's arrays: the address space is replaced;
				  * BYTES: into the entry-value blob, splice's offsets) */
	SCT_RD_ENV = 1 << 3,     /* STRV: an environment: without a trace that wants exec_env only
				  * counted (an SCT_BLOB_COUNT instead of an SCT_BLOB_STRV) */
	SCT_RD_STRING = 1 << 4,  /* a path the call wrote (readlink's target): read whole, up to
				  * `max`, like path arguments */
	SCT_RD_NETLINK = 1 << 5, /* BUFFER: when the fd in argument 0 is an AF_NETLINK socket, read
				  * up to `max` whatever buffer_bytes says (a netlink message is
				  * decoded whole, as strace does), flag the blob SCT_BLOB_WHOLE and
				  * put the socket's protocol in its aux */
	SCT_RD_BOTH = 1 << 6,    /* BYTES: also at entry, into the entry-value blob (select's
				  * timeout, sendfile's offset: `[0] => [100]`) */
	SCT_RD_HEAD = 1 << 7,    /* BYTES: when the length reaches unreadable memory, the bytes up to
				  * the end of the first page instead (setsockopt's value at a length
				  * past its struct, getsockopt's at a returned length past the
				  * buffer: strace reads only what it shows); INNER: the struct too */
};

/* One extra read: 8 bytes. */
struct sct_read {
	__u8 kind;     /* enum sct_read_kind; SCT_READ_NONE ends the list */
	__u8 arg;      /* the pointer argument, 0-5 */
	__u8 len_from; /* enum sct_read_len (SCT_READ_INNER: the count's offset in the struct / 4) */
	__u8 len_arg;  /* the length argument of SCT_LEN_ARG(32), SCT_LEN_ARG_PTR, SCT_LEN_NODEMASK and
			* SCT_LEN_ARG_HDR (SCT_READ_INNER: the pointer's offset in the struct / 8) */
	__u16 max;     /* byte cap (SCT_LEN_FIXED: the size); at most SCT_STR_MAX */
	__u8 flags;    /* enum sct_read_flags */
	__u8 elem;     /* SCT_LEN_ARG(32), SCT_LEN_RET: bytes per element counted (0: the count is bytes);
			* SCT_LEN_ARG_HDR: the header's bytes */
};

/*
 * Value of the per-syscall table sct_syscall_reads, consulted only for syscalls whose
 * sct_syscall_meta.reads is set: what to read besides the string arguments, e.g. connect's
 * sockaddr (arg 1, length from arg 2), read's buffer (arg 1, length from the return value).
 */
struct sct_syscall_reads {
	struct sct_read read[SCT_READS_MAX];
};

/*
 * One entry of the ioctl size table: the size and direction (_IOC_READ 2, _IOC_WRITE 1) of a
 * request's argument, for the requests whose number does not say it (TCGETS: 0x5401, no _IOC
 * encoding) or says it wrong (FS_IOC_GETFLAGS: encoded as a long, the kernel passes an int).
 */
struct sct_ioctl_size {
	__u32 request;
	__u16 size;
	__u8 dir;
	__u8 pad;
};

/* sct_control.mode: which syscall programs act (both sets may be attached during a switch). */
enum sct_attach_mode {
	SCT_MODE_NONE = 0, /* no syscall program acts */
	SCT_MODE_RAW = 1,  /* the raw_syscalls programs: every syscall of every task runs them */
	SCT_MODE_PER = 2,  /* the per-syscall tracepoint programs, attached to wanted syscalls only */
};

/* Per-trace counters of sct_control.lost: records a trace lost in the kernel, by cause. */
enum sct_loss {
	SCT_LOSS_RING = 0,     /* the ring buffer had no room (or no assembly buffer) */
	SCT_LOSS_BUDGET = 1,   /* the ring was under pressure and the trace had used its budget */
	SCT_LOSS_PAUSED = 2,   /* user space paused the trace (its consumers could take no more) */
	SCT_LOSS_INFLIGHT = 3, /* no in-flight slot for the call (task storage / table full) */
	SCT_LOSS_KINDS = 4,
};

/* What a task was doing when it was switched out (sct_switch.state), from its TASK_* state. */
enum sct_switch_state {
	SCT_STATE_RUNNABLE = 0, /* preempted or yielded: still on the run queue */
	SCT_STATE_SLEEPING = 1, /* TASK_INTERRUPTIBLE: waiting for an event (a signal wakes it) */
	SCT_STATE_BLOCKED = 2,  /* TASK_UNINTERRUPTIBLE: waiting, typically for I/O */
	SCT_STATE_STOPPED = 3,  /* stopped by a signal */
	SCT_STATE_TRACED = 4,   /* stopped by ptrace */
	SCT_STATE_DEAD = 5,     /* its last switch: it exited */
	SCT_STATE_IDLE = 6,     /* TASK_IDLE: uninterruptible without counting as load (kernel threads) */
	SCT_STATE_PARKED = 7,   /* a parked kernel thread */
	SCT_STATE_OTHER = 8,    /* any other state (sct_switch.raw_state has the bits) */
};

/* sct_switch.flags */
enum sct_switch_flags {
	SCT_SWITCH_IN = 1 << 0,      /* switched in (else out) */
	SCT_SWITCH_PREEMPT = 1 << 1, /* out: the scheduler preempted it */
	SCT_SWITCH_UNKNOWN = 1 << 2, /* out: its switch-in came before the trace (delta_ns is 0) */
	SCT_SWITCH_NO_WAKEUP = 1 << 3, /* in: it slept and its wakeup was not seen (runq_ns is 0) */
};

/*
 * A traced task was switched out (hdr is the task, on its way off the CPU) or in (hdr is the task
 * about to run): 72 + 40 bytes, read at sched_switch (and sched_wakeup, for runq_ns).
 */
struct sct_switch {
	struct sct_header hdr;
	__u64 delta_ns;     /* out: how long it ran since its switch-in; in: how long it was off the CPU */
	__u32 cpu;
	__u32 flags;        /* enum sct_switch_flags */
	__u32 state;        /* enum sct_switch_state: out: as it left; in: as it waited */
	__u32 raw_state;    /* the kernel's TASK_* bits behind state (prev_state at the switch-out) */
	__u32 other_tid;    /* out: the task switched in instead (0: idle); in: the task it replaced */
	__u32 pad;
	__u64 runq_ns;      /* in: of delta_ns, how long it waited runnable on a run queue (woken or preempted) */
};

/* Bytes of struct kernel_siginfo a signal record carries (all of it on 64-bit Linux). */
enum sct_signal_limits {
	SCT_SIGINFO_BYTES = 48,
};

/* sct_signal.flags */
enum sct_signal_flags {
	/*
	 * The kernel passed no siginfo (SEND_SIG_NOINFO or SEND_SIG_PRIV: the SIGKILL of a group
	 * exit, which kills without running an action): siginfo is zero, si_code 0.
	 */
	SCT_SIGNAL_NOINFO = 1 << 0,
	/*
	 * Not delivered: discarded when it was sent, because the task ignores it (SIG_IGN, or SIG_DFL
	 * of a signal whose default is to ignore it: SIGCHLD, SIGURG, SIGWINCH, SIGCONT). Read at
	 * signal_generate, in the sender; ptrace makes the kernel queue such a signal instead, so
	 * strace shows it. siginfo is what the sender passed, or what the kernel would have queued.
	 */
	SCT_SIGNAL_DISCARDED = 1 << 1,
	/* DISCARDED: the task was inside a traced syscall then (strace would show it after that call). */
	SCT_SIGNAL_IN_SYSCALL = 1 << 2,
};

/*
 * A signal is being delivered to a traced task (hdr is that task; read at signal_deliver, in it,
 * as get_signal dequeues the signal and before its action runs): 72 + 80 bytes. A signal whose
 * action is SIG_IGN is reported too (the tracepoint fires before the action is looked at), and
 * so is one the kernel discarded when it was sent because the task ignores it (e.g. SIGCHLD with
 * SIG_DFL; SCT_SIGNAL_DISCARDED), which strace shows because ptrace has it queued.
 */
struct sct_signal {
	struct sct_header hdr;
	__s32 signo;
	__s32 si_errno;
	__s32 si_code;
	__u32 flags;      /* enum sct_signal_flags */
	__u64 sa_handler; /* the action about to run: SIG_DFL 0, SIG_IGN 1, else the handler */
	__u64 sa_flags;   /* SA_* of that action */
	__u8 siginfo[SCT_SIGINFO_BYTES]; /* struct kernel_siginfo as the kernel holds it */
};

/*
 * The control block: written by user space (the service), read by every program on every
 * event. On eBPF it is a global in .bss that user space maps (BPF_F_MMAPABLE), so adding or
 * removing a trace is a few stores, not a reload; the module holds the same struct and its
 * control file writes it. Masks have one bit per trace slot.
 *
 * Ordering rules user space follows (x86 stores are seen in program order): a trace's bits are
 * set in the filter maps and masks before its bit in `active`, and cleared after; `pid_gen` is
 * bumped after any change to the tgid map or pid_any, invalidating the per-thread pid verdicts.
 */
struct sct_control {
	__u64 active;     /* running traces */
	__u64 pid_any;    /* traces without a pid filter */
	__u64 comm_any;   /* ... without a comm filter */
	__u64 uid_any;    /* ... without a uid filter */
	__u64 cgroup_any; /* ... without a cgroup filter */
	__u64 follow;     /* traces that follow the children of their processes */
	__u64 proc_events;/* traces that want exec/fork/exit records */
	__u64 buffers;    /* traces with buffer_bytes > 0 */
	__u64 exec_env;   /* traces that want environments as strings */
	__u64 sched;      /* traces that want context-switch records */
	__u64 signals;    /* traces that want signal deliveries (SCT_KIND_SIGNAL) */
	__u64 paused;     /* traces whose consumers can take nothing now: dropped, counted */
	__u32 string_max; /* the largest string_max of the active traces (1..SCT_STR_MAX) */
	__u32 buffer_bytes; /* the largest buffer_bytes of the traces in `buffers` */
	__u32 mode;       /* enum sct_attach_mode */
	__u32 pid_gen;    /* changes whenever a pid verdict may have changed */
	__u32 sched_gen;  /* changes whenever `sched` does: a switch from before belongs to no trace */
	__u32 pad;
	/*
	 * Isolation in the one shared ring: once more than `pressure_bytes` wait in it, each record
	 * is charged to its first trace (the lowest slot it is for: one charge however many traces
	 * share the record; `used`, flagged SCT_F_CHARGED), and a record that would take that trace
	 * past its `budget` is dropped (SCT_LOSS_BUDGET for each of its traces). The consumer
	 * credits a charged record back as it reads it, so `used` is what each trace has waiting in
	 * the ring beyond the threshold. The budgets sum to less than the ring's free part at that
	 * point, so a trace that floods fills its own part and never the others'.
	 */
	__u64 pressure_bytes;
	__u64 budget[SCT_TRACES_MAX];
	__u64 used[SCT_TRACES_MAX];
	/*
	 * Per trace and cause (enum sct_loss): records lost in the kernel that were for this trace
	 * alone. Losses of records for several traces are counted once per record by their trace
	 * mask (struct sct_mask_loss, sct_lost_masks on eBPF; the module counts them here, in each
	 * trace's counter); a trace's losses are the sum of both.
	 * Only ever increase.
	 */
	__u64 lost[SCT_TRACES_MAX][SCT_LOSS_KINDS];
	/* Per syscall number: the traces that want it (0: nobody; the programs return at once). */
	__u64 sys_traces[SCT_NR_MAX];
};

/* Losses of records for several traces, by cause: the value of a table keyed by trace mask. */
struct sct_mask_loss {
	__u64 lost[SCT_LOSS_KINDS];
};

#endif /* SCTRACE_EVENT_H */

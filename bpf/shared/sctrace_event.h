/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The record contract between sctrace's kernel side (eBPF programs and the kmod module) and its
 * TypeScript decoder (src/backends/ebpf/records.ts). Fixed-width types and explicit padding only,
 * so the layout never depends on a compiler; test/contract checks the decoder's offsets against
 * the BTF of the built object.
 *
 * Every record starts with struct sct_header and is a multiple of 8 bytes long. Variable-length
 * text follows the fixed part as a run of string blobs: struct sct_str, then `len` bytes of text
 * (no NUL), then zero padding up to the next multiple of 8.
 *
 * Versioning: SCT_ABI_VERSION changes whenever a layout below changes incompatibly; readers refuse
 * records of another version.
 */
#ifndef SCTRACE_EVENT_H
#define SCTRACE_EVENT_H

#define SCT_ABI_VERSION 1

#define SCT_COMM_LEN 16
#define SCT_MAX_ARGS 6
/* Hard cap on TraceSpec.string_max_bytes. */
#define SCT_STR_MAX 4096
/* Syscall numbers covered by the per-syscall tables (x86_64 has about 460). */
#define SCT_NR_MAX 512
/* Bytes of an exec's argument area copied into one record. */
#define SCT_ARGV_BYTES 4096

enum sct_kind {
	SCT_KIND_SYSCALL = 1,
	SCT_KIND_EXEC = 2,
	SCT_KIND_FORK = 3,
	SCT_KIND_EXIT = 4,
};

/* sct_header.flags */
enum sct_header_flags {
	/* SYSCALL: the call never returned (exit, exit_group, or the thread died inside it). */
	SCT_F_NO_RETURN = 1 << 0,
	/* EXEC: the argument area was longer than SCT_ARGV_BYTES or string_max and was cut. */
	SCT_F_ARGV_TRUNCATED = 1 << 1,
};

/* Common header of every record: 64 bytes. */
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
};

/* sct_str.flags */
enum sct_str_flags {
	SCT_STR_TRUNCATED = 1 << 0,  /* longer than string_max; len bytes delivered */
	SCT_STR_UNREADABLE = 1 << 1, /* the pointer could not be read; len is 0 */
};

/* Header of one string blob: 8 bytes, followed by len bytes of text and padding to 8. */
struct sct_str {
	__u8 arg;   /* SYSCALL: argument index 0-5. EXEC: 0 filename, 1 argument area */
	__u8 flags; /* enum sct_str_flags */
	__u16 len;
	__u32 pad;
};

/* One completed syscall: 64 + 72 bytes, then nstr string blobs in argument order. */
struct sct_syscall {
	struct sct_header hdr;
	__u64 args[SCT_MAX_ARGS];
	__s64 ret;      /* 0 when SCT_F_NO_RETURN */
	__u64 enter_ns; /* CLOCK_MONOTONIC at entry; duration = hdr.ts_ns - enter_ns */
	__u32 nr;
	__u16 nstr;
	__u16 pad;
};

/*
 * A successful exec: 64 + 8 bytes, then blob 0 (the filename the kernel resolved) and blob 1 (the
 * new image's argument area: the argv strings separated by NUL bytes, as in the process's memory).
 */
struct sct_exec {
	struct sct_header hdr;
	__u32 old_pid; /* tid of the exec'ing thread before exec: == pid unless a non-leader exec'd */
	__u16 nstr;
	__u16 pad;
};

/* A new process (not a thread) forked by hdr's task: 64 + 8 bytes. */
struct sct_fork {
	struct sct_header hdr;
	__u32 child_pid;
	__u32 child_tid;
};

/* The last thread of a thread group exited: 64 + 8 bytes. */
struct sct_exit {
	struct sct_header hdr;
	__u32 exit_code; /* task->exit_code: (status << 8) | signal | 0x80 if core dumped */
	__u32 pad;
};

/* Indexes of the per-CPU counters in the sct_stats map. */
enum sct_stat {
	SCT_STAT_LOST_RINGBUF = 0,  /* record dropped: ring buffer full (eBPF: or sct_scratch was
				     * sized below ncpus * 4, so no assembly slot) */
	SCT_STAT_LOST_INFLIGHT = 1, /* syscall dropped: no in-flight slot at entry (eBPF: per-thread
				     * task storage could not be allocated) */
	SCT_STAT_EMITTED = 2,       /* records submitted */
	SCT_STAT_MAX = 4,
};

/* Value of the per-syscall table sct_syscall_tab, filled by user space before attach. */
struct sct_syscall_meta {
	__u8 traced;    /* 1: matched by the syscall filter */
	__u8 str_mask;  /* bit i: argument i is a user-space string to read */
	__u8 enter_str; /* 1: read strings at entry (the address space is gone at exit: execve) */
	__u8 pad;
};

#endif /* SCTRACE_EVENT_H */

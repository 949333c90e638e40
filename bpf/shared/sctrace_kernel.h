/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What both kernel sides of sctrace (the eBPF programs and the kernel module) keep while they
 * assemble records, beyond the user-space contract of sctrace_event.h: the size of the buffer a
 * record is assembled in and the room each kind of blob may touch in it, a thread's in-flight
 * call, and the blobs an execve-like call parks at entry. One definition, so the two sides cannot
 * drift apart; sctrace_blobs.h writes into these.
 */
#ifndef SCTRACE_KERNEL_H
#define SCTRACE_KERNEL_H

/* One record's assembly buffer; a power of two so a record size can be bounded with a mask. */
#define SCT_SCRATCH_BYTES 32768

/*
 * Room one string blob may touch: its header, the text, and the read's overshoot (a string read
 * asks for cap + 2 bytes to tell "exactly cap" from "longer"), padded to 8.
 */
#define SCT_BLOB_ROOM (sizeof(struct sct_blob) + SCT_STR_MAX + 8)
/* Highest offset at which a blob may start; keeps every access inside the scratch buffer. */
#define SCT_BLOB_OFF_MAX (SCT_SCRATCH_BYTES - SCT_BLOB_ROOM)
/* Room a string array blob may touch while its last element is read: flags byte, overshoot. */
#define SCT_STRV_ROOM (1 + SCT_STR_MAX + 2 + 8)

/* A thread's in-flight call: between its sys_enter and its sys_exit. */
struct sct_inflight {
	__u64 enter_ns;
	__u64 args[SCT_MAX_ARGS];
	__u64 traces;     /* the traces that wanted the call at entry */
	__u32 nr;
	__u8 str_mask;    /* sct_syscall_meta of nr, copied at entry */
	__u8 path_mask;
	__u8 enter_str;
	__u8 active;      /* eBPF: the slot (task storage, kept between calls) holds a call */
	__u8 reads;       /* the syscall has extra reads (sct_syscall_meta.reads) */
	__u8 inout_ok;    /* ...and its SCT_READ_INOUT value could be read at entry */
	__s16 parked;     /* module: the slot of its parked blobs, or -1 (eBPF: keyed by tid) */
	__u32 inout;      /* SCT_READ_INOUT: the value at entry; SCT_READ_IOCTL: size | dir << 16 */
	__u32 sigmask_ok; /* SCT_READ_SIGMASK: 1 when sigmask could be read at entry */
	__u32 pad;
	__u64 sigmask;    /* ...the mask rt_sigreturn's signal frame restores */
};

/*
 * Blobs read at entry, finished and ready to be copied behind the syscall record: the strings
 * (two are enough for the calls that need it, execve's filename and execveat's pathname; further
 * string arguments of an enter_str call are not delivered), then the entry-time reads (execve's
 * argv and envp arrays), each at most SCT_STRV_BYTES of text, plus the room the verifier needs
 * for the last element read of the second array.
 */
#define SCT_ENTER_STRS 2
#define SCT_ENTER_STR_BYTES                                                                    \
	(SCT_ENTER_STRS * (sizeof(struct sct_blob) + SCT_STR_MAX) +                               \
	 2 * (sizeof(struct sct_blob) + SCT_STRV_BYTES) + SCT_STRV_ROOM)
struct sct_enter_strs {
	__u32 bytes; /* of blobs[] in use */
	__u16 nblob;
	__u16 pad;
	__u8 blobs[SCT_ENTER_STR_BYTES];
};

/* End of the parked blob area, as an offset from the start of struct sct_enter_strs. */
#define SCT_PARKED_END (sizeof(struct sct_enter_strs))

/* The last of six longest blobs behind a syscall record still starts in bounds. */
_Static_assert(sizeof(struct sct_syscall) + (SCT_MAX_ARGS - 1) * (sizeof(struct sct_blob) + SCT_STR_MAX) <=
		       SCT_BLOB_OFF_MAX,
	       "six longest strings must fit a scratch buffer");
_Static_assert(sizeof(struct sct_syscall) + SCT_ENTER_STR_BYTES <= SCT_BLOB_OFF_MAX + SCT_BLOB_ROOM,
	       "parked blobs must fit a scratch buffer behind the record");
_Static_assert(sizeof(struct sct_enter_strs) <= SCT_SCRATCH_BYTES, "parked blobs are built in scratch");
_Static_assert(sizeof(struct sct_exec) + sizeof(struct sct_blob) + SCT_STR_MAX + 8 +
			       sizeof(struct sct_blob) + SCT_ARGV_BYTES + 8 <= SCT_SCRATCH_BYTES,
	       "an exec record fits a scratch buffer");

#endif /* SCTRACE_KERNEL_H */

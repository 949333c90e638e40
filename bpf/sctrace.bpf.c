// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sctrace kernel side: pairs each traced system call's entry with its exit and hands user space
 * one self-contained record per call (plus exec/fork/exit records), in the layouts of
 * shared/sctrace_event.h.
 *
 * Design:
 * - Filtering happens at sys_enter, cheapest test first: the syscall table (an inlined array
 *   lookup), then the service's own tgid, then the task filters (hash lookups). A call that passes
 *   marks its thread's in-flight slot; sys_exit does one lookup (after the syscall table, when a
 *   syscall filter is set) and returns on a miss or an idle slot, so an untraced call costs at
 *   most a few lookups at entry and one at exit.
 * - Pairing: the in-flight slot (sct_inflight) is per-thread task storage rather than a hash
 *   keyed by tid. On the reference VM that took about 100 ns off each of entry and exit (a
 *   preallocated hash update + delete per call cost ~200 ns), needs no 8 MiB preallocation and
 *   no size limit, and is freed with the thread. It holds the entry time, the six arguments and
 *   which of them are strings. Strings are read at exit, when the kernel has just faulted them
 *   in, except for calls marked enter_str (execve, execveat): a successful exec replaces the
 *   address space, so theirs are read at entry and parked per tid in sct_enter_strs. A thread
 *   that dies inside a call (exit, exit_group, seccomp kill) gets its record from
 *   sched_process_exit, marked SCT_F_NO_RETURN. A non-leader thread's exec changes its tid but
 *   not its task, so only the parked strings move to the new tid.
 * - Records are assembled in sct_scratch, an array of 32 KiB buffers indexed cpu * 4 + slot,
 *   one slot per record-assembling program. The kernel skips (and counts as a miss) a run of a
 *   program that would overlap another run of the same program on one CPU, so a slot never
 *   holds two records in progress. Fixed-size records (fork, exit) are built on the stack.
 * - Wakeups: records are submitted with BPF_RB_NO_WAKEUP, except the one that takes the unread
 *   backlog across wakeup_bytes, which forces one wakeup. A wakeup interrupts the traced process
 *   (about 12 us on the reference VM, see FACTS.md) and user space drains on a 1-10 ms timer
 *   anyway; the forced wakeup only keeps a burst from filling the ring between two ticks.
 * - Losses are counted per CPU in sct_stats where they happen, never dropped silently.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sctrace_event.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Configuration, written by src/backends/ebpf/session.ts before load; constants to the verifier. */
const volatile __u32 self_tgid = 0;
const volatile bool filter_pids = false;
const volatile bool follow_children = false;
const volatile bool filter_syscalls = false;
const volatile bool filter_comms = false;
const volatile bool filter_uids = false;
const volatile bool filter_cgroups = false;
const volatile bool process_events = false;
const volatile __u32 string_max = 256;
const volatile __u64 wakeup_bytes = 1 << 20;
/* Bytes of a data buffer (SCT_RD_BUFFER reads) delivered per call; 0 reads none. */
const volatile __u32 buffer_bytes = 0;
/* Deliver execve environments as string arrays (SCT_RD_ENV reads); otherwise count them. */
const volatile bool exec_env = false;

#define SCT_STR_DEFAULT 256

/* One scratch buffer; a power of two so a record size can be bounded with a mask. */
#define SCT_SCRATCH_BYTES 32768
/* Scratch slots per CPU, one per program that assembles records in sct_scratch. */
#define SCT_SCRATCH_SLOTS 4
enum sct_scratch_slot {
	SCT_SLOT_SYS_ENTER = 0, /* enter-time strings, before they are parked in sct_enter_strs */
	SCT_SLOT_SYS_EXIT = 1,  /* syscall records */
	SCT_SLOT_PROC_EXIT = 2, /* NO_RETURN syscall records of dying threads */
	SCT_SLOT_PROC_EXEC = 3, /* exec records */
};

/*
 * Room one string blob may touch: its header, the text, and the read's overshoot (a string read
 * asks for string_max + 2 bytes to tell "exactly string_max" from "longer"), padded to 8.
 */
#define SCT_BLOB_ROOM (sizeof(struct sct_str) + SCT_STR_MAX + 8)
/* Highest offset at which a blob may start; keeps every access inside the scratch buffer. */
#define SCT_BLOB_OFF_MAX (SCT_SCRATCH_BYTES - SCT_BLOB_ROOM)

/* Room a string array blob may touch while its last element is read: flags byte, overshoot. */
#define SCT_STRV_ROOM (1 + SCT_STR_MAX + 2 + 8)

/* The last of six longest blobs behind a syscall record still starts in bounds. */
_Static_assert(sizeof(struct sct_syscall) + (SCT_MAX_ARGS - 1) * (sizeof(struct sct_str) + SCT_STR_MAX) <=
		       SCT_BLOB_OFF_MAX,
	       "six longest strings must fit a scratch buffer");

/*
 * The scratch buffer is typed as "room for any record", which also puts every record struct in
 * the object's BTF, where test/contract checks the decoder's offsets.
 */
union sct_scratch_buf {
	struct sct_header hdr;
	struct sct_syscall syscall;
	struct sct_exec exec;
	struct sct_fork fork;
	struct sct_exit exit;
	struct sct_str str;
	__u8 bytes[SCT_SCRATCH_BYTES];
};

/* A thread's in-flight slot: the syscall between its sys_enter and sys_exit, when active. */
struct sct_inflight {
	__u64 enter_ns;
	__u64 args[SCT_MAX_ARGS];
	__u32 nr;
	__u8 str_mask;
	__u8 enter_str;
	__u8 active;
	__u8 reads;    /* the syscall has extra reads (sct_syscall_meta.reads) */
	__u32 inout;   /* SCT_READ_INOUT: the value at entry */
	__u32 inout_ok;/* ...which could be read */
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
	(SCT_ENTER_STRS * (sizeof(struct sct_str) + SCT_STR_MAX) +                               \
	 2 * (sizeof(struct sct_str) + SCT_STRV_BYTES) + SCT_STRV_ROOM)
struct sct_enter_strs {
	__u32 bytes; /* of blobs[] in use */
	__u16 nstr;
	__u16 pad;
	__u8 blobs[SCT_ENTER_STR_BYTES];
};

_Static_assert(sizeof(struct sct_syscall) + SCT_ENTER_STR_BYTES <= SCT_BLOB_OFF_MAX + SCT_BLOB_ROOM,
	       "parked blobs must fit a scratch buffer behind the record");
_Static_assert(sizeof(struct sct_enter_strs) <= SCT_SCRATCH_BYTES, "parked blobs are built in scratch");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* the loader sets the ring size */
} sct_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	/* The loader sets ncpus * SCT_SCRATCH_SLOTS; a missing slot costs the record (counted). */
	__uint(max_entries, SCT_SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, union sct_scratch_buf);
} sct_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCT_NR_MAX);
	__type(key, __u32);
	__type(value, struct sct_syscall_meta);
} sct_syscall_tab SEC(".maps");

/* sct_prepare_exec's assembly buffer (one per CPU; the program does not nest on a CPU). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, union sct_scratch_buf);
} sct_exec_scratch SEC(".maps");

/* Extra reads per syscall number, for the syscalls whose sct_syscall_meta.reads is set. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCT_NR_MAX);
	__type(key, __u32);
	__type(value, struct sct_syscall_reads);
} sct_syscall_reads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
} sct_tgids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, char[SCT_COMM_LEN]);
	__type(value, __u8);
} sct_comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} sct_uids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u8);
} sct_cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SCT_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} sct_stats SEC(".maps");

/* Allocated at a thread's first traced call, reused for its later ones, freed with the thread. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sct_inflight);
} sct_inflight SEC(".maps");

/*
 * Only threads inside an execve/execveat hold an entry, for the length of the call; 128 at once
 * is far beyond what two exec-heavy CPUs produce, and costs about 2.6 MiB preallocated. When it
 * is full the strings are read at exit instead (fine for a failed exec, UNREADABLE after a
 * successful one).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u32); /* tid */
	__type(value, struct sct_enter_strs);
} sct_enter_strs SEC(".maps");

/* Present only on kernels whose sched_process_exit tracepoint passes group_dead (6.18 does). */
struct trace_event_raw_sched_process_exit___sct {
	bool group_dead;
} __attribute__((preserve_access_index));

static __always_inline void count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&sct_stats, &stat);

	/* Atomic although per-CPU: different programs may interleave on a CPU if preempted. */
	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline __u8 *scratch(__u32 slot)
{
	__u32 key = bpf_get_smp_processor_id() * SCT_SCRATCH_SLOTS + slot;

	return bpf_map_lookup_elem(&sct_scratch, &key);
}

/* Submit flags for a record of `size` bytes. */
static __always_inline __u64 wake_flags(__u32 size)
{
	__u64 avail = bpf_ringbuf_query(&sct_events, BPF_RB_AVAIL_DATA);
	/*
	 * Wake the consumer when this record carries the backlog across wakeup_bytes, not for every
	 * record above it: with "avail >= wakeup_bytes" each record of a burst raises another IRQ
	 * work (measured here: 191k wakeups and 4.0 us per traced getppid instead of 0.7 us, with a
	 * 64 KiB threshold and a 5 ms drain timer). Racing CPUs may both wake (harmless) or both
	 * miss the crossing; the drain timer covers that. wakeup_bytes 0 wakes when the ring turns
	 * non-empty, like the kernel's adaptive mode.
	 */
	if (avail <= wakeup_bytes && avail + size + BPF_RINGBUF_HDR_SZ > wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void submit(void *rec, __u32 size)
{
	if (bpf_ringbuf_output(&sct_events, rec, size, wake_flags(size)))
		count(SCT_STAT_LOST_RINGBUF);
	else
		count(SCT_STAT_EMITTED);
}

/* Scratch records: the size mask only restates for the verifier that the record fits the buffer. */
static __always_inline void submit_scratch(__u8 *buf, __u32 size)
{
	submit(buf, size & (SCT_SCRATCH_BYTES - 1));
}

/* The AND of the enabled task filters, for the current task. */
static __always_inline bool task_matches(__u32 tgid)
{
	if (filter_pids && !bpf_map_lookup_elem(&sct_tgids, &tgid))
		return false;
	if (filter_comms) {
		/*
		 * Zero-padded to 16 bytes, as user space writes the keys. Zeroed here first: on some
		 * kernels (6.1 in the qemu test) bpf_get_current_comm copies with strscpy and leaves
		 * the bytes after the NUL as they were, and most lookups then missed.
		 */
		char comm[SCT_COMM_LEN] = {};

		bpf_get_current_comm(comm, sizeof(comm));
		if (!bpf_map_lookup_elem(&sct_comms, comm))
			return false;
	}
	if (filter_uids) {
		__u32 uid = (__u32)bpf_get_current_uid_gid();

		if (!bpf_map_lookup_elem(&sct_uids, &uid))
			return false;
	}
	if (filter_cgroups) {
		__u64 cgid = bpf_get_current_cgroup_id();

		if (!bpf_map_lookup_elem(&sct_cgroups, &cgid))
			return false;
	}
	return true;
}

static __always_inline void fill_header(struct sct_header *h, __u16 kind, __u32 size, __u32 flags,
					__u64 now)
{
	struct task_struct *task = bpf_get_current_task_btf();
	/*
	 * Real uid/gid by plain loads: bpf_get_current_uid_gid maps them through init_user_ns, an
	 * identity, at ~30 ns per record on the reference VM.
	 */
	const struct cred *cred = task->cred;
	const __u64 *comm = (const __u64 *)task->comm;

	h->kind = kind;
	h->version = SCT_ABI_VERSION;
	h->size = size;
	h->ts_ns = now;
	h->pid = task->tgid;
	h->tid = task->pid;
	h->ppid = task->real_parent->tgid;
	h->uid = cred->uid.val;
	h->gid = cred->gid.val;
	h->flags = flags;
	h->cgroup_id = bpf_get_current_cgroup_id();
	/*
	 * Two plain loads instead of bpf_get_current_comm (~50 ns per record here). Older kernels may
	 * leave stale bytes after the NUL; readers stop at the first NUL.
	 */
	((__u64 *)h->comm)[0] = comm[0];
	((__u64 *)h->comm)[1] = comm[1];
}

/* string_max as the reader uses it: 0 means the default, and never more than the contract's cap. */
static __always_inline __u32 str_cap(void)
{
	__u32 cap = string_max;

	if (cap == 0)
		cap = SCT_STR_DEFAULT;
	if (cap > SCT_STR_MAX)
		cap = SCT_STR_MAX;
	return cap;
}

/* Clears the bytes between the end of the text and the next multiple of 8 (they hold leftovers). */
static __always_inline void zero_pad(__u8 *text, __u32 len)
{
	if (len & 7) {
		__u64 *word = (__u64 *)(text + (len & ~7u));

		*word &= (1ull << ((len & 7) * 8)) - 1;
	}
}

static __always_inline __u32 finish_blob(__u8 *buf, __u32 off, __u8 arg, __u8 flags, __u32 len)
{
	struct sct_str *h = (struct sct_str *)(buf + off);

	h->arg = arg;
	h->flags = flags;
	h->len = len;
	h->pad = 0;
	zero_pad((__u8 *)(h + 1), len);
	return off + sizeof(*h) + ((len + 7) & ~7u);
}

/*
 * Appends a string blob for the NUL-terminated string at ptr (user memory, or kernel memory when
 * kernel is set) and returns the offset after it; returns off unchanged if there is no room,
 * which the sizes in this file rule out.
 */
static __always_inline __u32 put_str(__u8 *buf, __u32 off, __u8 arg, const void *ptr, bool kernel)
{
	__u32 cap = str_cap();
	__u8 *text;
	__u8 flags = 0;
	__u32 len = 0;
	long n;

	if (off > SCT_BLOB_OFF_MAX)
		return off;
	text = buf + off + sizeof(struct sct_str);
	if (!ptr) {
		flags = SCT_STR_UNREADABLE;
	} else {
		/* One byte past the cap tells a cut string from one of exactly cap bytes. */
		if (kernel)
			n = bpf_probe_read_kernel_str(text, cap + 2, ptr);
		else
			n = bpf_probe_read_user_str(text, cap + 2, ptr);
		if (n <= 0) {
			flags = SCT_STR_UNREADABLE;
		} else if ((__u64)n - 1 > cap) {
			len = cap;
			flags = SCT_STR_TRUNCATED;
		} else {
			len = n - 1;
		}
	}
	return finish_blob(buf, off, arg, flags, len);
}

/* Appends one blob per set bit of mask, at most max of them; returns the new end, counts in *nstr. */
static __always_inline __u32 put_user_strs(__u8 *buf, __u32 off, __u8 mask, const __u64 *args,
					   __u16 *nstr, __u16 max)
{
#pragma unroll
	for (int i = 0; i < SCT_MAX_ARGS; i++) {
		__u32 next;

		if (!(mask & (1 << i)) || *nstr >= max)
			continue;
		next = put_str(buf, off, i, (const void *)args[i], false);
		if (next == off)
			break;
		off = next;
		*nstr += 1;
	}
	return off;
}

/*
 * var = min(var, max) in a form the verifier tracks: clang otherwise drops a clamp it can prove
 * redundant from the contract (sct_read.max <= SCT_STR_MAX), or turns it into a select whose
 * bound the verifier does not see.
 */
#define clamp_max(var, max) asm volatile("if %0 <= %1 goto +1; %0 = %1" : "+r"(var) : "i"(max))

/*
 * fl->args[i] for an i the caller checked against SCT_MAX_ARGS, bounded again at the access:
 * clang may spill the index to the stack before the check and reload it after, and older
 * verifiers (Linux 6.1) lose the bound across the spill and reject the load.
 */
static __always_inline __u64 arg_value(const struct sct_inflight *fl, __u32 i)
{
	clamp_max(i, SCT_MAX_ARGS - 1);
	return fl->args[i];
}

/* buffer_bytes as the reader uses it: never more than the contract's cap. */
static __always_inline __u32 buffer_cap(void)
{
	return buffer_bytes > SCT_STR_MAX ? SCT_STR_MAX : buffer_bytes;
}

/*
 * Appends an SCT_BLOB_BYTES blob for read r (already known to be an SCT_READ_BYTES) of the call
 * in fl, which returned ret; returns the new end, or off when the read does not apply.
 */
static __always_inline __u32 put_bytes(__u8 *buf, __u32 off, const struct sct_read *r,
				       const struct sct_inflight *fl, __s64 ret, __u16 *nstr)
{
	__u8 arg = r->arg, len_arg = r->len_arg, flags = 0;
	__u64 want = 0, cap = r->max;
	const void *ptr;
	__u32 len, v;

	if (arg >= SCT_MAX_ARGS || len_arg >= SCT_MAX_ARGS || off > SCT_BLOB_OFF_MAX)
		return off;
	ptr = (const void *)arg_value(fl, arg);
	if (!ptr || ((r->flags & SCT_RD_SUCCESS) && ret < 0))
		return off;
	if (r->flags & SCT_RD_BUFFER) {
		if (buffer_cap() == 0)
			return off;
		if (cap > buffer_cap())
			cap = buffer_cap();
	}
	if ((r->flags & SCT_RD_STRING) && cap > str_cap())
		cap = str_cap();
	switch (r->len_from) {
	case SCT_LEN_FIXED:
		want = r->max;
		break;
	case SCT_LEN_ARG:
		want = arg_value(fl, len_arg);
		break;
	case SCT_LEN_ARG_PTR:
		if (!arg_value(fl, len_arg) ||
		    bpf_probe_read_user(&v, sizeof(v), (const void *)arg_value(fl, len_arg)))
			return off;
		want = v;
		break;
	case SCT_LEN_RET:
		want = ret > 0 ? ret : 0;
		break;
	default:
		return off;
	}
	if (want > cap) {
		want = cap;
		flags = SCT_STR_TRUNCATED;
	}
	len = want;
	/* max is at most SCT_STR_MAX by contract; the verifier must see it (see clamp_max). */
	clamp_max(len, SCT_STR_MAX);
	if (len && bpf_probe_read_user(buf + off + sizeof(struct sct_str), len, ptr)) {
		len = 0;
		flags = SCT_STR_UNREADABLE;
	}
	*nstr += 1;
	return finish_blob(buf, off, arg, flags | (SCT_BLOB_BYTES << SCT_BLOB_KIND_SHIFT), len);
}

/* Appends the SCT_BLOB_INOUT blob of read r: fl's entry value, then the value now. */
static __always_inline __u32 put_inout(__u8 *buf, __u32 off, const struct sct_read *r,
				       const struct sct_inflight *fl, __u16 *nstr)
{
	__u8 arg = r->arg, flags = SCT_BLOB_INOUT << SCT_BLOB_KIND_SHIFT;
	__u32 *vals;

	if (arg >= SCT_MAX_ARGS || off > SCT_BLOB_OFF_MAX || !arg_value(fl, arg))
		return off;
	vals = (__u32 *)(buf + off + sizeof(struct sct_str));
	vals[0] = fl->inout;
	*nstr += 1;
	if (!fl->inout_ok || bpf_probe_read_user(&vals[1], sizeof(vals[1]), (const void *)arg_value(fl, arg)))
		return finish_blob(buf, off, arg, flags | SCT_STR_UNREADABLE, 0);
	return finish_blob(buf, off, arg, flags, 2 * sizeof(__u32));
}

/*
 * Returns v by way of the u32 at word (scratch memory whose content does not matter then), which
 * the verifier sees as a value it knows nothing about. Used on offsets right before a point many
 * paths reach (one per combination of string lengths, or one per read of a bpf_loop): those
 * paths then arrive in the same state and what follows is verified once instead of once per
 * path, which otherwise took seconds at load. The code after checks the offset's bound itself.
 */
static __always_inline __u32 forget_range(__u32 *word, __u32 v)
{
	*(volatile __u32 *)word = v;
	return *(volatile __u32 *)word;
}

/*
 * State of one walk over a call's extra reads (bpf_loop callbacks exit_read and entry_read).
 * Each read is a callback run, so the verifier checks one read once rather than every
 * combination of the outcomes of all of them.
 */
struct sct_reads_walk {
	const struct sct_syscall_reads *rd;
	const struct sct_inflight *fl;
	__u8 *buf;  /* the record (exit) or the parked struct (entry) */
	__s64 ret;
	__u32 off;
	__u16 nstr;
};

/* bpf_loop callback: performs exit-time read i (those without SCT_RD_ENTRY). */
static long exit_read(__u64 i, void *data)
{
	struct sct_reads_walk *w = data;
	const struct sct_read *r;

	if (i >= SCT_READS_MAX)
		return 1;
	r = &w->rd->read[i];
	if (r->kind == SCT_READ_NONE)
		return 1;
	if (r->flags & SCT_RD_ENTRY)
		return 0;
	if (r->kind == SCT_READ_BYTES)
		w->off = put_bytes(w->buf, w->off, r, w->fl, w->ret, &w->nstr);
	else if (r->kind == SCT_READ_INOUT)
		w->off = put_inout(w->buf, w->off, r, w->fl, &w->nstr);
	w->off = forget_range(&((struct sct_header *)w->buf)->size, w->off);
	return 0;
}

/*
 * Appends the exit-time extra reads of the call in fl. A call that never returned (no_return)
 * gets none: its outputs were never written.
 */
static __always_inline __u32 put_exit_reads(__u8 *buf, __u32 off, const struct sct_inflight *fl,
					    __s64 ret, bool no_return, __u16 *nstr)
{
	struct sct_reads_walk w = { .fl = fl, .buf = buf, .ret = ret, .nstr = *nstr };
	__u32 nr = fl->nr;

	if (!fl->reads || no_return)
		return off;
	/* The record's size field is free until fill_header sets it. */
	w.off = forget_range(&((struct sct_header *)buf)->size, off);
	w.rd = bpf_map_lookup_elem(&sct_syscall_reads, &nr);
	if (!w.rd)
		return off;
	bpf_loop(SCT_READS_MAX, exit_read, &w, 0);
	*nstr = w.nstr;
	return w.off;
}

/* The fixed part of a syscall record of `size` bytes (header included) for the call in fl. */
static __always_inline void fill_syscall(struct sct_syscall *rec, const struct sct_inflight *fl, __s64 ret,
					 __u16 nstr, __u32 size, __u32 flags)
{
#pragma unroll
	for (int i = 0; i < SCT_MAX_ARGS; i++)
		rec->args[i] = fl->args[i];
	rec->ret = ret;
	rec->enter_ns = fl->enter_ns;
	rec->nr = fl->nr;
	rec->nstr = nstr;
	rec->pad = 0;
	fill_header(&rec->hdr, SCT_KIND_SYSCALL, size, flags, bpf_ktime_get_ns());
}

/*
 * Emits the syscall record of an active in-flight slot from the given scratch slot and drops
 * its parked enter-time strings. The caller idles the in-flight slot.
 */
static __always_inline void emit_syscall(__u32 slot, const struct sct_inflight *fl, __s64 ret,
					 __u32 flags)
{
	bool no_return = flags & SCT_F_NO_RETURN;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sct_enter_strs *parked = NULL;
	struct sct_syscall *rec;
	__u32 off = sizeof(*rec);
	__u16 nstr = 0;
	__u8 *buf;

	if (fl->enter_str && (fl->str_mask || fl->reads))
		parked = bpf_map_lookup_elem(&sct_enter_strs, &tid);
	buf = scratch(slot);
	if (!buf) {
		count(SCT_STAT_LOST_RINGBUF);
		goto out;
	}
	rec = (struct sct_syscall *)buf;
	if (parked) {
		__u32 bytes = parked->bytes;

		if (bytes > SCT_ENTER_STR_BYTES)
			bytes = SCT_ENTER_STR_BYTES;
		if (!bpf_probe_read_kernel(buf + off, bytes, parked->blobs)) {
			off += bytes;
			nstr = parked->nstr;
		}
	} else if (fl->str_mask) {
		off = put_user_strs(buf, off, fl->str_mask, fl->args, &nstr, SCT_MAX_ARGS);
	}
	off = put_exit_reads(buf, off, fl, ret, no_return, &nstr);
	fill_syscall(rec, fl, ret, nstr, off, flags);
	submit_scratch(buf, off);
out:
	if (parked)
		bpf_map_delete_elem(&sct_enter_strs, &tid);
}

/* End of the parked blob area, as an offset from the start of struct sct_enter_strs. */
#define SCT_PARKED_END (sizeof(struct sct_enter_strs))

/* State of one string array walk (bpf_loop callbacks count_elem and strv_elem). */
struct sct_strv_walk {
	const __u64 *uarr; /* the user array */
	__u8 *text;        /* STRV: where the blob's bytes go (a scratch map value) */
	__u32 pos;         /* STRV: bytes written; COUNT: elements counted */
	__u32 cap;         /* STRV: string_max */
	__u8 flags;        /* enum sct_str_flags of the whole blob */
};

/* bpf_loop callback: counts element i of the array; stops at its NULL. */
static long count_elem(__u64 i, void *data)
{
	struct sct_strv_walk *w = data;
	__u64 p;

	if (bpf_probe_read_user(&p, sizeof(p), &w->uarr[i])) {
		w->flags = SCT_STR_UNREADABLE;
		return 1;
	}
	if (!p) {
		w->flags = 0;
		return 1;
	}
	w->pos++;
	return 0;
}

/*
 * Appends an SCT_BLOB_COUNT blob: the element count of the NULL-terminated pointer array at
 * uarr (user memory), up to SCT_COUNT_MAX. base is the parked struct; returns the new end.
 */
static __always_inline __u32 put_count(__u8 *base, __u32 off, __u8 arg, const __u64 *uarr,
				       __u16 *nstr)
{
	struct sct_strv_walk w = { .uarr = uarr, .flags = SCT_STR_TRUNCATED };

	barrier_var(off);
	if (off > SCT_PARKED_END - sizeof(struct sct_str) - 8)
		return off;
	bpf_loop(SCT_COUNT_MAX, count_elem, &w, 0);
	*(__u32 *)(base + off + sizeof(struct sct_str)) = w.pos;
	*nstr += 1;
	return finish_blob(base, off, arg, w.flags | (SCT_BLOB_COUNT << SCT_BLOB_KIND_SHIFT), sizeof(w.pos));
}

/*
 * bpf_loop callback: appends element i (one flags byte, the text cut at string_max and at the
 * blob's remaining room, a NUL); stops at the array's NULL or when the room is used up.
 */
static long strv_elem(__u64 i, void *data)
{
	struct sct_strv_walk *w = data;
	__u32 pos = w->pos, el_cap = w->cap, room, tl;
	__u8 *el;
	__u64 p;
	long n;

	if (bpf_probe_read_user(&p, sizeof(p), &w->uarr[i])) {
		w->flags = i == 0 ? SCT_STR_UNREADABLE : SCT_STR_TRUNCATED;
		return 1;
	}
	if (!p) {
		w->flags = 0;
		return 1;
	}
	if (pos >= SCT_STRV_BYTES - 2)
		return 1;
	room = SCT_STRV_BYTES - 2 - pos;
	if (el_cap > room)
		el_cap = room;
	/*
	 * Bounds for the verifier: pos < SCT_STRV_BYTES and el_cap < SCT_STRV_BYTES (it is at most
	 * room, so the masks change nothing). The barriers keep clang from dropping masks it can
	 * prove redundant but the verifier cannot.
	 */
	barrier_var(pos);
	el = w->text + (pos & (SCT_STRV_BYTES - 1));
	barrier_var(el_cap);
	el_cap &= SCT_STRV_BYTES - 1;
	n = bpf_probe_read_user_str(el + 1, el_cap + 1, (const void *)p);
	el[0] = 0;
	if (n <= 0) {
		el[0] = SCT_STR_UNREADABLE;
		tl = 0;
	} else {
		tl = n - 1;
		/* A read that filled el_cap bytes may have cut the string; look one further. */
		if (tl == el_cap) {
			char next;

			if (!bpf_probe_read_user(&next, 1, (const char *)p + tl) && next)
				el[0] = SCT_STR_TRUNCATED;
		}
	}
	tl &= SCT_STRV_BYTES - 1;
	el[1 + tl] = 0;
	w->pos = pos + 2 + tl;
	return 0;
}

/*
 * Appends an SCT_BLOB_STRV blob for the NULL-terminated string pointer array at uarr (user
 * memory): up to SCT_STRV_MAX elements and SCT_STRV_BYTES of text, each element cut at
 * string_max. base is the parked struct; returns the new end.
 */
static __always_inline __u32 put_strv(__u8 *base, __u32 off, __u8 arg, const __u64 *uarr,
				      __u16 *nstr)
{
	struct sct_strv_walk w = { .uarr = uarr, .cap = str_cap(), .flags = SCT_STR_TRUNCATED };

	/* The barrier keeps this bound check from being merged away; the verifier needs it. */
	barrier_var(off);
	if (off > SCT_PARKED_END - sizeof(struct sct_str) - SCT_STRV_BYTES - SCT_STRV_ROOM)
		return off;
	w.text = base + off + sizeof(struct sct_str);
	bpf_loop(SCT_STRV_MAX, strv_elem, &w, 0);
	if (w.pos > SCT_STRV_BYTES)
		w.pos = SCT_STRV_BYTES;
	*nstr += 1;
	return finish_blob(base, off, arg, w.flags | (SCT_BLOB_STRV << SCT_BLOB_KIND_SHIFT), w.pos);
}

/* bpf_loop callback: performs entry-time read i (execve's arrays) into the parked blobs. */
static long entry_read(__u64 i, void *data)
{
	struct sct_reads_walk *w = data;
	const struct sct_read *r;
	const __u64 *uarr;
	__u8 arg;

	if (i >= SCT_READS_MAX)
		return 1;
	r = &w->rd->read[i];
	arg = r->arg;
	if (r->kind == SCT_READ_NONE)
		return 1;
	if (!(r->flags & SCT_RD_ENTRY) || r->kind != SCT_READ_STRV || arg >= SCT_MAX_ARGS)
		return 0;
	uarr = (const __u64 *)arg_value(w->fl, arg);
	if (!uarr)
		return 0;
	if ((r->flags & SCT_RD_ENV) && !exec_env)
		w->off = put_count(w->buf, w->off, arg, uarr, &w->nstr);
	else
		w->off = put_strv(w->buf, w->off, arg, uarr, &w->nstr);
	w->off = forget_range(&((struct sct_enter_strs *)w->buf)->bytes, w->off);
	return 0;
}

/* Appends the entry-time extra reads (execve's arrays) of the call in fl to the parked blobs. */
static __always_inline __u32 put_entry_reads(__u8 *base, __u32 off, const struct sct_inflight *fl,
					     __u16 *nstr)
{
	struct sct_reads_walk w = { .fl = fl, .buf = base, .nstr = *nstr };
	__u32 nr = fl->nr;

	w.rd = bpf_map_lookup_elem(&sct_syscall_reads, &nr);
	if (!w.rd)
		return off;
	/* The parked struct's byte count is free until park_enter_strings sets it. */
	w.off = forget_range(&((struct sct_enter_strs *)base)->bytes, off);
	bpf_loop(SCT_READS_MAX, entry_read, &w, 0);
	*nstr = w.nstr;
	return w.off;
}

/*
 * Parks the string arguments and entry-time reads of an execve-like call before the address
 * space can go away.
 */
static __always_inline void park_enter_strings(__u32 tid, const struct sct_inflight *fl,
					       struct sct_enter_strs *parked)
{
	__u32 end;
	__u16 nstr = 0;

	if (!parked)
		return;
	end = put_user_strs((__u8 *)parked, offsetof(struct sct_enter_strs, blobs), fl->str_mask,
			    fl->args, &nstr, SCT_ENTER_STRS);
	if (fl->reads)
		end = put_entry_reads((__u8 *)parked, end, fl, &nstr);
	parked->bytes = end - offsetof(struct sct_enter_strs, blobs);
	parked->nstr = nstr;
	parked->pad = 0;
	/* On failure (table full) sys_exit reads the strings instead. */
	bpf_map_update_elem(&sct_enter_strs, &tid, parked, BPF_ANY);
}

/* Keeps the entry value of the call's SCT_READ_INOUT read (one per call) in fl. */
static __always_inline void read_inout_at_entry(struct sct_inflight *fl)
{
	__u32 nr = fl->nr;
	const struct sct_syscall_reads *rd = bpf_map_lookup_elem(&sct_syscall_reads, &nr);

	fl->inout_ok = 0;
	if (!rd)
		return;
#pragma unroll
	for (int i = 0; i < SCT_READS_MAX; i++) {
		const struct sct_read *r = &rd->read[i];
		__u8 arg = r->arg;

		if (r->kind != SCT_READ_INOUT || arg >= SCT_MAX_ARGS || !arg_value(fl, arg))
			continue;
		fl->inout_ok = !bpf_probe_read_user(&fl->inout, sizeof(fl->inout), (const void *)arg_value(fl, arg));
		return;
	}
}

/*
 * The context of a BPF program on a per-syscall tracepoint (syscalls/sys_enter_<name>,
 * syscalls/sys_exit_<name>), as the kernel's perf path builds it for BPF and as tracefs'
 * format files describe: the common fields, the syscall number at 8, the arguments or the return
 * value at 16. Only the syscall's own arguments are filled in; the rest is not initialized.
 */
struct sct_tp_sys_enter {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__u64 args[SCT_MAX_ARGS];
};

struct sct_tp_sys_exit {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__s64 ret;
};

/*
 * The task filters of a syscall entry (the callers apply the syscall filter): the thread's
 * in-flight slot when the call is to be traced, NULL otherwise.
 */
static __always_inline struct sct_inflight *enter_slot(__u32 tgid)
{
	struct sct_inflight *fl;

	if (tgid == self_tgid)
		return NULL;
	/*
	 * A thread that has an in-flight slot passed the filters before. With no filter but the pid
	 * filter, that verdict cannot change (a tgid leaves sct_tgids only when its process is gone),
	 * so the slot lookup replaces the hash lookup (~55 ns less per traced call on the reference
	 * VM); comm, uid and cgroup can change under a thread and are checked every time.
	 */
	fl = bpf_task_storage_get(&sct_inflight, bpf_get_current_task_btf(), NULL, 0);
	if (!fl || filter_comms || filter_uids || filter_cgroups) {
		if (!task_matches(tgid))
			return NULL;
		if (!fl)
			fl = bpf_task_storage_get(&sct_inflight, bpf_get_current_task_btf(), NULL,
						  BPF_LOCAL_STORAGE_GET_F_CREATE);
	}
	if (!fl)
		count(SCT_STAT_LOST_INFLIGHT);
	return fl;
}

/* Completes an entry whose arguments the caller stored in fl->args. */
static __always_inline void enter_done(struct sct_inflight *fl, __u32 nr, const struct sct_syscall_meta *meta,
				       __u32 tid)
{
	fl->enter_ns = bpf_ktime_get_ns();
	fl->nr = nr;
	fl->str_mask = meta ? meta->str_mask : 0;
	fl->enter_str = meta ? meta->enter_str : 0;
	fl->reads = meta ? meta->reads : 0;
	fl->active = 1;
	if (fl->reads)
		read_inout_at_entry(fl);
	if (fl->enter_str && (fl->str_mask || fl->reads))
		park_enter_strings(tid, fl, (struct sct_enter_strs *)scratch(SCT_SLOT_SYS_ENTER));
}

/*
 * Every syscall of every task passes here while attached (the raw_syscalls mode, used when the
 * trace wants all syscalls or many of them).
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(sct_sys_enter, struct pt_regs *regs, long id)
{
	__u32 nr = (__u32)id;
	/* The syscall table first: an inlined array load, cheaper than the pid helper. */
	const struct sct_syscall_meta *meta = bpf_map_lookup_elem(&sct_syscall_tab, &nr);
	__u64 pid_tgid;
	struct sct_inflight *fl;

	if (filter_syscalls && (!meta || !meta->traced))
		return 0;
	pid_tgid = bpf_get_current_pid_tgid();
	fl = enter_slot(pid_tgid >> 32);
	if (!fl)
		return 0;
	/*
	 * regs is the user register frame (x86_64 syscall ABI). Plain loads through the BTF pointer,
	 * CO-RE relocated by vmlinux.h's preserve_access_index, instead of six probe-read helpers.
	 */
	fl->args[0] = regs->di;
	fl->args[1] = regs->si;
	fl->args[2] = regs->dx;
	fl->args[3] = regs->r10;
	fl->args[4] = regs->r8;
	fl->args[5] = regs->r9;
	enter_done(fl, nr, meta, (__u32)pid_tgid);
	return 0;
}

/*
 * The per-syscall mode: user space attaches these programs to syscalls/sys_enter_<name> of each
 * syscall the trace wants, so the others never run a BPF program (the raw_syscalls attachment
 * alone costs every syscall on the host about 85 ns; FACTS.md). The kernel refuses a program that
 * reads past the event's arguments (EACCES at attach), so there is one program per argument
 * count: sct_sys_enter_tpN reads N arguments and zeroes the rest, and user space loads and
 * attaches only the counts its syscalls need.
 */
static __always_inline int sys_enter_tp(struct sct_tp_sys_enter *ctx, const int nargs)
{
	__u32 nr = (__u32)ctx->nr;
	const struct sct_syscall_meta *meta = bpf_map_lookup_elem(&sct_syscall_tab, &nr);
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct sct_inflight *fl = enter_slot(pid_tgid >> 32);

	if (!fl)
		return 0;
#pragma unroll
	for (int i = 0; i < SCT_MAX_ARGS; i++)
		fl->args[i] = i < nargs ? ctx->args[i] : 0;
	enter_done(fl, nr, meta, (__u32)pid_tgid);
	return 0;
}

#define SCT_SYS_ENTER_TP(n)                                                                    \
	SEC("tracepoint")                                                                        \
	int sct_sys_enter_tp##n(struct sct_tp_sys_enter *ctx)                                    \
	{                                                                                        \
		return sys_enter_tp(ctx, n);                                                     \
	}

SCT_SYS_ENTER_TP(0)
SCT_SYS_ENTER_TP(1)
SCT_SYS_ENTER_TP(2)
SCT_SYS_ENTER_TP(3)
SCT_SYS_ENTER_TP(4)
SCT_SYS_ENTER_TP(5)
SCT_SYS_ENTER_TP(6)

/*
 * Inside a successful execve/execveat, once the kernel has copied the filename, argv and envp
 * (faulting their pages in) and before the old address space is replaced (sched_prepare_exec,
 * Linux 6.10): parks the strings and arrays again over what sys_enter parked. At sys_enter some
 * may not have been readable yet: a BPF program cannot fault pages in, and a child fresh from
 * fork typically has no page-table entries for the string literals in its .rodata until it
 * touches them. A failed exec keeps what sys_enter read. Runs for traced calls only (an active
 * in-flight slot that parks at entry); builds in its own per-CPU buffer, since it may preempt a
 * sys_enter run on the same CPU.
 */
SEC("tp_btf/sched_prepare_exec")
int BPF_PROG(sct_prepare_exec, struct task_struct *task, struct linux_binprm *bprm)
{
	struct sct_inflight *fl = bpf_task_storage_get(&sct_inflight, bpf_get_current_task_btf(), NULL, 0);
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;

	if (!fl || !fl->active || !fl->enter_str || !(fl->str_mask || fl->reads))
		return 0;
	park_enter_strings(tid, fl, bpf_map_lookup_elem(&sct_exec_scratch, &zero));
	return 0;
}

/*
 * A syscall record without blobs (no strings, no extra reads), the common case: built in place
 * in the ring instead of in a scratch buffer copied by bpf_ringbuf_output (~40 ns less per call
 * on the reference VM). The same bytes as emit_syscall would submit.
 */
static __always_inline void emit_plain_syscall(const struct sct_inflight *fl, __s64 ret)
{
	__u64 wake = wake_flags(sizeof(struct sct_syscall));
	struct sct_syscall *rec = bpf_ringbuf_reserve(&sct_events, sizeof(*rec), 0);

	if (!rec) {
		count(SCT_STAT_LOST_RINGBUF);
		return;
	}
	fill_syscall(rec, fl, ret, 0, sizeof(*rec), 0);
	bpf_ringbuf_submit(rec, wake);
	count(SCT_STAT_EMITTED);
}

/* Emits the thread's in-flight call, if any, as completed with `ret`. */
static __always_inline void exit_done(__s64 ret)
{
	struct sct_inflight *fl = bpf_task_storage_get(&sct_inflight, bpf_get_current_task_btf(), NULL, 0);

	if (!fl || !fl->active)
		return;
	if (!fl->str_mask && !fl->reads && !fl->enter_str)
		emit_plain_syscall(fl, ret);
	else
		emit_syscall(SCT_SLOT_SYS_EXIT, fl, ret, 0);
	fl->active = 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sct_sys_exit, struct pt_regs *regs, long ret)
{
	/*
	 * With a syscall filter, most exits are of untraced calls: the inlined table lookup turns
	 * them away before the task storage lookup (~40 ns less per filtered call on the reference
	 * VM). orig_ax holds the number the entry saw.
	 */
	if (filter_syscalls) {
		__u32 nr = regs->orig_ax;
		const struct sct_syscall_meta *meta = bpf_map_lookup_elem(&sct_syscall_tab, &nr);

		if (!meta || !meta->traced)
			return 0;
	}
	exit_done(ret);
	return 0;
}

/* The per-syscall mode's exit: attached to syscalls/sys_exit_<name> of the wanted syscalls only. */
SEC("tracepoint")
int sct_sys_exit_tp(struct sct_tp_sys_exit *ctx)
{
	exit_done(ctx->ret);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sct_proc_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 child_tgid = child->tgid, child_tid = child->pid;
	struct sct_fork rec = {};

	/* A new thread is not a new process. */
	if (child_tid != child_tgid || tgid == self_tgid)
		return 0;
	if (filter_pids && follow_children && bpf_map_lookup_elem(&sct_tgids, &tgid)) {
		__u8 one = 1;

		bpf_map_update_elem(&sct_tgids, &child_tgid, &one, BPF_NOEXIST);
	}
	if (!process_events || !task_matches(tgid))
		return 0;
	fill_header(&rec.hdr, SCT_KIND_FORK, sizeof(rec), 0, bpf_ktime_get_ns());
	rec.child_pid = child_tgid;
	rec.child_tid = child_tid;
	submit(&rec, sizeof(rec));
	return 0;
}

/* A non-leader exec gives the thread the leader's tid: its parked strings follow it. */
static __always_inline void move_parked(__u32 from, __u32 to)
{
	struct sct_enter_strs *parked = bpf_map_lookup_elem(&sct_enter_strs, &from);

	if (parked) {
		bpf_map_update_elem(&sct_enter_strs, &to, parked, BPF_ANY);
		bpf_map_delete_elem(&sct_enter_strs, &from);
	}
}

/*
 * Appends the new image's argument area (argv strings, each NUL-terminated, as laid out by the
 * kernel at mm->arg_start). Capped at SCT_ARGV_BYTES, one page: the contract's u16 length and a
 * bounded copy per exec; string_max stays a per-string limit that user space applies per element.
 */
static __always_inline __u32 put_argv(__u8 *buf, __u32 off, struct task_struct *task, __u32 *hflags)
{
	unsigned long start = BPF_CORE_READ(task, mm, arg_start);
	unsigned long end = BPF_CORE_READ(task, mm, arg_end);
	__u64 len = end > start ? end - start : 0;
	__u8 flags = 0;

	if (off > SCT_BLOB_OFF_MAX)
		return off;
	if (len > SCT_ARGV_BYTES) {
		len = SCT_ARGV_BYTES;
		flags = SCT_STR_TRUNCATED;
		*hflags |= SCT_F_ARGV_TRUNCATED;
	}
	if (bpf_probe_read_user(buf + off + sizeof(struct sct_str), len, (const void *)start)) {
		len = 0;
		flags = SCT_STR_UNREADABLE;
	}
	return finish_blob(buf, off, 1, flags, len);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sct_proc_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid;
	struct sct_exec *rec;
	__u32 off, next, hflags = 0;
	__u16 nstr = 0;
	__u8 *buf;

	if (tgid == self_tgid)
		return 0;
	if ((__u32)old_pid != tid)
		move_parked(old_pid, tid);
	if (!process_events || !task_matches(tgid))
		return 0;
	buf = scratch(SCT_SLOT_PROC_EXEC);
	if (!buf) {
		count(SCT_STAT_LOST_RINGBUF);
		return 0;
	}
	rec = (struct sct_exec *)buf;
	off = sizeof(*rec);
	next = put_str(buf, off, 0, BPF_CORE_READ(bprm, filename), true);
	nstr += next != off;
	off = next;
	next = put_argv(buf, off, task, &hflags);
	nstr += next != off;
	off = next;
	rec->old_pid = old_pid;
	rec->nstr = nstr;
	rec->pad = 0;
	fill_header(&rec->hdr, SCT_KIND_EXEC, off, hflags, bpf_ktime_get_ns());
	submit_scratch(buf, off);
	return 0;
}

/* Whether the exiting task is the last of its thread group. */
static __always_inline bool group_dead(__u64 *ctx, struct task_struct *task)
{
	/* Exact when the tracepoint says so; otherwise two racing last threads may both see 0. */
	if (bpf_core_field_exists(struct trace_event_raw_sched_process_exit___sct, group_dead))
		return (__u8)ctx[1] != 0;
	return BPF_CORE_READ(task, signal, live.counter) == 0;
}

/*
 * Runs in the exiting thread (current == task). Strings of a call that never returned come from
 * entry when parked there; otherwise they are read now: that works where the tracepoint precedes
 * exit_mm (as on 6.18) and yields UNREADABLE blobs on kernels where the mm is already gone.
 */
SEC("tp_btf/sched_process_exit")
int sct_proc_exit(__u64 *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx[0];
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct sct_inflight *fl;
	struct sct_exit rec = {};

	if (tgid == self_tgid)
		return 0;
	fl = bpf_task_storage_get(&sct_inflight, bpf_get_current_task_btf(), NULL, 0);
	if (fl && fl->active) {
		emit_syscall(SCT_SLOT_PROC_EXIT, fl, 0, SCT_F_NO_RETURN);
		fl->active = 0;
	}
	if (!group_dead(ctx, task))
		return 0;
	if (process_events && task_matches(tgid)) {
		fill_header(&rec.hdr, SCT_KIND_EXIT, sizeof(rec), 0, bpf_ktime_get_ns());
		rec.exit_code = BPF_CORE_READ(task, exit_code);
		submit(&rec, sizeof(rec));
	}
	/* A dead tgid may be reused by an unrelated process. */
	if (filter_pids)
		bpf_map_delete_elem(&sct_tgids, &tgid);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sctrace kernel module: internal declarations shared by its compilation units. The record
 * layouts user space reads are in ../shared/sctrace_event.h (the same contract as the eBPF side);
 * the control and events file formats are documented in README.md next to this file.
 */
#ifndef SCTRACE_KMOD_H
#define SCTRACE_KMOD_H

#include <linux/types.h>
#include <linux/irq_work.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include "sctrace_event.h"

#define SCT_MODULE_VERSION "0.1.0"

/* Limits of one trace's filters (the service validates TraceSpec within these). */
#define SCT_EXCLUDE_MAX 8
#define SCT_SET_MAX 64 /* comms, uids, cgroups */
#define SCT_STR_DEFAULT 256

/* Table sizes: powers of two. */
#define SCT_TGID_SLOTS 16384
#define SCT_INFLIGHT_SLOTS 32768
/* Threads inside execve/execveat at once whose strings are parked at entry. */
#define SCT_PARKED_SLOTS 128

/* Ring sizes accepted by the control file (ring_bytes), and the default. */
#define SCT_RING_MIN (64u << 10)
#define SCT_RING_MAX (1u << 30)
#define SCT_RING_DEFAULT (4u << 20)

/* One record is assembled here before it is copied into the ring; a power of two. */
#define SCT_SCRATCH_BYTES 32768
/* Bytes a string or bytes blob may occupy (header, text, read overshoot, padding). */
#define SCT_BLOB_ROOM (sizeof(struct sct_str) + SCT_STR_MAX + 8)
/* Bytes a string array blob may occupy (header, text, padding). */
#define SCT_STRV_ROOM (sizeof(struct sct_str) + SCT_STRV_BYTES + 8)

/* Longest control line, newline excluded. */
#define SCT_LINE_MAX 1023

/*
 * Counters, per CPU, summed in /proc/sctrace/stats. The first three share their meaning (and
 * index) with enum sct_stat of the eBPF side.
 */
enum sct_kstat {
	SCT_KSTAT_LOST_RING = SCT_STAT_LOST_RINGBUF, /* record dropped: ring full */
	SCT_KSTAT_LOST_INFLIGHT = SCT_STAT_LOST_INFLIGHT, /* syscall dropped: in-flight table full */
	SCT_KSTAT_EMITTED = SCT_STAT_EMITTED, /* records written to the ring */
	SCT_KSTAT_LOST_BUSY = 3, /* record dropped: a probe nested inside another on one CPU */
	SCT_KSTAT_PARKED_FULL = 4, /* exec strings not parked at entry (read at exit instead) */
	SCT_KSTAT_WAKEUPS = 5, /* reader wakeups queued */
	SCT_KSTAT_LOST_FOLLOW = 6, /* a child of a traced process not followed: tgid set full */
	SCT_KSTAT_MAX = 7,
};

/*
 * A set or map keyed by a non-zero u32 (tgid or tid), open addressing with linear probing over a
 * bounded window. Writers (insert, remove) serialize on `lock`; lookups take no lock. Every key
 * is inserted and removed by one thread at a time (its own), so a lookup for key K never races
 * with a change to K itself, and a removal never ends another key's probe path early (a slot
 * becomes empty only when the slot after it is empty, checked under the lock).
 */
struct sct_u32tab {
	u32 *keys;
	u8 *vals; /* val_size bytes per slot, or NULL for a set */
	u32 mask;
	u32 val_size;
	atomic_t live;
	raw_spinlock_t lock;
};

/* A syscall between sys_enter and sys_exit: the value of the in-flight table. */
struct sct_inflight {
	u64 enter_ns;
	u64 args[SCT_MAX_ARGS];
	u32 nr;
	u8 str_mask;
	u8 enter_str;
	s16 parked; /* slot in sct_trace.parked holding its enter-time blobs, or -1 */
	u8 reads;    /* the syscall has extra reads (sct_syscall_meta.reads) */
	u8 inout_ok; /* inout could be read at entry */
	u16 pad;
	u32 inout;   /* SCT_READ_INOUT: the value at entry */
};

/*
 * Blobs of an execve-like call read at entry, finished: its strings (two at most: execve's
 * filename, execveat's pathname) and its entry-time reads (the argv and envp arrays).
 */
#define SCT_ENTER_STRS 2
#define SCT_ENTER_ARRAYS 2
struct sct_parked {
	u32 bytes;
	u16 nstr;
	u16 pad;
	u8 blobs[SCT_ENTER_STRS * SCT_BLOB_ROOM + SCT_ENTER_ARRAYS * SCT_STRV_ROOM];
};

/*
 * The ring: one producer section at a time (raw spinlock), one reader (read_lock). Records are
 * stored back to back in a byte stream of `size` bytes (a power of two) and may wrap; both
 * positions only grow. The producer never overwrites unread bytes: a record that does not fit is
 * dropped and counted.
 */
struct sct_ring {
	u8 *data;
	u64 size;
	u64 head; /* written by producers under lock, published with release */
	u64 tail; /* written by the reader, published with release */
	u64 wakeup_bytes;
	raw_spinlock_t lock;
	struct mutex read_lock;
	wait_queue_head_t wq;
	struct irq_work wake_work;
};

struct sct_cpu {
	u64 stats[SCT_KSTAT_MAX];
	int busy; /* a probe is assembling a record in scratch on this CPU */
	u8 *scratch;
};

enum sct_state {
	SCT_CONFIGURING = 0,
	SCT_RUNNING = 1,
	SCT_STOPPED = 2,
};

/* One trace: its filters, its tables and its ring. Only one exists at a time. */
struct sct_trace {
	/* Filters: written through the control file, read-only once running. */
	u32 exclude[SCT_EXCLUDE_MAX];
	u32 nexclude;
	bool filter_pids;
	bool follow_children;
	bool filter_syscalls;
	bool process_events;
	u32 string_max;
	u64 ring_bytes;
	u64 wakeup_bytes;
	struct sct_syscall_meta sys[SCT_NR_MAX];
	struct sct_syscall_reads reads[SCT_NR_MAX]; /* used where sys[nr].reads is set */
	u32 buffer_bytes; /* SCT_RD_BUFFER reads deliver at most this much; 0: none */
	bool exec_env;    /* SCT_RD_ENV arrays as strings; otherwise only counted */
	char comms[SCT_SET_MAX][SCT_COMM_LEN];
	u32 ncomms;
	u32 uids[SCT_SET_MAX];
	u32 nuids;
	u64 cgroups[SCT_SET_MAX];
	u32 ncgroups;

	/* Run-time state, allocated at start. */
	struct sct_u32tab tgids;
	struct sct_u32tab inflight;
	struct sct_parked *parked;
	unsigned long parked_used[BITS_TO_LONGS(SCT_PARKED_SLOTS)];
	struct sct_ring ring;
	struct sct_cpu __percpu *cpu;
	unsigned int probes_registered;

	/* Lifecycle, under sct_lock. */
	int state; /* enum sct_state, read locklessly by the events reader */
	bool control_open;
	bool reader_open;
	bool poisoned; /* a control line was rejected: the trace cannot start */
	u32 line_len;
	char line[SCT_LINE_MAX + 1];
	char error[128];
};

/* Serializes trace creation, start, stop and teardown. */
extern struct mutex sct_lock;

/* table.c */
int sct_tab_init(struct sct_u32tab *tab, u32 slots, u32 val_size);
void sct_tab_free(struct sct_u32tab *tab);
long sct_tab_lookup(struct sct_u32tab *tab, u32 key);
long sct_tab_insert_new(struct sct_u32tab *tab, u32 key, bool *fresh);
void sct_tab_remove_at(struct sct_u32tab *tab, u32 slot);
static inline void *sct_tab_val(struct sct_u32tab *tab, u32 slot)
{
	return tab->vals + (size_t)slot * tab->val_size;
}

/* ring.c */
int sct_ring_init(struct sct_ring *ring, u64 size, u64 wakeup_bytes);
void sct_ring_free(struct sct_ring *ring);
bool sct_ring_write(struct sct_ring *ring, const void *rec, u32 size, bool *woke);
u64 sct_ring_pending(struct sct_ring *ring);
ssize_t sct_ring_read(struct sct_trace *t, char __user *buf, size_t count, bool nonblock);

/* control.c */
struct sct_trace *sct_trace_alloc(void);
void sct_trace_free(struct sct_trace *t);
int sct_control_line(struct sct_trace *t, char *line);

/* probes.c */
int sct_probes_init(void);
int sct_trace_start(struct sct_trace *t);
void sct_trace_stop(struct sct_trace *t);

static inline void sct_count(struct sct_trace *t, enum sct_kstat stat)
{
	this_cpu_inc(t->cpu->stats[stat]);
}

#endif /* SCTRACE_KMOD_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sctrace kernel module: internal declarations shared by its compilation units. The records
 * user space reads and the control block it writes are in ../shared/sctrace_event.h (the same
 * contract as the eBPF side); the record assembly, the filter evaluation and the ring admission
 * are the shared headers next to it; the control and events file formats are documented in
 * README.md next to this file.
 *
 * One kernel pass serves every trace of the service, as on eBPF: one set of probes, one ring,
 * and a trace is a slot in the masks of the control block and of the value → traces tables. The
 * pass exists while the service holds /proc/sctrace/control (see struct sct_pass); the state the
 * probes read is module-global (one pass at a time) and described here.
 */
#ifndef SCTRACE_KMOD_H
#define SCTRACE_KMOD_H

#include <linux/types.h>
#include <linux/irq_work.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include "sctrace_event.h"
#include "sctrace_kernel.h"

#define SCT_MODULE_VERSION "0.2.0"
/*
 * Version of the control language (README.md): sctraced says which one it speaks in its first
 * line, and the module refuses another. 1 was one trace per opener; 2 is one kernel pass with
 * trace slots; 3 adds a read's element size to `read` lines; 4 adds read kind 12
 * (SCT_READ_URING_RSRC), which a module of 3 refuses; 5 adds read kind 13 (SCT_READ_AIO); 6 adds
 * length choice 6 (SCT_LEN_ARG32), which a module of 5 would take for a read that never applies.
 */
#define SCT_CONTROL_PROTOCOL 6

/* Thread groups never traced (the service itself). */
#define SCT_EXCLUDE_MAX 8
/* Entries of each value → traces table (comms, uids, cgroup ids), as the eBPF maps hold. */
#define SCT_VALUES_MAX 4096

/* Table sizes: powers of two. */
#define SCT_TGID_SLOTS 16384
#define SCT_INFLIGHT_SLOTS 32768
/*
 * Threads at once whose entry-time blobs are parked: inside execve/execveat, or inside a call
 * whose entry values are read (select, ppoll, sendfile, ...; those may block for long). About
 * 20 KiB each. When all are taken the strings are read at exit and the entry values are missing
 * (counted: SCT_KSTAT_PARKED_FULL).
 */
#define SCT_PARKED_SLOTS 256

/* Ring sizes accepted by the control file (ring_bytes), and the default. */
#define SCT_RING_MIN (64u << 10)
#define SCT_RING_MAX (1u << 30)
#define SCT_RING_DEFAULT (4u << 20)

/* Longest control line, newline excluded. */
#define SCT_LINE_MAX 1023

/* Counters of the pass, per CPU, summed in /proc/sctrace/stats. Losses are per trace instead. */
enum sct_kstat {
	SCT_KSTAT_EMITTED = 0,     /* records written to the ring */
	SCT_KSTAT_WAKEUPS = 1,     /* reader wakeups queued */
	SCT_KSTAT_BUSY = 2,        /* records lost: a probe nested in another on one CPU (SCT_LOSS_RING) */
	SCT_KSTAT_PARKED_FULL = 3, /* exec strings not parked at entry (read at exit instead) */
	SCT_KSTAT_FOLLOW_FULL = 4, /* children of followed processes not followed: tgid table full */
	SCT_KSTAT_MAX = 5,
};

/*
 * A set or map keyed by a non-zero u32 (tgid or tid), open addressing with linear probing over a
 * bounded window. Writers (claim, remove) serialize on `lock`; lookups take no lock. A key is
 * published after its value (a lookup never sees a new key with a stale value), and a removal
 * never ends another key's probe path early (a slot becomes empty only when the slot after it is
 * empty, checked under the lock). A lookup that races with the removal of its own key and the
 * reuse of the slot sees the key change and misses (sct_tab_get_u64).
 */
struct sct_u32tab {
	u32 *keys;
	u8 *vals; /* val_size bytes per slot */
	u32 mask;
	u32 val_size;
	atomic_t live;
	raw_spinlock_t lock;
};

/*
 * A value → traces table (comm, uid or cgroup id), immutable once published: the control file
 * builds a new one for each insertion or removal, publishes it with RCU and frees the old one
 * after a grace period (the probes run with preemption disabled: a read-side section); a changed
 * mask of an existing value is one store. Open addressing, at most half full; an entry with
 * traces 0 is empty. Keys are 16 bytes: a comm zero-padded, a uid or cgroup id little-endian.
 */
struct sct_ventry {
	u64 key[2];
	u64 traces;
};

struct sct_vtab {
	struct rcu_head rcu;
	u32 mask;
	u32 count;
	struct sct_ventry e[];
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

/*
 * The pass's lifecycle and configuration, under sct_lock: created when the service opens
 * control, running from `start` (probes registered) until it closes control (probes
 * unregistered), freed once the events reader has closed too.
 */
struct sct_pass {
	int state; /* enum sct_state, read locklessly by the events reader */
	bool control_open;
	bool reader_open;
	bool poisoned;     /* a configuration line was rejected: the pass cannot start */
	bool protocol_ok;  /* the opener's first line named this module's protocol */
	u64 ring_bytes;
	u64 wakeup_bytes;
	u32 line_len;
	char line[SCT_LINE_MAX + 1];
	char error[192];
};

/* ---- what the probes read (one pass at a time); defined in probes.c ---- */

/* The control block, as on eBPF: masks, budgets, per-trace losses, per-syscall trace masks. */
extern struct sct_control sct_ctl;
/* What to read per syscall number, whichever trace wants it: written before start. */
extern struct sct_syscall_meta sct_meta[SCT_NR_MAX];
extern struct sct_syscall_reads sct_reads[SCT_NR_MAX];
/* The ioctl size table (control file: `ioctl REQUEST SIZE DIR`); searched for ioctl reads only. */
extern struct sct_ioctl_size sct_ioctls[SCT_IOCTL_SIZES_MAX];
extern u32 sct_nioctls;
extern u32 sct_exclude[SCT_EXCLUDE_MAX];
extern u32 sct_nexclude;
/* tgid → traces (u64 values): the traces' pids and the children they follow. */
extern struct sct_u32tab sct_tgids;
extern struct sct_vtab __rcu *sct_comms;
extern struct sct_vtab __rcu *sct_uids;
extern struct sct_vtab __rcu *sct_cgroups;
extern struct sct_ring sct_ring;
extern struct sct_cpu __percpu *sct_cpus;
extern unsigned int sct_probes_registered;

/* Serializes the pass's creation, configuration, start, stop and teardown. */
extern struct mutex sct_lock;

/* table.c */
int sct_tab_init(struct sct_u32tab *tab, u32 slots, u32 val_size);
void sct_tab_free(struct sct_u32tab *tab);
long sct_tab_lookup(struct sct_u32tab *tab, u32 key);
long sct_tab_claim(struct sct_u32tab *tab, u32 key, const void *init, bool *fresh);
void sct_tab_remove_at(struct sct_u32tab *tab, u32 slot);
bool sct_tab_get_u64(struct sct_u32tab *tab, u32 key, u64 *val);
bool sct_tab_or_u64(struct sct_u32tab *tab, u32 key, u64 bits);
void sct_tab_clear_u64(struct sct_u32tab *tab, u64 bits);
static inline void *sct_tab_val(struct sct_u32tab *tab, u32 slot)
{
	return tab->vals + (size_t)slot * tab->val_size;
}

u64 sct_vtab_lookup(const struct sct_vtab *t, u64 k0, u64 k1);
int sct_vtab_set(struct sct_vtab __rcu **slot, u64 k0, u64 k1, u64 traces);
void sct_vtab_free(struct sct_vtab __rcu **slot);

/* ring.c */
int sct_ring_init(struct sct_ring *ring, u64 size, u64 wakeup_bytes);
void sct_ring_free(struct sct_ring *ring);
bool sct_ring_write(struct sct_ring *ring, const void *rec, u32 size, bool *woke);
u64 sct_ring_pending(struct sct_ring *ring);
ssize_t sct_ring_read(struct sct_pass *p, char __user *buf, size_t count, bool nonblock);

/* control.c */
struct sct_pass *sct_pass_alloc(void);
int sct_control_line(struct sct_pass *p, char *line);

/* probes.c */
int sct_probes_init(void);
void sct_pass_reset(void);
int sct_pass_start(struct sct_pass *p);
void sct_pass_stop(struct sct_pass *p);
void sct_pass_free(struct sct_pass *p);

/* Context switches (sched.c), and what they need of probes.c. */
extern unsigned int sct_sched_probes;
int sct_sched_enable(void);
void sct_sched_disable(void);
u64 sct_sched_traces(u64 want, u32 tgid);
void sct_sched_lost(u64 traces);
struct task_struct;
void sct_sched_submit(struct sct_switch *rec, u64 traces, u64 now, struct task_struct *of);

static inline void sct_count(enum sct_kstat stat)
{
	this_cpu_inc(sct_cpus->stats[stat]);
}

#endif /* SCTRACE_KMOD_H */

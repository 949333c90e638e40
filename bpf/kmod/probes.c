// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tracepoint probes of the one kernel pass, and its start and stop. The record assembly, the
 * filter evaluation and the ring admission are the code the eBPF programs run
 * (../shared/sctrace_blobs.h, sctrace_masks.h, sctrace_admit.h), compiled here with plain C for
 * their few macros; this file holds what differs: the probes' signatures, the tables, the ring.
 *
 * - sys_enter filters, cheapest test first: the syscall's trace mask, the service's own tgids,
 *   then the task filters of the traces still in the running set (one evaluation gives every
 *   trace that wants the call); a call some trace wants gets an in-flight entry keyed by tid,
 *   holding that set. sys_exit skips syscalls no trace wants, then does one lock-free lookup.
 * - Strings are read at exit, when the kernel has just faulted them in, except for calls marked
 *   enter_str (execve, execveat): a successful exec replaces the address space, so theirs are read
 *   at entry and parked. A thread that dies inside a call gets its record from
 *   sched_process_exit, flagged SCT_F_NO_RETURN. A non-leader exec takes the leader's tid;
 *   sched_process_exec moves the in-flight entry to it.
 * - follow_children: a fork by a process of a following trace gives the child the parent's bits
 *   of those traces (sct_inherited_traces); an ended process leaves the tgid table.
 * - Probes run with preemption disabled (__DO_TRACE in include/linux/tracepoint.h) and must not
 *   fault: user memory is read with page faults disabled (strncpy_from_user_nofault is not
 *   exported to modules on 6.1, so its body is repeated here) and copy_from_user_nofault.
 * - A record is assembled in this CPU's scratch buffer, then copied into the ring; when the ring
 *   is full it is dropped and counted for each of its traces, never waited for.
 */
#include <linux/binfmts.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/net.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <net/sock.h>
#include <linux/vmalloc.h>
#include <asm/syscall.h>
#include <asm/sigframe.h>
#include "sctrace_kmod.h"

static_assert(sizeof(struct sct_header) == 72);
static_assert(sizeof(struct sct_syscall) == 144);
static_assert(sizeof(struct sct_exec) == 80);
static_assert(sizeof(struct sct_fork) == 88);
static_assert(sizeof(struct sct_usage) == 64);
static_assert(sizeof(struct sct_exit) == 232);
static_assert(sizeof(struct sct_thread_exit) == 168);
static_assert(sizeof(struct sct_signal) == 152);
static_assert(sizeof(struct kernel_siginfo) == SCT_SIGINFO_BYTES);
static_assert(sizeof(struct sct_blob) == 8);
static_assert(sizeof(struct sct_read) == 8);
static_assert(sizeof(struct sct_syscall_meta) == 4);
static_assert(sizeof(struct sct_switch) == 112);
static_assert(sizeof(struct sct_ioctl_size) == 8);

struct sct_control sct_ctl;
struct sct_syscall_meta sct_meta[SCT_NR_MAX];
struct sct_syscall_reads sct_reads[SCT_NR_MAX];
struct sct_ioctl_size sct_ioctls[SCT_IOCTL_SIZES_MAX];
u32 sct_nioctls;
u32 sct_exclude[SCT_EXCLUDE_MAX];
u32 sct_nexclude;
struct sct_u32tab sct_tgids;
struct sct_vtab __rcu *sct_comms;
struct sct_vtab __rcu *sct_uids;
struct sct_vtab __rcu *sct_cgroups;
struct sct_ring sct_ring;
struct sct_cpu __percpu *sct_cpus;
unsigned int sct_probes_registered;

/* tid → struct sct_inflight: the calls between their entry and exit. */
static struct sct_u32tab sct_inflight;
/* Parked enter-time blobs; a call's in-flight entry names its slot. */
static struct sct_enter_strs *sct_parked;
static unsigned long sct_parked_used[BITS_TO_LONGS(SCT_PARKED_SLOTS)];

/* ---- what the shared kernel code asks for ---- */

#define SCT_INLINE inline

/*
 * strncpy_from_user_nofault (mm/maccess.c), which 6.1 does not export to modules: copies at most
 * `count` bytes with page faults disabled; returns the length including the NUL, `count` when
 * the string was cut (dst[count - 1] is then a NUL), or -EFAULT.
 */
static long str_nofault(void *dst, u64 uaddr, long count)
{
	char *d = dst;
	long ret;

	if (count <= 0)
		return 0;
	pagefault_disable();
	ret = strncpy_from_user(d, (const char __user *)(uintptr_t)uaddr, count);
	pagefault_enable();
	if (ret >= count) {
		ret = count;
		d[ret - 1] = '\0';
	} else if (ret >= 0) {
		ret++;
	}
	return ret;
}

/* The same contract for a kernel string (an exec's resolved filename, always mapped). */
static long kstr_copy(void *dst, u64 ptr, long count)
{
	const char *src = (const char *)(uintptr_t)ptr;
	size_t len = strnlen(src, count);
	char *d = dst;

	if (len == count) {
		memcpy(d, src, count - 1);
		d[count - 1] = '\0';
		return count;
	}
	memcpy(d, src, len + 1);
	return len + 1;
}

#define sct_read_user(dst, n, uaddr) copy_from_user_nofault((dst), (const void __user *)(uintptr_t)(uaddr), (n))
#define sct_read_user_str(dst, n, uaddr) str_nofault((dst), (uaddr), (n))
#define sct_read_kernel_str(dst, n, ptr) kstr_copy((dst), (ptr), (n))
#define sct_copy_kernel(dst, n, src) (memcpy((dst), (src), (n)), 0)
#define SCT_LOOP(n, fn, ctx)                                                                       \
	do {                                                                                       \
		__u64 __i;                                                                         \
		for (__i = 0; __i < (n); __i++)                                                    \
			if (fn(__i, (ctx)))                                                        \
				break;                                                             \
	} while (0)
#define SCT_UNROLL
#define sct_clamp_max(var, max) ((var) = min_t(typeof(var), (var), (max)))
#define sct_barrier_var(var) ((void)0)
#define sct_forget(word, v) (v)
#define sct_now() ktime_get_ns()
#define sct_syscall_reads_of(nr) ((nr) < SCT_NR_MAX ? (const struct sct_syscall_reads *)&sct_reads[(nr)] : NULL)
#define sct_ioctl_size_of(req) ioctl_size_of(req)
#define sct_task_read(t, field) ((t)->field)
#define sct_signal_read(s, field) ((s)->field)
#define SCT_PAGE_KB (PAGE_SIZE / 1024)

/*
 * The ioctl size table's entry of a request, searched only for ioctl reads: a binary search
 * (at most 8 steps of SCT_IOCTL_SIZES_MAX 256), as control.c keeps the entries in ascending order.
 */
static const struct sct_ioctl_size *ioctl_size_of(u32 request)
{
	u32 lo = 0, hi = min_t(u32, READ_ONCE(sct_nioctls), SCT_IOCTL_SIZES_MAX);

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (sct_ioctls[mid].request == request)
			return &sct_ioctls[mid];
		if (sct_ioctls[mid].request < request)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static u64 task_cgroup_id(struct task_struct *t)
{
#ifdef CONFIG_CGROUPS
	u64 id;

	rcu_read_lock();
	id = cgroup_id(task_dfl_cgroup(t));
	rcu_read_unlock();
	return id;
#else
	return 0;
#endif
}

#define current_cgroup_id() task_cgroup_id(current)

static inline __u64 sct_tgid_traces(u32 tgid)
{
	u64 v;

	return sct_tab_get_u64(&sct_tgids, tgid, &v) ? v : 0;
}

static inline __u64 sct_comm_traces(void)
{
	u64 key[2] = { 0, 0 };

	/* Zero-padded to 16 bytes, as the control file writes the keys. */
	strscpy_pad((char *)key, current->comm, sizeof(key));
	return sct_vtab_lookup(rcu_dereference_sched(sct_comms), key[0], key[1]);
}

static inline __u64 sct_uid_traces(u32 uid)
{
	return sct_vtab_lookup(rcu_dereference_sched(sct_uids), uid, 0);
}

static inline __u64 sct_cgroup_traces(u64 id)
{
	return sct_vtab_lookup(rcu_dereference_sched(sct_cgroups), id, 0);
}

static inline __u32 sct_current_uid(void)
{
	return from_kuid(&init_user_ns, current_uid());
}

#define sct_current_cgroup() current_cgroup_id()

/* The task fields of a record header, of any task (a context switch's is not always current). */
static void header_of(struct sct_header *h, struct task_struct *task)
{
	const struct cred *cred;

	h->pid = task->tgid;
	h->tid = task->pid;
	rcu_read_lock();
	h->ppid = rcu_dereference(task->real_parent)->tgid;
	cred = __task_cred(task);
	h->uid = from_kuid(&init_user_ns, cred->uid);
	h->gid = from_kgid(&init_user_ns, cred->gid);
#ifdef CONFIG_CGROUPS
	h->cgroup_id = cgroup_id(task_dfl_cgroup(task));
#else
	h->cgroup_id = 0;
#endif
	rcu_read_unlock();
	strscpy_pad(h->comm, task->comm, sizeof(h->comm));
}

static void sct_header_task(struct sct_header *h)
{
	header_of(h, current);
}

#define sct_header_task_of header_of

#include "sctrace_masks.h"

/*
 * A record of several traces that is lost counts in each of their counters (the counters file
 * is per trace): a loop over its set bits, cheap in C, where the eBPF side keeps one count per
 * trace mask to spare the verifier and the programs a walk.
 */
static inline bool sct_count_lost_mask(u64 traces, enum sct_loss cause)
{
	return false;
}

/* Whether fd of the current task is an AF_NETLINK socket (SCT_RD_NETLINK). */
static bool sct_fd_is_netlink(u64 fd)
{
	struct socket *sock;
	struct file *file;
	bool netlink = false;

	if (fd > INT_MAX || !current->files)
		return false;
	rcu_read_lock();
	file = files_lookup_fd_rcu(current->files, fd);
	sock = file ? sock_from_file(file) : NULL;
	if (sock && sock->sk)
		netlink = sock->sk->sk_family == AF_NETLINK;
	rcu_read_unlock();
	return netlink;
}

/* What ../shared/sctrace_signal.h asks for (rt_sigreturn's frame, a signal's target task). */
#define sct_user_sp() user_stack_pointer(task_pt_regs(current))
#define SCT_SIGFRAME_MASK_OFF offsetof(struct rt_sigframe, uc.uc_sigmask)

static inline __u64 sct_task_comm_traces(struct task_struct *t)
{
	u64 key[2] = { 0, 0 };

	/* Without task_lock (the sender holds the target's siglock): a racing rename reads torn. */
	strscpy_pad((char *)key, t->comm, sizeof(key));
	return sct_vtab_lookup(rcu_dereference_sched(sct_comms), key[0], key[1]);
}

static inline __u32 sct_task_uid(struct task_struct *t)
{
	u32 uid;

	rcu_read_lock();
	uid = from_kuid(&init_user_ns, __task_cred(t)->uid);
	rcu_read_unlock();
	return uid;
}

#define sct_task_cgroup(t) task_cgroup_id(t)
#define sct_task_in_syscall(t) (sct_tab_lookup(&sct_inflight, (t)->pid) >= 0)

/* Task t's action for signal sig (the sender holds t's siglock at signal_generate). */
static inline __u64 sct_task_action(struct task_struct *t, int sig, __u64 *flags)
{
	const struct k_sigaction *ka;

	if (sig < 1 || sig > _NSIG || !t->sighand)
		return 0;
	ka = &t->sighand->action[sig - 1];
	*flags = ka->sa.sa_flags;
	return (uintptr_t)ka->sa.sa_handler;
}

#include "sctrace_admit.h"
#include "sctrace_blobs.h"
#include "sctrace_task.h"

/* ---- small helpers ---- */

static u8 *scratch_get(void)
{
	struct sct_cpu *c = this_cpu_ptr(sct_cpus);

	if (c->busy)
		return NULL;
	c->busy = 1;
	barrier();
	return c->scratch;
}

static void scratch_put(void)
{
	barrier();
	this_cpu_ptr(sct_cpus)->busy = 0;
}

/*
 * The admitted `traces` that get a record of `size` bytes: within budget when the ring is under
 * pressure (*hflags gains SCT_F_CHARGED then), the others' losses counted.
 */
static u64 charge(u64 traces, u32 size, u32 *hflags)
{
	return sct_charge_traces(traces, size, sct_ring_pending(&sct_ring), hflags);
}

/* Copies an assembled record (its header filled in: traces, flags) into the ring. */
static void submit(const void *rec, u32 size)
{
	const struct sct_header *h = rec;
	bool woke;

	if (!sct_ring_write(&sct_ring, rec, size, &woke)) {
		sct_uncharge_traces(h->traces, size, h->flags);
		sct_count_lost(h->traces, SCT_LOSS_RING);
		return;
	}
	sct_count(SCT_KSTAT_EMITTED);
	if (woke)
		sct_count(SCT_KSTAT_WAKEUPS);
}

static bool excluded(u32 tgid)
{
	u32 i;

	for (i = 0; i < sct_nexclude; i++)
		if (sct_exclude[i] == tgid)
			return true;
	return false;
}

/* The running traces that want a process event (exec, fork, exit) of the current task. */
static u64 proc_traces(u32 tgid)
{
	u64 want = sct_ctl.proc_events & sct_ctl.active;

	return want ? sct_admit_traces(sct_task_traces(&sct_ctl, want, tgid, NULL)) : 0;
}

/* ---- parked enter-time blobs ---- */

static int parked_claim(void)
{
	for (;;) {
		int i = find_first_zero_bit(sct_parked_used, SCT_PARKED_SLOTS);

		if (i >= SCT_PARKED_SLOTS)
			return -1;
		if (!test_and_set_bit_lock(i, sct_parked_used))
			return i;
	}
}

static void parked_release(int i)
{
	clear_bit_unlock(i, sct_parked_used);
}

/*
 * Reads an execve-like call's strings and arrays before the address space can go away, and the
 * entry values of a call's other reads.
 */
static void park_enter_strings(struct sct_inflight *fl)
{
	int i = parked_claim();

	if (i < 0) {
		/* sys_exit reads them instead: fine for a failed exec, unreadable after success. */
		sct_count(SCT_KSTAT_PARKED_FULL);
		return;
	}
	sct_park_blobs(fl, &sct_parked[i]);
	fl->parked = i;
}

/* ---- records ---- */

/*
 * Emits the syscall record of an in-flight entry (already out of the table) for the traces that
 * wanted it at entry and still run, and frees its parking.
 */
static void emit_syscall(const struct sct_inflight *fl, s64 ret, u32 flags)
{
	const struct sct_enter_strs *parked = fl->parked >= 0 ? &sct_parked[fl->parked] : NULL;
	u64 traces = sct_admit_traces(fl->traces);
	struct sct_syscall plain;
	u32 size;
	u16 nblob;
	u8 *buf;

	if (!traces)
		goto out;
	/* A failed exec: its strings again, now that the call has faulted them in. */
	if (parked && sct_repark(fl, ret))
		sct_park_blobs(fl, &sct_parked[fl->parked]);
	if (!fl->str_mask && !fl->reads && !parked) {
		/* The common case, no blobs: assembled on the stack. */
		traces = charge(traces, sizeof(plain), &flags);
		if (traces) {
			sct_fill_syscall(&plain, fl, ret, 0, sizeof(plain), flags, traces);
			submit(&plain, sizeof(plain));
		}
		goto out;
	}
	buf = scratch_get();
	if (!buf) {
		sct_count(SCT_KSTAT_BUSY);
		sct_count_lost(traces, SCT_LOSS_RING);
		goto out;
	}
	size = sct_syscall_blobs(buf, fl, ret, flags & SCT_F_NO_RETURN, parked, &nblob);
	traces = charge(traces, size, &flags);
	if (traces) {
		sct_fill_syscall((struct sct_syscall *)buf, fl, ret, nblob, size, flags, traces);
		submit(buf, size);
	}
	scratch_put();
out:
	if (parked)
		parked_release(fl->parked);
}

/* Takes the in-flight entry of `tid` out of the table into *fl; false when there is none. */
static bool take_inflight(u32 tid, struct sct_inflight *fl)
{
	long slot = sct_tab_lookup(&sct_inflight, tid);

	if (slot < 0)
		return false;
	*fl = *(struct sct_inflight *)sct_tab_val(&sct_inflight, slot);
	sct_tab_remove_at(&sct_inflight, slot);
	return true;
}

/* ---- probes ---- */

static void probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
	u32 tgid = current->tgid, tid = current->pid, nr = (u32)id;
	unsigned long args[SCT_MAX_ARGS];
	const struct sct_syscall_meta *meta;
	struct sct_inflight *fl;
	bool fresh;
	long slot;
	u64 want;
	int i;

	if (nr >= SCT_NR_MAX)
		return;
	want = READ_ONCE(sct_ctl.sys_traces[nr]);
	if (!want || excluded(tgid))
		return;
	want = sct_task_traces(&sct_ctl, want, tgid, NULL);
	if (!want)
		return;
	slot = sct_tab_claim(&sct_inflight, tid, NULL, &fresh);
	if (slot < 0) {
		sct_count_lost(want, SCT_LOSS_INFLIGHT);
		return;
	}
	fl = sct_tab_val(&sct_inflight, slot);
	/* A leftover entry of this thread (its exit was never seen) must not leak its parking. */
	if (!fresh && fl->parked >= 0)
		parked_release(fl->parked);
	meta = &sct_meta[nr];
	fl->enter_ns = ktime_get_ns();
	syscall_get_arguments(current, regs, args);
	for (i = 0; i < SCT_MAX_ARGS; i++)
		fl->args[i] = args[i];
	fl->traces = want;
	fl->nr = nr;
	fl->str_mask = meta->str_mask;
	fl->path_mask = meta->path_mask;
	fl->enter_str = meta->enter_str;
	fl->reads = meta->reads;
	fl->active = 1;
	fl->parked = -1;
	if (fl->reads) {
		sct_read_at_entry(fl);
		sct_read_sigmask_at_entry(fl);
	}
	if (sct_parks(fl))
		park_enter_strings(fl);
}

static void probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	u32 nr = syscall_get_nr(current, regs);
	struct sct_inflight fl;

	/* Most exits are of calls no trace wants: no lookup for them. */
	if (nr < SCT_NR_MAX && !READ_ONCE(sct_ctl.sys_traces[nr]))
		return;
	if (take_inflight(current->pid, &fl))
		emit_syscall(&fl, ret, 0);
}

/*
 * task_newtask, in the creator, before the new task first runs (a followed child is traced from
 * its first syscall): a new process or a new thread, with the clone flags that made it.
 */
static void probe_newtask(void *data, struct task_struct *child, unsigned long clone_flags)
{
	u32 tgid = current->tgid, hflags = 0;
	bool thread = child->pid != child->tgid;
	struct sct_fork rec;
	u64 want;

	if (excluded(tgid) || !READ_ONCE(sct_ctl.active))
		return;
	/* A new thread is not a new process: it is in its group's traces already. */
	if (!thread && (sct_ctl.follow & sct_ctl.active)) {
		u64 inherit = sct_inherited_traces(&sct_ctl, sct_tgid_traces(tgid));

		if (inherit && !sct_tab_or_u64(&sct_tgids, child->tgid, inherit))
			sct_count(SCT_KSTAT_FOLLOW_FULL);
	}
	want = proc_traces(tgid);
	if (want)
		want = charge(want, sizeof(rec), &hflags);
	if (!want)
		return;
	memset(&rec, 0, sizeof(rec));
	sct_fill_header(&rec.hdr, thread ? SCT_KIND_THREAD : SCT_KIND_FORK, sizeof(rec), hflags, ktime_get_ns(), want);
	rec.child_pid = child->tgid;
	rec.child_tid = child->pid;
	rec.clone_flags = clone_flags | sct_exit_signal_bits(child->exit_signal);
	submit(&rec, sizeof(rec));
}

/* Moves a thread's in-flight entry when a non-leader exec gives it the leader's tid. */
static void move_inflight(u32 from, u32 to)
{
	struct sct_inflight fl;
	bool fresh;
	long slot;

	if (!take_inflight(from, &fl))
		return;
	slot = sct_tab_claim(&sct_inflight, to, &fl, &fresh);
	if (slot < 0) {
		sct_count_lost(fl.traces, SCT_LOSS_INFLIGHT);
		if (fl.parked >= 0)
			parked_release(fl.parked);
		return;
	}
	if (!fresh)
		*(struct sct_inflight *)sct_tab_val(&sct_inflight, slot) = fl;
}

static void probe_exec(void *data, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	u32 tgid = current->tgid, tid = current->pid, size, hflags = 0;
	struct mm_struct *mm = p->mm;
	struct sct_exec *rec;
	u16 nblob;
	u64 want;
	u8 *buf;

	if (excluded(tgid))
		return;
	if ((u32)old_pid != tid)
		move_inflight(old_pid, tid);
	want = proc_traces(tgid);
	if (!want)
		return;
	buf = scratch_get();
	if (!buf) {
		sct_count(SCT_KSTAT_BUSY);
		sct_count_lost(want, SCT_LOSS_RING);
		return;
	}
	rec = (struct sct_exec *)buf;
	size = sct_exec_blobs(buf, (uintptr_t)bprm->filename, mm ? mm->arg_start : 0, mm ? mm->arg_end : 0,
			      &nblob, &hflags);
	want = charge(want, size, &hflags);
	if (want) {
		rec->old_pid = old_pid;
		rec->nblob = nblob;
		rec->pad = 0;
		sct_fill_header(&rec->hdr, SCT_KIND_EXEC, size, hflags, ktime_get_ns(), want);
		submit(buf, size);
	}
	scratch_put();
}

/*
 * The exit record of a thread group whose last thread is p (see struct sct_exit for what it
 * sums): the threads still in the group's list, then the signal's sums of those released.
 */
static void fill_exit(struct sct_exit *rec, struct task_struct *p)
{
	struct task_struct *t;

	memset(rec, 0, sizeof(*rec));
	rcu_read_lock();
	for_each_thread(p, t) {
		if (rec->threads == SCT_EXIT_THREADS_MAX)
			break;
		sct_usage_add_task(&rec->self, t);
		rec->threads++;
	}
	rcu_read_unlock();
	sct_exit_group_usage(rec, p->signal);
	rec->exit_code = p->exit_code;
	rec->start_ns = p->group_leader->start_time;
}

/* A thread that is not its group's last exited: its own record, for the traces of its group. */
static void thread_exited(struct task_struct *p, u32 tgid)
{
	struct sct_thread_exit rec;
	u32 hflags = 0;
	u64 want;

	want = proc_traces(tgid);
	if (want)
		want = charge(want, sizeof(rec), &hflags);
	if (!want)
		return;
	sct_thread_exit_fill(&rec, p);
	sct_fill_header(&rec.hdr, SCT_KIND_THREAD_EXIT, sizeof(rec), hflags, ktime_get_ns(), want);
	submit(&rec, sizeof(rec));
}

/*
 * Runs in the exiting thread. On 6.1 the tracepoint fires after exit_mm, so the strings of a call
 * that never returned are only delivered when they were parked at entry (UNREADABLE otherwise).
 */
static void on_exit(struct task_struct *p, bool group_dead)
{
	u32 tgid = current->tgid, hflags = 0;
	struct sct_inflight fl;
	struct sct_exit rec;
	long slot;
	u64 want;

	if (excluded(tgid))
		return;
	if (take_inflight(current->pid, &fl))
		emit_syscall(&fl, 0, SCT_F_NO_RETURN);
	if (!group_dead) {
		thread_exited(p, tgid);
		return;
	}
	want = proc_traces(tgid);
	if (want)
		want = charge(want, sizeof(rec), &hflags);
	if (want) {
		fill_exit(&rec, p);
		sct_fill_header(&rec.hdr, SCT_KIND_EXIT, sizeof(rec), hflags, ktime_get_ns(), want);
		submit(&rec, sizeof(rec));
	}
	/* A dead tgid may be reused by an unrelated process. */
	slot = sct_tab_lookup(&sct_tgids, tgid);
	if (slot >= 0)
		sct_tab_remove_at(&sct_tgids, slot);
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
static void probe_exit(void *data, struct task_struct *p, bool group_dead)
{
	on_exit(p, group_dead);
}
#else
static void probe_exit(void *data, struct task_struct *p)
{
	/* Exact only for the last thread; two racing last threads may both see 0 (as on eBPF). */
	on_exit(p, atomic_read(&p->signal->live) == 0);
}
#endif

/* ---- signals (TraceSpec.signal_events; the record is ../shared/sctrace_signal.h's) ---- */

/* A signal is delivered to the current task (get_signal, before its action runs). */
static void probe_signal_deliver(void *data, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	u64 want = sct_signal_want(&sct_ctl);
	u32 hflags = 0;
	struct sct_signal rec;

	if (!want || excluded(current->tgid))
		return;
	want = sct_admit_traces(sct_task_traces(&sct_ctl, want, current->tgid, NULL));
	if (want)
		want = charge(want, sizeof(rec), &hflags);
	if (!want)
		return;
	sct_signal_fill(&rec, sig, info, (uintptr_t)ka->sa.sa_handler, ka->sa.sa_flags);
	sct_fill_header(&rec.hdr, SCT_KIND_SIGNAL, sizeof(rec), hflags, ktime_get_ns(), want);
	submit(&rec, sizeof(rec));
}

/* A signal was sent to `task` (in the sender): recorded when it was discarded as ignored. */
static void probe_signal_generate(void *data, int sig, struct kernel_siginfo *info, struct task_struct *task,
				  int group, int result)
{
	u64 want = sct_signal_want(&sct_ctl), flags = 0;
	u32 hflags = 0;
	struct sct_signal rec;

	if (result != SCT_TRACE_SIGNAL_IGNORED || !want || excluded(task->tgid) ||
	    !sct_signal_ignored(sig, sct_task_action(task, sig, &flags)))
		return;
	want = sct_admit_traces(sct_other_task_traces(&sct_ctl, want, task));
	if (want)
		want = charge(want, sizeof(rec), &hflags);
	if (!want)
		return;
	sct_signal_fill_discarded(&rec, sig, info, task, current->tgid, from_kuid(&init_user_ns, current_uid()));
	sct_fill_header_of(&rec.hdr, SCT_KIND_SIGNAL, sizeof(rec), hflags, ktime_get_ns(), want, task);
	submit(&rec, sizeof(rec));
}

/* ---- for the context-switch probe (sched.c) ---- */

/* The traces among `want` whose filters select the current task, of thread group tgid. */
u64 sct_sched_traces(u64 want, u32 tgid)
{
	return excluded(tgid) ? 0 : sct_task_traces(&sct_ctl, want, tgid, NULL);
}

/* A switch record that found no room for its task's state. */
void sct_sched_lost(u64 traces)
{
	sct_count_lost(sct_admit_traces(traces), SCT_LOSS_INFLIGHT);
}

/* A switch record (but for its header) of task `of` (NULL: current) for `traces`, submitted. */
void sct_sched_submit(struct sct_switch *rec, u64 traces, u64 now, struct task_struct *of)
{
	struct sct_header *h = &rec->hdr;
	u32 hflags = 0;

	traces = sct_admit_traces(traces);
	if (traces)
		traces = charge(traces, sizeof(*rec), &hflags);
	if (!traces)
		return;
	sct_fill_header_of(h, SCT_KIND_SWITCH, sizeof(*rec), hflags, now, traces, of ?: current);
	submit(rec, sizeof(*rec));
}

/* ---- registration ---- */

struct sct_hook {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

/* In registration order; unregistered in reverse. */
static struct sct_hook hooks[] = {
	{ "sched_process_exit", probe_exit },
	{ "task_newtask", probe_newtask },
	{ "sched_process_exec", probe_exec },
	{ "sys_exit", probe_sys_exit },
	{ "sys_enter", probe_sys_enter },
	{ "signal_deliver", probe_signal_deliver },
	{ "signal_generate", probe_signal_generate },
};

static void find_hook(struct tracepoint *tp, void *priv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (!hooks[i].tp && !strcmp(tp->name, hooks[i].name))
			hooks[i].tp = tp;
}

/* Finds the tracepoints by name (__tracepoint_sys_enter is not exported). */
int sct_probes_init(void)
{
	size_t i;

	for_each_kernel_tracepoint(find_hook, NULL);
	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		if (!hooks[i].tp) {
			pr_err("sctrace: tracepoint %s not found in this kernel\n", hooks[i].name);
			return -ENOENT;
		}
	}
	return 0;
}

static void unregister_probes(void)
{
	while (sct_probes_registered > 0) {
		struct sct_hook *h = &hooks[--sct_probes_registered];

		WARN_ON(tracepoint_probe_unregister(h->tp, h->probe, NULL));
	}
	/* No probe runs past this point; the pass's memory may be freed afterwards. */
	tracepoint_synchronize_unregister();
}

/* A new pass starts from nothing: no trace, no table entry, no loss. Called with sct_lock held. */
void sct_pass_reset(void)
{
	memset(&sct_ctl, 0, sizeof(sct_ctl));
	memset(sct_meta, 0, sizeof(sct_meta));
	memset(sct_reads, 0, sizeof(sct_reads));
	sct_nioctls = 0;
	sct_nexclude = 0;
	bitmap_zero(sct_parked_used, SCT_PARKED_SLOTS);
}

static int allocate(struct sct_pass *p)
{
	int cpu, err;

	err = sct_tab_init(&sct_tgids, SCT_TGID_SLOTS, sizeof(u64));
	err = err ?: sct_tab_init(&sct_inflight, SCT_INFLIGHT_SLOTS, sizeof(struct sct_inflight));
	if (err)
		return err;
	sct_parked = vzalloc(array_size(SCT_PARKED_SLOTS, sizeof(struct sct_enter_strs)));
	if (!sct_parked)
		return -ENOMEM;
	sct_cpus = alloc_percpu(struct sct_cpu);
	if (!sct_cpus)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct sct_cpu *c = per_cpu_ptr(sct_cpus, cpu);

		c->scratch = vzalloc(SCT_SCRATCH_BYTES);
		if (!c->scratch)
			return -ENOMEM;
	}
	return sct_ring_init(&sct_ring, p->ring_bytes, p->wakeup_bytes);
}

/* Allocates the pass's tables and ring and registers every probe. Called with sct_lock held. */
int sct_pass_start(struct sct_pass *p)
{
	int err;

	err = allocate(p);
	if (err) {
		snprintf(p->error, sizeof(p->error), "start: cannot allocate the ring and tables (%llu-byte ring)",
			 p->ring_bytes);
		return err;
	}
	for (sct_probes_registered = 0; sct_probes_registered < ARRAY_SIZE(hooks); sct_probes_registered++) {
		struct sct_hook *h = &hooks[sct_probes_registered];

		err = tracepoint_probe_register(h->tp, h->probe, NULL);
		if (err) {
			snprintf(p->error, sizeof(p->error), "start: register probe on %s: error %d", h->name, err);
			unregister_probes();
			return err;
		}
	}
	WRITE_ONCE(p->state, SCT_RUNNING);
	return 0;
}

/* Unregisters every probe, waits until none runs, and ends the reader's wait. */
void sct_pass_stop(struct sct_pass *p)
{
	if (p->state != SCT_RUNNING)
		return;
	WRITE_ONCE(sct_ctl.active, 0);
	sct_sched_disable();
	unregister_probes();
	WRITE_ONCE(p->state, SCT_STOPPED);
	irq_work_sync(&sct_ring.wake_work);
	wake_up_all(&sct_ring.wq);
}

/* Frees a pass that is not running (never started, or stopped) and what it allocated. */
void sct_pass_free(struct sct_pass *p)
{
	int cpu;

	sct_tab_free(&sct_tgids);
	sct_tab_free(&sct_inflight);
	vfree(sct_parked);
	sct_parked = NULL;
	sct_ring_free(&sct_ring);
	if (sct_cpus) {
		for_each_possible_cpu(cpu)
			vfree(per_cpu_ptr(sct_cpus, cpu)->scratch);
		free_percpu(sct_cpus);
		sct_cpus = NULL;
	}
	sct_vtab_free(&sct_comms);
	sct_vtab_free(&sct_uids);
	sct_vtab_free(&sct_cgroups);
	vfree(p);
}

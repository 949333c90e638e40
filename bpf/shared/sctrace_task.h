/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What sctrace reads about a task beyond the record header, written once for the eBPF programs
 * and the kernel module: what a thread or thread group used when it exits (struct sct_usage from
 * struct task_struct and struct signal_struct; see struct sct_exit for what the kernel has summed
 * by sched_process_exit). Include after sctrace_event.h, having defined SCT_INLINE and
 *
 *   sct_task_read(t, field)      a field of struct task_struct *t (any task: CO-RE reads on eBPF)
 *   sct_signal_read(s, field)    a field of struct signal_struct *s
 *   SCT_PAGE_KB                  KiB per page (maxrss is counted in pages)
 *
 * The walk over a group's threads differs (bpf_loop over the list on eBPF, for_each_thread in the
 * module); each side calls sct_usage_add_task for every thread it finds.
 */
#ifndef SCTRACE_TASK_H
#define SCTRACE_TASK_H

/* Threads of a dying group whose own counts are added at most (the rest are in the signal's). */
#define SCT_EXIT_THREADS_MAX 1024

/* Adds one thread's own counts (those its signal_struct gets only once it is released). */
static SCT_INLINE void sct_usage_add_task(struct sct_usage *u, struct task_struct *t)
{
	u->utime_ns += sct_task_read(t, utime);
	u->stime_ns += sct_task_read(t, stime);
	u->runtime_ns += sct_task_read(t, se.sum_exec_runtime);
	u->nvcsw += sct_task_read(t, nvcsw);
	u->nivcsw += sct_task_read(t, nivcsw);
	u->min_flt += sct_task_read(t, min_flt);
	u->maj_flt += sct_task_read(t, maj_flt);
}

/*
 * The group's part of an exit record: the counts of its released threads, peak RSS and the
 * split reported so far (into rec->self, to which the caller adds the threads still listed), and
 * what its waited-for children used (rec->children).
 */
static SCT_INLINE void sct_exit_group_usage(struct sct_exit *rec, struct signal_struct *sig)
{
	struct sct_usage *u = &rec->self, *c = &rec->children;

	u->utime_ns += sct_signal_read(sig, utime);
	u->stime_ns += sct_signal_read(sig, stime);
	u->runtime_ns += sct_signal_read(sig, sum_sched_runtime);
	u->nvcsw += sct_signal_read(sig, nvcsw);
	u->nivcsw += sct_signal_read(sig, nivcsw);
	u->min_flt += sct_signal_read(sig, min_flt);
	u->maj_flt += sct_signal_read(sig, maj_flt);
	u->maxrss_kb = (__u64)sct_signal_read(sig, maxrss) * SCT_PAGE_KB;
	rec->prev_utime_ns = sct_signal_read(sig, prev_cputime.utime);
	rec->prev_stime_ns = sct_signal_read(sig, prev_cputime.stime);
	c->utime_ns = sct_signal_read(sig, cutime);
	c->stime_ns = sct_signal_read(sig, cstime);
	c->runtime_ns = c->utime_ns + c->stime_ns;
	c->nvcsw = sct_signal_read(sig, cnvcsw);
	c->nivcsw = sct_signal_read(sig, cnivcsw);
	c->min_flt = sct_signal_read(sig, cmin_flt);
	c->maj_flt = sct_signal_read(sig, cmaj_flt);
	c->maxrss_kb = (__u64)sct_signal_read(sig, cmaxrss) * SCT_PAGE_KB;
}

/*
 * The CSIGNAL byte of clone's flags, which the kernel keeps apart (kernel_clone_args.exit_signal,
 * then task->exit_signal; -1 for a thread) and task_newtask's clone_flags lack.
 */
static SCT_INLINE __u64 sct_exit_signal_bits(int exit_signal)
{
	return exit_signal > 0 ? (__u64)(exit_signal & 0xff) : 0;
}

/* A thread's exit record but for its header: its own counts, start and exit code. */
static SCT_INLINE void sct_thread_exit_fill(struct sct_thread_exit *rec, struct task_struct *t)
{
	__builtin_memset(&rec->self, 0, sizeof(rec->self));
	sct_usage_add_task(&rec->self, t);
	rec->exit_code = sct_task_read(t, exit_code);
	rec->pad = 0;
	rec->start_ns = sct_task_read(t, start_time);
	rec->prev_utime_ns = sct_task_read(t, prev_cputime.utime);
	rec->prev_stime_ns = sct_task_read(t, prev_cputime.stime);
}

#endif /* SCTRACE_TASK_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control file's language: one setting per line, applied in order, then `start`. The grammar
 * and the meaning of each key are in README.md. A rejected line leaves its reason in t->error
 * (read back from the control file) and poisons the trace: it can no longer start.
 */
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "sctrace_kmod.h"

struct sct_trace *sct_trace_alloc(void)
{
	struct sct_trace *t = vzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->string_max = SCT_STR_DEFAULT;
	t->ring_bytes = SCT_RING_DEFAULT;
	t->wakeup_bytes = 1;
	t->state = SCT_CONFIGURING;
	return t;
}

/* Frees a trace that is not running (never started, or stopped). */
void sct_trace_free(struct sct_trace *t)
{
	int cpu;

	if (!t)
		return;
	sct_tab_free(&t->tgids);
	sct_tab_free(&t->inflight);
	vfree(t->parked);
	sct_ring_free(&t->ring);
	if (t->cpu) {
		for_each_possible_cpu(cpu)
			vfree(per_cpu_ptr(t->cpu, cpu)->scratch);
		free_percpu(t->cpu);
	}
	vfree(t);
}

static __printf(3, 4) int fail(struct sct_trace *t, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->error, sizeof(t->error), fmt, ap);
	va_end(ap);
	t->poisoned = true;
	return err;
}

static char *next_word(char **rest)
{
	char *w;

	do {
		w = strsep(rest, " \t");
	} while (w && !*w);
	return w;
}

static int parse_u64(struct sct_trace *t, const char *key, const char *w, u64 max, u64 *out)
{
	if (!w)
		return fail(t, -EINVAL, "%s: value missing", key);
	if (kstrtou64(w, 10, out) || *out > max)
		return fail(t, -EINVAL, "%s: \"%.24s\" is not a number in 0..%llu", key, w, max);
	return 0;
}

static int parse_bool(struct sct_trace *t, const char *key, char **rest, bool *out)
{
	u64 v;
	int err = parse_u64(t, key, next_word(rest), 1, &v);

	if (!err)
		*out = v;
	return err;
}

/* The remaining words of a line as u64 values, each at most `max`, appended by `add`. */
static int parse_list(struct sct_trace *t, const char *key, char **rest, u64 max,
		      int (*add)(struct sct_trace *t, u64 v))
{
	char *w;
	u64 v;
	int err, n = 0;

	while ((w = next_word(rest))) {
		err = parse_u64(t, key, w, max, &v);
		if (err)
			return err;
		err = add(t, v);
		if (err)
			return err;
		n++;
	}
	if (!n)
		return fail(t, -EINVAL, "%s: no values", key);
	return 0;
}

static int add_exclude(struct sct_trace *t, u64 v)
{
	if (t->nexclude == SCT_EXCLUDE_MAX)
		return fail(t, -E2BIG, "exclude: more than %d tgids", SCT_EXCLUDE_MAX);
	t->exclude[t->nexclude++] = v;
	return 0;
}

static int add_pid(struct sct_trace *t, u64 v)
{
	bool fresh;

	if (!v)
		return fail(t, -EINVAL, "pid: 0 is not a process id");
	if (!t->tgids.keys) {
		int err = sct_tab_init(&t->tgids, SCT_TGID_SLOTS, 0);

		if (err)
			return fail(t, err, "pid: cannot allocate the tgid set");
	}
	if (sct_tab_insert_new(&t->tgids, v, &fresh) < 0)
		return fail(t, -E2BIG, "pid: tgid set full");
	t->filter_pids = true;
	return 0;
}

static int add_uid(struct sct_trace *t, u64 v)
{
	if (t->nuids == SCT_SET_MAX)
		return fail(t, -E2BIG, "uid: more than %d uids", SCT_SET_MAX);
	t->uids[t->nuids++] = v;
	return 0;
}

static int add_cgroup(struct sct_trace *t, u64 v)
{
	if (t->ncgroups == SCT_SET_MAX)
		return fail(t, -E2BIG, "cgroup: more than %d ids", SCT_SET_MAX);
	t->cgroups[t->ncgroups++] = v;
	return 0;
}

/* comm HEX: the task name as hex bytes (1 to 15), so any byte can be matched. */
static int parse_comm(struct sct_trace *t, char **rest)
{
	char *w = next_word(rest);
	size_t n;

	if (!w)
		return fail(t, -EINVAL, "comm: value missing");
	n = strlen(w);
	if (n == 0 || n % 2 || n / 2 >= SCT_COMM_LEN)
		return fail(t, -EINVAL, "comm: \"%.32s\" is not 1 to 15 bytes in hex", w);
	if (t->ncomms == SCT_SET_MAX)
		return fail(t, -E2BIG, "comm: more than %d names", SCT_SET_MAX);
	memset(t->comms[t->ncomms], 0, SCT_COMM_LEN);
	if (hex2bin(t->comms[t->ncomms], w, n / 2))
		return fail(t, -EINVAL, "comm: \"%.32s\" is not hex", w);
	t->ncomms++;
	return 0;
}

/* syscall NR TRACED STR_MASK ENTER_STR: one entry of the per-syscall table. */
static int parse_syscall(struct sct_trace *t, char **rest)
{
	u64 nr, traced, mask, enter;
	int err;

	err = parse_u64(t, "syscall", next_word(rest), SCT_NR_MAX - 1, &nr);
	err = err ?: parse_u64(t, "syscall", next_word(rest), 1, &traced);
	err = err ?: parse_u64(t, "syscall", next_word(rest), (1 << SCT_MAX_ARGS) - 1, &mask);
	err = err ?: parse_u64(t, "syscall", next_word(rest), 1, &enter);
	if (err)
		return err;
	t->sys[nr].traced = traced;
	t->sys[nr].str_mask = mask;
	t->sys[nr].enter_str = enter;
	return 0;
}

/*
 * read NR KIND ARG LEN_FROM LEN_ARG MAX FLAGS: appends one extra read (struct sct_read) to the
 * syscall's list, at most SCT_READS_MAX, and marks the syscall as having reads.
 */
static int parse_read(struct sct_trace *t, char **rest)
{
	u64 nr, kind, arg, len_from, len_arg, max, flags;
	struct sct_read *r;
	int err, i;

	err = parse_u64(t, "read", next_word(rest), SCT_NR_MAX - 1, &nr);
	err = err ?: parse_u64(t, "read", next_word(rest), SCT_READ_INOUT, &kind);
	err = err ?: parse_u64(t, "read", next_word(rest), SCT_MAX_ARGS - 1, &arg);
	err = err ?: parse_u64(t, "read", next_word(rest), SCT_LEN_RET, &len_from);
	err = err ?: parse_u64(t, "read", next_word(rest), SCT_MAX_ARGS - 1, &len_arg);
	err = err ?: parse_u64(t, "read", next_word(rest), SCT_STR_MAX, &max);
	err = err ?: parse_u64(t, "read", next_word(rest), 0xff, &flags);
	if (err)
		return err;
	if (kind == SCT_READ_NONE)
		return fail(t, -EINVAL, "read: kind 0 is not a read");
	for (i = 0; i < SCT_READS_MAX && t->reads[nr].read[i].kind != SCT_READ_NONE; i++)
		;
	if (i == SCT_READS_MAX)
		return fail(t, -E2BIG, "read: syscall %llu has %d reads already", nr, SCT_READS_MAX);
	r = &t->reads[nr].read[i];
	r->kind = kind;
	r->arg = arg;
	r->len_from = len_from;
	r->len_arg = len_arg;
	r->max = max;
	r->flags = flags;
	t->sys[nr].reads = 1;
	return 0;
}

static int parse_ring_bytes(struct sct_trace *t, char **rest)
{
	u64 v;
	int err = parse_u64(t, "ring_bytes", next_word(rest), SCT_RING_MAX, &v);

	if (err)
		return err;
	if (v < SCT_RING_MIN || !is_power_of_2(v))
		return fail(t, -EINVAL, "ring_bytes: %llu is not a power of two in %u..%u", v,
			    SCT_RING_MIN, SCT_RING_MAX);
	t->ring_bytes = v;
	return 0;
}

/*
 * Applies one line (newline removed, modifiable). Returns 0 or -errno; `start` registers the
 * probes. Called with sct_lock held.
 */
int sct_control_line(struct sct_trace *t, char *line)
{
	char *rest = line, *key;
	u64 v;
	int err;

	if (t->poisoned)
		return -EINVAL;
	key = next_word(&rest);
	if (!key || key[0] == '#')
		return 0;
	if (t->state != SCT_CONFIGURING)
		return -EBUSY; /* not poisoning: the running trace is fine */
	if (!strcmp(key, "exclude"))
		err = parse_list(t, key, &rest, U32_MAX, add_exclude);
	else if (!strcmp(key, "pid"))
		err = parse_list(t, key, &rest, S32_MAX, add_pid);
	else if (!strcmp(key, "follow_children"))
		err = parse_bool(t, key, &rest, &t->follow_children);
	else if (!strcmp(key, "syscall_filter"))
		err = parse_bool(t, key, &rest, &t->filter_syscalls);
	else if (!strcmp(key, "syscall"))
		err = parse_syscall(t, &rest);
	else if (!strcmp(key, "read"))
		err = parse_read(t, &rest);
	else if (!strcmp(key, "buffer_bytes")) {
		err = parse_u64(t, key, next_word(&rest), SCT_STR_MAX, &v);
		if (!err)
			t->buffer_bytes = v;
	} else if (!strcmp(key, "exec_env"))
		err = parse_bool(t, key, &rest, &t->exec_env);
	else if (!strcmp(key, "comm"))
		err = parse_comm(t, &rest);
	else if (!strcmp(key, "uid"))
		err = parse_list(t, key, &rest, U32_MAX, add_uid);
	else if (!strcmp(key, "cgroup"))
		err = parse_list(t, key, &rest, U64_MAX, add_cgroup);
	else if (!strcmp(key, "process_events"))
		err = parse_bool(t, key, &rest, &t->process_events);
	else if (!strcmp(key, "string_max")) {
		err = parse_u64(t, key, next_word(&rest), SCT_STR_MAX, &v);
		if (!err)
			t->string_max = v ? v : SCT_STR_DEFAULT;
	} else if (!strcmp(key, "ring_bytes"))
		err = parse_ring_bytes(t, &rest);
	else if (!strcmp(key, "wakeup_bytes")) {
		err = parse_u64(t, key, next_word(&rest), SCT_RING_MAX, &v);
		if (!err)
			t->wakeup_bytes = v;
	} else if (!strcmp(key, "start")) {
		/* sct_trace_start leaves its own reason in t->error. */
		err = sct_trace_start(t);
		if (err) {
			t->poisoned = true;
			if (!t->error[0])
				snprintf(t->error, sizeof(t->error), "start: error %d", err);
		}
		return err;
	} else
		return fail(t, -EINVAL, "unknown key \"%.32s\"", key);
	if (!err && next_word(&rest))
		return fail(t, -EINVAL, "%s: too many values", key);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control file's language (control protocol 6, README.md): one line per setting or change,
 * applied in order. The pass is configured (protocol, exclusions, ring, per-syscall tables), then
 * `start` registers the probes; from then on the lines are the changes a trace coming or going
 * makes: filter table entries, control block fields, pauses. A rejected line leaves its reason in
 * p->error (read back from the control file); during configuration it also poisons the pass (it
 * can no longer start), while running it only fails that write.
 */
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "sctrace_kmod.h"

struct sct_pass *sct_pass_alloc(void)
{
	struct sct_pass *p = vzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->ring_bytes = SCT_RING_DEFAULT;
	p->wakeup_bytes = 1;
	p->state = SCT_CONFIGURING;
	return p;
}

static __printf(3, 4) int fail(struct sct_pass *p, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->error, sizeof(p->error), fmt, ap);
	va_end(ap);
	if (p->state == SCT_CONFIGURING)
		p->poisoned = true;
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

static int parse_u64(struct sct_pass *p, const char *key, const char *w, u64 max, u64 *out)
{
	if (!w)
		return fail(p, -EINVAL, "%s: value missing", key);
	if (kstrtou64(w, 10, out) || *out > max)
		return fail(p, -EINVAL, "%s: \"%.24s\" is not a number in 0..%llu", key, w, max);
	return 0;
}

/* A trace mask: hexadecimal, with or without 0x. */
static int parse_mask(struct sct_pass *p, const char *key, const char *w, u64 *out)
{
	if (!w)
		return fail(p, -EINVAL, "%s: trace mask missing", key);
	if (kstrtou64(w, 16, out))
		return fail(p, -EINVAL, "%s: \"%.24s\" is not a trace mask (hexadecimal)", key, w);
	return 0;
}

/* ---- configuration ---- */

static int parse_protocol(struct sct_pass *p, char **rest)
{
	u64 v;
	int err = parse_u64(p, "protocol", next_word(rest), U32_MAX, &v);

	if (err)
		return err;
	if (v != SCT_CONTROL_PROTOCOL)
		return fail(p, -EPROTO,
			    "protocol: sctraced speaks control protocol %llu, this module (version %s) speaks %d: load the module of the same sctrace release",
			    v, SCT_MODULE_VERSION, SCT_CONTROL_PROTOCOL);
	p->protocol_ok = true;
	return 0;
}

static int parse_exclude(struct sct_pass *p, char **rest)
{
	char *w;
	u64 v;
	int err, n = 0;

	while ((w = next_word(rest))) {
		err = parse_u64(p, "exclude", w, S32_MAX, &v);
		if (err)
			return err;
		if (sct_nexclude == SCT_EXCLUDE_MAX)
			return fail(p, -E2BIG, "exclude: more than %d tgids", SCT_EXCLUDE_MAX);
		sct_exclude[sct_nexclude++] = v;
		n++;
	}
	return n ? 0 : fail(p, -EINVAL, "exclude: no values");
}

static int parse_ring_bytes(struct sct_pass *p, char **rest)
{
	u64 v;
	int err = parse_u64(p, "ring_bytes", next_word(rest), SCT_RING_MAX, &v);

	if (err)
		return err;
	if (v < SCT_RING_MIN || !is_power_of_2(v))
		return fail(p, -EINVAL, "ring_bytes: %llu is not a power of two in %u..%u", v, SCT_RING_MIN,
			    SCT_RING_MAX);
	p->ring_bytes = v;
	return 0;
}

/* syscall NR STR_MASK PATH_MASK ENTER_STR: one entry of the per-syscall table. */
static int parse_syscall(struct sct_pass *p, char **rest)
{
	u64 nr, mask, paths, enter;
	int err;

	err = parse_u64(p, "syscall", next_word(rest), SCT_NR_MAX - 1, &nr);
	err = err ?: parse_u64(p, "syscall", next_word(rest), (1 << SCT_MAX_ARGS) - 1, &mask);
	err = err ?: parse_u64(p, "syscall", next_word(rest), (1 << SCT_MAX_ARGS) - 1, &paths);
	err = err ?: parse_u64(p, "syscall", next_word(rest), SCT_ENTER_STRINGS | SCT_ENTER_READS, &enter);
	if (err)
		return err;
	sct_meta[nr].str_mask = mask;
	sct_meta[nr].path_mask = paths;
	sct_meta[nr].enter_str = enter;
	return 0;
}

/*
 * read NR KIND ARG LEN_FROM LEN_ARG MAX FLAGS ELEM: appends one extra read (struct sct_read) to
 * the syscall's list, at most SCT_READS_MAX, and marks the syscall as having reads.
 */
static int parse_read(struct sct_pass *p, char **rest)
{
	u64 nr, kind, arg, len_from, len_arg, max, flags, elem;
	struct sct_read *r;
	int err, i;

	err = parse_u64(p, "read", next_word(rest), SCT_NR_MAX - 1, &nr);
	err = err ?: parse_u64(p, "read", next_word(rest), SCT_READ_LAST, &kind);
	err = err ?: parse_u64(p, "read", next_word(rest), SCT_MAX_ARGS - 1, &arg);
	/* SCT_READ_INNER takes struct offsets in these two; each reader checks what it uses. */
	err = err ?: parse_u64(p, "read", next_word(rest), 0xff, &len_from);
	err = err ?: parse_u64(p, "read", next_word(rest), 0xff, &len_arg);
	err = err ?: parse_u64(p, "read", next_word(rest), SCT_STR_MAX, &max);
	err = err ?: parse_u64(p, "read", next_word(rest), 0xff, &flags);
	err = err ?: parse_u64(p, "read", next_word(rest), 0xff, &elem);
	if (err)
		return err;
	if (kind == SCT_READ_NONE)
		return fail(p, -EINVAL, "read: kind 0 is not a read");
	if (kind == SCT_READ_BYTES && len_from > SCT_LEN_LAST)
		return fail(p, -EINVAL, "read: length choice %llu is not one this module knows (at most %d)", len_from,
			    SCT_LEN_LAST);
	for (i = 0; i < SCT_READS_MAX && sct_reads[nr].read[i].kind != SCT_READ_NONE; i++)
		;
	if (i == SCT_READS_MAX)
		return fail(p, -E2BIG, "read: syscall %llu has %d reads already", nr, SCT_READS_MAX);
	r = &sct_reads[nr].read[i];
	r->kind = kind;
	r->arg = arg;
	r->len_from = len_from;
	r->len_arg = len_arg;
	r->max = max;
	r->flags = flags;
	r->elem = elem;
	sct_meta[nr].reads = 1;
	return 0;
}

/* ioctl REQUEST SIZE DIR: one entry of the ioctl size table (struct sct_ioctl_size). */
static int parse_ioctl(struct sct_pass *p, char **rest)
{
	u64 request, size, dir;
	struct sct_ioctl_size *e;
	int err;

	err = parse_u64(p, "ioctl", next_word(rest), U32_MAX, &request);
	err = err ?: parse_u64(p, "ioctl", next_word(rest), SCT_STR_MAX, &size);
	err = err ?: parse_u64(p, "ioctl", next_word(rest), 3, &dir);
	if (err)
		return err;
	if (sct_nioctls == SCT_IOCTL_SIZES_MAX)
		return fail(p, -E2BIG, "ioctl: the table holds %d requests already", SCT_IOCTL_SIZES_MAX);
	/* probes.c searches the table by halves. */
	if (sct_nioctls > 0 && request <= sct_ioctls[sct_nioctls - 1].request)
		return fail(p, -EINVAL, "ioctl: request %#llx is not above the previous one (%#x): give them in ascending order",
			    request, sct_ioctls[sct_nioctls - 1].request);
	e = &sct_ioctls[sct_nioctls];
	e->request = request;
	e->size = size;
	e->dir = dir;
	e->pad = 0;
	WRITE_ONCE(sct_nioctls, sct_nioctls + 1);
	return 0;
}

static int configure(struct sct_pass *p, const char *key, char **rest)
{
	u64 v;
	int err;

	if (!strcmp(key, "exclude"))
		return parse_exclude(p, rest);
	if (!strcmp(key, "ring_bytes"))
		return parse_ring_bytes(p, rest);
	if (!strcmp(key, "wakeup_bytes")) {
		err = parse_u64(p, key, next_word(rest), SCT_RING_MAX, &v);
		if (!err)
			p->wakeup_bytes = v;
		return err;
	}
	if (!strcmp(key, "syscall"))
		return parse_syscall(p, rest);
	if (!strcmp(key, "read"))
		return parse_read(p, rest);
	if (!strcmp(key, "ioctl"))
		return parse_ioctl(p, rest);
	if (!strcmp(key, "start")) {
		/* sct_pass_start leaves its own reason in p->error. */
		err = sct_pass_start(p);
		if (err) {
			p->poisoned = true;
			if (!p->error[0])
				snprintf(p->error, sizeof(p->error), "start: error %d", err);
		}
		return err;
	}
	return fail(p, -EINVAL, "unknown configuration key \"%.32s\" (or a change before start)", key);
}

/* ---- changes while running ---- */

/* sys NR[-LAST] MASK: the traces that want syscall NR (to LAST). */
static int parse_sys(struct sct_pass *p, char **rest)
{
	char *w = next_word(rest), *dash;
	u64 first, last, mask, nr;
	int err;

	if (!w)
		return fail(p, -EINVAL, "sys: syscall number missing");
	dash = strchr(w, '-');
	if (dash)
		*dash = '\0';
	err = parse_u64(p, "sys", w, SCT_NR_MAX - 1, &first);
	last = first;
	if (!err && dash)
		err = parse_u64(p, "sys", dash + 1, SCT_NR_MAX - 1, &last);
	err = err ?: parse_mask(p, "sys", next_word(rest), &mask);
	if (err)
		return err;
	if (last < first)
		return fail(p, -EINVAL, "sys: range %llu-%llu is empty", first, last);
	for (nr = first; nr <= last; nr++)
		WRITE_ONCE(sct_ctl.sys_traces[nr], mask);
	return 0;
}

/* tgid TGID MASK: adds traces to tgid's entry (its pid filter lists it). */
static int parse_tgid(struct sct_pass *p, char **rest)
{
	u64 tgid, mask;
	int err;

	err = parse_u64(p, "tgid", next_word(rest), S32_MAX, &tgid);
	err = err ?: parse_mask(p, "tgid", next_word(rest), &mask);
	if (err)
		return err;
	if (!tgid)
		return fail(p, -EINVAL, "tgid: 0 is not a process id");
	if (mask && !sct_tab_or_u64(&sct_tgids, tgid, mask))
		return fail(p, -ENOSPC, "tgid: the tgid table is full (%d processes)", SCT_TGID_SLOTS);
	return 0;
}

/* comm HEX MASK: the task name as hex bytes (1 to 15), so any byte can be matched. */
static int parse_comm(struct sct_pass *p, char **rest)
{
	char *w = next_word(rest);
	u64 key[2] = { 0, 0 }, mask;
	size_t n;
	int err;

	if (!w)
		return fail(p, -EINVAL, "comm: value missing");
	n = strlen(w);
	if (n == 0 || n % 2 || n / 2 >= SCT_COMM_LEN)
		return fail(p, -EINVAL, "comm: \"%.32s\" is not 1 to 15 bytes in hex", w);
	if (hex2bin((u8 *)key, w, n / 2))
		return fail(p, -EINVAL, "comm: \"%.32s\" is not hex", w);
	err = parse_mask(p, "comm", next_word(rest), &mask);
	return err ?: sct_vtab_set(&sct_comms, key[0], key[1], mask);
}

/* uid UID MASK, cgroup ID MASK. */
static int parse_value(struct sct_pass *p, const char *key, char **rest, u64 max, struct sct_vtab __rcu **tab)
{
	u64 v, mask;
	int err;

	err = parse_u64(p, key, next_word(rest), max, &v);
	err = err ?: parse_mask(p, key, next_word(rest), &mask);
	if (!err)
		err = sct_vtab_set(tab, v, 0, mask);
	if (err == -E2BIG)
		return fail(p, err, "%s: more than %d values", key, SCT_VALUES_MAX);
	if (err == -ENOMEM)
		return fail(p, err, "%s: out of memory", key);
	return err;
}

/* budget SLOT BYTES: what the trace may add to the ring while it is under pressure. */
static int parse_budget(struct sct_pass *p, char **rest)
{
	u64 slot, bytes;
	int err;

	err = parse_u64(p, "budget", next_word(rest), SCT_TRACES_MAX - 1, &slot);
	err = err ?: parse_u64(p, "budget", next_word(rest), U64_MAX, &bytes);
	if (!err)
		WRITE_ONCE(sct_ctl.budget[slot], bytes);
	return err;
}

/*
 * credit SLOT BYTES: the consumer read records charged to the trace's budget (SCT_F_CHARGED):
 * what it has waiting in the ring shrinks by that much. Never below zero, so a stray credit
 * cannot wrap the count and shut the trace out.
 */
static int parse_credit(struct sct_pass *p, char **rest)
{
	u64 slot, bytes, old, new;
	int err;

	err = parse_u64(p, "credit", next_word(rest), SCT_TRACES_MAX - 1, &slot);
	err = err ?: parse_u64(p, "credit", next_word(rest), U64_MAX, &bytes);
	if (err)
		return err;
	old = READ_ONCE(sct_ctl.used[slot]);
	do {
		new = old > bytes ? old - bytes : 0;
	} while (!try_cmpxchg64(&sct_ctl.used[slot], &old, new));
	return 0;
}

/* The control block fields `set` writes: masks in hex, sizes in decimal. */
struct sct_field {
	const char *name;
	bool mask;
	u64 max;
	u64 *u64p;
	u32 *u32p;
};

static const struct sct_field fields[] = {
	{ "active", true, U64_MAX, &sct_ctl.active },
	{ "pid_any", true, U64_MAX, &sct_ctl.pid_any },
	{ "comm_any", true, U64_MAX, &sct_ctl.comm_any },
	{ "uid_any", true, U64_MAX, &sct_ctl.uid_any },
	{ "cgroup_any", true, U64_MAX, &sct_ctl.cgroup_any },
	{ "follow", true, U64_MAX, &sct_ctl.follow },
	{ "proc_events", true, U64_MAX, &sct_ctl.proc_events },
	{ "buffers", true, U64_MAX, &sct_ctl.buffers },
	{ "exec_env", true, U64_MAX, &sct_ctl.exec_env },
	{ "sched", true, U64_MAX, &sct_ctl.sched },
	{ "signals", true, U64_MAX, &sct_ctl.signals },
	{ "string_max", false, SCT_STR_MAX, NULL, &sct_ctl.string_max },
	{ "buffer_bytes", false, SCT_STR_MAX, NULL, &sct_ctl.buffer_bytes },
	{ "pressure_bytes", false, U64_MAX, &sct_ctl.pressure_bytes },
};

#define SCT_SET_MAX ARRAY_SIZE(fields)

/*
 * set KEY VALUE [KEY VALUE]...: control block fields, written in the order given (a trace's
 * bit in `active` comes last when it starts, first when it stops). Every pair is checked before
 * any is written.
 */
static int parse_set(struct sct_pass *p, char **rest)
{
	const struct sct_field *which[SCT_SET_MAX * 2];
	u64 values[SCT_SET_MAX * 2], *sched = NULL;
	unsigned int n = 0, i, f;
	char *key;
	int err;

	while ((key = next_word(rest))) {
		if (n == ARRAY_SIZE(which))
			return fail(p, -E2BIG, "set: more than %zu fields", ARRAY_SIZE(which));
		for (f = 0; f < SCT_SET_MAX && strcmp(key, fields[f].name); f++)
			;
		if (f == SCT_SET_MAX)
			return fail(p, -EINVAL, "set: unknown field \"%.32s\"", key);
		if (fields[f].mask)
			err = parse_mask(p, fields[f].name, next_word(rest), &values[n]);
		else
			err = parse_u64(p, fields[f].name, next_word(rest), fields[f].max, &values[n]);
		if (err)
			return err;
		which[n++] = &fields[f];
	}
	if (!n)
		return fail(p, -EINVAL, "set: no fields");
	for (i = 0; i < n; i++)
		if (which[i]->u64p == &sct_ctl.sched)
			sched = &values[i];
	/* The context-switch probe is there before a trace that wants switches shows in `active`. */
	if (sched && *sched) {
		err = sct_sched_enable();
		if (err)
			return fail(p, err, "set sched: register the probe on sched_switch: error %d", err);
	}
	for (i = 0; i < n; i++) {
		if (which[i]->u64p == &sct_ctl.sched && values[i] != sct_ctl.sched) {
			WRITE_ONCE(sct_ctl.sched, values[i]);
			/* Switch intervals begun under other sched traces (whose slots may be reused) are not these. */
			WRITE_ONCE(sct_ctl.sched_gen, sct_ctl.sched_gen + 1);
		} else if (which[i]->u64p) {
			WRITE_ONCE(*which[i]->u64p, values[i]);
		} else {
			WRITE_ONCE(*which[i]->u32p, (u32)values[i]);
		}
	}
	/* ...and goes after the last one has left it. */
	if (sched && !*sched)
		sct_sched_disable();
	return 0;
}

static int change(struct sct_pass *p, const char *key, char **rest)
{
	u64 mask;
	int err;

	if (!strcmp(key, "sys"))
		return parse_sys(p, rest);
	if (!strcmp(key, "tgid"))
		return parse_tgid(p, rest);
	if (!strcmp(key, "tgid_clear")) {
		err = parse_mask(p, key, next_word(rest), &mask);
		if (!err)
			sct_tab_clear_u64(&sct_tgids, mask);
		return err;
	}
	if (!strcmp(key, "comm"))
		return parse_comm(p, rest);
	if (!strcmp(key, "uid"))
		return parse_value(p, key, rest, U32_MAX, &sct_uids);
	if (!strcmp(key, "cgroup"))
		return parse_value(p, key, rest, U64_MAX, &sct_cgroups);
	if (!strcmp(key, "budget"))
		return parse_budget(p, rest);
	if (!strcmp(key, "set"))
		return parse_set(p, rest);
	if (!strcmp(key, "paused")) {
		err = parse_mask(p, key, next_word(rest), &mask);
		if (!err)
			WRITE_ONCE(sct_ctl.paused, mask);
		return err;
	}
	if (!strcmp(key, "credit"))
		return parse_credit(p, rest);
	return fail(p, -EINVAL, "unknown key \"%.32s\" (or a configuration key after start)", key);
}

/*
 * Applies one line (newline removed, modifiable). Returns 0 or -errno. Called with sct_lock
 * held.
 */
int sct_control_line(struct sct_pass *p, char *line)
{
	char *rest = line, *key;
	int err;

	if (p->poisoned)
		return -EINVAL;
	key = next_word(&rest);
	if (!key || key[0] == '#')
		return 0;
	if (p->state == SCT_STOPPED)
		return fail(p, -ESHUTDOWN, "the pass is stopped");
	if (!strcmp(key, "protocol")) {
		if (p->protocol_ok || p->state != SCT_CONFIGURING)
			return fail(p, -EINVAL, "protocol: only as the first line");
		err = parse_protocol(p, &rest);
	} else if (!p->protocol_ok) {
		return fail(p, -EPROTO,
			    "the first line must be \"protocol N\": this module (version %s) speaks control protocol %d, sctraced sent \"%.32s\" (an older sctraced?)",
			    SCT_MODULE_VERSION, SCT_CONTROL_PROTOCOL, key);
	} else if (p->state == SCT_CONFIGURING) {
		err = configure(p, key, &rest);
		if (err || !strcmp(key, "start"))
			return err;
	} else {
		err = change(p, key, &rest);
	}
	if (!err && next_word(&rest))
		return fail(p, -EINVAL, "%s: too many values", key);
	return err;
}

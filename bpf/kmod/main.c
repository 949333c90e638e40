// SPDX-License-Identifier: GPL-2.0-only
/*
 * sctrace kernel module: the /proc/sctrace interface and the module's life cycle.
 *
 *   /proc/sctrace/control   (0600) the service's handle on the one kernel pass: configure it,
 *                           `start` it (probes registered), then add and remove traces by
 *                           writing masks; closing it stops the pass (probes unregistered).
 *                           One opener at a time (-EBUSY). Reading it says the state and why
 *                           the last line was rejected.
 *   /proc/sctrace/events    (0400) binary records (../shared/sctrace_event.h) of every trace,
 *                           each naming its traces; one reader at a time; poll() works.
 *   /proc/sctrace/counters  (0400) binary: ring positions and the per-trace loss counters.
 *   /proc/sctrace/stats     (0444) the same and more as "name value" lines, for people.
 *
 * Formats and semantics: README.md.
 */
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "sctrace_kmod.h"

DEFINE_MUTEX(sct_lock);
/* The one pass: configuring, running, or stopped with its reader still draining. */
static struct sct_pass *sct_cur;
static struct proc_dir_entry *sct_dir;
/* Set at unload: no new pass may start. */
static bool sct_exiting;

/* Frees the pass once neither file holds it. Called with sct_lock held. */
static void put_pass(struct sct_pass *p)
{
	if (p->control_open || p->reader_open)
		return;
	sct_pass_free(p);
	if (sct_cur == p)
		sct_cur = NULL;
}

/* ---- control ---- */

static int control_open(struct inode *inode, struct file *file)
{
	struct sct_pass *p;
	int err = 0;

	mutex_lock(&sct_lock);
	if (sct_exiting) {
		err = -ENODEV;
		goto out;
	}
	if (sct_cur) {
		err = -EBUSY;
		goto out;
	}
	p = sct_pass_alloc();
	if (!p) {
		err = -ENOMEM;
		goto out;
	}
	sct_pass_reset();
	p->control_open = true;
	sct_cur = p;
	file->private_data = p;
out:
	mutex_unlock(&sct_lock);
	return err ?: nonseekable_open(inode, file);
}

/*
 * Splits what is written into lines; a line may span writes. Applies each complete line; a
 * rejected line fails the write, and the lines after it in the same write are not applied.
 */
static ssize_t control_write(struct file *file, const char __user *ubuf, size_t count, loff_t *ppos)
{
	struct sct_pass *p = file->private_data;
	char chunk[256];
	size_t done = 0;
	int err = 0;

	mutex_lock(&sct_lock);
	while (done < count && !err) {
		size_t i, n = min(count - done, sizeof(chunk));

		if (copy_from_user(chunk, ubuf + done, n)) {
			err = -EFAULT;
			break;
		}
		for (i = 0; i < n && !err; i++) {
			if (chunk[i] == '\n') {
				p->line[p->line_len] = '\0';
				p->line_len = 0;
				err = sct_control_line(p, p->line);
			} else if (p->line_len == SCT_LINE_MAX || chunk[i] == '\0') {
				snprintf(p->error, sizeof(p->error), "line longer than %d bytes or holding a NUL",
					 SCT_LINE_MAX);
				if (p->state == SCT_CONFIGURING)
					p->poisoned = true;
				p->line_len = 0;
				err = -EINVAL;
			} else {
				p->line[p->line_len++] = chunk[i];
			}
		}
		done += n;
	}
	/* What followed a rejected line in this write is dropped, a partial line included. */
	if (err)
		p->line_len = 0;
	mutex_unlock(&sct_lock);
	return err ?: (ssize_t)count;
}

static const char *const state_names[] = { "configuring", "running", "stopped" };

static ssize_t control_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct sct_pass *p = file->private_data;
	char text[sizeof(p->error) + 64];
	loff_t pos = 0;
	int len;

	mutex_lock(&sct_lock);
	len = scnprintf(text, sizeof(text), "state %s\nerror %s\n", state_names[p->state],
			p->error[0] ? p->error : "none");
	mutex_unlock(&sct_lock);
	/* Every read says it from the start: the opener reads it after each rejected write. */
	return simple_read_from_buffer(ubuf, count, &pos, text, len);
}

static int control_release(struct inode *inode, struct file *file)
{
	struct sct_pass *p = file->private_data;

	mutex_lock(&sct_lock);
	sct_pass_stop(p);
	p->control_open = false;
	put_pass(p);
	mutex_unlock(&sct_lock);
	return 0;
}

static const struct proc_ops control_ops = {
	.proc_open = control_open,
	.proc_read = control_read,
	.proc_write = control_write,
	.proc_release = control_release,
	.proc_lseek = no_llseek,
};

/* ---- events ---- */

static int events_open(struct inode *inode, struct file *file)
{
	struct sct_pass *p;
	int err = 0;

	if ((file->f_flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	mutex_lock(&sct_lock);
	p = sct_cur;
	if (!p || p->state != SCT_RUNNING) {
		err = -ENODATA;
		goto out;
	}
	if (p->reader_open) {
		err = -EBUSY;
		goto out;
	}
	p->reader_open = true;
	file->private_data = p;
out:
	mutex_unlock(&sct_lock);
	return err ?: stream_open(inode, file);
}

static ssize_t events_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	return sct_ring_read(file->private_data, ubuf, count, file->f_flags & O_NONBLOCK);
}

static __poll_t events_poll(struct file *file, poll_table *pt)
{
	struct sct_pass *p = file->private_data;

	poll_wait(file, &sct_ring.wq, pt);
	if (sct_ring_pending(&sct_ring))
		return EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(p->state) != SCT_RUNNING)
		return EPOLLIN | EPOLLRDNORM | EPOLLHUP; /* read() returns 0 */
	return 0;
}

static int events_release(struct inode *inode, struct file *file)
{
	struct sct_pass *p = file->private_data;

	mutex_lock(&sct_lock);
	p->reader_open = false;
	put_pass(p);
	mutex_unlock(&sct_lock);
	return 0;
}

static const struct proc_ops events_ops = {
	.proc_open = events_open,
	.proc_read = events_read,
	.proc_poll = events_poll,
	.proc_release = events_release,
	.proc_lseek = no_llseek,
};

/* ---- counters ---- */

/*
 * The counters file (README.md): little-endian u64 words, readable at any offset (pread):
 * bytes written to the ring since the pass started, bytes read from it, the ring's size, probes
 * registered, then sct_control.lost (SCT_TRACES_MAX × SCT_LOSS_KINDS).
 */
enum { SCT_COUNTERS_HEAD = 4 };
#define SCT_COUNTERS_WORDS (SCT_COUNTERS_HEAD + SCT_TRACES_MAX * SCT_LOSS_KINDS)

/* The snapshot a read copies out, under sct_lock (too large for the stack). */
static u64 words[SCT_COUNTERS_WORDS];

static ssize_t counters_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	ssize_t ret;
	bool ring;
	int s, k;

	mutex_lock(&sct_lock);
	ring = sct_cur && sct_ring.data;
	words[0] = ring ? smp_load_acquire(&sct_ring.head) : 0;
	words[1] = ring ? smp_load_acquire(&sct_ring.tail) : 0;
	words[2] = ring ? sct_ring.size : 0;
	words[3] = sct_probes_registered;
	for (s = 0; s < SCT_TRACES_MAX; s++)
		for (k = 0; k < SCT_LOSS_KINDS; k++)
			words[SCT_COUNTERS_HEAD + s * SCT_LOSS_KINDS + k] = sct_cur ? READ_ONCE(sct_ctl.lost[s][k]) : 0;
	ret = simple_read_from_buffer(ubuf, count, ppos, words, sizeof(words));
	mutex_unlock(&sct_lock);
	return ret;
}

static const struct proc_ops counters_ops = {
	.proc_read = counters_read,
	.proc_lseek = default_llseek,
};

/* ---- stats ---- */

static const char *const stat_names[SCT_KSTAT_MAX] = {
	[SCT_KSTAT_EMITTED] = "emitted",
	[SCT_KSTAT_WAKEUPS] = "wakeups",
	[SCT_KSTAT_BUSY] = "busy",
	[SCT_KSTAT_PARKED_FULL] = "parked_full",
	[SCT_KSTAT_FOLLOW_FULL] = "follow_full",
};

static const char *const loss_names[SCT_LOSS_KINDS] = {
	[SCT_LOSS_RING] = "lost_ring",
	[SCT_LOSS_BUDGET] = "lost_budget",
	[SCT_LOSS_PAUSED] = "lost_paused",
	[SCT_LOSS_INFLIGHT] = "lost_inflight",
};

static int stats_show(struct seq_file *m, void *v)
{
	struct sct_pass *p;
	u64 active;
	int i, k, cpu;

	seq_printf(m, "abi %d\nprotocol %d\nversion %s\n", SCT_ABI_VERSION, SCT_CONTROL_PROTOCOL, SCT_MODULE_VERSION);
	mutex_lock(&sct_lock);
	p = sct_cur;
	active = p ? READ_ONCE(sct_ctl.active) : 0;
	seq_printf(m, "state %s\nprobes %u\ntraces %u\nactive 0x%llx\n", p ? state_names[p->state] : "idle",
		   sct_probes_registered + sct_sched_probes, (unsigned int)hweight64(active), active);
	for (i = 0; i < SCT_KSTAT_MAX; i++) {
		u64 sum = 0;

		if (p && sct_cpus)
			for_each_possible_cpu(cpu)
				sum += per_cpu_ptr(sct_cpus, cpu)->stats[i];
		seq_printf(m, "%s %llu\n", stat_names[i], sum);
	}
	for (k = 0; k < SCT_LOSS_KINDS; k++) {
		u64 sum = 0;

		for (i = 0; p && i < SCT_TRACES_MAX; i++)
			sum += READ_ONCE(sct_ctl.lost[i][k]);
		seq_printf(m, "%s %llu\n", loss_names[k], sum);
	}
	seq_printf(m, "ring_bytes %llu\nunread_bytes %llu\n", p && sct_ring.data ? sct_ring.size : 0,
		   p && sct_ring.data ? sct_ring_pending(&sct_ring) : 0);
	/* Per running trace: its slot and its losses by cause. */
	for (i = 0; p && i < SCT_TRACES_MAX; i++) {
		if (!(active & (1ull << i)))
			continue;
		seq_printf(m, "trace %d", i);
		for (k = 0; k < SCT_LOSS_KINDS; k++)
			seq_printf(m, " %s=%llu", loss_names[k], READ_ONCE(sct_ctl.lost[i][k]));
		seq_putc(m, '\n');
	}
	mutex_unlock(&sct_lock);
	return 0;
}

static int stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, stats_show, NULL);
}

static const struct proc_ops stats_ops = {
	.proc_open = stats_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

/* ---- module ---- */

static int __init sct_init(void)
{
	int err = sct_probes_init();

	if (err)
		return err;
	sct_dir = proc_mkdir("sctrace", NULL);
	if (!sct_dir)
		return -ENOMEM;
	if (!proc_create("control", 0600, sct_dir, &control_ops) ||
	    !proc_create("events", 0400, sct_dir, &events_ops) ||
	    !proc_create("counters", 0400, sct_dir, &counters_ops) ||
	    !proc_create("stats", 0444, sct_dir, &stats_ops)) {
		proc_remove(sct_dir);
		return -ENOMEM;
	}
	pr_info("sctrace: record ABI %d, control protocol %d, /proc/sctrace ready\n", SCT_ABI_VERSION,
		SCT_CONTROL_PROTOCOL);
	return 0;
}

static void __exit sct_exit(void)
{
	/*
	 * proc_remove waits for every file operation in progress, so a reader sleeping in read()
	 * must be woken first: stopping the pass ends its wait (read returns what is left, then 0).
	 */
	mutex_lock(&sct_lock);
	sct_exiting = true;
	if (sct_cur)
		sct_pass_stop(sct_cur);
	mutex_unlock(&sct_lock);
	/* Releases the files still open: frees the pass. */
	proc_remove(sct_dir);
	mutex_lock(&sct_lock);
	if (sct_cur) {
		sct_pass_stop(sct_cur);
		sct_pass_free(sct_cur);
		sct_cur = NULL;
	}
	mutex_unlock(&sct_lock);
}

module_init(sct_init);
module_exit(sct_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sctrace: system call tracing through /proc/sctrace");
MODULE_VERSION(SCT_MODULE_VERSION);

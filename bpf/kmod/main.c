// SPDX-License-Identifier: GPL-2.0-only
/*
 * sctrace kernel module: the /proc/sctrace interface and the module's life cycle.
 *
 *   /proc/sctrace/control  (0600) write the filter, then "start"; closing it stops the trace.
 *                          Only one opener at a time (-EBUSY). Reading it says the state and
 *                          why the last line was rejected.
 *   /proc/sctrace/events   (0400) binary records (../shared/sctrace_event.h) of the running
 *                          trace; one reader at a time; poll() works.
 *   /proc/sctrace/stats    (0444) counters as "name value" lines, lost records among them.
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
/* The one trace: configuring, running, or stopped with its reader still draining. */
static struct sct_trace *sct_cur;
static struct proc_dir_entry *sct_dir;
/* Set at unload: no new trace may start. */
static bool sct_exiting;

/* Frees the trace once neither file holds it. Called with sct_lock held. */
static void put_trace(struct sct_trace *t)
{
	if (t->control_open || t->reader_open)
		return;
	sct_trace_free(t);
	if (sct_cur == t)
		sct_cur = NULL;
}

/* ---- control ---- */

static int control_open(struct inode *inode, struct file *file)
{
	struct sct_trace *t;
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
	t = sct_trace_alloc();
	if (!t) {
		err = -ENOMEM;
		goto out;
	}
	t->control_open = true;
	sct_cur = t;
	file->private_data = t;
out:
	mutex_unlock(&sct_lock);
	return err ?: nonseekable_open(inode, file);
}

/* Splits what is written into lines; a line may span writes. Applies each complete line. */
static ssize_t control_write(struct file *file, const char __user *ubuf, size_t count, loff_t *ppos)
{
	struct sct_trace *t = file->private_data;
	char chunk[128];
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
				t->line[t->line_len] = '\0';
				t->line_len = 0;
				err = sct_control_line(t, t->line);
			} else if (t->line_len == SCT_LINE_MAX || chunk[i] == '\0') {
				snprintf(t->error, sizeof(t->error), "line longer than %d bytes or holding a NUL",
					 SCT_LINE_MAX);
				t->poisoned = true;
				err = -EINVAL;
			} else {
				t->line[t->line_len++] = chunk[i];
			}
		}
		done += n;
	}
	mutex_unlock(&sct_lock);
	return err ?: (ssize_t)count;
}

static const char *const state_names[] = { "configuring", "running", "stopped" };

static ssize_t control_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct sct_trace *t = file->private_data;
	char text[200];
	int len;

	mutex_lock(&sct_lock);
	len = scnprintf(text, sizeof(text), "state %s\nerror %s\n", state_names[t->state],
			t->error[0] ? t->error : "none");
	mutex_unlock(&sct_lock);
	return simple_read_from_buffer(ubuf, count, ppos, text, len);
}

static int control_release(struct inode *inode, struct file *file)
{
	struct sct_trace *t = file->private_data;

	mutex_lock(&sct_lock);
	sct_trace_stop(t);
	t->control_open = false;
	put_trace(t);
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
	struct sct_trace *t;
	int err = 0;

	if ((file->f_flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	mutex_lock(&sct_lock);
	t = sct_cur;
	if (!t || t->state != SCT_RUNNING) {
		err = -ENODATA;
		goto out;
	}
	if (t->reader_open) {
		err = -EBUSY;
		goto out;
	}
	t->reader_open = true;
	file->private_data = t;
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
	struct sct_trace *t = file->private_data;

	poll_wait(file, &t->ring.wq, pt);
	if (sct_ring_pending(&t->ring))
		return EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(t->state) != SCT_RUNNING)
		return EPOLLIN | EPOLLRDNORM | EPOLLHUP; /* read() returns 0 */
	return 0;
}

static int events_release(struct inode *inode, struct file *file)
{
	struct sct_trace *t = file->private_data;

	mutex_lock(&sct_lock);
	t->reader_open = false;
	put_trace(t);
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

/* ---- stats ---- */

static const char *const stat_names[SCT_KSTAT_MAX] = {
	[SCT_KSTAT_LOST_RING] = "lost_ring",
	[SCT_KSTAT_LOST_INFLIGHT] = "lost_inflight",
	[SCT_KSTAT_EMITTED] = "emitted",
	[SCT_KSTAT_LOST_BUSY] = "lost_busy",
	[SCT_KSTAT_PARKED_FULL] = "parked_full",
	[SCT_KSTAT_WAKEUPS] = "wakeups",
	[SCT_KSTAT_LOST_FOLLOW] = "lost_follow",
};

static int stats_show(struct seq_file *m, void *v)
{
	struct sct_trace *t;
	int i, cpu;

	seq_printf(m, "abi %d\nversion %s\n", SCT_ABI_VERSION, SCT_MODULE_VERSION);
	mutex_lock(&sct_lock);
	t = sct_cur;
	seq_printf(m, "state %s\n", t ? state_names[t->state] : "idle");
	for (i = 0; i < SCT_KSTAT_MAX; i++) {
		u64 sum = 0;

		if (t && t->cpu)
			for_each_possible_cpu(cpu)
				sum += per_cpu_ptr(t->cpu, cpu)->stats[i];
		seq_printf(m, "%s %llu\n", stat_names[i], sum);
	}
	seq_printf(m, "ring_bytes %llu\nunread_bytes %llu\n", t && t->ring.data ? t->ring.size : 0,
		   t && t->ring.data ? sct_ring_pending(&t->ring) : 0);
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
	    !proc_create("stats", 0444, sct_dir, &stats_ops)) {
		proc_remove(sct_dir);
		return -ENOMEM;
	}
	pr_info("sctrace: record ABI %d, /proc/sctrace ready\n", SCT_ABI_VERSION);
	return 0;
}

static void __exit sct_exit(void)
{
	/*
	 * proc_remove waits for every file operation in progress, so a reader sleeping in read()
	 * must be woken first: stopping the trace ends its wait (read returns what is left, then 0).
	 */
	mutex_lock(&sct_lock);
	sct_exiting = true;
	if (sct_cur)
		sct_trace_stop(sct_cur);
	mutex_unlock(&sct_lock);
	/* Releases the files still open: frees the trace. */
	proc_remove(sct_dir);
	mutex_lock(&sct_lock);
	if (sct_cur) {
		sct_trace_stop(sct_cur);
		sct_trace_free(sct_cur);
		sct_cur = NULL;
	}
	mutex_unlock(&sct_lock);
}

module_init(sct_init);
module_exit(sct_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sctrace: system call tracing through /proc/sctrace");
MODULE_VERSION(SCT_MODULE_VERSION);

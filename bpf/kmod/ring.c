// SPDX-License-Identifier: GPL-2.0-only
/*
 * The events ring of the pass, shared by every trace (each record names its traces): many
 * producers (the probes, on any CPU, never sleeping, never waiting for the reader) and one reader
 * (/proc/sctrace/events). See struct sct_ring. Isolation between traces is the producers'
 * business (../shared/sctrace_admit.h: per-trace budgets once the ring is under pressure).
 *
 * Wakeups: waking the reader from a probe costs the traced task an interrupt (docs/kernel-costs.md: about
 * 12 us per wakeup on the reference VM), so a producer wakes the reader only when its record makes
 * the unread bytes cross wakeup_bytes. With wakeup_bytes = 1 that is once per empty-to-non-empty
 * transition; sctraced sets a large threshold and drains on a timer. The wakeup itself goes
 * through irq_work, so it never takes wait-queue or scheduler locks inside a probe.
 */
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "sctrace_kmod.h"

static void sct_ring_wake(struct irq_work *work)
{
	struct sct_ring *ring = container_of(work, struct sct_ring, wake_work);

	wake_up_all(&ring->wq);
}

int sct_ring_init(struct sct_ring *ring, u64 size, u64 wakeup_bytes)
{
	ring->data = vzalloc(size);
	if (!ring->data)
		return -ENOMEM;
	ring->size = size;
	ring->head = 0;
	ring->tail = 0;
	ring->wakeup_bytes = wakeup_bytes ? wakeup_bytes : 1;
	raw_spin_lock_init(&ring->lock);
	mutex_init(&ring->read_lock);
	init_waitqueue_head(&ring->wq);
	init_irq_work(&ring->wake_work, sct_ring_wake);
	return 0;
}

void sct_ring_free(struct sct_ring *ring)
{
	if (ring->data)
		irq_work_sync(&ring->wake_work);
	vfree(ring->data);
	ring->data = NULL;
}

u64 sct_ring_pending(struct sct_ring *ring)
{
	return smp_load_acquire(&ring->head) - smp_load_acquire(&ring->tail);
}

/*
 * Appends one record (`size` bytes, a multiple of 8). Returns false, writing nothing, when the
 * unread bytes leave no room. Callable from any context but NMI.
 */
bool sct_ring_write(struct sct_ring *ring, const void *rec, u32 size, bool *woke)
{
	unsigned long flags;
	u64 head, unread, off, first;

	*woke = false;
	raw_spin_lock_irqsave(&ring->lock, flags);
	head = ring->head;
	/* Pairs with the reader's release of tail: the bytes before it are no longer read. */
	unread = head - smp_load_acquire(&ring->tail);
	if (unread + size > ring->size) {
		raw_spin_unlock_irqrestore(&ring->lock, flags);
		return false;
	}
	off = head & (ring->size - 1);
	first = min_t(u64, size, ring->size - off);
	memcpy(ring->data + off, rec, first);
	if (first < size)
		memcpy(ring->data, (const u8 *)rec + first, size - first);
	/* Pairs with the reader's acquire of head: the record is complete before it is visible. */
	smp_store_release(&ring->head, head + size);
	raw_spin_unlock_irqrestore(&ring->lock, flags);
	if (unread < ring->wakeup_bytes && unread + size >= ring->wakeup_bytes) {
		irq_work_queue(&ring->wake_work);
		*woke = true;
	}
	return true;
}

/* Copies `len` ring bytes starting at stream position `pos` to user memory. */
static int copy_out(struct sct_ring *ring, char __user *dst, u64 pos, u32 len)
{
	u64 off = pos & (ring->size - 1);
	u64 first = min_t(u64, len, ring->size - off);

	if (copy_to_user(dst, ring->data + off, first))
		return -EFAULT;
	if (first < len && copy_to_user(dst + first, ring->data, len - first))
		return -EFAULT;
	return 0;
}

/*
 * One read of the events file: whole records only, as many as fit `count`, never more than were
 * in the ring when the read started (a reader whose own syscalls are traced would otherwise never
 * finish). Empty ring: -EAGAIN for a non-blocking reader, otherwise waits; 0 (end of file) once
 * the pass has stopped and everything was read. -EINVAL when `count` cannot hold the next
 * record (records are at most SCT_SCRATCH_BYTES).
 */
ssize_t sct_ring_read(struct sct_pass *p, char __user *buf, size_t count, bool nonblock)
{
	struct sct_ring *ring = &sct_ring;
	u64 head, pos, start;
	size_t copied = 0;
	ssize_t ret;

	if (mutex_lock_interruptible(&ring->read_lock))
		return -ERESTARTSYS;
	for (;;) {
		head = smp_load_acquire(&ring->head);
		start = ring->tail;
		if (head != start)
			break;
		if (READ_ONCE(p->state) != SCT_RUNNING) {
			ret = 0;
			goto out;
		}
		if (nonblock) {
			ret = -EAGAIN;
			goto out;
		}
		mutex_unlock(&ring->read_lock);
		ret = wait_event_interruptible(ring->wq, sct_ring_pending(ring) != 0 ||
								 READ_ONCE(p->state) != SCT_RUNNING);
		if (ret)
			return ret;
		if (mutex_lock_interruptible(&ring->read_lock))
			return -ERESTARTSYS;
	}
	pos = start;
	while (pos < head) {
		/* Records start 8-byte aligned, so a header's first 8 bytes never wrap. */
		const struct sct_header *h = (const void *)(ring->data + (pos & (ring->size - 1)));
		u32 size = READ_ONCE(h->size);

		if (copied + size > count)
			break;
		if (copy_out(ring, buf + copied, pos, size)) {
			if (!copied) {
				ret = -EFAULT;
				goto out;
			}
			break;
		}
		copied += size;
		pos += size;
	}
	if (!copied) {
		ret = -EINVAL;
		goto out;
	}
	smp_store_release(&ring->tail, pos);
	ret = copied;
out:
	mutex_unlock(&ring->read_lock);
	return ret;
}

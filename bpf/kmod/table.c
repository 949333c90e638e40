// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixed-size u32-keyed tables for the probes: no allocation after start, bounded work per
 * operation. See struct sct_u32tab for the concurrency rules.
 */
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "sctrace_kmod.h"

#define SCT_KEY_EMPTY 0u
#define SCT_KEY_GONE 0xffffffffu
/* Longest probe sequence; a key that finds no slot within it is not stored (counted by callers). */
#define SCT_PROBE_WINDOW 64

int sct_tab_init(struct sct_u32tab *tab, u32 slots, u32 val_size)
{
	if (!is_power_of_2(slots))
		return -EINVAL;
	tab->keys = kvcalloc(slots, sizeof(u32), GFP_KERNEL);
	if (!tab->keys)
		return -ENOMEM;
	tab->vals = NULL;
	if (val_size) {
		tab->vals = kvcalloc(slots, val_size, GFP_KERNEL);
		if (!tab->vals) {
			kvfree(tab->keys);
			tab->keys = NULL;
			return -ENOMEM;
		}
	}
	tab->mask = slots - 1;
	tab->val_size = val_size;
	atomic_set(&tab->live, 0);
	raw_spin_lock_init(&tab->lock);
	return 0;
}

void sct_tab_free(struct sct_u32tab *tab)
{
	kvfree(tab->keys);
	kvfree(tab->vals);
	tab->keys = NULL;
	tab->vals = NULL;
}

static inline u32 home(const struct sct_u32tab *tab, u32 key)
{
	return hash_32(key, ilog2(tab->mask + 1));
}

/* The slot holding `key`, or -1. Lock-free. */
long sct_tab_lookup(struct sct_u32tab *tab, u32 key)
{
	u32 i, slot = home(tab, key);

	if (!atomic_read(&tab->live))
		return -1;
	for (i = 0; i < SCT_PROBE_WINDOW; i++, slot = (slot + 1) & tab->mask) {
		u32 k = READ_ONCE(tab->keys[slot]);

		if (k == key)
			return slot;
		if (k == SCT_KEY_EMPTY)
			return -1;
	}
	return -1;
}

/*
 * The slot of `key`, claimed if it was absent (*fresh tells which, since a claimed slot's value
 * holds leftovers); -1 when its window is full.
 */
long sct_tab_insert_new(struct sct_u32tab *tab, u32 key, bool *fresh)
{
	unsigned long flags;
	long free_slot = -1, found = -1;
	u32 i, slot = home(tab, key);

	*fresh = false;
	if (key == SCT_KEY_EMPTY || key == SCT_KEY_GONE)
		return -1;
	raw_spin_lock_irqsave(&tab->lock, flags);
	for (i = 0; i < SCT_PROBE_WINDOW; i++, slot = (slot + 1) & tab->mask) {
		u32 k = tab->keys[slot];

		if (k == key) {
			found = slot;
			break;
		}
		if (k == SCT_KEY_GONE && free_slot < 0)
			free_slot = slot;
		if (k == SCT_KEY_EMPTY) {
			if (free_slot < 0)
				free_slot = slot;
			break;
		}
	}
	if (found < 0 && free_slot >= 0) {
		found = free_slot;
		*fresh = true;
		atomic_inc(&tab->live);
		/* Readers see the key only after the increment that lets them look. */
		smp_store_release(&tab->keys[found], key);
	}
	raw_spin_unlock_irqrestore(&tab->lock, flags);
	return found;
}

void sct_tab_remove_at(struct sct_u32tab *tab, u32 slot)
{
	unsigned long flags;
	u32 next;

	raw_spin_lock_irqsave(&tab->lock, flags);
	if (tab->keys[slot] == SCT_KEY_EMPTY || tab->keys[slot] == SCT_KEY_GONE)
		goto out;
	atomic_dec(&tab->live);
	next = (slot + 1) & tab->mask;
	if (tab->keys[next] != SCT_KEY_EMPTY) {
		/* Other keys' probe paths may run through this slot. */
		WRITE_ONCE(tab->keys[slot], SCT_KEY_GONE);
		goto out;
	}
	/* No path continues past an empty slot: this one, and tombstones before it, can be emptied. */
	do {
		WRITE_ONCE(tab->keys[slot], SCT_KEY_EMPTY);
		slot = (slot - 1) & tab->mask;
	} while (tab->keys[slot] == SCT_KEY_GONE);
out:
	raw_spin_unlock_irqrestore(&tab->lock, flags);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The probes' tables: fixed-size u32-keyed tables (tgids, in-flight calls; no allocation after
 * start, bounded work per operation; see struct sct_u32tab for the concurrency rules) and the
 * RCU-published value → traces tables (see struct sct_vtab).
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
	if (!is_power_of_2(slots) || !val_size)
		return -EINVAL;
	tab->keys = kvcalloc(slots, sizeof(u32), GFP_KERNEL);
	if (!tab->keys)
		return -ENOMEM;
	tab->vals = kvcalloc(slots, val_size, GFP_KERNEL);
	if (!tab->vals) {
		kvfree(tab->keys);
		tab->keys = NULL;
		return -ENOMEM;
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

	if (!tab->keys || !atomic_read(&tab->live))
		return -1;
	for (i = 0; i < SCT_PROBE_WINDOW; i++, slot = (slot + 1) & tab->mask) {
		/* Pairs with the release in sct_tab_claim: the value is complete once the key shows. */
		u32 k = smp_load_acquire(&tab->keys[slot]);

		if (k == key)
			return slot;
		if (k == SCT_KEY_EMPTY)
			return -1;
	}
	return -1;
}

/* sct_tab_claim with tab->lock held. */
static long claim_locked(struct sct_u32tab *tab, u32 key, const void *init, bool *fresh)
{
	long free_slot = -1;
	u32 i, slot = home(tab, key);

	*fresh = false;
	for (i = 0; i < SCT_PROBE_WINDOW; i++, slot = (slot + 1) & tab->mask) {
		u32 k = tab->keys[slot];

		if (k == key)
			return slot;
		if (k == SCT_KEY_GONE && free_slot < 0)
			free_slot = slot;
		if (k == SCT_KEY_EMPTY) {
			if (free_slot < 0)
				free_slot = slot;
			break;
		}
	}
	if (free_slot < 0)
		return -1;
	*fresh = true;
	if (init)
		memcpy(sct_tab_val(tab, free_slot), init, tab->val_size);
	atomic_inc(&tab->live);
	/* Readers see the key only after its value and the increment that lets them look. */
	smp_store_release(&tab->keys[free_slot], key);
	return free_slot;
}

/*
 * The slot of `key`, claimed if it was absent (*fresh tells which); a claimed slot's value is
 * `init` (val_size bytes) before the key is visible, or leftovers when init is NULL (for a key
 * only its own thread reads). -1 when its window is full.
 */
long sct_tab_claim(struct sct_u32tab *tab, u32 key, const void *init, bool *fresh)
{
	unsigned long flags;
	long slot;

	*fresh = false;
	if (key == SCT_KEY_EMPTY || key == SCT_KEY_GONE || !tab->keys)
		return -1;
	raw_spin_lock_irqsave(&tab->lock, flags);
	slot = claim_locked(tab, key, init, fresh);
	raw_spin_unlock_irqrestore(&tab->lock, flags);
	return slot;
}

/* Removes the key at `slot` (if any) with tab->lock held. */
static void remove_locked(struct sct_u32tab *tab, u32 slot)
{
	u32 next;

	if (tab->keys[slot] == SCT_KEY_EMPTY || tab->keys[slot] == SCT_KEY_GONE)
		return;
	atomic_dec(&tab->live);
	next = (slot + 1) & tab->mask;
	if (tab->keys[next] != SCT_KEY_EMPTY) {
		/* Other keys' probe paths may run through this slot. */
		WRITE_ONCE(tab->keys[slot], SCT_KEY_GONE);
		return;
	}
	/* No path continues past an empty slot: this one, and tombstones before it, can be emptied. */
	do {
		WRITE_ONCE(tab->keys[slot], SCT_KEY_EMPTY);
		slot = (slot - 1) & tab->mask;
	} while (tab->keys[slot] == SCT_KEY_GONE);
}

void sct_tab_remove_at(struct sct_u32tab *tab, u32 slot)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&tab->lock, flags);
	remove_locked(tab, slot);
	raw_spin_unlock_irqrestore(&tab->lock, flags);
}

/* The u64 value of `key` in a table of u64 values; false when absent. Lock-free. */
bool sct_tab_get_u64(struct sct_u32tab *tab, u32 key, u64 *val)
{
	long slot = sct_tab_lookup(tab, key);

	if (slot < 0)
		return false;
	*val = READ_ONCE(*(u64 *)sct_tab_val(tab, slot));
	/* The slot may have been freed and given to another key meanwhile: then it is a miss. */
	smp_rmb();
	return READ_ONCE(tab->keys[slot]) == key;
}

/* ORs `bits` into key's u64 value, creating it; false when the table has no room for it. */
bool sct_tab_or_u64(struct sct_u32tab *tab, u32 key, u64 bits)
{
	unsigned long flags;
	bool fresh;
	long slot;

	if (key == SCT_KEY_EMPTY || key == SCT_KEY_GONE || !tab->keys)
		return false;
	/* Under the lock, so the slot cannot change hands between the claim and the OR. */
	raw_spin_lock_irqsave(&tab->lock, flags);
	slot = claim_locked(tab, key, &bits, &fresh);
	if (slot >= 0 && !fresh)
		atomic64_or(bits, (atomic64_t *)sct_tab_val(tab, slot));
	raw_spin_unlock_irqrestore(&tab->lock, flags);
	return slot >= 0;
}

/* Clears `bits` from every u64 value and removes the keys left with none. */
void sct_tab_clear_u64(struct sct_u32tab *tab, u64 bits)
{
	unsigned long flags;
	u32 slot;

	if (!tab->keys)
		return;
	raw_spin_lock_irqsave(&tab->lock, flags);
	for (slot = 0; slot <= tab->mask; slot++) {
		u32 k = tab->keys[slot];
		u64 *v = sct_tab_val(tab, slot);

		if (k == SCT_KEY_EMPTY || k == SCT_KEY_GONE || !(READ_ONCE(*v) & bits))
			continue;
		/* Probes only OR bits in (atomically): clear the same way. */
		if (!(atomic64_fetch_andnot(bits, (atomic64_t *)v) & ~bits))
			remove_locked(tab, slot);
	}
	raw_spin_unlock_irqrestore(&tab->lock, flags);
}

/* ---- value → traces tables ---- */

static inline u32 vhash(const struct sct_vtab *t, u64 k0, u64 k1)
{
	return hash_64(k0 ^ (k1 * GOLDEN_RATIO_64), ilog2(t->mask + 1));
}

/* The traces of value (k0, k1), 0 when absent. Call with preemption disabled (RCU). */
u64 sct_vtab_lookup(const struct sct_vtab *t, u64 k0, u64 k1)
{
	u32 i, slot;

	if (!t)
		return 0;
	slot = vhash(t, k0, k1);
	for (i = 0; i <= t->mask; i++, slot = (slot + 1) & t->mask) {
		const struct sct_ventry *e = &t->e[slot];
		u64 traces = READ_ONCE(e->traces);

		if (!traces)
			return 0;
		if (e->key[0] == k0 && e->key[1] == k1)
			return traces;
	}
	return 0;
}

static struct sct_ventry *vfind(struct sct_vtab *t, u64 k0, u64 k1)
{
	u32 i, slot;

	if (!t)
		return NULL;
	slot = vhash(t, k0, k1);
	for (i = 0; i <= t->mask; i++, slot = (slot + 1) & t->mask) {
		struct sct_ventry *e = &t->e[slot];

		if (!e->traces)
			return NULL;
		if (e->key[0] == k0 && e->key[1] == k1)
			return e;
	}
	return NULL;
}

static void vput(struct sct_vtab *t, u64 k0, u64 k1, u64 traces)
{
	u32 slot = vhash(t, k0, k1);

	while (t->e[slot].traces)
		slot = (slot + 1) & t->mask;
	t->e[slot].key[0] = k0;
	t->e[slot].key[1] = k1;
	t->e[slot].traces = traces;
	t->count++;
}

/*
 * Sets the traces of value (k0, k1) (0 removes it) in the table published at *slot. Called with
 * sct_lock held, so there is one writer. -E2BIG beyond SCT_VALUES_MAX values, -ENOMEM.
 */
int sct_vtab_set(struct sct_vtab __rcu **slot, u64 k0, u64 k1, u64 traces)
{
	struct sct_vtab *old = rcu_dereference_protected(*slot, lockdep_is_held(&sct_lock)), *t;
	struct sct_ventry *e = vfind(old, k0, k1);
	u32 count, size, i;

	if (e && traces) {
		WRITE_ONCE(e->traces, traces);
		return 0;
	}
	if (!e && !traces)
		return 0;
	count = (old ? old->count : 0) + (e ? -1 : 1);
	if (count > SCT_VALUES_MAX)
		return -E2BIG;
	size = roundup_pow_of_two(max(16u, 2 * count));
	t = kvzalloc(struct_size(t, e, size), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->mask = size - 1;
	for (i = 0; old && i <= old->mask; i++) {
		const struct sct_ventry *o = &old->e[i];

		if (o->traces && o != e)
			vput(t, o->key[0], o->key[1], o->traces);
	}
	if (traces)
		vput(t, k0, k1, traces);
	rcu_assign_pointer(*slot, t);
	if (old)
		kvfree_rcu(old, rcu);
	return 0;
}

/* Frees a table once no probe can run (after the probes are unregistered and synchronized). */
void sct_vtab_free(struct sct_vtab __rcu **slot)
{
	kvfree(rcu_dereference_protected(*slot, 1));
	RCU_INIT_POINTER(*slot, NULL);
}

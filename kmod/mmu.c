// SPDX-License-Identifier: GPL-2.0-only
/*
 * Second-level paging (NPT or EPT), built on demand from the owner
 * process's memory and never pinned.
 *
 * A fault on a guest-physical address finds the memslot, looks the page
 * up with the kernel's GUP, maps it and drops the page reference at once.
 * What keeps the mapping honest is the MMU notifier: before the kernel
 * unmaps, migrates, swaps or merges a page of the process, it tells us,
 * and we zap the second-level entries for it and flush the guest TLBs.
 * A fault that raced with such an invalidation sees the sequence count
 * move and retries instead of installing a stale page.
 */
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <asm/processor.h>
#include "kvmlite.h"
#include "vcpu.h"
#include "vm.h"

#define S2_LEVELS		4
#define S2_ENTRIES		512
#define S2_ADDR_MASK		GENMASK_ULL(51, 12)
static_assert(S2_LEVELS - 1 == S2_CACHE_PAGES);
#define S2_MAX_GFN		(1ULL << (48 - PAGE_SHIFT))

static unsigned int s2_index(u64 gfn, int level)
{
	return (gfn >> (9 * (level - 1))) & (S2_ENTRIES - 1);
}

static u64 *s2_table_of(u64 entry)
{
	return __va(entry & S2_ADDR_MASK);
}

/*
 * The highest guest frame: four levels map 48 bits, and no guest may be
 * given more physical address bits than the host has.
 */
u64 s2_max_gfn(void)
{
	unsigned int bits = min_t(unsigned int, boot_cpu_data.x86_phys_bits,
				  48);

	return (1ULL << (bits - PAGE_SHIFT)) - 1;
}

int s2_mmu_init(struct vm *vm)
{
	spin_lock_init(&vm->s2.lock);
	vm->s2.root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	return vm->s2.root ? 0 : -ENOMEM;
}

static void s2_free_table(u64 *table, int level)
{
	int i;

	if (level > 1) {
		for (i = 0; i < S2_ENTRIES; i++)
			if (hv->s2_present(table[i]))
				s2_free_table(s2_table_of(table[i]), level - 1);
	}
	free_page((unsigned long)table);
}

void s2_mmu_destroy(struct vm *vm)
{
	if (vm->s2.root)
		s2_free_table(vm->s2.root, S2_LEVELS);
}

/*
 * Zeroed table pages for one walk, allocated where we may sleep and kept
 * per vCPU, so that a fault needing none allocates none.
 */
static int s2_cache_topup(struct vcpu *vcpu)
{
	while (vcpu->s2_cache_nr < S2_CACHE_PAGES) {
		void *page = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

		if (!page)
			return -ENOMEM;
		vcpu->s2_cache[vcpu->s2_cache_nr++] = page;
	}
	return 0;
}

void s2_cache_free(struct vcpu *vcpu)
{
	while (vcpu->s2_cache_nr)
		free_page((unsigned long)vcpu->s2_cache[--vcpu->s2_cache_nr]);
}

/*
 * Find the leaf entry for @gfn, creating missing tables from the vCPU's
 * cache, which holds enough for the deepest walk (mmu lock held).
 */
static u64 *s2_walk(struct vcpu *vcpu, u64 gfn)
{
	u64 *table = vcpu->vm->s2.root;
	int level;

	for (level = S2_LEVELS; level > 1; level--) {
		u64 *entry = &table[s2_index(gfn, level)];

		if (!hv->s2_present(*entry)) {
			void *page = vcpu->s2_cache[--vcpu->s2_cache_nr];

			*entry = hv->s2_table_entry(__pa(page));
		}
		table = s2_table_of(*entry);
	}
	return &table[s2_index(gfn, 1)];
}

/* Zap leaves in [gfn, gfn + npages); mmu lock held. Returns how many. */
static u64 s2_zap_locked(struct vm *vm, u64 gfn, u64 npages)
{
	u64 end = min(gfn + npages, S2_MAX_GFN), zapped = 0;

	while (gfn < end) {
		/* gfns one entry covers at the level being looked at */
		u64 span = 1ULL << (9 * (S2_LEVELS - 1));
		u64 *table = vm->s2.root;
		int level;

		for (level = S2_LEVELS; level > 1; level--) {
			u64 entry = table[s2_index(gfn, level)];

			if (!hv->s2_present(entry))
				break;	/* nothing mapped in this span */
			table = s2_table_of(entry);
			span >>= 9;
		}
		if (level == 1) {
			u64 *leaf = &table[s2_index(gfn, 1)];

			if (hv->s2_present(*leaf)) {
				WRITE_ONCE(*leaf, 0);
				zapped++;
			}
		}
		gfn = round_down(gfn, span) + span;
	}
	vm->s2.mapped_pages -= zapped;
	vm->s2.zapped_pages += zapped;
	return zapped;
}

void s2_zap_gfn_range(struct vm *vm, u64 gfn, u64 npages)
{
	u64 zapped;

	spin_lock(&vm->s2.lock);
	zapped = s2_zap_locked(vm, gfn, npages);
	spin_unlock(&vm->s2.lock);
	if (zapped)
		vm_flush_remote_tlbs(vm);
}

/* Zap what maps host virtual range [start, end), in every slot. */
static u64 s2_zap_hva_range(struct vm *vm, unsigned long start,
			    unsigned long end)
{
	struct memslots *slots;
	u64 zapped = 0;
	unsigned int i;
	int idx;

	idx = srcu_read_lock(&vm->srcu);
	slots = srcu_dereference(vm->slots, &vm->srcu);
	for (i = 0; i < slots->nr; i++) {
		struct memslot *s = &slots->slot[i];
		unsigned long s_end = s->userspace_addr +
				      (s->npages << PAGE_SHIFT);
		unsigned long lo = max(start, s->userspace_addr);
		unsigned long hi = min(end, s_end);

		if (lo >= hi)
			continue;
		zapped += s2_zap_locked(vm, s->base_gfn +
				((lo - s->userspace_addr) >> PAGE_SHIFT),
				(hi - lo + PAGE_SIZE - 1) >> PAGE_SHIFT);
	}
	srcu_read_unlock(&vm->srcu, idx);
	return zapped;
}

/*
 * Resolve a second-level fault at @gpa. Returns 0 when the guest may
 * retry the access (mapped, or raced with an invalidation), with
 * *is_mmio set when no writable memory backs it and userspace must
 * emulate the access; or a negative errno (-EFAULT: the slot's memory is
 * not there).
 */
int s2_fault(struct vcpu *vcpu, u64 gpa, bool write, bool *is_mmio)
{
	struct vm *vm = vcpu->vm;
	u64 gfn = gpa >> PAGE_SHIFT;
	unsigned long hva, seq;
	struct memslot *slot;
	struct page *page;
	int idx, ret = 0;
	u64 *leaf;

	*is_mmio = false;
	idx = srcu_read_lock(&vm->srcu);
	slot = memslot_find(srcu_dereference(vm->slots, &vm->srcu), gfn);
	if (!slot || gfn >= S2_MAX_GFN ||
	    (write && (slot->flags & KVM_MEM_READONLY))) {
		*is_mmio = true;
		goto out;
	}
	hva = slot->userspace_addr + ((gfn - slot->base_gfn) << PAGE_SHIFT);

	ret = s2_cache_topup(vcpu);
	if (ret)
		goto out;

	seq = READ_ONCE(vm->s2.invalidate_seq);
	/* The count before the page: pairs with the lock in _range_end(). */
	smp_rmb();
	/* Writable only for a write: a read maps the page read-only. */
	if (get_user_pages_unlocked(hva, 1, &page, write ? FOLL_WRITE : 0) != 1) {
		ret = -EFAULT;
		goto out;
	}

	spin_lock(&vm->s2.lock);
	if (vm->s2.invalidate_in_progress || seq != vm->s2.invalidate_seq)
		goto unlock;	/* the page may be on its way out: retry */
	leaf = s2_walk(vcpu, gfn);
	if (!hv->s2_present(*leaf)) {
		vm->s2.mapped_pages++;
		vcpu->stats.s2_mapped_pages++;
	}
	WRITE_ONCE(*leaf, hv->s2_leaf_entry(page_to_pfn(page), write));
	vcpu->stats.s2_faults++;
unlock:
	spin_unlock(&vm->s2.lock);
	put_page(page);
out:
	srcu_read_unlock(&vm->srcu, idx);
	return ret;
}

static int s2_invalidate_range_start(struct mmu_notifier *mn,
				     const struct mmu_notifier_range *range)
{
	struct vm *vm = container_of(mn, struct vm, mmu_notifier);
	u64 zapped;

	spin_lock(&vm->s2.lock);
	vm->s2.invalidate_in_progress++;
	zapped = s2_zap_hva_range(vm, range->start, range->end);
	spin_unlock(&vm->s2.lock);
	if (zapped)
		vm_flush_remote_tlbs(vm);
	return 0;
}

static void s2_invalidate_range_end(struct mmu_notifier *mn,
				    const struct mmu_notifier_range *range)
{
	struct vm *vm = container_of(mn, struct vm, mmu_notifier);

	spin_lock(&vm->s2.lock);
	vm->s2.invalidate_seq++;
	vm->s2.invalidate_in_progress--;
	spin_unlock(&vm->s2.lock);
}

/* The process is exiting: its memory goes away all at once. */
static void s2_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct vm *vm = container_of(mn, struct vm, mmu_notifier);
	u64 zapped;

	spin_lock(&vm->s2.lock);
	zapped = s2_zap_locked(vm, 0, S2_MAX_GFN);
	spin_unlock(&vm->s2.lock);
	if (zapped)
		vm_flush_remote_tlbs(vm);
}

static const struct mmu_notifier_ops s2_mmu_notifier_ops = {
	.invalidate_range_start = s2_invalidate_range_start,
	.invalidate_range_end = s2_invalidate_range_end,
	.release = s2_release,
};

int s2_mmu_notifier_register(struct vm *vm)
{
	vm->mmu_notifier.ops = &s2_mmu_notifier_ops;
	return mmu_notifier_register(&vm->mmu_notifier, vm->mm);
}

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
 *
 * Where the process maps a 2 MiB transparent huge page and the memslot
 * lines guest-physical and host-virtual addresses up on 2 MiB, the fault
 * maps all of it with one level-2 leaf, as the host does: one fault and
 * one TLB entry instead of 512.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
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
/*
 * A level-2 entry with bit 7 set maps 2 MiB, in both formats: NPT entries
 * are x86 page-table entries (PS, APM "Nested Paging"), and EPT says the
 * same of its PDEs (SDM "EPT Translation Mechanism").
 */
#define S2_HUGE			BIT_ULL(7)
#define S2_HUGE_PAGES		512

static unsigned int s2_index(u64 gfn, int level)
{
	return (gfn >> (9 * (level - 1))) & (S2_ENTRIES - 1);
}

static u64 *s2_table_of(u64 entry)
{
	return __va(entry & S2_ADDR_MASK);
}

/* A present entry that points to a table, not to memory. */
static bool s2_is_table(u64 entry, int level)
{
	return hv->s2_present(entry) && !(level == 2 && (entry & S2_HUGE));
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
			if (s2_is_table(table[i], level))
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
 * Find the entry for @gfn at @leaf_level (1: 4 KiB, 2: 2 MiB), creating
 * missing tables from the vCPU's cache, which holds enough for the
 * deepest walk (mmu lock held). A 2 MiB leaf in the way of a 4 KiB one
 * gives way to a table; *flush says the TLBs may still hold it.
 */
static u64 *s2_walk(struct vcpu *vcpu, u64 gfn, int leaf_level, bool *flush)
{
	u64 *table = vcpu->vm->s2.root;
	int level;

	for (level = S2_LEVELS; level > leaf_level; level--) {
		u64 *entry = &table[s2_index(gfn, level)];

		if (!s2_is_table(*entry, level)) {
			void *page = vcpu->s2_cache[--vcpu->s2_cache_nr];

			if (hv->s2_present(*entry)) {
				vcpu->vm->s2.mapped_pages -= S2_HUGE_PAGES;
				*flush = true;
			}
			WRITE_ONCE(*entry, hv->s2_table_entry(__pa(page)));
		}
		table = s2_table_of(*entry);
	}
	return &table[s2_index(gfn, leaf_level)];
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
			u64 *entry = &table[s2_index(gfn, level)];

			if (!hv->s2_present(*entry))
				break;	/* nothing mapped in this span */
			if (!s2_is_table(*entry, level)) {
				/* A 2 MiB leaf goes as a whole. */
				WRITE_ONCE(*entry, 0);
				zapped += S2_HUGE_PAGES;
				break;
			}
			table = s2_table_of(*entry);
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
 * Can the fault map the 2 MiB around @gfn at once? The slot must hold
 * all of it, with host-virtual and guest-physical addresses equal modulo
 * 2 MiB.
 */
static bool s2_slot_allows_huge(const struct memslot *slot, u64 gfn)
{
	u64 first = round_down(gfn, S2_HUGE_PAGES);

	return first >= slot->base_gfn &&
	       first + S2_HUGE_PAGES <= slot->base_gfn + slot->npages &&
	       !(((slot->userspace_addr >> PAGE_SHIFT) - slot->base_gfn) %
		 S2_HUGE_PAGES);
}

/*
 * Does the process map @hva with a 2 MiB (or 1 GiB) leaf? Read as GUP-fast
 * reads it, with IRQs off so that the tables cannot be freed meanwhile;
 * a split after this is an MMU-notifier invalidation, which the fault's
 * sequence check sees.
 */
static bool host_maps_huge(struct mm_struct *mm, unsigned long hva)
{
	unsigned long flags;
	bool huge = false;
	pgd_t pgd;
	p4d_t p4d;
	pud_t pud;
	pmd_t pmd;

	local_irq_save(flags);
	pgd = READ_ONCE(*pgd_offset(mm, hva));
	if (!pgd_present(pgd))
		goto out;
	p4d = READ_ONCE(*p4d_offset(&pgd, hva));
	if (!p4d_present(p4d))
		goto out;
	pud = READ_ONCE(*pud_offset(&p4d, hva));
	if (!pud_present(pud))
		goto out;
	if (pud_leaf(pud)) {
		huge = true;
		goto out;
	}
	pmd = READ_ONCE(*pmd_offset(&pud, hva));
	huge = pmd_present(pmd) && pmd_leaf(pmd);
out:
	local_irq_restore(flags);
	return huge;
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
	bool huge, flush = false;
	struct page *page;
	int idx, ret = 0;
	u64 *leaf, pfn;

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

	pfn = page_to_pfn(page);
	huge = s2_slot_allows_huge(slot, gfn) &&
	       (pfn & (S2_HUGE_PAGES - 1)) == (gfn & (S2_HUGE_PAGES - 1)) &&
	       host_maps_huge(vm->mm, hva);

	spin_lock(&vm->s2.lock);
	if (vm->s2.invalidate_in_progress || seq != vm->s2.invalidate_seq)
		goto unlock;	/* the page may be on its way out: retry */
	if (huge) {
		leaf = s2_walk(vcpu, gfn, 2, &flush);
		/* 4 KiB pages mapped here before: keep to them. */
		huge = !s2_is_table(*leaf, 2);
	}
	if (huge) {
		if (!hv->s2_present(*leaf)) {
			vm->s2.mapped_pages += S2_HUGE_PAGES;
			vcpu->stats.s2_mapped_pages += S2_HUGE_PAGES;
		}
		pfn = round_down(pfn, S2_HUGE_PAGES);
		WRITE_ONCE(*leaf, hv->s2_leaf_entry(pfn, write) | S2_HUGE);
	} else {
		leaf = s2_walk(vcpu, gfn, 1, &flush);
		if (!hv->s2_present(*leaf)) {
			vm->s2.mapped_pages++;
			vcpu->stats.s2_mapped_pages++;
		}
		WRITE_ONCE(*leaf, hv->s2_leaf_entry(pfn, write));
	}
	vcpu->stats.s2_faults++;
unlock:
	spin_unlock(&vm->s2.lock);
	put_page(page);
	if (flush)
		vm_flush_remote_tlbs(vm);
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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading guest memory from the host side: guest-physical reads through
 * the memslots (the owner process's memory, with copy_from_user), and
 * the guest's own page-table walk from a linear address to a physical
 * one, for fetching the instruction that caused an exit.
 */
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include "guest_mem.h"
#include "vcpu.h"
#include "vm.h"

/*
 * Copy to or from guest-physical memory within one page, through the
 * owner's mapping: the memory manager sees an ordinary user access.
 */
static int vm_access_guest_page(struct vm *vm, u64 gpa, void *buf,
				size_t len, bool write)
{
	struct memslot *slot;
	void __user *hva;
	int idx, err = -EFAULT;

	idx = srcu_read_lock(&vm->srcu);
	slot = memslot_find(srcu_dereference(vm->slots, &vm->srcu),
			    gpa >> PAGE_SHIFT);
	if (slot && !(write && (slot->flags & KVM_MEM_READONLY))) {
		hva = (void __user *)(slot->userspace_addr +
			(((gpa >> PAGE_SHIFT) - slot->base_gfn) << PAGE_SHIFT) +
			offset_in_page(gpa));
		if (!(write ? copy_to_user(hva, buf, len) :
			      copy_from_user(buf, hva, len)))
			err = 0;
	}
	srcu_read_unlock(&vm->srcu, idx);
	return err;
}

static int vm_access_guest(struct vm *vm, u64 gpa, void *buf, size_t len,
			   bool write)
{
	while (len) {
		size_t chunk = min_t(size_t, len,
				     PAGE_SIZE - offset_in_page(gpa));

		if (vm_access_guest_page(vm, gpa, buf, chunk, write))
			return -EFAULT;
		gpa += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int vm_read_guest(struct vm *vm, u64 gpa, void *buf, size_t len)
{
	return vm_access_guest(vm, gpa, buf, len, false);
}

int vm_write_guest(struct vm *vm, u64 gpa, const void *buf, size_t len)
{
	return vm_access_guest(vm, gpa, (void *)buf, len, true);
}

#define PTE_PRESENT	BIT_ULL(0)
#define PTE_LARGE	BIT_ULL(7)
#define PTE_ADDR_MASK	GENMASK_ULL(51, 12)

struct paging_mode {
	int levels;
	int entry_size;		/* 4 or 8 bytes */
	int bits_per_level;	/* 10 or 9 */
};

/*
 * Where a PS entry maps a page: 2 MB and 1 GB pages in 4-level paging,
 * 2 MB in PAE, 4 MB in 32-bit paging with CR4.PSE. Elsewhere PS is
 * reserved (PML4 entries, PAE's PDPTEs) or ignored.
 */
static bool paging_large_page_ok(const struct paging_mode *pm, int level,
				 u64 cr4)
{
	if (level == 3)
		return pm->levels == 4;
	if (level == 2)
		return pm->levels != 2 || (cr4 & X86_CR4_PSE);
	return false;
}

/*
 * SDM Vol. 3 "Paging": 32-bit paging (2 levels of 1024 4-byte entries),
 * PAE (a 4-entry PDPT, then 2 levels of 512), 4-level (4 levels of 512).
 * Large pages end the walk early at a PS entry. 5-level paging is not
 * supported: guests are offered no LA57.
 */
int guest_translate(struct vcpu *vcpu, const struct kvm_sregs *sregs,
		    u64 la, u64 *gpa)
{
	struct paging_mode pm;
	u64 table, entry = 0;
	int level;

	if (!(sregs->cr0 & X86_CR0_PG)) {
		*gpa = la;
		return 0;
	}
	if (sregs->cr4 & X86_CR4_LA57)
		return -EOPNOTSUPP;
	if (sregs->efer & EFER_LMA)
		pm = (struct paging_mode){ 4, 8, 9 };
	else if (sregs->cr4 & X86_CR4_PAE)
		pm = (struct paging_mode){ 3, 8, 9 };
	else
		pm = (struct paging_mode){ 2, 4, 10 };

	table = sregs->cr3 & (pm.levels == 3 ? GENMASK_ULL(31, 5) :
			      PTE_ADDR_MASK);
	for (level = pm.levels; level >= 1; level--) {
		int shift = 12 + pm.bits_per_level * (level - 1);
		u64 index = (la >> shift) & ((1ULL << pm.bits_per_level) - 1);

		if (pm.levels == 3 && level == 3)
			index = (la >> 30) & 3;	/* the PDPT has 4 entries */
		entry = 0;
		if (vm_read_guest(vcpu->vm, table + index * pm.entry_size, &entry,
				  pm.entry_size))
			return -EFAULT;
		if (!(entry & PTE_PRESENT))
			return -EFAULT;
		if ((entry & PTE_LARGE) &&
		    paging_large_page_ok(&pm, level, sregs->cr4)) {
			u64 mask = (1ULL << shift) - 1;
			u64 base = entry & PTE_ADDR_MASK;

			/* 4 MB pages of 32-bit paging: bits 39:32 at 20:13 */
			if (pm.levels == 2)
				base = (entry & GENMASK_ULL(31, 22)) |
				       ((entry & GENMASK_ULL(20, 13)) << 19);
			*gpa = (base & ~mask) | (la & mask);
			return 0;
		}
		table = entry & (pm.levels == 2 ? GENMASK_ULL(31, 12) :
				 PTE_ADDR_MASK);
	}
	*gpa = table | (la & (PAGE_SIZE - 1));
	return 0;
}

int guest_fetch_insn(struct vcpu *vcpu, const struct kvm_sregs *sregs,
		     u64 la, u8 *buf, unsigned int max)
{
	unsigned int done = 0;

	while (done < max) {
		unsigned int chunk = min_t(unsigned int, max - done,
					   PAGE_SIZE - offset_in_page(la + done));
		u64 gpa;

		if (guest_translate(vcpu, sregs, la + done, &gpa) ||
		    vm_read_guest(vcpu->vm, gpa, buf + done, chunk))
			break;
		done += chunk;
	}
	return done;
}

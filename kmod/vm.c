// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM fds: creation, memory slots, vCPU creation. A VM belongs to the mm
 * that created it; its memory is that process's memory.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "kvmlite.h"
#include "vcpu.h"
#include "vm.h"

void vm_get(struct vm *vm)
{
	kref_get(&vm->ref);
}

static void vm_free(struct kref *ref)
{
	struct vm *vm = container_of(ref, struct vm, ref);

	unsigned int i;

	/* First: monitors must not find a VM that is going away. */
	kvmlite_genl_vm_remove(vm);
	mmu_notifier_unregister(&vm->mmu_notifier, vm->mm);
	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_free(vm->vcpus[i]);
	if (hv->vm_destroy)
		hv->vm_destroy(vm);
	s2_mmu_destroy(vm);
	kfree(rcu_dereference_protected(vm->slots, true));
	cleanup_srcu_struct(&vm->srcu);
	mmdrop(vm->mm);
	kfree(vm);
	hwvirt_put();
}

void vm_put(struct vm *vm)
{
	kref_put(&vm->ref, vm_free);
}

struct memslot *memslot_find(struct memslots *slots, u64 gfn)
{
	unsigned int i;

	for (i = 0; i < slots->nr; i++) {
		struct memslot *s = &slots->slot[i];

		if (gfn >= s->base_gfn && gfn - s->base_gfn < s->npages)
			return s;
	}
	return NULL;
}

static struct memslot *memslot_by_id(struct memslots *slots, u32 id)
{
	unsigned int i;

	for (i = 0; i < slots->nr; i++)
		if (slots->slot[i].id == id)
			return &slots->slot[i];
	return NULL;
}

/*
 * The checks and errno values of KVM_SET_USER_MEMORY_REGION as KVM makes
 * them (Documentation/virt/kvm/api.rst): page alignment, no wrap, slot in
 * range, known flags; an existing slot may change only its flags.
 */
static int memslot_validate(struct memslots *slots,
			    const struct kvm_userspace_memory_region *mem,
			    struct memslot **old)
{
	u64 npages = mem->memory_size >> PAGE_SHIFT;
	u64 gfn = mem->guest_phys_addr >> PAGE_SHIFT;
	unsigned int i;

	if (mem->flags & ~(KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY))
		return -EINVAL;
	/* Dirty logging is not implemented: refuse rather than pretend. */
	if (mem->flags & KVM_MEM_LOG_DIRTY_PAGES)
		return -EINVAL;
	if (mem->slot >= KVMLITE_MAX_MEMSLOTS)
		return -EINVAL;
	if ((mem->memory_size & (PAGE_SIZE - 1)) ||
	    (mem->guest_phys_addr & (PAGE_SIZE - 1)) ||
	    (mem->userspace_addr & (PAGE_SIZE - 1)) ||
	    mem->userspace_addr != untagged_addr(mem->userspace_addr) ||
	    (mem->memory_size &&
	     !access_ok((void __user *)(unsigned long)mem->userspace_addr,
			mem->memory_size)))
		return -EINVAL;
	if (mem->guest_phys_addr + mem->memory_size < mem->guest_phys_addr)
		return -EINVAL;
	if (npages > MEMSLOT_MAX_PAGES)
		return -EINVAL;

	*old = memslot_by_id(slots, mem->slot);
	if (!mem->memory_size)
		return *old ? 0 : -EINVAL;
	/* As KVM: no frame beyond what the second-level tables map. */
	if (gfn + npages - 1 > s2_max_gfn())
		return -EINVAL;

	if (*old) {
		if (mem->userspace_addr != (*old)->userspace_addr ||
		    npages != (*old)->npages ||
		    (mem->flags ^ (*old)->flags) & KVM_MEM_READONLY)
			return -EINVAL;
		if (gfn == (*old)->base_gfn)
			return 0;	/* a flags change */
	}
	for (i = 0; i < slots->nr; i++) {
		struct memslot *s = &slots->slot[i];

		if (s->id == mem->slot)
			continue;
		if (gfn < s->base_gfn + s->npages && s->base_gfn < gfn + npages)
			return -EEXIST;
	}
	return 0;
}

static int vm_set_memory_region(struct vm *vm,
				const struct kvm_userspace_memory_region *mem)
{
	struct memslots *slots, *copy;
	struct memslot *old, *slot;
	struct memslot was = { };
	int err;

	mutex_lock(&vm->slots_lock);
	slots = rcu_dereference_protected(vm->slots,
					  lockdep_is_held(&vm->slots_lock));
	err = memslot_validate(slots, mem, &old);
	if (err)
		goto out;
	/* As KVM: the same slot again changes nothing, and keeps its map. */
	if (old && mem->memory_size &&
	    mem->guest_phys_addr >> PAGE_SHIFT == old->base_gfn &&
	    mem->flags == old->flags)
		goto out;

	copy = kmemdup(slots, sizeof(*slots), GFP_KERNEL_ACCOUNT);
	if (!copy) {
		err = -ENOMEM;
		goto out;
	}
	if (old) {
		was = *old;
		slot = &copy->slot[old - slots->slot];
	} else {
		slot = &copy->slot[copy->nr++];
	}
	if (!mem->memory_size) {
		*slot = copy->slot[--copy->nr];
		slot = NULL;
	} else {
		slot->id = mem->slot;
		slot->base_gfn = mem->guest_phys_addr >> PAGE_SHIFT;
		slot->npages = mem->memory_size >> PAGE_SHIFT;
		slot->userspace_addr = mem->userspace_addr;
		slot->flags = mem->flags;
	}

	rcu_assign_pointer(vm->slots, copy);
	/* No fault still uses the old layout after this ... */
	synchronize_srcu(&vm->srcu);
	/* ... so what it mapped can go, and stays gone. */
	if (old)
		s2_zap_gfn_range(vm, was.base_gfn, was.npages);
	kfree(slots);
	kvmlite_genl_memslot_changed(vm, old ? &was : NULL, slot);
out:
	mutex_unlock(&vm->slots_lock);
	return err;
}

static long vm_ioctl_set_memory_region(struct vm *vm, void __user *argp)
{
	struct kvm_userspace_memory_region mem;

	if (copy_from_user(&mem, argp, sizeof(mem)))
		return -EFAULT;
	return vm_set_memory_region(vm, &mem);
}

static long vm_ioctl_create_vcpu(struct vm *vm, unsigned long id)
{
	if (id >= KVMLITE_MAX_VCPUS)
		return -EINVAL;
	return vcpu_create(vm, id);
}

/*
 * KVM needs these two addresses only for VMX without unrestricted guest,
 * which kvmlite does not support: they are checked as KVM checks them,
 * and otherwise unused.
 */
static long vm_ioctl_set_tss_addr(unsigned long addr)
{
	/* Three pages of TSS below 4 GiB. */
	return addr > (unsigned int)(-3 * PAGE_SIZE) ? -EINVAL : 0;
}

static long vm_ioctl_set_identity_map_addr(struct vm *vm, void __user *argp)
{
	u64 addr;
	long r = 0;

	if (copy_from_user(&addr, argp, sizeof(addr)))
		return -EFAULT;
	/* Only before the first vCPU, which would have used it. */
	mutex_lock(&vm->slots_lock);
	if (vm->nr_vcpus)
		r = -EINVAL;
	mutex_unlock(&vm->slots_lock);
	return r;
}

static long vm_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	struct vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;

	if (vm->mm != current->mm)
		return -EIO;

	switch (ioctl) {
	case KVM_CREATE_VCPU:
		return vm_ioctl_create_vcpu(vm, arg);
	case KVM_SET_USER_MEMORY_REGION:
		return vm_ioctl_set_memory_region(vm, argp);
	case KVM_CHECK_EXTENSION:
		return kvmlite_check_extension(arg);
	case KVM_SET_TSS_ADDR:
		return vm_ioctl_set_tss_addr(arg);
	case KVM_SET_IDENTITY_MAP_ADDR:
		return vm_ioctl_set_identity_map_addr(vm, argp);
	case KVM_GET_STATS_FD:
		return vm_get_stats_fd(vm);
	default:
		return -ENOTTY;
	}
}

static int vm_release(struct inode *inode, struct file *filp)
{
	vm_put(filp->private_data);
	return 0;
}

static const struct file_operations vm_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = vm_release,
};

int vm_create(unsigned long type)
{
	struct memslots *slots;
	struct vm *vm;
	int err;

	if (type)
		return -EINVAL;
	if (!hv->vcpu_run)
		return -EOPNOTSUPP;

	err = hwvirt_get();
	if (err)
		return err;

	err = -ENOMEM;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	slots = kzalloc(sizeof(*slots), GFP_KERNEL_ACCOUNT);
	if (!vm || !slots)
		goto err_free;

	kref_init(&vm->ref);
	mutex_init(&vm->slots_lock);
	RCU_INIT_POINTER(vm->slots, slots);
	vm->mm = current->mm;
	mmgrab(vm->mm);
	vm->tsc_offset = -rdtsc();

	err = init_srcu_struct(&vm->srcu);
	if (err)
		goto err_mm;
	err = s2_mmu_init(vm);
	if (err)
		goto err_srcu;
	err = hv->vm_init ? hv->vm_init(vm) : 0;
	if (err)
		goto err_s2;
	err = s2_mmu_notifier_register(vm);
	if (err)
		goto err_vendor;

	kvmlite_genl_vm_add(vm);
	err = anon_inode_getfd("kvmlite-vm", &vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (err < 0)
		vm_put(vm);	/* the full teardown, notifier included */
	return err;

err_vendor:
	if (hv->vm_destroy)
		hv->vm_destroy(vm);
err_s2:
	s2_mmu_destroy(vm);
err_srcu:
	cleanup_srcu_struct(&vm->srcu);
err_mm:
	mmdrop(vm->mm);
err_free:
	kfree(slots);
	kfree(vm);
	hwvirt_put();
	return err;
}

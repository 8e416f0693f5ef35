// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU fds and the run loop. KVM_RUN runs the guest in the calling
 * thread: it can be preempted, migrated and signalled between any two
 * guest entries, and each entry restores the host state it disturbs.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "compat.h"
#include "fpu.h"
#include "kvmlite.h"
#include "vcpu.h"
#include "vm.h"

/* KVM's answer in RAX to a hypercall it does not know: -KVM_ENOSYS. */
#define HYPERCALL_ENOSYS	((u64)-1000)

static void vcpu_kick_noop(void *unused)
{
}

/*
 * Every vCPU flushes before its next entry; the ones in guest mode now
 * are interrupted, which makes them exit, and we wait for that. A vCPU
 * publishes IN_GUEST_MODE before it reads its requests, and we set the
 * request before we read its mode, so one of us sees the other.
 */
void vm_flush_remote_tlbs(struct vm *vm)
{
	/* Pairs with the release in vcpu_create(): the vCPUs are complete. */
	unsigned int i, nr = smp_load_acquire(&vm->nr_vcpus);
	cpumask_var_t cpus;

	for (i = 0; i < nr; i++)
		set_bit(VCPU_REQ_TLB_FLUSH, &vm->vcpus[i]->requests);
	/* Requests before modes: pairs with vcpu_enter_guest(). */
	smp_mb__after_atomic();

	if (!zalloc_cpumask_var(&cpus, GFP_ATOMIC)) {
		on_each_cpu(vcpu_kick_noop, NULL, 1);
		return;
	}
	for (i = 0; i < nr; i++) {
		struct vcpu *vcpu = vm->vcpus[i];

		if (READ_ONCE(vcpu->mode) == IN_GUEST_MODE)
			cpumask_set_cpu(READ_ONCE(vcpu->cpu), cpus);
	}
	preempt_disable();
	smp_call_function_many(cpus, vcpu_kick_noop, NULL, true);
	preempt_enable();
	free_cpumask_var(cpus);
}

/*
 * The instruction is done: step past it. An STI or MOV SS shadow it sat
 * in covered only that instruction, so it ends too (SDM Vol. 3,
 * "Interrupt Masking": the shadow lasts one instruction).
 */
void vcpu_skip_instruction(struct vcpu *vcpu)
{
	vcpu->rip = vcpu->exit.next_rip;
	hv->clear_interrupt_shadow(vcpu);
}

/* Every exception the kernel raises in the guest goes through here. */
void vcpu_queue_exception(struct vcpu *vcpu, u8 vector, bool has_error,
			  u32 error)
{
	vcpu->stats.exception_injections++;
	hv->queue_exception(vcpu, vector, has_error, error);
}

/* Exit handlers: 1 resume the guest, 0 exit to userspace, <0 error. */

static int exit_resume(struct vcpu *vcpu)
{
	return 1;
}

static int exit_skip(struct vcpu *vcpu)
{
	vcpu_skip_instruction(vcpu);
	return 1;
}

/* 1: go on into the guest; 0: a new exit to userspace already. */
static int vcpu_complete_userspace_exit(struct vcpu *vcpu)
{
	int r = 1;

	switch (vcpu->pending) {
	case PENDING_PIO_OUT:
	case PENDING_PIO_IN:
		r = vcpu_pio_complete(vcpu);
		break;
	case PENDING_MMIO:
		r = vcpu_mmio_complete(vcpu);
		break;
	default:
		return 1;
	}
	/* A completion may have made a new exit pending (MMIO writes). */
	if (r)
		vcpu->pending = PENDING_NONE;
	return r;
}

static int exit_s2_fault(struct vcpu *vcpu)
{
	bool is_mmio;
	int err;

	err = s2_fault(vcpu, vcpu->exit.s2.gpa, vcpu->exit.s2.write, &is_mmio);
	if (err)
		return err;
	if (!is_mmio)
		return 1;
	return vcpu_mmio_exit(vcpu, vcpu->exit.s2.gpa, vcpu->exit.s2.write);
}

static int exit_cpuid(struct vcpu *vcpu)
{
	vcpu_emulate_cpuid(vcpu);
	vcpu_skip_instruction(vcpu);
	return 1;
}

static int exit_hlt(struct vcpu *vcpu)
{
	/* No in-kernel irqchip: userspace decides what a halt means. */
	vcpu_skip_instruction(vcpu);
	vcpu->run->exit_reason = KVM_EXIT_HLT;
	return 0;
}

static int exit_xsetbv(struct vcpu *vcpu)
{
	u64 val = (u32)vcpu->gprs[GPR_RAX] | vcpu->gprs[GPR_RDX] << 32;

	/* Only XCR0 exists; a value it may not hold is #GP. */
	if ((u32)vcpu->gprs[GPR_RCX] != 0 || !guest_xcr0_valid(val)) {
		vcpu_queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	vcpu->xcr0 = val;
	vcpu_skip_instruction(vcpu);
	return 1;
}

static int exit_rdtscp(struct vcpu *vcpu)
{
	u64 tsc = rdtsc() + vcpu->tsc_offset;

	vcpu->gprs[GPR_RAX] = (u32)tsc;
	vcpu->gprs[GPR_RDX] = tsc >> 32;
	vcpu->gprs[GPR_RCX] = vcpu->tsc_aux;
	vcpu_skip_instruction(vcpu);
	return 1;
}

static int exit_hypercall(struct vcpu *vcpu)
{
	vcpu->gprs[GPR_RAX] = HYPERCALL_ENOSYS;
	vcpu_skip_instruction(vcpu);
	return 1;
}

static int exit_ud(struct vcpu *vcpu)
{
	vcpu_queue_exception(vcpu, UD_VECTOR, false, 0);
	return 1;
}

static int exit_gp(struct vcpu *vcpu)
{
	vcpu_queue_exception(vcpu, GP_VECTOR, true, 0);
	return 1;
}

static int exit_exception(struct vcpu *vcpu)
{
	/* #AC and #DB are intercepted only so a guest cannot loop on them. */
	vcpu_queue_exception(vcpu, vcpu->exit.exception.vector,
			     vcpu->exit.exception.has_error,
			     vcpu->exit.exception.error);
	return 1;
}

static int exit_unknown(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON;
	run->internal.ndata = 2;
	run->internal.data[0] = vcpu->exit.hw_reason;
	run->internal.data[1] = vcpu->cpu;
	return 0;
}

static int exit_cr(struct vcpu *vcpu)
{
	return hv->emulate_cr ? hv->emulate_cr(vcpu) : exit_unknown(vcpu);
}

static int exit_shutdown(struct vcpu *vcpu)
{
	vcpu->run->exit_reason = KVM_EXIT_SHUTDOWN;
	return 0;
}

static int exit_fail_entry(struct vcpu *vcpu)
{
	vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	vcpu->run->fail_entry.hardware_entry_failure_reason =
		vcpu->exit.hw_reason;
	vcpu->run->fail_entry.cpu = vcpu->cpu;
	return 0;
}

static int (*const exit_handlers[KVMLITE_EXIT_NR])(struct vcpu *vcpu) = {
	[KVMLITE_EXIT_NONE] = exit_resume,
	[KVMLITE_EXIT_IRQ_WINDOW] = exit_resume,	/* see vcpu_irq_window_exit() */
	[KVMLITE_EXIT_NMI_WINDOW] = exit_resume,	/* vcpu_inject_events() */
	[KVMLITE_EXIT_EXTINT] = exit_resume,
	[KVMLITE_EXIT_NMI] = exit_resume,
	[KVMLITE_EXIT_IO] = vcpu_pio_exit,
	[KVMLITE_EXIT_S2_FAULT] = exit_s2_fault,
	[KVMLITE_EXIT_CPUID] = exit_cpuid,
	[KVMLITE_EXIT_RDMSR] = vcpu_emulate_rdmsr,
	[KVMLITE_EXIT_WRMSR] = vcpu_emulate_wrmsr,
	[KVMLITE_EXIT_HLT] = exit_hlt,
	[KVMLITE_EXIT_XSETBV] = exit_xsetbv,
	[KVMLITE_EXIT_RDTSCP] = exit_rdtscp,
	[KVMLITE_EXIT_HYPERCALL] = exit_hypercall,
	[KVMLITE_EXIT_PAUSE] = exit_skip,
	[KVMLITE_EXIT_INVD] = exit_skip,
	[KVMLITE_EXIT_SHUTDOWN] = exit_shutdown,
	[KVMLITE_EXIT_FAIL_ENTRY] = exit_fail_entry,
	[KVMLITE_EXIT_UD] = exit_ud,
	[KVMLITE_EXIT_GP] = exit_gp,
	[KVMLITE_EXIT_DR] = vcpu_emulate_mov_dr,
	[KVMLITE_EXIT_EXCEPTION] = exit_exception,
	[KVMLITE_EXIT_UNKNOWN] = exit_unknown,
	[KVMLITE_EXIT_CR] = exit_cr,
};

/*
 * The one place that decides: back to the guest, or out to userspace.
 * Every exit is counted by its generic reason.
 */
static int vcpu_handle_exit(struct vcpu *vcpu)
{
	enum kvmlite_exit_reason reason = vcpu->exit.reason;

	if (reason >= KVMLITE_EXIT_NR || !exit_handlers[reason])
		reason = KVMLITE_EXIT_UNKNOWN;
	vcpu->stats.exits[reason]++;
	vcpu->stats.exits_total++;
	return exit_handlers[reason](vcpu);
}

/* Enter the guest once, unless something needs the host first. */
static bool vcpu_enter_guest(struct vcpu *vcpu)
{
	bool entered = false;

	vcpu_inject_events(vcpu);
	preempt_disable();
	if (hv->vcpu_load)
		hv->vcpu_load(vcpu);
	guest_fpu_enter(vcpu);
	local_irq_disable();
	WRITE_ONCE(vcpu->cpu, smp_processor_id());
	/*
	 * The CPU first, then the mode, then (in the vendor's entry) the
	 * requests: pairs with the barrier in vm_flush_remote_tlbs(), so
	 * a flusher that sees IN_GUEST_MODE interrupts the right CPU.
	 */
	smp_store_mb(vcpu->mode, IN_GUEST_MODE);
	if (!need_resched() && !signal_pending(current) &&
	    !READ_ONCE(hwvirt_rebooting)) {
		/* The CPU's own clock: cheap, and this thread stays here. */
		u64 start = local_clock();

		hv->vcpu_run(vcpu);
		vcpu->stats.guest_ns += local_clock() - start;
		entered = true;
	}
	WRITE_ONCE(vcpu->mode, OUTSIDE_GUEST_MODE);
	local_irq_enable();
	guest_fpu_leave(vcpu);
	preempt_enable();
	return entered;
}

static long vcpu_run(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int r;

	run->flags = 0;
	r = vcpu_complete_userspace_exit(vcpu);
	if (r <= 0)
		goto out;
	if (kvm_run_immediate_exit(run)) {
		r = -EINTR;
		goto out;
	}

	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = KVM_EXIT_INTR;
			r = -EINTR;
			break;
		}
		cond_resched();
		if (!vcpu_enter_guest(vcpu)) {
			if (READ_ONCE(hwvirt_rebooting)) {
				r = -EIO;	/* the host is going down */
				break;
			}
			continue;
		}
		r = vcpu_handle_exit(vcpu);
		if (r <= 0)
			break;
		if (vcpu_irq_window_exit(vcpu)) {
			r = 0;
			break;
		}
	}
out:
	vcpu_post_run(vcpu);
	vcpu->stats.userspace_exits++;
	if (!r)
		kvmlite_genl_vcpu_exit(vcpu);
	return r;
}

/*
 * KVM_SET_SIGNAL_MASK: the signals blocked while in KVM_RUN, so a VMM
 * can keep one signal for kicking vCPU threads out of the guest.
 */
static long vcpu_set_signal_mask(struct vcpu *vcpu,
				 struct kvm_signal_mask __user *argp)
{
	struct kvm_signal_mask hdr;
	sigset_t set;

	if (!argp) {
		vcpu->has_sigmask = false;
		return 0;
	}
	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.len != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, argp->sigset, sizeof(set)))
		return -EFAULT;
	sigdelsetmask(&set, sigmask(SIGKILL) | sigmask(SIGSTOP));
	vcpu->sigmask = set;
	vcpu->has_sigmask = true;
	return 0;
}

static long vcpu_run_with_sigmask(struct vcpu *vcpu)
{
	sigset_t saved;
	long r;

	if (!vcpu->has_sigmask)
		return vcpu_run(vcpu);
	sigprocmask(SIG_SETMASK, &vcpu->sigmask, &saved);
	r = vcpu_run(vcpu);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return r;
}

/*
 * Without an in-kernel irqchip a vCPU is always runnable, and KVM then
 * accepts no other state either (HLT exits to userspace).
 */
static long vcpu_set_mp_state(struct kvm_mp_state __user *argp)
{
	struct kvm_mp_state mp;

	if (copy_from_user(&mp, argp, sizeof(mp)))
		return -EFAULT;
	return mp.mp_state == KVM_MP_STATE_RUNNABLE ? 0 : -EINVAL;
}

static long vcpu_get_regs(struct vcpu *vcpu, void __user *argp)
{
	const u64 *g = vcpu->gprs;
	struct kvm_regs regs = {
		.rax = g[GPR_RAX], .rbx = g[GPR_RBX], .rcx = g[GPR_RCX],
		.rdx = g[GPR_RDX], .rsi = g[GPR_RSI], .rdi = g[GPR_RDI],
		.rsp = g[GPR_RSP], .rbp = g[GPR_RBP],
		.r8 = g[GPR_R8], .r9 = g[GPR_R9], .r10 = g[GPR_R10],
		.r11 = g[GPR_R11], .r12 = g[GPR_R12], .r13 = g[GPR_R13],
		.r14 = g[GPR_R14], .r15 = g[GPR_R15],
		.rip = vcpu->rip, .rflags = vcpu->rflags,
	};

	return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
}

static long vcpu_set_regs(struct vcpu *vcpu, void __user *argp)
{
	struct kvm_regs regs;
	u64 *g = vcpu->gprs;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	g[GPR_RAX] = regs.rax; g[GPR_RBX] = regs.rbx;
	g[GPR_RCX] = regs.rcx; g[GPR_RDX] = regs.rdx;
	g[GPR_RSI] = regs.rsi; g[GPR_RDI] = regs.rdi;
	g[GPR_RSP] = regs.rsp; g[GPR_RBP] = regs.rbp;
	g[GPR_R8] = regs.r8; g[GPR_R9] = regs.r9;
	g[GPR_R10] = regs.r10; g[GPR_R11] = regs.r11;
	g[GPR_R12] = regs.r12; g[GPR_R13] = regs.r13;
	g[GPR_R14] = regs.r14; g[GPR_R15] = regs.r15;
	vcpu->rip = regs.rip;
	/* Bit 1 of RFLAGS is always 1 (SDM Vol. 1 "EFLAGS Register"). */
	vcpu->rflags = regs.rflags | X86_EFLAGS_FIXED;
	return 0;
}

static long vcpu_get_sregs(struct vcpu *vcpu, void __user *argp)
{
	struct kvm_sregs sregs = { };

	hv->get_sregs(vcpu, &sregs);
	return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
}

#define EFER_GUEST_BITS	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

/* The state checks KVM_SET_SREGS makes, as KVM makes them. */
static bool sregs_valid(const struct kvm_sregs *sregs)
{
	if ((sregs->efer & ~EFER_GUEST_BITS) || (sregs->cr0 >> 32) ||
	    (sregs->cr4 >> 32))
		return false;
	if ((sregs->cr0 & X86_CR0_PG) && !(sregs->cr0 & X86_CR0_PE))
		return false;
	if ((sregs->cr0 & X86_CR0_NW) && !(sregs->cr0 & X86_CR0_CD))
		return false;
	if ((sregs->efer & EFER_LME) && (sregs->cr0 & X86_CR0_PG))
		return (sregs->cr4 & X86_CR4_PAE) && (sregs->efer & EFER_LMA);
	return !(sregs->efer & EFER_LMA) && !sregs->cs.l;
}

static long vcpu_set_sregs(struct vcpu *vcpu, void __user *argp)
{
	struct kvm_sregs sregs;

	if (copy_from_user(&sregs, argp, sizeof(sregs)))
		return -EFAULT;
	if (!sregs_valid(&sregs))
		return -EINVAL;
	return hv->set_sregs(vcpu, &sregs);
}

static long vcpu_ioctl(struct file *filp, unsigned int ioctl,
		       unsigned long arg)
{
	struct vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	long r;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;

	switch (ioctl) {
	case KVM_RUN:
		r = arg ? -EINVAL : vcpu_run_with_sigmask(vcpu);
		break;
	case KVM_GET_REGS:
		r = vcpu_get_regs(vcpu, argp);
		break;
	case KVM_SET_REGS:
		r = vcpu_set_regs(vcpu, argp);
		break;
	case KVM_GET_SREGS:
		r = vcpu_get_sregs(vcpu, argp);
		break;
	case KVM_SET_SREGS:
		r = vcpu_set_sregs(vcpu, argp);
		break;
	case KVM_SET_CPUID2:
		r = vcpu_set_cpuid2(vcpu, argp);
		break;
	case KVM_GET_CPUID2:
		r = vcpu_get_cpuid2(vcpu, argp);
		break;
	case KVM_GET_FPU:
		r = vcpu_get_fpu(vcpu, argp);
		break;
	case KVM_SET_FPU:
		r = vcpu_set_fpu(vcpu, argp);
		break;
	case KVM_GET_XSAVE:
		r = vcpu_get_xsave(vcpu, argp);
		break;
	case KVM_SET_XSAVE:
		r = vcpu_set_xsave(vcpu, argp);
		break;
	case KVM_GET_XCRS:
		r = vcpu_get_xcrs(vcpu, argp);
		break;
	case KVM_SET_XCRS:
		r = vcpu_set_xcrs(vcpu, argp);
		break;
	case KVM_GET_VCPU_EVENTS:
		r = vcpu_get_events(vcpu, argp);
		break;
	case KVM_SET_VCPU_EVENTS:
		r = vcpu_set_events(vcpu, argp);
		break;
	case KVM_GET_DEBUGREGS:
		r = vcpu_get_debugregs(vcpu, argp);
		break;
	case KVM_SET_DEBUGREGS:
		r = vcpu_set_debugregs(vcpu, argp);
		break;
	case KVM_NMI:
		r = vcpu_ioctl_nmi(vcpu);
		break;
	case KVM_SET_SIGNAL_MASK:
		r = vcpu_set_signal_mask(vcpu, argp);
		break;
	case KVM_GET_MP_STATE:
		r = put_user(KVM_MP_STATE_RUNNABLE,
			     &((struct kvm_mp_state __user *)argp)->mp_state);
		break;
	case KVM_SET_MP_STATE:
		r = vcpu_set_mp_state(argp);
		break;
	case KVM_INTERRUPT:
		r = vcpu_ioctl_interrupt(vcpu, argp);
		break;
	case KVM_GET_MSRS:
		r = vcpu_ioctl_msrs(vcpu, argp, false);
		break;
	case KVM_SET_MSRS:
		r = vcpu_ioctl_msrs(vcpu, argp, true);
		break;
	case KVM_GET_STATS_FD:
		r = vcpu_get_stats_fd(vcpu);
		break;
	default:
		r = -EINVAL;	/* KVM's answer on a vCPU fd */
	}
	mutex_unlock(&vcpu->mutex);
	return r;
}

static vm_fault_t vcpu_mmap_fault(struct vm_fault *vmf)
{
	struct vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff != 0)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(vcpu->run);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct vcpu_vm_ops = {
	.fault = vcpu_mmap_fault,
};

static int vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	vma->vm_ops = &vcpu_vm_ops;
	return 0;
}

static int vcpu_release(struct inode *inode, struct file *filp)
{
	struct vcpu *vcpu = filp->private_data;

	vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations vcpu_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = vcpu_mmap,
	.release = vcpu_release,
};

/* vCPUs live as long as their VM: vm_free() calls this. */
void vcpu_free(struct vcpu *vcpu)
{
	hv->vcpu_free(vcpu);
	s2_cache_free(vcpu);
	kfree(vcpu->cpuid);
	free_page((unsigned long)vcpu->fpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

int vcpu_create(struct vm *vm, u32 id)
{
	struct vcpu *vcpu;
	unsigned int i;
	int r;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->cpu = -1;
	vcpu->xcr0 = XCR0_X87;
	vcpu_msrs_reset(vcpu);
	vcpu_debugregs_reset(vcpu);
	mutex_init(&vcpu->mutex);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->fpu = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	r = -ENOMEM;
	if (!vcpu->run || !vcpu->fpu)
		goto err_free;
	guest_fpu_reset(vcpu->fpu);
	r = hv->vcpu_create(vcpu);
	if (r)
		goto err_free;

	mutex_lock(&vm->slots_lock);
	r = -EEXIST;
	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i]->id == id)
			goto err_unlock;
	r = -EINVAL;
	if (vm->nr_vcpus == KVMLITE_MAX_VCPUS)
		goto err_unlock;

	vm_get(vm);
	r = anon_inode_getfd("kvmlite-vcpu", &vcpu_fops, vcpu,
			     O_RDWR | O_CLOEXEC);
	if (r < 0) {
		vm_put(vm);
		goto err_unlock;
	}
	vm->vcpus[vm->nr_vcpus] = vcpu;
	/* Publish the vCPU after it is complete (vm_flush_remote_tlbs). */
	smp_store_release(&vm->nr_vcpus, vm->nr_vcpus + 1);
	mutex_unlock(&vm->slots_lock);
	kvmlite_genl_vcpu_created(vcpu);
	return r;

err_unlock:
	mutex_unlock(&vm->slots_lock);
	hv->vcpu_free(vcpu);
err_free:
	free_page((unsigned long)vcpu->fpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
	return r;
}

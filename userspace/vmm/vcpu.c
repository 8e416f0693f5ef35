// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU threads: one host thread per vCPU runs KVM_RUN in a loop and
 * dispatches each exit to the device that owns the address. Other
 * threads make it leave the guest with a signal (VCPU_KICK_SIGNAL),
 * whose handler sets kvm_run.immediate_exit: a kick that comes just
 * before KVM_RUN then makes it return at once instead of being lost.
 */
#define _GNU_SOURCE	/* pthread_timedjoin_np() */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "cpuid.h"
#include "hw/pic.h"
#include "vmm.h"

#define VCPU_KICK_SIGNAL	SIGUSR1

/* The vCPU this thread runs, for the kick handler. */
static __thread struct kvm_run *current_run;

static void vcpu_kick_handler(int sig)
{
	if (current_run)
		current_run->immediate_exit = 1;
}

int vcpu_kick_init(void)
{
	struct sigaction sa = { .sa_handler = vcpu_kick_handler };

	sigemptyset(&sa.sa_mask);
	return sigaction(VCPU_KICK_SIGNAL, &sa, NULL) ? -errno : 0;
}

/* Under the machine's lock: the thread is not joined while we signal. */
void vcpu_kick(struct vcpu *vcpu)
{
	struct vmm *vmm = vcpu->vmm;

	pthread_mutex_lock(&vmm->lock);
	if (vcpu->started && !pthread_equal(vcpu->thread, pthread_self()))
		pthread_kill(vcpu->thread, VCPU_KICK_SIGNAL);
	pthread_mutex_unlock(&vmm->lock);
}

static void vcpu_io(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint64_t bytes = (uint64_t)run->io.size * run->io.count;
	uint32_t i;

	if ((run->io.size != 1 && run->io.size != 2 && run->io.size != 4) ||
	    run->io.data_offset >= (uint64_t)vcpu->vmm->run_size ||
	    bytes > vcpu->vmm->run_size - run->io.data_offset) {
		vmm_stop(vcpu->vmm, VMM_STOP_ERROR, 1,
			 "vCPU %u: I/O exit of %u x %u bytes at 0x%llx",
			 vcpu->id, run->io.count, run->io.size,
			 (unsigned long long)run->io.data_offset);
		return;
	}
	/* "rep ins/outs": count elements, one after another. */
	for (i = 0; i < run->io.count; i++, data += run->io.size)
		bus_access(&vcpu->vmm->pio, run->io.port, data, run->io.size,
			   run->io.direction == KVM_EXIT_IO_OUT);
}

static void vcpu_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	if (run->mmio.len > sizeof(run->mmio.data)) {
		vmm_stop(vcpu->vmm, VMM_STOP_ERROR, 1,
			 "vCPU %u: MMIO exit of %u bytes", vcpu->id,
			 run->mmio.len);
		return;
	}
	bus_access(&vcpu->vmm->mmio, run->mmio.phys_addr, run->mmio.data,
		   run->mmio.len, run->mmio.is_write);
}

/*
 * HLT with no in-kernel irqchip: wait for the PIC to raise INTR. A vCPU
 * halted with interrupts disabled waits for an NMI, INIT or SMI we never
 * send: the machine has stopped for good (Linux's "System halted", or
 * its decompressor giving up), which is not a power-off.
 */
static void vcpu_halt(struct vcpu *vcpu)
{
	struct vmm *vmm = vcpu->vmm;

	if (!vmm->pic)
		return;			/* the irqchip's HLT never exits */
	if (!vcpu->run->if_flag) {
		vmm_stop(vmm, VMM_STOP_HALT, 5,
			 "vCPU %u halted with interrupts disabled", vcpu->id);
		return;
	}
	pthread_mutex_lock(&vmm->lock);
	vcpu->halted = true;
	while (vmm->stop == VMM_RUNNING && !pic_has_interrupt(vmm->pic))
		pthread_cond_wait(&vmm->wake, &vmm->lock);
	vcpu->halted = vmm->stop != VMM_RUNNING;
	pthread_mutex_unlock(&vmm->lock);
}

/*
 * Before each entry (runner's PIC): inject what the PIC has if the
 * guest can take it now, else ask KVM to exit when it can.
 */
static void vcpu_inject_irq(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	struct pic *pic = vcpu->vmm->pic;

	if (!pic_has_interrupt(pic)) {
		run->request_interrupt_window = 0;
		return;
	}
	if (run->ready_for_interrupt_injection && run->if_flag) {
		struct kvm_interrupt irq = { .irq = pic_acknowledge(pic) };

		if (ioctl(vcpu->fd, KVM_INTERRUPT, &irq) < 0) {
			vmm_stop(vcpu->vmm, VMM_STOP_ERROR, 1,
				 "vCPU %u: KVM_INTERRUPT: %s", vcpu->id,
				 strerror(errno));
			return;
		}
	}
	run->request_interrupt_window = pic_has_interrupt(pic);
}

static void vcpu_internal_error(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	char data[96] = "";
	size_t len = 0;
	uint32_t i;

	for (i = 0; i < run->internal.ndata && i < 4; i++)
		len += snprintf(data + len, sizeof(data) - len, " 0x%llx",
				(unsigned long long)run->internal.data[i]);
	vmm_stop(vcpu->vmm, VMM_STOP_CRASH, 4,
		 "vCPU %u: internal error, suberror %u%s%s", vcpu->id,
		 run->internal.suberror, len ? ", data" : "", data);
}

/* One exit: the single place that knows every exit reason we take. */
static void vcpu_handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	struct vmm *vmm = vcpu->vmm;

	vcpu->last_exit = run->exit_reason;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		vcpu->last_addr = run->io.port;
		vcpu->last_write = run->io.direction == KVM_EXIT_IO_OUT;
		vcpu_io(vcpu);
		break;
	case KVM_EXIT_MMIO:
		vcpu->last_addr = run->mmio.phys_addr;
		vcpu->last_write = run->mmio.is_write;
		vcpu_mmio(vcpu);
		break;
	case KVM_EXIT_HLT:
		vcpu_halt(vcpu);
		break;
	case KVM_EXIT_IRQ_WINDOW_OPEN:
	case KVM_EXIT_INTR:
		break;			/* the loop injects, or stops */
	case KVM_EXIT_SHUTDOWN:
		vmm_stop(vmm, VMM_STOP_CRASH, 4,
			 "vCPU %u: the guest triple-faulted", vcpu->id);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		vmm_stop(vmm, VMM_STOP_CRASH, 4,
			 "vCPU %u: guest entry failed, hardware reason 0x%llx",
			 vcpu->id,
			 (unsigned long long)
			 run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		vcpu_internal_error(vcpu);
		break;
	default:
		vmm_stop(vmm, VMM_STOP_CRASH, 4,
			 "vCPU %u: unexpected exit reason %u", vcpu->id,
			 run->exit_reason);
		break;
	}
}

static void *vcpu_thread(void *opaque)
{
	struct vcpu *vcpu = opaque;
	struct vmm *vmm = vcpu->vmm;
	sigset_t kick;

	current_run = vcpu->run;
	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);

	while (!vmm_stopping(vmm)) {
		if (!vmm->irqchip)
			vcpu_inject_irq(vcpu);
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			vcpu->run->immediate_exit = 0;
			if (errno == EINTR || errno == EAGAIN)
				continue;
			vmm_stop(vmm, VMM_STOP_ERROR, 1, "vCPU %u: KVM_RUN: %s",
				 vcpu->id, strerror(errno));
			break;
		}
		vcpu->run->immediate_exit = 0;
		vcpu_handle_exit(vcpu);
	}
	return NULL;
}

int vcpu_create(struct vmm *vmm, struct vcpu *vcpu, unsigned int id)
{
	struct kvm_cpuid2 *cpuid;
	void *run;

	vcpu->vmm = vmm;
	vcpu->id = id;
	vcpu->fd = ioctl(vmm->vm_fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0) {
		fprintf(stderr, "kvmlite run: KVM_CREATE_VCPU %u: %s\n", id,
			strerror(errno));
		return -1;
	}
	run = mmap(NULL, vmm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED) {
		fprintf(stderr, "kvmlite run: vCPU %u: mmap: %s\n", id,
			strerror(errno));
		goto err_close;
	}
	vcpu->run = run;

	cpuid = cpuid_supported(vmm->sys_fd);
	if (!cpuid) {
		fprintf(stderr,
			"kvmlite run: KVM_GET_SUPPORTED_CPUID: %s\n",
			strerror(errno));
		goto err_unmap;
	}
	cpuid_for_vcpu(cpuid, id, vmm->irqchip);
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid) < 0) {
		fprintf(stderr, "kvmlite run: vCPU %u: KVM_SET_CPUID2: %s\n",
			id, strerror(errno));
		free(cpuid);
		goto err_unmap;
	}
	free(cpuid);
	return 0;

err_unmap:
	munmap(vcpu->run, vmm->run_size);
	vcpu->run = NULL;
err_close:
	close(vcpu->fd);
	vcpu->fd = -1;
	return -1;
}

int vcpu_start(struct vcpu *vcpu)
{
	struct vmm *vmm = vcpu->vmm;
	int r;

	pthread_mutex_lock(&vmm->lock);
	r = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);
	vcpu->started = !r;
	pthread_mutex_unlock(&vmm->lock);
	return -r;
}

/*
 * The machine has stopped: the thread leaves its loop once kicked, unless
 * something outside our control holds it (a write to a terminal that
 * takes no more output): then it is left behind.
 */
bool vcpu_join(struct vcpu *vcpu, unsigned int timeout_ms)
{
	struct vmm *vmm = vcpu->vmm;
	struct timespec deadline;
	bool started;

	vcpu_kick(vcpu);
	pthread_mutex_lock(&vmm->lock);
	started = vcpu->started;
	pthread_mutex_unlock(&vmm->lock);
	if (!started)
		return true;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	if (pthread_timedjoin_np(vcpu->thread, NULL, &deadline))
		return false;
	pthread_mutex_lock(&vmm->lock);
	vcpu->started = false;
	pthread_mutex_unlock(&vmm->lock);
	return true;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (!vcpu->vmm)
		return;
	vcpu_join(vcpu, UINT_MAX);
	if (vcpu->run)
		munmap(vcpu->run, vcpu->vmm->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}

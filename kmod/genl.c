// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic netlink family "kvmlite": a monitor lists every VM and the
 * counters of its vCPUs, and follows VM events, without holding any VM's
 * fd. The ABI is documented in uapi/linux/kvmlite.h.
 *
 * The registry of VMs is one list under one mutex: VMs join it when they
 * are created and leave it first thing in vm_free(), so a VM found on the
 * list under the mutex, and its vCPUs, stay alive until the mutex is
 * dropped. vCPU counters are plain u64s that only the vCPU thread writes;
 * they are read here without any lock, each one whole (64-bit stores), so
 * counting costs the exit path nothing shared.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/kvmlite.h>
#include <net/sock.h>
#include "compat.h"
#include "vcpu.h"
#include "vm.h"

enum kvmlite_genl_mcgrp {
	KVMLITE_MCGRP_EVENTS,
};

static DEFINE_MUTEX(registry_lock);
static LIST_HEAD(registry);
static u32 registry_next_id = 1;	/* [g] */

/* What a dump keeps in cb->args between the messages it fills. */
enum dump_arg {
	DUMP_NEXT,	/* GET_VM: the next VM id; GET_VCPU: next vCPU index */
	DUMP_VM_ID,	/* the requested VM id, or 0 for all */
	DUMP_ADMIN,	/* the requester has CAP_SYS_ADMIN */
	DUMP_UID,	/* the requester's effective uid */
};

static struct genl_family kvmlite_genl_family;

/* Taken when the dump starts, in the requester's own context. */
static int dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = genl_dump_attrs(cb);

	cb->args[DUMP_NEXT] = 0;
	cb->args[DUMP_VM_ID] = attrs[KVMLITE_A_VM_ID] ?
			       nla_get_u32(attrs[KVMLITE_A_VM_ID]) : 0;
	cb->args[DUMP_ADMIN] = netlink_capable(cb->skb, CAP_SYS_ADMIN);
	cb->args[DUMP_UID] = __kuid_val(current_euid());
	return 0;
}

static bool dump_may_see(struct netlink_callback *cb, struct vm *vm)
{
	return cb->args[DUMP_ADMIN] ||
	       uid_eq(vm->uid, KUIDT_INIT(cb->args[DUMP_UID]));
}

static struct user_namespace *dump_user_ns(struct netlink_callback *cb)
{
	return sk_user_ns(NETLINK_CB(cb->skb).sk);
}

static unsigned int vm_nr_memslots(struct vm *vm)
{
	unsigned int nr;
	int idx;

	idx = srcu_read_lock(&vm->srcu);
	nr = srcu_dereference(vm->slots, &vm->srcu)->nr;
	srcu_read_unlock(&vm->srcu, idx);
	return nr;
}

static int vm_fill(struct sk_buff *skb, struct vm *vm,
		   struct user_namespace *ns)
{
	/* Statistics: the counts may be a fault behind, never torn. */
	u64 mapped = READ_ONCE(vm->s2.mapped_pages);
	u64 zapped = READ_ONCE(vm->s2.zapped_pages);
	/* Pairs with the release in vcpu_create(). */
	u32 nr_vcpus = smp_load_acquire(&vm->nr_vcpus);

	if (nla_put_u32(skb, KVMLITE_A_VM_ID, vm->id) ||
	    nla_put_u32(skb, KVMLITE_A_VM_PID, vm->pid) ||
	    nla_put_string(skb, KVMLITE_A_VM_COMM, vm->comm) ||
	    nla_put_u32(skb, KVMLITE_A_VM_UID,
			from_kuid_munged(ns, vm->uid)) ||
	    nla_put_u32(skb, KVMLITE_A_VM_NR_VCPUS, nr_vcpus) ||
	    nla_put_u32(skb, KVMLITE_A_VM_NR_MEMSLOTS, vm_nr_memslots(vm)) ||
	    nla_put_u64_64bit(skb, KVMLITE_A_VM_S2_MAPPED_BYTES,
			      mapped * PAGE_SIZE, KVMLITE_A_PAD) ||
	    nla_put_u64_64bit(skb, KVMLITE_A_VM_S2_ZAPPED_PAGES, zapped,
			      KVMLITE_A_PAD) ||
	    nla_put_u64_64bit(skb, KVMLITE_A_VM_CREATED_NS, vm->created_ns,
			      KVMLITE_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* The vCPU's u64 counters other than exits, by attribute. */
static const struct {
	u16 type;
	size_t offset;
} vcpu_counters[] = {
	{ KVMLITE_A_VCPU_USERSPACE_EXITS,
	  offsetof(struct vcpu_stats, userspace_exits) },
	{ KVMLITE_A_VCPU_S2_FAULTS, offsetof(struct vcpu_stats, s2_faults) },
	{ KVMLITE_A_VCPU_S2_MAPPED_PAGES,
	  offsetof(struct vcpu_stats, s2_mapped_pages) },
	{ KVMLITE_A_VCPU_IRQ_INJECTIONS,
	  offsetof(struct vcpu_stats, irq_injections) },
	{ KVMLITE_A_VCPU_NMI_INJECTIONS,
	  offsetof(struct vcpu_stats, nmi_injections) },
	{ KVMLITE_A_VCPU_EXCEPTION_INJECTIONS,
	  offsetof(struct vcpu_stats, exception_injections) },
	{ KVMLITE_A_VCPU_GUEST_NS, offsetof(struct vcpu_stats, guest_ns) },
};

static int vcpu_fill(struct sk_buff *skb, struct vcpu *vcpu)
{
	const struct vcpu_stats *st = &vcpu->stats;
	int cpu = READ_ONCE(vcpu->cpu);
	struct nlattr *exits;
	unsigned int i;

	if (nla_put_u32(skb, KVMLITE_A_VM_ID, vcpu->vm->id) ||
	    nla_put_u32(skb, KVMLITE_A_VCPU_ID, vcpu->id))
		return -EMSGSIZE;
	exits = nla_nest_start(skb, KVMLITE_A_VCPU_EXITS);
	if (!exits)
		return -EMSGSIZE;
	/* Type 0 in the nest is padding: reasons are numbered from 1. */
	for (i = 0; i < KVMLITE_EXIT_NR; i++)
		if (nla_put_u64_64bit(skb, i + 1, READ_ONCE(st->exits[i]), 0))
			return -EMSGSIZE;
	nla_nest_end(skb, exits);
	for (i = 0; i < ARRAY_SIZE(vcpu_counters); i++) {
		const u64 *val = (const void *)st + vcpu_counters[i].offset;

		if (nla_put_u64_64bit(skb, vcpu_counters[i].type,
				      READ_ONCE(*val), KVMLITE_A_PAD))
			return -EMSGSIZE;
	}
	if (cpu >= 0 && nla_put_u32(skb, KVMLITE_A_VCPU_HOST_CPU, cpu))
		return -EMSGSIZE;
	return 0;
}

/* The header of one message of a dump; NULL when the skb is full. */
static void *dump_msg_begin(struct sk_buff *skb, struct netlink_callback *cb,
			    u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
			   cb->nlh->nlmsg_seq, &kvmlite_genl_family,
			   NLM_F_MULTI, cmd);
}

static int get_vm_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vm *vm;
	void *hdr;

	mutex_lock(&registry_lock);
	list_for_each_entry(vm, &registry, registry) {
		if (vm->id < cb->args[DUMP_NEXT] ||
		    (cb->args[DUMP_VM_ID] && vm->id != cb->args[DUMP_VM_ID]) ||
		    !dump_may_see(cb, vm))
			continue;
		hdr = dump_msg_begin(skb, cb, KVMLITE_CMD_GET_VM);
		if (!hdr)
			break;
		if (vm_fill(skb, vm, dump_user_ns(cb))) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[DUMP_NEXT] = vm->id + 1;
	}
	mutex_unlock(&registry_lock);
	return skb->len;
}

static struct vm *registry_find(u32 id)
{
	struct vm *vm;

	lockdep_assert_held(&registry_lock);
	list_for_each_entry(vm, &registry, registry)
		if (vm->id == id)
			return vm;
	return NULL;
}

static int get_vcpu_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = genl_dump_attrs(cb);
	struct vm *vm;
	int err = 0;

	if (!attrs[KVMLITE_A_VM_ID]) {
		NL_SET_ERR_MSG(cb->extack, "KVMLITE_A_VM_ID is required");
		return -EINVAL;
	}
	dump_start(cb);
	mutex_lock(&registry_lock);
	vm = registry_find(cb->args[DUMP_VM_ID]);
	if (!vm || !dump_may_see(cb, vm)) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[KVMLITE_A_VM_ID],
				    "no such VM");
		err = -ENOENT;
	}
	mutex_unlock(&registry_lock);
	return err;
}

static int get_vcpu_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned int i, nr;
	struct vm *vm;
	void *hdr;

	mutex_lock(&registry_lock);
	/* The VM may have gone since the dump started: then it ends. */
	vm = registry_find(cb->args[DUMP_VM_ID]);
	if (!vm)
		goto out;
	/* Pairs with the release in vcpu_create(): the vCPUs are whole. */
	nr = smp_load_acquire(&vm->nr_vcpus);
	for (i = cb->args[DUMP_NEXT]; i < nr; i++) {
		hdr = dump_msg_begin(skb, cb, KVMLITE_CMD_GET_VCPU);
		if (!hdr)
			break;
		if (vcpu_fill(skb, vm->vcpus[i])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[DUMP_NEXT] = i + 1;
	}
out:
	mutex_unlock(&registry_lock);
	return skb->len;
}

/* Requests carry at most a VM id; anything else is refused (strict). */
static const struct nla_policy vm_id_policy[KVMLITE_A_VM_ID + 1] = {
	[KVMLITE_A_VM_ID] = { .type = NLA_U32 },
};

static const struct genl_ops kvmlite_genl_ops[] = {
	{
		.cmd = KVMLITE_CMD_GET_VM,
		.start = dump_start,
		.dumpit = get_vm_dumpit,
		.policy = vm_id_policy,
		.maxattr = KVMLITE_A_VM_ID,
	},
	{
		.cmd = KVMLITE_CMD_GET_VCPU,
		.start = get_vcpu_start,
		.dumpit = get_vcpu_dumpit,
		.policy = vm_id_policy,
		.maxattr = KVMLITE_A_VM_ID,
	},
};

/* Who runs which VM is no business of other users: admin only. */
static const struct genl_multicast_group kvmlite_genl_mcgrps[] = {
	[KVMLITE_MCGRP_EVENTS] = {
		.name = KVMLITE_GENL_MCGRP_EVENTS,
		GENL_MCGRP_SYS_ADMIN
	},
};

static struct genl_family kvmlite_genl_family __ro_after_init = {
	.name = KVMLITE_GENL_NAME,
	.version = KVMLITE_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = kvmlite_genl_ops,
	.n_ops = ARRAY_SIZE(kvmlite_genl_ops),
	.mcgrps = kvmlite_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kvmlite_genl_mcgrps),
	GENL_RESV_START_OP(KVMLITE_CMD_GET_VM)
};

/* An event message, or NULL when nobody listens (or memory is short). */
static struct sk_buff *event_new(u8 cmd, void **hdr)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&kvmlite_genl_family, &init_net,
				KVMLITE_MCGRP_EVENTS))
		return NULL;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &kvmlite_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

/* Events are best effort: a listener that overruns gets ENOBUFS. */
static void event_send(struct sk_buff *skb, void *hdr, int err)
{
	if (err) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&kvmlite_genl_family, skb, 0, KVMLITE_MCGRP_EVENTS,
			  GFP_KERNEL);
}

void kvmlite_genl_vm_add(struct vm *vm)
{
	struct sk_buff *skb;
	void *hdr;

	vm->pid = task_tgid_nr(current);
	vm->uid = current_euid();
	get_task_comm(vm->comm, current);
	vm->created_ns = ktime_get_boottime_ns();

	mutex_lock(&registry_lock);
	vm->id = registry_next_id++;
	list_add_tail(&vm->registry, &registry);
	mutex_unlock(&registry_lock);

	skb = event_new(KVMLITE_CMD_VM_CREATED, &hdr);
	if (skb)
		event_send(skb, hdr, vm_fill(skb, vm, &init_user_ns));
}

void kvmlite_genl_vm_remove(struct vm *vm)
{
	struct sk_buff *skb;
	void *hdr;

	mutex_lock(&registry_lock);
	list_del(&vm->registry);
	mutex_unlock(&registry_lock);

	skb = event_new(KVMLITE_CMD_VM_DESTROYED, &hdr);
	if (skb)
		event_send(skb, hdr, nla_put_u32(skb, KVMLITE_A_VM_ID, vm->id));
}

void kvmlite_genl_vcpu_created(struct vcpu *vcpu)
{
	struct sk_buff *skb;
	void *hdr;

	skb = event_new(KVMLITE_CMD_VCPU_CREATED, &hdr);
	if (skb)
		event_send(skb, hdr,
			   nla_put_u32(skb, KVMLITE_A_VM_ID, vcpu->vm->id) ||
			   nla_put_u32(skb, KVMLITE_A_VCPU_ID, vcpu->id));
}

/*
 * KVM_RUN is returning to userspace: tell listeners about the exits
 * that end or break a guest. Called on every return, so it decides
 * quickly.
 */
void kvmlite_genl_vcpu_exit(struct vcpu *vcpu)
{
	u32 reason = vcpu->run->exit_reason;
	struct sk_buff *skb;
	void *hdr;

	if (reason != KVM_EXIT_SHUTDOWN && reason != KVM_EXIT_FAIL_ENTRY &&
	    reason != KVM_EXIT_INTERNAL_ERROR)
		return;
	skb = event_new(KVMLITE_CMD_VCPU_EXIT, &hdr);
	if (skb)
		event_send(skb, hdr,
			   nla_put_u32(skb, KVMLITE_A_VM_ID, vcpu->vm->id) ||
			   nla_put_u32(skb, KVMLITE_A_VCPU_ID, vcpu->id) ||
			   nla_put_u32(skb, KVMLITE_A_EXIT_KVM_REASON, reason) ||
			   nla_put_u64_64bit(skb, KVMLITE_A_EXIT_HW_REASON,
					     vcpu->exit.hw_reason,
					     KVMLITE_A_PAD));
}

/*
 * KVM_SET_USER_MEMORY_REGION changed @slot (@old: what it was before,
 * NULL for a new slot; @slot NULL for a deletion). The caller holds
 * vm->slots_lock, so listeners see the changes of a VM in their order.
 */
void kvmlite_genl_memslot_changed(struct vm *vm, const struct memslot *old,
				  const struct memslot *slot)
{
	const struct memslot *s = slot ? slot : old;
	enum kvmlite_memslot_change change;
	struct sk_buff *skb;
	void *hdr;

	if (!old)
		change = KVMLITE_MEMSLOT_CREATE;
	else if (!slot)
		change = KVMLITE_MEMSLOT_DELETE;
	else if (slot->base_gfn != old->base_gfn)
		change = KVMLITE_MEMSLOT_MOVE;
	else
		change = KVMLITE_MEMSLOT_FLAGS;

	skb = event_new(KVMLITE_CMD_MEMSLOT_CHANGED, &hdr);
	if (skb)
		event_send(skb, hdr,
			   nla_put_u32(skb, KVMLITE_A_VM_ID, vm->id) ||
			   nla_put_u32(skb, KVMLITE_A_MEMSLOT_ID, s->id) ||
			   nla_put_u32(skb, KVMLITE_A_MEMSLOT_CHANGE, change) ||
			   nla_put_u64_64bit(skb, KVMLITE_A_MEMSLOT_GPA,
					     s->base_gfn << PAGE_SHIFT,
					     KVMLITE_A_PAD) ||
			   nla_put_u64_64bit(skb, KVMLITE_A_MEMSLOT_SIZE,
					     s->npages << PAGE_SHIFT,
					     KVMLITE_A_PAD) ||
			   nla_put_u32(skb, KVMLITE_A_MEMSLOT_FLAGS, s->flags));
}

int kvmlite_genl_init(void)
{
	return genl_register_family(&kvmlite_genl_family);
}

void kvmlite_genl_exit(void)
{
	genl_unregister_family(&kvmlite_genl_family);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kvmlite netlink family (uapi/linux/kvmlite.h), read with libnl as
 * a monitor would: a guest's exits show in the GET_VCPU dump exactly as
 * it made them, GET_VM lists every VM and forgets it when it is closed,
 * malformed requests fail cleanly, another uid sees none of our VMs, and
 * `kvmlite stat --once --json` shows the guest. KVM has no such family:
 * on /dev/kvm the whole test skips.
 */
#define _GNU_SOURCE	/* setresuid() */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/kvmlite.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define NR_OUTS		100
#define NR_VMS		100
#define PORT_COUNT	0x80
#define NOBODY		65534
#define KVMLITE_BIN	"/usr/bin/kvmlite"

/* With an empty IDT, #UD becomes #GP, #DF and a triple fault. */
GUEST_CODE(shutdown_guest, ".code32",
	   "	ud2\n");

/* Exactly NR_OUTS port writes, then HLT. */
GUEST_CODE(outs_guest, ".code32",
	   "	mov $" __stringify(NR_OUTS) ", %ecx\n"
	   "1:	outb %al, $" __stringify(PORT_COUNT) "\n"
	   "	loop 1b\n"
	   "	hlt\n");

static struct nl_sock *sk;
static int family;
static pid_t owner;	/* the test process: its VMs are ours */

/* What the dumps found: our VMs and the counters of one vCPU. */
struct found {
	unsigned int nr_vms;	/* created by this process */
	__u32 vm_id;		/* the last of them */
	unsigned int nr_vcpus;
	__u64 exits[KVMLITE_EXIT_NR];
	__u64 userspace_exits;
};

static int count_vm(struct nl_msg *msg, void *arg)
{
	struct nlattr *a[KVMLITE_A_MAX + 1];
	struct found *f = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, a, KVMLITE_A_MAX, NULL) ||
	    !a[KVMLITE_A_VM_ID] || !a[KVMLITE_A_VM_PID])
		return NL_SKIP;
	if (nla_get_u32(a[KVMLITE_A_VM_PID]) == (__u32)owner) {
		f->nr_vms++;
		f->vm_id = nla_get_u32(a[KVMLITE_A_VM_ID]);
	}
	return NL_OK;
}

static int read_vcpu(struct nl_msg *msg, void *arg)
{
	struct nlattr *a[KVMLITE_A_MAX + 1], *e;
	struct found *f = arg;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, a, KVMLITE_A_MAX, NULL) ||
	    !a[KVMLITE_A_VCPU_EXITS] || !a[KVMLITE_A_VCPU_USERSPACE_EXITS])
		return NL_SKIP;
	f->nr_vcpus++;
	f->userspace_exits = nla_get_u64(a[KVMLITE_A_VCPU_USERSPACE_EXITS]);
	nla_for_each_nested(e, a[KVMLITE_A_VCPU_EXITS], rem)
		if (nla_type(e) >= 1 && nla_type(e) <= KVMLITE_EXIT_NR)
			f->exits[nla_type(e) - 1] = nla_get_u64(e);
	return NL_OK;
}

/*
 * A dump of @cmd with one attribute of @len bytes (none if @type is 0),
 * through @parse: 0 or a negative libnl error.
 */
static int dump(__u8 cmd, int type, int len, __u64 value,
		nl_recvmsg_msg_cb_t parse, struct found *f)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err = -NLE_NOMEM;

	memset(f, 0, sizeof(*f));
	if (!msg)
		return err;
	/* Little-endian: the first @len bytes of @value are the value. */
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			 NLM_F_DUMP, cmd, KVMLITE_GENL_VERSION) ||
	    (type && nla_put(msg, type, len, &value)))
		goto out;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, parse, f);
	err = nl_send_auto(sk, msg);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
out:
	nlmsg_free(msg);
	return err;
}

static bool check_counters(const struct found *f)
{
	if (f->nr_vcpus == 1 && f->exits[KVMLITE_EXIT_IO] == NR_OUTS &&
	    f->exits[KVMLITE_EXIT_HLT] == 1 &&
	    f->userspace_exits == NR_OUTS + 1)
		return true;
	tap_diag("%u vCPUs, %llu I/O exits, %llu HLT, %llu to userspace",
		 f->nr_vcpus, (unsigned long long)f->exits[KVMLITE_EXIT_IO],
		 (unsigned long long)f->exits[KVMLITE_EXIT_HLT],
		 (unsigned long long)f->userspace_exits);
	return false;
}

static bool run_outs(struct guest *g)
{
	unsigned int i;

	for (i = 0; i < NR_OUTS; i++)
		if (!vcpu_run(&g->vcpu) ||
		    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, PORT_COUNT, 1, 1))
			return false;
	return vcpu_run_expect(&g->vcpu, KVM_EXIT_HLT);
}

/* `kvmlite stat --once --json` names our guest and its I/O exits. */
static void check_stat_json(__u32 vm_id)
{
	char line[4096], want_vm[64], want_io[64];
	bool vm_seen = false, io_seen = false;
	FILE *out;
	int status;

	if (access(KVMLITE_BIN, X_OK)) {
		tap_skip("no " KVMLITE_BIN, "kvmlite stat --once --json");
		return;
	}
	snprintf(want_vm, sizeof(want_vm), "{\"id\": %u, \"pid\": %d,",
		 vm_id, owner);
	snprintf(want_io, sizeof(want_io), "\"io\": %u,", NR_OUTS);
	out = popen(KVMLITE_BIN " stat --once --json", "r");
	if (!out) {
		tap_result(false, "kvmlite stat --once --json: popen");
		return;
	}
	while (fgets(line, sizeof(line), out)) {
		vm_seen |= !!strstr(line, want_vm);
		io_seen |= vm_seen && strstr(line, want_io);
	}
	status = pclose(out);
	/* The table too, for whoever reads the log. */
	out = popen(KVMLITE_BIN " stat --once", "r");
	while (out && fgets(line, sizeof(line), out))
		tap_diag("%.*s", (int)strcspn(line, "\n"), line);
	if (out)
		pclose(out);
	if (!vm_seen || !io_seen || status)
		tap_diag("VM seen %d, its %d I/O exits seen %d, status %#x",
			 vm_seen, NR_OUTS, io_seen, status);
	tap_result(vm_seen && io_seen && !status,
		   "kvmlite stat --once --json shows VM %u and its %u I/O exits",
		   vm_id, NR_OUTS);
}

/*
 * In a child that dropped to another uid, on a socket of its own: none of
 * our VMs is visible.
 */
static void check_other_uid(__u32 vm_id)
{
	struct found f;
	int status, err;
	pid_t child;

	fflush(stdout);
	child = fork();
	if (!child) {
		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(2);
		sk = nl_socket_alloc();
		if (!sk || genl_connect(sk))
			_exit(3);
		err = dump(KVMLITE_CMD_GET_VCPU, KVMLITE_A_VM_ID, 4, vm_id,
			   read_vcpu, &f);
		if (err != -NLE_OBJ_NOTFOUND)
			_exit(4);
		err = dump(KVMLITE_CMD_GET_VM, 0, 0, 0, count_vm, &f);
		_exit(err || f.nr_vms ? 5 : 0);
	}
	status = -1;
	if (child > 0)
		waitpid(child, &status, 0);
	if (status)
		tap_diag("child status %#x", status);
	tap_result(!status, "uid %u: GET_VM lists none of our VMs, GET_VCPU of one is ENOENT",
		   NOBODY);
}

static void check_vm_list(const struct kvm_dev *dev)
{
	static struct vm vms[NR_VMS];
	unsigned int i, made = 0;
	struct found f;
	bool ok;

	for (i = 0; i < NR_VMS; i++)
		if (!vm_create(&vms[i], dev))
			made++;
	ok = made == NR_VMS &&
	     !dump(KVMLITE_CMD_GET_VM, 0, 0, 0, count_vm, &f) &&
	     f.nr_vms == NR_VMS;
	if (!ok)
		tap_diag("%u VMs created, %u listed", made, f.nr_vms);
	tap_result(ok, "GET_VM lists all %u VMs", NR_VMS);
	for (i = 0; i < NR_VMS; i++)
		vm_destroy(&vms[i]);
	ok = !dump(KVMLITE_CMD_GET_VM, 0, 0, 0, count_vm, &f) && !f.nr_vms;
	tap_result(ok, "after close, GET_VM lists none of them");
}

#define MAX_EVENTS	8

struct events {
	__u32 vm_id;		/* 0 until VM_CREATED names it */
	unsigned int nr;
	__u8 cmd[MAX_EVENTS];
	__u32 kvm_reason;	/* of the VCPU_EXIT event */
};

/* The events of the first VM created after we started listening. */
static int record_event(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gnlh = genlmsg_hdr(nlmsg_hdr(msg));
	struct nlattr *a[KVMLITE_A_MAX + 1];
	struct events *ev = arg;
	__u32 id;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, a, KVMLITE_A_MAX, NULL) ||
	    !a[KVMLITE_A_VM_ID])
		return NL_SKIP;
	id = nla_get_u32(a[KVMLITE_A_VM_ID]);
	if (!ev->vm_id && gnlh->cmd == KVMLITE_CMD_VM_CREATED)
		ev->vm_id = id;
	if (id != ev->vm_id || ev->nr == MAX_EVENTS)
		return NL_SKIP;
	ev->cmd[ev->nr++] = gnlh->cmd;
	if (a[KVMLITE_A_EXIT_KVM_REASON])
		ev->kvm_reason = nla_get_u32(a[KVMLITE_A_EXIT_KVM_REASON]);
	return NL_OK;
}

static bool events_in_order(const struct events *ev)
{
	static const __u8 want[] = {
		KVMLITE_CMD_VM_CREATED, KVMLITE_CMD_VCPU_CREATED,
		KVMLITE_CMD_VCPU_EXIT, KVMLITE_CMD_VM_DESTROYED,
	};
	unsigned int i;

	if (ev->nr == ARRAY_SIZE(want) &&
	    !memcmp(ev->cmd, want, sizeof(want)) &&
	    ev->kvm_reason == KVM_EXIT_SHUTDOWN)
		return true;
	tap_diag("%u events for VM %u, exit reason %u:", ev->nr, ev->vm_id,
		 ev->kvm_reason);
	for (i = 0; i < ev->nr; i++)
		tap_diag("  command %u", ev->cmd[i]);
	return false;
}

/* A guest that triple-faults, watched from the "events" group. */
static void check_events(const struct kvm_dev *dev)
{
	struct events ev = { 0 };
	struct nl_sock *listener;
	struct kvm_sregs sregs;
	struct guest g;
	int grp, err;
	bool ok;

	listener = nl_socket_alloc();
	ok = listener && !genl_connect(listener);
	grp = ok ? genl_ctrl_resolve_grp(listener, KVMLITE_GENL_NAME,
					 KVMLITE_GENL_MCGRP_EVENTS) : -1;
	ok = grp >= 0 && !nl_socket_add_membership(listener, grp) &&
	     !nl_socket_set_nonblocking(listener);
	if (!ok) {
		tap_result(false, "join the \"%s\" group",
			   KVMLITE_GENL_MCGRP_EVENTS);
		nl_socket_free(listener);
		return;
	}
	nl_socket_disable_seq_check(listener);
	nl_socket_modify_cb(listener, NL_CB_VALID, NL_CB_CUSTOM, record_event,
			    &ev);

	ok = !guest_create(&g, dev, VCPU_MODE_PROT32, shutdown_guest_start,
			   shutdown_guest_end) &&
	     !vcpu_get_sregs(&g.vcpu, &sregs);
	sregs.idt.limit = 0;
	ok = ok && !vcpu_set_sregs(&g.vcpu, &sregs) &&
	     vcpu_run_expect(&g.vcpu, KVM_EXIT_SHUTDOWN);
	guest_destroy(&g);
	/* Multicast is delivered as it is sent: all of it is queued now. */
	do
		err = nl_recvmsgs_default(listener);
	while (err >= 0);
	ok = ok && err == -NLE_AGAIN && events_in_order(&ev);
	tap_result(ok, "events: VM created, vCPU created, SHUTDOWN, VM destroyed");
	nl_socket_free(listener);
}

static const struct {
	const char *what;
	__u8 cmd;
	int type, len;
	int err;		/* libnl's */
} bad_requests[] = {
	{ "GET_VCPU without KVMLITE_A_VM_ID", KVMLITE_CMD_GET_VCPU, 0, 0,
	  -NLE_INVAL },
	{ "GET_VCPU with KVMLITE_A_VM_ID as u8", KVMLITE_CMD_GET_VCPU,
	  KVMLITE_A_VM_ID, 1, -NLE_INVAL },
	{ "GET_VM with KVMLITE_A_VM_ID as u64", KVMLITE_CMD_GET_VM,
	  KVMLITE_A_VM_ID, 8, -NLE_INVAL },
	{ "GET_VM with an attribute only answers carry", KVMLITE_CMD_GET_VM,
	  KVMLITE_A_VM_PID, 4, -NLE_INVAL },
	{ "GET_VM with an unknown attribute type", KVMLITE_CMD_GET_VM,
	  KVMLITE_A_MAX + 1, 4, -NLE_INVAL },
	{ "GET_VCPU of a VM that does not exist", KVMLITE_CMD_GET_VCPU,
	  KVMLITE_A_VM_ID, 4, -NLE_OBJ_NOTFOUND },
};

int main(int argc, char **argv)
{
	struct kvm_dev dev;
	struct guest g;
	struct found f;
	unsigned int i;
	__u32 vm_id;
	int err;
	bool ok;

	kvm_dev_open(&dev, argc, argv);
	if (!dev.is_kvmlite)
		tap_skip_all("the kvmlite netlink family is kvmlite's alone");
	vm_skip_unless_supported(&dev);
	tap_plan(7 + ARRAY_SIZE(bad_requests));
	owner = getpid();

	sk = nl_socket_alloc();
	ok = sk && !genl_connect(sk);
	family = ok ? genl_ctrl_resolve(sk, KVMLITE_GENL_NAME) : -1;
	tap_result(family > 0, "generic netlink family \"%s\" resolves",
		   KVMLITE_GENL_NAME);
	if (family <= 0)
		return tap_finish();

	ok = !guest_create(&g, &dev, VCPU_MODE_PROT32, outs_guest_start,
			   outs_guest_end) && run_outs(&g);
	ok = ok && !dump(KVMLITE_CMD_GET_VM, 0, 0, 0, count_vm, &f) &&
	     f.nr_vms == 1;
	vm_id = f.vm_id;
	ok = ok && !dump(KVMLITE_CMD_GET_VCPU, KVMLITE_A_VM_ID, 4, vm_id,
			 read_vcpu, &f) && check_counters(&f);
	tap_result(ok, "%u port writes: %u I/O exits, %u to userspace",
		   NR_OUTS, NR_OUTS, NR_OUTS + 1);
	check_stat_json(vm_id);
	check_other_uid(vm_id);

	for (i = 0; i < ARRAY_SIZE(bad_requests); i++) {
		/* A VM id no VM has had: ids count up from 1. */
		err = dump(bad_requests[i].cmd, bad_requests[i].type,
			   bad_requests[i].len, 0xfffffff0, read_vcpu, &f);
		if (err != bad_requests[i].err)
			tap_diag("got \"%s\", want \"%s\"", nl_geterror(err),
				 nl_geterror(bad_requests[i].err));
		tap_result(err == bad_requests[i].err, "%s: %s",
			   bad_requests[i].what,
			   nl_geterror(bad_requests[i].err));
	}
	guest_destroy(&g);

	check_events(&dev);
	check_vm_list(&dev);
	nl_socket_free(sk);
	return tap_finish();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kvmlite netlink family (uapi/linux/kvmlite.h), read with libnl as
 * a monitor would: a guest's exits show in the GET_VCPU dump exactly as
 * it made them, and so do the pages it maps, the host's zaps, the
 * interrupts, NMIs and exceptions injected and its time in guest mode;
 * GET_VM lists every VM and forgets it when it is closed, malformed
 * requests fail cleanly, another uid sees none of our VMs and may not
 * follow events, events (memslot changes among them) arrive in order,
 * and `kvmlite stat --once --json` parses and agrees with the dumps. KVM
 * has no such family: on /dev/kvm the whole test skips.
 */
#define _GNU_SOURCE	/* setresuid() */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
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

/* The counters guest: what it touches, where it reports, what it raises. */
#define TOUCH_SLOT	1
#define TOUCH_GPA	0x1000000
#define TOUCH_PAGES	64
#define PAGE_SIZE	4096
#define PORT_STEP	0x81	/* a step of the guest is done */
#define PORT_HANDLER	0x82	/* a handler ran: AL = its vector */
#define IRQ_VECTOR	0x30
#define NMI_VECTOR	2
#define GP_VECTOR	13
#define UNKNOWN_MSR	0xdeadbeef
#define IDT_LIMIT	0xfff

/*
 * Reports, writes one byte to each of TOUCH_PAGES pages and reports
 * again; enables interrupts (the host's KVM_INTERRUPT arrives after the
 * STI shadow) and reports; then (the host's KVM_NMI arrives at the entry)
 * reads an MSR no one has, whose #GP the library's stub reports.
 */
GUEST_CODE(count_guest, ".code64",
	   "	outb %al, $" __stringify(PORT_STEP) "\n"
	   "	mov $" __stringify(TOUCH_GPA) ", %rdi\n"
	   "	mov $" __stringify(TOUCH_PAGES) ", %ecx\n"
	   "1:	movb $1, (%rdi)\n"
	   "	add $" __stringify(PAGE_SIZE) ", %rdi\n"
	   "	loop 1b\n"
	   "	outb %al, $" __stringify(PORT_STEP) "\n"
	   "	sti\n"
	   "	nop\n"
	   "	outb %al, $" __stringify(PORT_STEP) "\n"
	   "	mov $" __stringify(UNKNOWN_MSR) ", %ecx\n"
	   "	rdmsr\n"
	   "	.p2align 4\n"
	   "count_guest_irq:\n"
	   "	movb $" __stringify(IRQ_VECTOR) ", %al\n"
	   "	outb %al, $" __stringify(PORT_HANDLER) "\n"
	   "	iretq\n"
	   "	.p2align 4\n"
	   "count_guest_nmi:\n"
	   "	movb $" __stringify(NMI_VECTOR) ", %al\n"
	   "	outb %al, $" __stringify(PORT_HANDLER) "\n"
	   "	iretq\n");
extern const unsigned char count_guest_irq[], count_guest_nmi[];

static struct nl_sock *sk;
static int family;
static pid_t owner;	/* the test process: its VMs are ours */

/* What the dumps found: our VMs and the counters of one vCPU. */
struct found {
	unsigned int nr_vms;	/* created by this process */
	__u32 vm_id;		/* the last of them */
	unsigned int nr_vcpus;
	__u64 exits[KVMLITE_EXIT_NR];
	/* The u32 and u64 attributes of the last message, by type. */
	bool has[KVMLITE_A_MAX + 1];
	__u64 attr[KVMLITE_A_MAX + 1];
};

static void keep_attrs(struct nlattr **a, struct found *f)
{
	int t;

	for (t = 1; t <= KVMLITE_A_MAX; t++) {
		f->has[t] = a[t] && (nla_len(a[t]) == 4 || nla_len(a[t]) == 8);
		if (!f->has[t])
			continue;
		f->attr[t] = nla_len(a[t]) == 4 ? nla_get_u32(a[t]) :
						  nla_get_u64(a[t]);
	}
}

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
		keep_attrs(a, f);
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
	keep_attrs(a, f);
	nla_for_each_nested(e, a[KVMLITE_A_VCPU_EXITS], rem)
		if (nla_type(e) >= 1 && nla_type(e) <= KVMLITE_EXIT_NR)
			f->exits[nla_type(e) - 1] = nla_get_u64(e);
	return NL_OK;
}

/*
 * A request for @cmd with @flags and one attribute of @len bytes (none if
 * @type is 0), its answers through @parse: 0 or a negative libnl error.
 */
static int request(__u8 cmd, int flags, int type, int len, __u64 value,
		   nl_recvmsg_msg_cb_t parse, struct found *f)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err = -NLE_NOMEM;

	memset(f, 0, sizeof(*f));
	if (!msg)
		return err;
	/* Little-endian: the first @len bytes of @value are the value. */
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags,
			 cmd, KVMLITE_GENL_VERSION) ||
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

static int dump(__u8 cmd, int type, int len, __u64 value,
		nl_recvmsg_msg_cb_t parse, struct found *f)
{
	return request(cmd, NLM_F_DUMP, type, len, value, parse, f);
}

/* GET_VM of @vm_id: 0 when found. */
static int dump_vm(__u32 vm_id, struct found *f)
{
	int err = dump(KVMLITE_CMD_GET_VM, KVMLITE_A_VM_ID, 4, vm_id,
		       count_vm, f);

	return err ? err : f->nr_vms == 1 ? 0 : -NLE_OBJ_NOTFOUND;
}

/* GET_VCPU of @vm_id, whose one vCPU we want: 0 when found. */
static int dump_vcpu(__u32 vm_id, struct found *f)
{
	int err = dump(KVMLITE_CMD_GET_VCPU, KVMLITE_A_VM_ID, 4, vm_id,
		       read_vcpu, f);

	return err ? err : f->nr_vcpus == 1 ? 0 : -NLE_OBJ_NOTFOUND;
}

static bool check_counters(const struct found *f)
{
	if (f->nr_vcpus == 1 && f->exits[KVMLITE_EXIT_IO] == NR_OUTS &&
	    f->exits[KVMLITE_EXIT_HLT] == 1 &&
	    f->attr[KVMLITE_A_VCPU_USERSPACE_EXITS] == NR_OUTS + 1)
		return true;
	tap_diag("%u vCPUs, %llu I/O exits, %llu HLT, %llu to userspace",
		 f->nr_vcpus, (unsigned long long)f->exits[KVMLITE_EXIT_IO],
		 (unsigned long long)f->exits[KVMLITE_EXIT_HLT],
		 (unsigned long long)f->attr[KVMLITE_A_VCPU_USERSPACE_EXITS]);
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

/* A 64-bit interrupt gate (SDM Vol. 3, "IDT Descriptors") */
static int write_gate(struct guest *g, const struct kvm_sregs *sregs,
		      unsigned int vector, const unsigned char *code)
{
	unsigned long long handler = VM_CODE_GPA + (code - count_guest_start);
	unsigned long long *gate = vm_gpa_to_hva(&g->vm, sregs->idt.base +
						 vector * 16, 16);

	if (!gate)
		return -1;
	gate[0] = (handler & 0xffff) |
		  (unsigned long long)sregs->cs.selector << 16 |
		  0x8eULL << 40 | ((handler >> 16) & 0xffff) << 48;
	gate[1] = handler >> 32;
	return 0;
}

static int count_guest_create(struct guest *g, const struct kvm_dev *dev,
			      void **touch)
{
	struct kvm_sregs sregs;

	if (guest_create(g, dev, VCPU_MODE_LONG, count_guest_start,
			 count_guest_end))
		return -1;
	*touch = vm_add_memory(&g->vm, TOUCH_SLOT, 0, TOUCH_GPA,
			       TOUCH_PAGES * PAGE_SIZE);
	if (!*touch || vcpu_get_sregs(&g->vcpu, &sregs) ||
	    write_gate(g, &sregs, IRQ_VECTOR, count_guest_irq) ||
	    write_gate(g, &sregs, NMI_VECTOR, count_guest_nmi))
		return -1;
	sregs.idt.limit = IDT_LIMIT;
	return vcpu_set_sregs(&g->vcpu, &sregs);
}

/*
 * The guest runs to its next report on @port; a handler's or an
 * exception stub's report carries @al, the vector.
 */
static bool run_to(struct guest *g, __u16 port, __u8 al)
{
	const __u8 *data;

	if (!vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, port,
			   port == VM_PORT_EXCEPTION ? 4 : 1, 1))
		return false;
	data = vcpu_io_data(&g->vcpu);
	if (port != PORT_HANDLER && port != VM_PORT_EXCEPTION)
		return true;
	if (data && *data == al)
		return true;
	tap_diag("port %#x reported %d, want %u", port, data ? *data : -1, al);
	return false;
}

static __u64 delta(const struct found *now, const struct found *then,
		   int type)
{
	return now->attr[type] - then->attr[type];
}

/*
 * The counters beyond exits, one guest through them all: pages mapped by
 * its faults and zapped by the host, injections, time in guest mode.
 * Returns the VM's id for the JSON check, 0 if it went wrong early.
 */
static __u32 check_new_counters(const struct kvm_dev *dev, struct guest *g)
{
	struct found v0, v1, vm0, vm1, vm2;
	struct kvm_interrupt irq = { .irq = IRQ_VECTOR };
	void *touch;
	bool ok;

	ok = !count_guest_create(g, dev, &touch) && run_to(g, PORT_STEP, 0) &&
	     !dump(KVMLITE_CMD_GET_VM, 0, 0, 0, count_vm, &vm0) &&
	     !dump_vcpu(vm0.vm_id, &v0) && run_to(g, PORT_STEP, 0) &&
	     !dump_vm(vm0.vm_id, &vm1) && !dump_vcpu(vm0.vm_id, &v1);
	tap_result(ok &&
		   tap_check_u64("pages mapped by the vCPU",
				 delta(&v1, &v0, KVMLITE_A_VCPU_S2_MAPPED_PAGES),
				 TOUCH_PAGES) &&
		   tap_check_u64("bytes mapped in the VM",
				 delta(&vm1, &vm0,
				       KVMLITE_A_VM_S2_MAPPED_BYTES),
				 TOUCH_PAGES * PAGE_SIZE),
		   "guest writes %u pages: %u pages mapped, %u KiB more mapped",
		   TOUCH_PAGES, TOUCH_PAGES, TOUCH_PAGES * PAGE_SIZE / 1024);
	if (!ok)
		return 0;

	ok = !madvise(touch, TOUCH_PAGES * PAGE_SIZE, MADV_DONTNEED) &&
	     !dump_vm(vm0.vm_id, &vm2);
	tap_result(ok &&
		   tap_check_u64("pages zapped",
				 delta(&vm2, &vm1, KVMLITE_A_VM_S2_ZAPPED_PAGES),
				 TOUCH_PAGES) &&
		   tap_check_u64("bytes mapped after the zap",
				 vm2.attr[KVMLITE_A_VM_S2_MAPPED_BYTES],
				 vm0.attr[KVMLITE_A_VM_S2_MAPPED_BYTES]),
		   "MADV_DONTNEED of them: %u pages zapped", TOUCH_PAGES);

	ok = !ioctl(g->vcpu.fd, KVM_INTERRUPT, &irq) &&
	     run_to(g, PORT_HANDLER, IRQ_VECTOR) && run_to(g, PORT_STEP, 0) &&
	     !ioctl(g->vcpu.fd, KVM_NMI) &&
	     run_to(g, PORT_HANDLER, NMI_VECTOR) &&
	     run_to(g, VM_PORT_EXCEPTION, GP_VECTOR) &&
	     !dump_vcpu(vm0.vm_id, &v1);
	tap_result(ok &&
		   tap_check_u64("interrupts injected",
				 delta(&v1, &v0, KVMLITE_A_VCPU_IRQ_INJECTIONS),
				 1) &&
		   tap_check_u64("NMIs injected",
				 delta(&v1, &v0, KVMLITE_A_VCPU_NMI_INJECTIONS),
				 1) &&
		   tap_check_u64("exceptions injected",
				 delta(&v1, &v0,
				       KVMLITE_A_VCPU_EXCEPTION_INJECTIONS), 1),
		   "KVM_INTERRUPT, KVM_NMI and a #GP for RDMSR: one injection each");

	ok = ok && v1.attr[KVMLITE_A_VCPU_GUEST_NS] > 0 &&
	     v1.attr[KVMLITE_A_VCPU_GUEST_NS] >= v0.attr[KVMLITE_A_VCPU_GUEST_NS];
	if (!ok)
		tap_diag("time in guest mode %llu ns, %llu ns before",
			 (unsigned long long)v1.attr[KVMLITE_A_VCPU_GUEST_NS],
			 (unsigned long long)v0.attr[KVMLITE_A_VCPU_GUEST_NS]);
	tap_result(ok, "time in guest mode counts");
	return vm0.vm_id;
}

/*
 * A JSON checker, enough for `kvmlite stat --json`: it checks the whole
 * grammar and keeps every number by its path ("vms.0.vcpus.1.guest_ns").
 */
struct json_num {
	char path[128];
	long long val;
};

struct json {
	const char *p;
	char path[128];
	struct json_num *nums;
	unsigned int nr;
};

#define JSON_MAX_DEPTH	16

static bool json_value(struct json *j, int depth);

static void json_ws(struct json *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

/* A string; its characters (escapes as written) into @out. */
static bool json_str(struct json *j, char *out, size_t size)
{
	size_t n = 0;
	int i;

	if (*j->p++ != '"')
		return false;
	for (; *j->p != '"'; j->p++) {
		if ((unsigned char)*j->p < 0x20)
			return false;	/* the end of the text among them */
		if (*j->p == '\\') {
			j->p++;
			if (*j->p == 'u') {
				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)j->p[i]))
						return false;
				j->p += 4;
			} else if (!*j->p || !strchr("\"\\/bfnrt", *j->p)) {
				return false;
			}
		}
		if (n + 1 < size)
			out[n++] = *j->p;
	}
	out[n] = '\0';
	j->p++;
	return true;
}

static void json_digits(struct json *j)
{
	while (isdigit((unsigned char)*j->p))
		j->p++;
}

static bool json_number(struct json *j)
{
	const char *start = j->p;
	struct json_num *nums;

	if (*j->p == '-')
		j->p++;
	if (!isdigit((unsigned char)*j->p))
		return false;
	if (*j->p++ != '0')
		json_digits(j);
	if (*j->p == '.') {
		j->p++;
		if (!isdigit((unsigned char)*j->p))
			return false;
		json_digits(j);
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!isdigit((unsigned char)*j->p))
			return false;
		json_digits(j);
	}
	nums = realloc(j->nums, (j->nr + 1) * sizeof(*nums));
	if (!nums)
		return false;
	j->nums = nums;
	snprintf(nums[j->nr].path, sizeof(nums[j->nr].path), "%s", j->path);
	nums[j->nr++].val = strtoll(start, NULL, 10);
	return true;
}

/* Append ".@name" to the path for one member, parse it, take it off. */
static bool json_member(struct json *j, const char *name, int depth)
{
	size_t len = strlen(j->path);
	bool ok;

	snprintf(j->path + len, sizeof(j->path) - len, "%s%s",
		 len ? "." : "", name);
	ok = json_value(j, depth);
	j->path[len] = '\0';
	return ok;
}

static bool json_object(struct json *j, int depth)
{
	char key[64];

	j->p++;
	json_ws(j);
	if (*j->p == '}') {
		j->p++;
		return true;
	}
	for (;;) {
		json_ws(j);
		if (!json_str(j, key, sizeof(key)))
			return false;
		json_ws(j);
		if (*j->p++ != ':' || !json_member(j, key, depth))
			return false;
		json_ws(j);
		if (*j->p == '}') {
			j->p++;
			return true;
		}
		if (*j->p++ != ',')
			return false;
	}
}

static bool json_array(struct json *j, int depth)
{
	unsigned int i;
	char index[16];

	j->p++;
	json_ws(j);
	if (*j->p == ']') {
		j->p++;
		return true;
	}
	for (i = 0;; i++) {
		snprintf(index, sizeof(index), "%u", i);
		if (!json_member(j, index, depth))
			return false;
		json_ws(j);
		if (*j->p == ']') {
			j->p++;
			return true;
		}
		if (*j->p++ != ',')
			return false;
	}
}

static bool json_literal(struct json *j, const char *word)
{
	size_t len = strlen(word);

	if (strncmp(j->p, word, len))
		return false;
	j->p += len;
	return true;
}

static bool json_value(struct json *j, int depth)
{
	char str[1];

	if (depth > JSON_MAX_DEPTH)
		return false;
	json_ws(j);
	switch (*j->p) {
	case '{':
		return json_object(j, depth + 1);
	case '[':
		return json_array(j, depth + 1);
	case '"':
		return json_str(j, str, sizeof(str));
	case 't':
		return json_literal(j, "true");
	case 'f':
		return json_literal(j, "false");
	case 'n':
		return json_literal(j, "null");
	default:
		return json_number(j);
	}
}

/* The whole text is one JSON value. */
static bool json_parse(struct json *j, const char *text)
{
	memset(j, 0, sizeof(*j));
	j->p = text;
	if (!json_value(j, 0))
		return false;
	json_ws(j);
	return !*j->p;
}

static __printf(2, 3) const struct json_num *
json_get(const struct json *j, const char *fmt, ...)
{
	char path[128];
	unsigned int i;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	for (i = 0; i < j->nr; i++)
		if (!strcmp(j->nums[i].path, path))
			return &j->nums[i];
	return NULL;
}

/* A JSON key of `kvmlite stat` and the attribute it shows. */
struct json_key {
	const char *key;
	int type;
};

static const struct json_key vm_keys[] = {
	{ "id", KVMLITE_A_VM_ID },
	{ "pid", KVMLITE_A_VM_PID },
	{ "uid", KVMLITE_A_VM_UID },
	{ "nr_vcpus", KVMLITE_A_VM_NR_VCPUS },
	{ "nr_memslots", KVMLITE_A_VM_NR_MEMSLOTS },
	{ "s2_mapped_bytes", KVMLITE_A_VM_S2_MAPPED_BYTES },
	{ "s2_zapped_pages", KVMLITE_A_VM_S2_ZAPPED_PAGES },
	{ "created_ns", KVMLITE_A_VM_CREATED_NS },
};

static const struct json_key vcpu_keys[] = {
	{ "id", KVMLITE_A_VCPU_ID },
	{ "host_cpu", KVMLITE_A_VCPU_HOST_CPU },
	{ "userspace_exits", KVMLITE_A_VCPU_USERSPACE_EXITS },
	{ "s2_faults", KVMLITE_A_VCPU_S2_FAULTS },
	{ "s2_mapped_pages", KVMLITE_A_VCPU_S2_MAPPED_PAGES },
	{ "irq_injections", KVMLITE_A_VCPU_IRQ_INJECTIONS },
	{ "nmi_injections", KVMLITE_A_VCPU_NMI_INJECTIONS },
	{ "exception_injections", KVMLITE_A_VCPU_EXCEPTION_INJECTIONS },
	{ "guest_ns", KVMLITE_A_VCPU_GUEST_NS },
};

/* Every value in @prefix (a VM or vCPU) is the dump's. */
static bool json_matches(const struct json *j, const char *prefix,
			 const struct found *f, const struct json_key *keys,
			 unsigned int nr)
{
	const struct json_num *n;
	bool ok = true;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		n = json_get(j, "%s.%s", prefix, keys[i].key);
		if (!n || !f->has[keys[i].type] ||
		    (__u64)n->val != f->attr[keys[i].type]) {
			tap_diag("%s.%s: %lld in the JSON, %llu in the dump",
				 prefix, keys[i].key, n ? n->val : -1LL,
				 (unsigned long long)f->attr[keys[i].type]);
			ok = false;
		}
	}
	return ok;
}

/* The exits of @prefix, in the order of the reasons, are the dump's. */
static bool json_exits_match(const struct json *j, const char *prefix,
			     const struct found *f)
{
	size_t len = strlen(prefix);
	unsigned int i, r = 0;
	bool ok = true;

	for (i = 0; i < j->nr; i++) {
		if (strncmp(j->nums[i].path, prefix, len) ||
		    j->nums[i].path[len] != '.')
			continue;
		if (r >= KVMLITE_EXIT_NR ||
		    (__u64)j->nums[i].val != f->exits[r]) {
			tap_diag("%s: %lld, the dump has reason %u at %llu",
				 j->nums[i].path, j->nums[i].val, r,
				 r < KVMLITE_EXIT_NR ?
				 (unsigned long long)f->exits[r] : 0ULL);
			ok = false;
		}
		r++;
	}
	return ok && tap_check_u64("exit reasons in the JSON", r,
				   KVMLITE_EXIT_NR);
}

static char *read_all(FILE *in)
{
	size_t len = 0, size = 0;
	char *buf = NULL, *bigger;

	do {
		if (size - len < 4096) {
			size = size * 2 + 8192;
			bigger = realloc(buf, size);
			if (!bigger) {
				free(buf);
				return NULL;
			}
			buf = bigger;
		}
		len += fread(buf + len, 1, size - len - 1, in);
	} while (!feof(in) && !ferror(in));
	buf[len] = '\0';
	return buf;
}

/*
 * `kvmlite stat --once --json` is JSON, and what it says of VM @vm_id,
 * whose vCPU is not running, is what the dumps say.
 */
static void check_stat_json(__u32 vm_id)
{
	const struct json_num *n;
	char prefix[64], line[256];
	struct found vm, vcpu;
	struct json j = { 0 };
	bool ok = false;
	unsigned int i;
	char *text;
	FILE *out;
	int status;

	if (access(KVMLITE_BIN, X_OK)) {
		tap_skip("no " KVMLITE_BIN, "kvmlite stat --once --json");
		return;
	}
	out = popen(KVMLITE_BIN " stat --once --json", "r");
	text = out ? read_all(out) : NULL;
	status = out ? pclose(out) : -1;
	if (!text || status || !json_parse(&j, text)) {
		tap_diag("status %#x, JSON %s near offset %td", status,
			 text ? "malformed" : "missing",
			 text ? j.p - text : 0);
		goto out;
	}
	for (i = 0; (n = json_get(&j, "vms.%u.id", i)); i++)
		if (n->val == vm_id)
			break;
	if (!n) {
		tap_diag("VM %u not in the JSON", vm_id);
		goto out;
	}
	snprintf(prefix, sizeof(prefix), "vms.%u", i);
	ok = !dump_vm(vm_id, &vm) && !dump_vcpu(vm_id, &vcpu) &&
	     json_matches(&j, prefix, &vm, vm_keys, ARRAY_SIZE(vm_keys));
	snprintf(prefix, sizeof(prefix), "vms.%u.vcpus.0", i);
	ok = ok && json_matches(&j, prefix, &vcpu, vcpu_keys,
				ARRAY_SIZE(vcpu_keys));
	snprintf(prefix, sizeof(prefix), "vms.%u.vcpus.0.exits", i);
	ok = ok && json_exits_match(&j, prefix, &vcpu);
out:
	/* The table too, for whoever reads the log. */
	out = popen(KVMLITE_BIN " stat --once", "r");
	while (out && fgets(line, sizeof(line), out))
		tap_diag("%.*s", (int)strcspn(line, "\n"), line);
	if (out)
		pclose(out);
	free(j.nums);
	free(text);
	tap_result(ok, "kvmlite stat --once --json parses, VM %u as the dumps have it",
		   vm_id);
}

/*
 * In a child that dropped to another uid, on a socket of its own: none of
 * our VMs is visible.
 */
static void check_other_uid(__u32 vm_id)
{
	int status, err, grp;
	struct found f;
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
		if (err || f.nr_vms)
			_exit(5);
		grp = genl_ctrl_resolve_grp(sk, KVMLITE_GENL_NAME,
					    KVMLITE_GENL_MCGRP_EVENTS);
		if (grp < 0)
			_exit(6);
		_exit(nl_socket_add_membership(sk, grp) ? 0 : 7);
	}
	status = -1;
	if (child > 0)
		waitpid(child, &status, 0);
	if (status)
		tap_diag("child status %#x", status);
	tap_result(!status, "uid %u: GET_VM lists none of our VMs, GET_VCPU of one is ENOENT, the events group is closed",
		   NOBODY);
}

static unsigned int nr_datagrams;

/* libnl's receive, counted: one call reads one datagram. */
static int counting_recv(struct nl_sock *s, struct sockaddr_nl *nla,
			 unsigned char **buf, struct ucred **creds)
{
	nr_datagrams++;
	return nl_recv(s, nla, buf, creds);
}

/*
 * The kernel fills a dump's datagrams up to the reader's buffer size:
 * read with one page, NR_VMS VMs take several, and the dump resumes
 * where each ended. A socket of its own: the buffer size a socket ever
 * read with is the one that counts.
 */
static void check_vm_list(const struct kvm_dev *dev)
{
	static struct vm vms[NR_VMS];
	struct nl_sock *main_sk = sk;
	unsigned int i, made = 0;
	struct found f = { 0 };
	bool ok;

	for (i = 0; i < NR_VMS; i++)
		if (!vm_create(&vms[i], dev))
			made++;
	sk = nl_socket_alloc();
	ok = sk && !genl_connect(sk) &&
	     !nl_socket_set_msg_buf_size(sk, PAGE_SIZE);
	if (ok) {
		struct nl_cb *cb = nl_socket_get_cb(sk);

		nl_cb_overwrite_recv(cb, counting_recv);
		nl_cb_put(cb);
		nr_datagrams = 0;
		ok = made == NR_VMS &&
		     !dump(KVMLITE_CMD_GET_VM, 0, 0, 0, count_vm, &f) &&
		     f.nr_vms == NR_VMS && nr_datagrams >= 3;
	}
	nl_socket_free(sk);
	sk = main_sk;
	if (!ok)
		tap_diag("%u VMs created, %u listed in %u datagrams", made,
			 f.nr_vms, nr_datagrams);
	tap_result(ok, "GET_VM lists all %u VMs, in %u datagrams of a page",
		   NR_VMS, nr_datagrams);
	for (i = 0; i < NR_VMS; i++)
		vm_destroy(&vms[i]);
	ok = !dump(KVMLITE_CMD_GET_VM, 0, 0, 0, count_vm, &f) && !f.nr_vms;
	tap_result(ok, "after close, GET_VM lists none of them");
}

#define MAX_EVENTS	12
#define EV_SLOT		1
#define EV_SLOT_GPA	0x400000
#define EV_SLOT_MOVED	0x800000
#define EV_SLOT_SIZE	0x2000

struct slot_event {
	__u32 change, slot, flags;
	__u64 gpa, size;
};

struct events {
	__u32 vm_id;		/* 0 until VM_CREATED names it */
	unsigned int nr;
	__u8 cmd[MAX_EVENTS];
	__u32 kvm_reason;	/* of the VCPU_EXIT event */
	unsigned int nr_slots;
	struct slot_event slot[MAX_EVENTS];
};

/* A MEMSLOT_CHANGED event's attributes. */
static void record_slot(struct nlattr **a, struct events *ev)
{
	struct slot_event *s = &ev->slot[ev->nr_slots++];

	if (!a[KVMLITE_A_MEMSLOT_CHANGE] || !a[KVMLITE_A_MEMSLOT_ID] ||
	    !a[KVMLITE_A_MEMSLOT_FLAGS] || !a[KVMLITE_A_MEMSLOT_GPA] ||
	    !a[KVMLITE_A_MEMSLOT_SIZE]) {
		s->change = -1;	/* no such change: fails the comparison */
		return;
	}
	s->change = nla_get_u32(a[KVMLITE_A_MEMSLOT_CHANGE]);
	s->slot = nla_get_u32(a[KVMLITE_A_MEMSLOT_ID]);
	s->flags = nla_get_u32(a[KVMLITE_A_MEMSLOT_FLAGS]);
	s->gpa = nla_get_u64(a[KVMLITE_A_MEMSLOT_GPA]);
	s->size = nla_get_u64(a[KVMLITE_A_MEMSLOT_SIZE]);
}

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
	if (gnlh->cmd == KVMLITE_CMD_MEMSLOT_CHANGED)
		record_slot(a, ev);
	if (a[KVMLITE_A_EXIT_KVM_REASON])
		ev->kvm_reason = nla_get_u32(a[KVMLITE_A_EXIT_KVM_REASON]);
	return NL_OK;
}

static bool events_in_order(const struct events *ev)
{
	static const __u8 want[] = {
		KVMLITE_CMD_VM_CREATED, KVMLITE_CMD_MEMSLOT_CHANGED,
		KVMLITE_CMD_VCPU_CREATED, KVMLITE_CMD_MEMSLOT_CHANGED,
		KVMLITE_CMD_MEMSLOT_CHANGED, KVMLITE_CMD_MEMSLOT_CHANGED,
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

/* guest_create()'s slot 0, then slot EV_SLOT created, moved, deleted. */
static bool slot_events_right(const struct events *ev)
{
	static const struct slot_event want[] = {
		{ KVMLITE_MEMSLOT_CREATE, 0, 0, VM_SYS_GPA, VM_SYS_SIZE },
		{ KVMLITE_MEMSLOT_CREATE, EV_SLOT, KVM_MEM_READONLY,
		  EV_SLOT_GPA, EV_SLOT_SIZE },
		{ KVMLITE_MEMSLOT_MOVE, EV_SLOT, KVM_MEM_READONLY,
		  EV_SLOT_MOVED, EV_SLOT_SIZE },
		{ KVMLITE_MEMSLOT_DELETE, EV_SLOT, KVM_MEM_READONLY,
		  EV_SLOT_MOVED, EV_SLOT_SIZE },
	};
	unsigned int i;
	bool ok = ev->nr_slots == ARRAY_SIZE(want);

	for (i = 0; ok && i < ARRAY_SIZE(want); i++)
		ok = ev->slot[i].change == want[i].change &&
		     ev->slot[i].slot == want[i].slot &&
		     ev->slot[i].flags == want[i].flags &&
		     ev->slot[i].gpa == want[i].gpa &&
		     ev->slot[i].size == want[i].size;
	if (ok)
		return true;
	tap_diag("%u memslot events:", ev->nr_slots);
	for (i = 0; i < ev->nr_slots; i++)
		tap_diag("  change %u slot %u flags %#x gpa %#llx size %#llx",
			 ev->slot[i].change, ev->slot[i].slot,
			 ev->slot[i].flags,
			 (unsigned long long)ev->slot[i].gpa,
			 (unsigned long long)ev->slot[i].size);
	return false;
}

/*
 * The slot changes of a guest: a read-only slot created, set again as it
 * is (which changes nothing, as on KVM: no event), moved and deleted.
 */
static bool change_slots(struct guest *g)
{
	void *hva = vm_add_memory(&g->vm, EV_SLOT, KVM_MEM_READONLY,
				  EV_SLOT_GPA, EV_SLOT_SIZE);

	return hva &&
	       !vm_set_memory_region(&g->vm, EV_SLOT, KVM_MEM_READONLY,
				     EV_SLOT_GPA, EV_SLOT_SIZE,
				     (uintptr_t)hva) &&
	       !vm_set_memory_region(&g->vm, EV_SLOT, KVM_MEM_READONLY,
				     EV_SLOT_MOVED, EV_SLOT_SIZE,
				     (uintptr_t)hva) &&
	       !vm_set_memory_region(&g->vm, EV_SLOT, KVM_MEM_READONLY,
				     EV_SLOT_MOVED, 0, (uintptr_t)hva);
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
			   shutdown_guest_end) && change_slots(&g) &&
	     !vcpu_get_sregs(&g.vcpu, &sregs);
	sregs.idt.limit = 0;
	ok = ok && !vcpu_set_sregs(&g.vcpu, &sregs) &&
	     vcpu_run_expect(&g.vcpu, KVM_EXIT_SHUTDOWN);
	guest_destroy(&g);
	/* Multicast is delivered as it is sent: all of it is queued now. */
	do
		err = nl_recvmsgs_default(listener);
	while (err >= 0);
	ok = ok && err == -NLE_AGAIN;
	tap_result(ok && events_in_order(&ev),
		   "events: VM created, memslot, vCPU created, 3 memslot, SHUTDOWN, VM destroyed");
	tap_result(ok && slot_events_right(&ev),
		   "memslot events: create, create, move, delete with slot, flags, GPA, size");
	nl_socket_free(listener);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * `kvmlite events --json` prints one JSON line per event as it happens:
 * here those of a guest created and destroyed. It follows the group once
 * it prints anything, so VMs come and go until it does.
 */
static void check_events_cli(const struct kvm_dev *dev)
{
	static const char *const want[] = {
		"vm_created", "memslot", "vcpu_created", "vm_destroyed",
	};
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned int seen = 0, tries;
	const struct json_num *n;
	char line[512], tag[64];
	struct pollfd pfd;
	bool ok = true;
	struct json j;
	struct found f;
	struct guest g;
	struct vm vm;
	int fds[2];
	pid_t child;
	FILE *in;

	if (access(KVMLITE_BIN, X_OK)) {
		tap_skip("no " KVMLITE_BIN, "kvmlite events --json");
		return;
	}
	fflush(stdout);
	child = pipe(fds) ? -1 : fork();
	if (child < 0) {
		tap_result(false, "kvmlite events --json: pipe, fork");
		return;
	}
	if (!child) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(KVMLITE_BIN, "kvmlite", "events", "--json", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	for (tries = 0; tries < 100 && poll(&pfd, 1, 100) == 0; tries++)
		if (!vm_create(&vm, dev))
			vm_destroy(&vm);

	ok = !guest_create(&g, dev, VCPU_MODE_PROT32, shutdown_guest_start,
			   shutdown_guest_end) &&
	     !dump(KVMLITE_CMD_GET_VM, 0, 0, 0, count_vm, &f);
	guest_destroy(&g);
	in = fdopen(fds[0], "r");
	/* A line that never comes ends fgets() with EINTR. */
	sigaction(SIGALRM, &sa, NULL);
	alarm(30);
	while (ok && in && seen < ARRAY_SIZE(want) &&
	       fgets(line, sizeof(line), in)) {
		if (!json_parse(&j, line)) {
			tap_diag("not JSON: %s", line);
			ok = false;
		}
		n = json_get(&j, "vm");
		if (n && n->val == f.vm_id) {
			tap_diag("%.*s", (int)strcspn(line, "\n"), line);
			snprintf(tag, sizeof(tag), "{\"event\": \"%s\"",
				 want[seen++]);
			if (strncmp(line, tag, strlen(tag))) {
				tap_diag("got %s, want %s...}", line, tag);
				ok = false;
			}
		}
		free(j.nums);
	}
	alarm(0);
	kill(child, SIGTERM);
	waitpid(child, NULL, 0);
	if (in)
		fclose(in);
	else
		close(fds[0]);
	if (seen < ARRAY_SIZE(want))
		tap_diag("%u of VM %u's %zu events seen", seen, f.vm_id,
			 ARRAY_SIZE(want));
	tap_result(ok && seen == ARRAY_SIZE(want),
		   "kvmlite events --json: one JSON line per event, in order");
}

static const struct {
	const char *what;
	__u8 cmd;
	int flags;
	int type, len;
	int err;		/* libnl's */
} bad_requests[] = {
	{ "GET_VCPU without KVMLITE_A_VM_ID", KVMLITE_CMD_GET_VCPU,
	  NLM_F_DUMP, 0, 0, -NLE_INVAL },
	{ "GET_VCPU with KVMLITE_A_VM_ID as u8", KVMLITE_CMD_GET_VCPU,
	  NLM_F_DUMP, KVMLITE_A_VM_ID, 1, -NLE_INVAL },
	{ "GET_VCPU with an empty KVMLITE_A_VM_ID", KVMLITE_CMD_GET_VCPU,
	  NLM_F_DUMP, KVMLITE_A_VM_ID, 0, -NLE_INVAL },
	{ "GET_VM with KVMLITE_A_VM_ID as u64", KVMLITE_CMD_GET_VM,
	  NLM_F_DUMP, KVMLITE_A_VM_ID, 8, -NLE_INVAL },
	{ "GET_VM with an attribute only answers carry", KVMLITE_CMD_GET_VM,
	  NLM_F_DUMP, KVMLITE_A_VM_PID, 4, -NLE_INVAL },
	{ "GET_VM with an unknown attribute type", KVMLITE_CMD_GET_VM,
	  NLM_F_DUMP, KVMLITE_A_MAX + 1, 4, -NLE_INVAL },
	{ "GET_VCPU of a VM that does not exist", KVMLITE_CMD_GET_VCPU,
	  NLM_F_DUMP, KVMLITE_A_VM_ID, 4, -NLE_OBJ_NOTFOUND },
	{ "GET_VM without NLM_F_DUMP", KVMLITE_CMD_GET_VM, 0, 0, 0,
	  -NLE_OPNOTSUPP },
	{ "an event's command as a request", KVMLITE_CMD_VM_CREATED,
	  NLM_F_DUMP, 0, 0, -NLE_OPNOTSUPP },
	{ "a command the family does not have", KVMLITE_CMD_MAX + 1,
	  NLM_F_DUMP, 0, 0, -NLE_OPNOTSUPP },
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
	tap_plan(13 + ARRAY_SIZE(bad_requests));
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
	check_other_uid(vm_id);

	for (i = 0; i < ARRAY_SIZE(bad_requests); i++) {
		/* A VM id no VM has had: ids count up from 1. */
		err = request(bad_requests[i].cmd, bad_requests[i].flags,
			      bad_requests[i].type, bad_requests[i].len,
			      0xfffffff0, read_vcpu, &f);
		if (err != bad_requests[i].err)
			tap_diag("got \"%s\", want \"%s\"", nl_geterror(err),
				 nl_geterror(bad_requests[i].err));
		tap_result(err == bad_requests[i].err, "%s: %s",
			   bad_requests[i].what,
			   nl_geterror(bad_requests[i].err));
	}
	guest_destroy(&g);

	vm_id = check_new_counters(&dev, &g);
	if (vm_id)
		check_stat_json(vm_id);
	else
		tap_skip("the counters guest failed", "kvmlite stat --once --json");
	guest_destroy(&g);

	check_events(&dev);
	check_events_cli(&dev);
	check_vm_list(&dev);
	nl_socket_free(sk);
	return tap_finish();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvmlite stat: every VM on the host, its vCPUs and why they exit, read
 * from the kvmlite generic netlink family (uapi/linux/kvmlite.h) with
 * libnl. Once as a table or JSON document, or live like top, sorted by
 * exit rate.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/kvmlite.h>
#include "kvmlite.h"

static const char *const exit_names[KVMLITE_EXIT_NR] = {
	[KVMLITE_EXIT_NONE] = "none",
	[KVMLITE_EXIT_EXTINT] = "extint",
	[KVMLITE_EXIT_NMI] = "nmi",
	[KVMLITE_EXIT_IO] = "io",
	[KVMLITE_EXIT_S2_FAULT] = "s2_fault",
	[KVMLITE_EXIT_CPUID] = "cpuid",
	[KVMLITE_EXIT_RDMSR] = "rdmsr",
	[KVMLITE_EXIT_WRMSR] = "wrmsr",
	[KVMLITE_EXIT_HLT] = "hlt",
	[KVMLITE_EXIT_XSETBV] = "xsetbv",
	[KVMLITE_EXIT_RDTSC] = "rdtsc",
	[KVMLITE_EXIT_RDTSCP] = "rdtscp",
	[KVMLITE_EXIT_HYPERCALL] = "hypercall",
	[KVMLITE_EXIT_PAUSE] = "pause",
	[KVMLITE_EXIT_INVD] = "invd",
	[KVMLITE_EXIT_IRQ_WINDOW] = "irq_window",
	[KVMLITE_EXIT_NMI_WINDOW] = "nmi_window",
	[KVMLITE_EXIT_SHUTDOWN] = "shutdown",
	[KVMLITE_EXIT_FAIL_ENTRY] = "fail_entry",
	[KVMLITE_EXIT_UD] = "ud",
	[KVMLITE_EXIT_GP] = "gp",
	[KVMLITE_EXIT_DR] = "dr",
	[KVMLITE_EXIT_EXCEPTION] = "exception",
	[KVMLITE_EXIT_UNKNOWN] = "unknown",
	[KVMLITE_EXIT_CR] = "cr",
};

struct vcpu_row {
	uint32_t id;
	int host_cpu;			/* -1: never ran */
	uint64_t exits[KVMLITE_EXIT_NR];
	uint64_t total;			/* all of exits[] */
	uint64_t userspace_exits;
	uint64_t s2_faults;
	uint64_t mapped_pages;		/* by its second-level faults */
	uint64_t irqs, nmis, exceptions;	/* injected */
	uint64_t guest_ns;
	double rate;			/* exits per second, live view */
};

struct vm_row {
	uint32_t id, pid, uid, nr_vcpus, nr_memslots;
	char comm[32];
	uint64_t mapped_bytes;
	uint64_t zapped_pages;
	uint64_t created_ns;
	unsigned int nr_rows;
	struct vcpu_row *vcpus;
	double rate;			/* of all its vCPUs */
};

struct snapshot {
	unsigned int nr_vms;
	struct vm_row *vms;
	struct timespec when;
};

struct stat_ctx {
	struct nl_sock *sk;
	int family;
};

static int parse_vm(struct nl_msg *msg, void *arg)
{
	struct snapshot *snap = arg;
	struct nlattr *a[KVMLITE_A_MAX + 1];
	struct vm_row *vms, *vm;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, a, KVMLITE_A_MAX, NULL) ||
	    !a[KVMLITE_A_VM_ID])
		return NL_SKIP;
	vms = realloc(snap->vms, (snap->nr_vms + 1) * sizeof(*vms));
	if (!vms)
		return NL_STOP;
	snap->vms = vms;
	vm = &vms[snap->nr_vms++];
	memset(vm, 0, sizeof(*vm));
	vm->id = nla_get_u32(a[KVMLITE_A_VM_ID]);
	if (a[KVMLITE_A_VM_PID])
		vm->pid = nla_get_u32(a[KVMLITE_A_VM_PID]);
	if (a[KVMLITE_A_VM_UID])
		vm->uid = nla_get_u32(a[KVMLITE_A_VM_UID]);
	if (a[KVMLITE_A_VM_COMM])
		nla_strlcpy(vm->comm, a[KVMLITE_A_VM_COMM], sizeof(vm->comm));
	if (a[KVMLITE_A_VM_NR_VCPUS])
		vm->nr_vcpus = nla_get_u32(a[KVMLITE_A_VM_NR_VCPUS]);
	if (a[KVMLITE_A_VM_NR_MEMSLOTS])
		vm->nr_memslots = nla_get_u32(a[KVMLITE_A_VM_NR_MEMSLOTS]);
	if (a[KVMLITE_A_VM_S2_MAPPED_BYTES])
		vm->mapped_bytes = nla_get_u64(a[KVMLITE_A_VM_S2_MAPPED_BYTES]);
	if (a[KVMLITE_A_VM_S2_ZAPPED_PAGES])
		vm->zapped_pages = nla_get_u64(a[KVMLITE_A_VM_S2_ZAPPED_PAGES]);
	if (a[KVMLITE_A_VM_CREATED_NS])
		vm->created_ns = nla_get_u64(a[KVMLITE_A_VM_CREATED_NS]);
	return NL_OK;
}

/* The u64 attribute @type, or 0 from a module that does not send it. */
static uint64_t get_u64(struct nlattr **a, int type)
{
	return a[type] ? nla_get_u64(a[type]) : 0;
}

static int parse_vcpu(struct nl_msg *msg, void *arg)
{
	struct vm_row *vm = arg;
	struct nlattr *a[KVMLITE_A_MAX + 1], *e;
	struct vcpu_row *rows, *v;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, a, KVMLITE_A_MAX, NULL) ||
	    !a[KVMLITE_A_VCPU_ID])
		return NL_SKIP;
	rows = realloc(vm->vcpus, (vm->nr_rows + 1) * sizeof(*rows));
	if (!rows)
		return NL_STOP;
	vm->vcpus = rows;
	v = &rows[vm->nr_rows++];
	memset(v, 0, sizeof(*v));
	v->id = nla_get_u32(a[KVMLITE_A_VCPU_ID]);
	v->host_cpu = a[KVMLITE_A_VCPU_HOST_CPU] ?
		      (int)nla_get_u32(a[KVMLITE_A_VCPU_HOST_CPU]) : -1;
	v->userspace_exits = get_u64(a, KVMLITE_A_VCPU_USERSPACE_EXITS);
	v->s2_faults = get_u64(a, KVMLITE_A_VCPU_S2_FAULTS);
	v->mapped_pages = get_u64(a, KVMLITE_A_VCPU_S2_MAPPED_PAGES);
	v->irqs = get_u64(a, KVMLITE_A_VCPU_IRQ_INJECTIONS);
	v->nmis = get_u64(a, KVMLITE_A_VCPU_NMI_INJECTIONS);
	v->exceptions = get_u64(a, KVMLITE_A_VCPU_EXCEPTION_INJECTIONS);
	v->guest_ns = get_u64(a, KVMLITE_A_VCPU_GUEST_NS);
	/* Reason r is type r + 1; type 0 is padding, newer reasons skipped. */
	if (a[KVMLITE_A_VCPU_EXITS])
		nla_for_each_nested(e, a[KVMLITE_A_VCPU_EXITS], rem) {
			int type = nla_type(e);

			if (type < 1 || type > KVMLITE_EXIT_NR)
				continue;
			v->exits[type - 1] = nla_get_u64(e);
			v->total += v->exits[type - 1];
		}
	return NL_OK;
}

/* One dump request and its answer, each message through @parse. */
static int dump(struct stat_ctx *ctx, uint8_t cmd, uint32_t vm_id,
		nl_recvmsg_msg_cb_t parse, void *arg)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err = -NLE_NOMEM;

	if (!msg)
		return err;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ctx->family, 0,
			 NLM_F_DUMP, cmd, KVMLITE_GENL_VERSION) ||
	    (vm_id && nla_put_u32(msg, KVMLITE_A_VM_ID, vm_id)))
		goto out;
	nl_socket_modify_cb(ctx->sk, NL_CB_VALID, NL_CB_CUSTOM, parse, arg);
	err = nl_send_auto(ctx->sk, msg);
	if (err >= 0)
		err = nl_recvmsgs_default(ctx->sk);
out:
	nlmsg_free(msg);
	return err;
}

static void snapshot_free(struct snapshot *snap)
{
	unsigned int i;

	for (i = 0; i < snap->nr_vms; i++)
		free(snap->vms[i].vcpus);
	free(snap->vms);
	memset(snap, 0, sizeof(*snap));
}

static int snapshot_take(struct stat_ctx *ctx, uint32_t vm_id,
			 struct snapshot *snap)
{
	unsigned int i;
	int err;

	memset(snap, 0, sizeof(*snap));
	clock_gettime(CLOCK_MONOTONIC, &snap->when);
	err = dump(ctx, KVMLITE_CMD_GET_VM, vm_id, parse_vm, snap);
	for (i = 0; !err && i < snap->nr_vms; i++) {
		err = dump(ctx, KVMLITE_CMD_GET_VCPU, snap->vms[i].id,
			   parse_vcpu, &snap->vms[i]);
		/* A VM that went away between the two dumps has no vCPUs. */
		if (err == -NLE_OBJ_NOTFOUND)
			err = 0;
	}
	if (err < 0) {
		fprintf(stderr, "kvmlite stat: netlink dump: %s\n",
			nl_geterror(err));
		snapshot_free(snap);
		return -1;
	}
	return 0;
}

/* comm is the process's to choose: escape what JSON cannot carry. */
void json_string(const char *str)
{
	putchar('"');
	for (; *str; str++) {
		unsigned char c = *str;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(const struct snapshot *snap)
{
	unsigned int i, j, r;

	printf("{\"vms\": [");
	for (i = 0; i < snap->nr_vms; i++) {
		const struct vm_row *vm = &snap->vms[i];

		printf("%s\n {\"id\": %u, \"pid\": %u, \"comm\": ", i ? "," : "",
		       vm->id, vm->pid);
		json_string(vm->comm);
		printf(", \"uid\": %u, \"nr_vcpus\": %u, \"nr_memslots\": %u, "
		       "\"s2_mapped_bytes\": %" PRIu64
		       ", \"s2_zapped_pages\": %" PRIu64
		       ", \"created_ns\": %" PRIu64 ", \"vcpus\": [",
		       vm->uid, vm->nr_vcpus, vm->nr_memslots, vm->mapped_bytes,
		       vm->zapped_pages, vm->created_ns);
		for (j = 0; j < vm->nr_rows; j++) {
			const struct vcpu_row *v = &vm->vcpus[j];

			printf("%s\n  {\"id\": %u, \"host_cpu\": %d, "
			       "\"userspace_exits\": %" PRIu64
			       ", \"s2_faults\": %" PRIu64
			       ", \"s2_mapped_pages\": %" PRIu64
			       ", \"irq_injections\": %" PRIu64
			       ", \"nmi_injections\": %" PRIu64
			       ", \"exception_injections\": %" PRIu64
			       ", \"guest_ns\": %" PRIu64 ", \"exits\": {",
			       j ? "," : "", v->id, v->host_cpu,
			       v->userspace_exits, v->s2_faults,
			       v->mapped_pages, v->irqs, v->nmis,
			       v->exceptions, v->guest_ns);
			for (r = 0; r < KVMLITE_EXIT_NR; r++)
				printf("%s\"%s\": %" PRIu64, r ? ", " : "",
				       exit_names[r], v->exits[r]);
			printf("}}");
		}
		printf("]}");
	}
	printf("\n]}\n");
}

/* The previous sample of the same vCPU, if it existed then. */
static const struct vcpu_row *find_prev(const struct snapshot *prev,
					uint32_t vm_id, uint32_t vcpu_id)
{
	unsigned int i, j;

	for (i = 0; prev && i < prev->nr_vms; i++) {
		if (prev->vms[i].id != vm_id)
			continue;
		for (j = 0; j < prev->vms[i].nr_rows; j++)
			if (prev->vms[i].vcpus[j].id == vcpu_id)
				return &prev->vms[i].vcpus[j];
	}
	return NULL;
}

static int by_vcpu_rate(const void *a, const void *b)
{
	const struct vcpu_row *x = a, *y = b;

	return (x->rate < y->rate) - (x->rate > y->rate);
}

static int by_vm_rate(const void *a, const void *b)
{
	const struct vm_row *x = a, *y = b;

	return (x->rate < y->rate) - (x->rate > y->rate);
}

/* Rates since @prev (none on the first sample), highest first. */
static void compute_rates(struct snapshot *snap, const struct snapshot *prev)
{
	double secs = 0;
	unsigned int i, j;

	if (prev)
		secs = (snap->when.tv_sec - prev->when.tv_sec) +
		       (snap->when.tv_nsec - prev->when.tv_nsec) / 1e9;
	for (i = 0; i < snap->nr_vms; i++) {
		struct vm_row *vm = &snap->vms[i];

		for (j = 0; j < vm->nr_rows; j++) {
			struct vcpu_row *v = &vm->vcpus[j];
			const struct vcpu_row *p = find_prev(prev, vm->id,
							     v->id);

			v->rate = p && secs > 0 ?
				  (v->total - p->total) / secs : 0;
			vm->rate += v->rate;
		}
		qsort(vm->vcpus, vm->nr_rows, sizeof(*vm->vcpus),
		      by_vcpu_rate);
	}
	qsort(snap->vms, snap->nr_vms, sizeof(*snap->vms), by_vm_rate);
}

/* The reason with the most exits, the usual answer to "why so many?" */
static const char *top_reason(const uint64_t *exits)
{
	unsigned int r, best = 0;

	for (r = 1; r < KVMLITE_EXIT_NR; r++)
		if (exits[r] > exits[best])
			best = r;
	return exits[best] ? exit_names[best] : "-";
}

/*
 * The counters a vCPU row and its VM's row share: the VM's are its
 * vCPUs' sums. Injections are interrupts/NMIs/exceptions.
 */
static void print_counters(const struct vcpu_row *v)
{
	char inj[48];

	snprintf(inj, sizeof(inj), "%" PRIu64 "/%" PRIu64 "/%" PRIu64,
		 v->irqs, v->nmis, v->exceptions);
	printf(" %8" PRIu64 " %14s %9" PRIu64 " %10.0f %12" PRIu64 " %s\n",
	       v->mapped_pages, inj, v->guest_ns / 1000000, v->rate,
	       v->total, top_reason(v->exits));
}

static void print_table(const struct snapshot *snap)
{
	unsigned int i, j, r;

	printf("%-6s %-6s %-16s %7s %5s %9s %7s %8s %14s %9s %10s %12s %s\n",
	       "VM", "VCPU", "COMM/PID", "HOSTCPU", "SLOTS", "MAPPED_KB",
	       "ZAPPED", "MAPS", "IRQ/NMI/EXC", "GUEST_MS", "EXITS/S",
	       "EXITS", "TOP");
	for (i = 0; i < snap->nr_vms; i++) {
		const struct vm_row *vm = &snap->vms[i];
		struct vcpu_row sum = { .rate = vm->rate };
		char who[40];

		for (j = 0; j < vm->nr_rows; j++) {
			const struct vcpu_row *v = &vm->vcpus[j];

			for (r = 0; r < KVMLITE_EXIT_NR; r++)
				sum.exits[r] += v->exits[r];
			sum.total += v->total;
			sum.mapped_pages += v->mapped_pages;
			sum.irqs += v->irqs;
			sum.nmis += v->nmis;
			sum.exceptions += v->exceptions;
			sum.guest_ns += v->guest_ns;
		}
		snprintf(who, sizeof(who), "%s/%u", vm->comm, vm->pid);
		printf("%-6u %-6s %-16s %7s %5u %9" PRIu64 " %7" PRIu64,
		       vm->id, "-", who, "-", vm->nr_memslots,
		       vm->mapped_bytes >> 10, vm->zapped_pages);
		print_counters(&sum);
		for (j = 0; j < vm->nr_rows; j++) {
			const struct vcpu_row *v = &vm->vcpus[j];

			printf("%-6s %-6u %-16s %7d %5s %9s %7s", "", v->id, "",
			       v->host_cpu, "", "", "");
			print_counters(v);
		}
	}
}

static int stat_usage(FILE *out, int status)
{
	fprintf(out, "usage: kvmlite stat [--once] [--json] [--vm ID] [--interval SECS]\n"
		"Shows every VM kvmlite runs (those of your uid unless you have\n"
		"CAP_SYS_ADMIN), its vCPUs and their exits by reason. Live, it\n"
		"refreshes every SECS (default 1) and sorts by exit rate.\n"
		"MAPPED_KB: mapped in the second-level tables now; ZAPPED: pages\n"
		"the host took back; MAPS: pages the vCPUs' faults mapped;\n"
		"IRQ/NMI/EXC: injected; GUEST_MS: time in guest mode.\n");
	return status;
}

static int stat_connect(struct stat_ctx *ctx)
{
	int err;

	ctx->sk = nl_socket_alloc();
	if (!ctx->sk)
		return -NLE_NOMEM;
	err = genl_connect(ctx->sk);
	if (err < 0)
		return err;
	ctx->family = genl_ctrl_resolve(ctx->sk, KVMLITE_GENL_NAME);
	return ctx->family < 0 ? ctx->family : 0;
}

int cmd_stat(int argc, char **argv)
{
	static const struct option options[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "vm", required_argument, NULL, 'v' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct snapshot snap, prev = { 0 };
	bool once = false, json = false;
	struct stat_ctx ctx = { 0 };
	double interval = 1;
	unsigned long vm_id = 0;
	char *end;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "ojv:i:h", options,
				  NULL)) != -1) {
		switch (opt) {
		case 'o':
			once = true;
			break;
		case 'j':
			json = true;
			break;
		case 'v':
			vm_id = strtoul(optarg, &end, 0);
			if (*end || !vm_id || vm_id > UINT32_MAX)
				return stat_usage(stderr, 2);
			break;
		case 'i':
			interval = strtod(optarg, &end);
			if (*end || !(interval >= 0.1))
				return stat_usage(stderr, 2);
			break;
		case 'h':
			return stat_usage(stdout, 0);
		default:
			return stat_usage(stderr, 2);
		}
	}
	if (optind != argc)
		return stat_usage(stderr, 2);

	err = stat_connect(&ctx);
	if (err < 0) {
		fprintf(stderr, "kvmlite stat: no %s netlink family: %s%s\n",
			KVMLITE_GENL_NAME, nl_geterror(err),
			err == -NLE_OBJ_NOTFOUND ?
			" (is the module loaded?)" : "");
		nl_socket_free(ctx.sk);
		return 1;
	}

	for (;;) {
		if (snapshot_take(&ctx, vm_id, &snap)) {
			err = 1;
			break;
		}
		compute_rates(&snap, prev.vms ? &prev : NULL);
		if (json) {
			print_json(&snap);
		} else {
			if (!once)
				printf("\033[H\033[J");	/* home, clear */
			print_table(&snap);
		}
		fflush(stdout);
		snapshot_free(&prev);
		prev = snap;
		if (once) {
			err = 0;
			break;
		}
		usleep(interval * 1e6);
	}
	snapshot_free(&prev);
	nl_socket_free(ctx.sk);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvmlite events: follow the kvmlite netlink family's "events" multicast
 * group (CAP_SYS_ADMIN) and print one line per event, as text or JSON.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/kvmlite.h>
#include "kvmlite.h"

static const char *const event_names[] = {
	[KVMLITE_CMD_VM_CREATED] = "vm_created",
	[KVMLITE_CMD_VM_DESTROYED] = "vm_destroyed",
	[KVMLITE_CMD_VCPU_CREATED] = "vcpu_created",
	[KVMLITE_CMD_VCPU_EXIT] = "vcpu_exit",
	[KVMLITE_CMD_MEMSLOT_CHANGED] = "memslot",
};

static const char *const change_names[] = {
	[KVMLITE_MEMSLOT_CREATE] = "create",
	[KVMLITE_MEMSLOT_DELETE] = "delete",
	[KVMLITE_MEMSLOT_MOVE] = "move",
	[KVMLITE_MEMSLOT_FLAGS] = "flags",
};

/* How an attribute is printed: as text, hex is for addresses and codes. */
enum field_kind { FIELD_U32, FIELD_U64_HEX, FIELD_STRING, FIELD_CHANGE };

/* The attributes an event may carry, in the order they are printed. */
static const struct {
	int type;
	enum field_kind kind;
	const char *name;
} fields[] = {
	{ KVMLITE_A_VM_ID, FIELD_U32, "vm" },
	{ KVMLITE_A_VCPU_ID, FIELD_U32, "vcpu" },
	{ KVMLITE_A_VM_PID, FIELD_U32, "pid" },
	{ KVMLITE_A_VM_COMM, FIELD_STRING, "comm" },
	{ KVMLITE_A_VM_UID, FIELD_U32, "uid" },
	{ KVMLITE_A_EXIT_KVM_REASON, FIELD_U32, "kvm_exit_reason" },
	{ KVMLITE_A_EXIT_HW_REASON, FIELD_U64_HEX, "hw_reason" },
	{ KVMLITE_A_MEMSLOT_ID, FIELD_U32, "slot" },
	{ KVMLITE_A_MEMSLOT_CHANGE, FIELD_CHANGE, "change" },
	{ KVMLITE_A_MEMSLOT_GPA, FIELD_U64_HEX, "gpa" },
	{ KVMLITE_A_MEMSLOT_SIZE, FIELD_U64_HEX, "size" },
	{ KVMLITE_A_MEMSLOT_FLAGS, FIELD_U32, "flags" },
};

static void print_string(const char *name, const char *str, bool json)
{
	if (json) {
		printf(", \"%s\": ", name);
		json_string(str);
	} else {
		printf(" %s=%s", name, str);
	}
}

static void print_field(int i, struct nlattr *f, bool json)
{
	uint32_t change;

	switch (fields[i].kind) {
	case FIELD_U32:
		printf(json ? ", \"%s\": %u" : " %s=%u", fields[i].name,
		       nla_get_u32(f));
		break;
	case FIELD_U64_HEX:
		printf(json ? ", \"%s\": %" PRIu64 : " %s=%#" PRIx64,
		       fields[i].name, nla_get_u64(f));
		break;
	case FIELD_STRING:
		print_string(fields[i].name, nla_get_string(f), json);
		break;
	case FIELD_CHANGE:
		change = nla_get_u32(f);
		print_string(fields[i].name,
			     change < ARRAY_SIZE(change_names) ?
			     change_names[change] : "unknown", json);
		break;
	}
}

static int print_event(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gnlh = genlmsg_hdr(nlmsg_hdr(msg));
	struct nlattr *a[KVMLITE_A_MAX + 1];
	const bool *json = arg;
	const char *name = NULL;
	size_t i;

	if (gnlh->cmd < ARRAY_SIZE(event_names))
		name = event_names[gnlh->cmd];
	if (!name || genlmsg_parse(nlmsg_hdr(msg), 0, a, KVMLITE_A_MAX, NULL))
		return NL_SKIP;
	printf(*json ? "{\"event\": \"%s\"" : "%s", name);
	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (a[fields[i].type])
			print_field(i, a[fields[i].type], *json);
	printf(*json ? "}\n" : "\n");
	fflush(stdout);
	return NL_OK;
}

static int events_usage(FILE *out, int status)
{
	fprintf(out, "usage: kvmlite events [--json]\n"
		"Prints one line per kvmlite event: VMs created and destroyed,\n"
		"vCPUs created, vCPUs stopped by shutdown, failed entry or an\n"
		"internal error, memory slots created, deleted, moved or given\n"
		"new flags. Needs CAP_SYS_ADMIN.\n");
	return status;
}

int cmd_events(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct nl_sock *sk;
	bool json = false;
	int opt, grp, err;

	while ((opt = getopt_long(argc, argv, "jh", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'h':
			return events_usage(stdout, 0);
		default:
			return events_usage(stderr, 2);
		}
	}
	if (optind != argc)
		return events_usage(stderr, 2);

	sk = nl_socket_alloc();
	if (!sk)
		return 1;
	err = genl_connect(sk);
	grp = err ? err : genl_ctrl_resolve_grp(sk, KVMLITE_GENL_NAME,
						KVMLITE_GENL_MCGRP_EVENTS);
	err = grp < 0 ? grp : nl_socket_add_membership(sk, grp);
	if (err < 0) {
		fprintf(stderr, "kvmlite events: cannot follow %s/%s: %s\n",
			KVMLITE_GENL_NAME, KVMLITE_GENL_MCGRP_EVENTS,
			nl_geterror(err));
		nl_socket_free(sk);
		return 1;
	}
	/* Multicast messages carry no sequence numbers of ours. */
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, print_event, &json);
	do
		err = nl_recvmsgs_default(sk);
	while (err >= 0);
	fprintf(stderr, "kvmlite events: %s\n", nl_geterror(err));
	nl_socket_free(sk);
	return 1;
}

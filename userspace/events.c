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
};

/* The attributes an event may carry, in the order they are printed. */
static const struct {
	int type;
	const char *name;
} fields[] = {
	{ KVMLITE_A_VM_ID, "vm" },
	{ KVMLITE_A_VCPU_ID, "vcpu" },
	{ KVMLITE_A_VM_PID, "pid" },
	{ KVMLITE_A_VM_COMM, "comm" },
	{ KVMLITE_A_VM_UID, "uid" },
	{ KVMLITE_A_EXIT_KVM_REASON, "kvm_exit_reason" },
	{ KVMLITE_A_EXIT_HW_REASON, "hw_reason" },
};

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
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct nlattr *f = a[fields[i].type];

		if (!f)
			continue;
		if (fields[i].type == KVMLITE_A_VM_COMM && *json) {
			printf(", \"%s\": ", fields[i].name);
			json_string(nla_get_string((struct nlattr *)f));
		} else if (fields[i].type == KVMLITE_A_VM_COMM)
			printf(" %s=%s", fields[i].name,
			       nla_get_string((struct nlattr *)f));
		else if (fields[i].type == KVMLITE_A_EXIT_HW_REASON)
			printf(*json ? ", \"%s\": %" PRIu64 : " %s=%#" PRIx64,
			       fields[i].name, nla_get_u64((struct nlattr *)f));
		else
			printf(*json ? ", \"%s\": %u" : " %s=%u",
			       fields[i].name, nla_get_u32((struct nlattr *)f));
	}
	printf(*json ? "}\n" : "\n");
	fflush(stdout);
	return NL_OK;
}

static int events_usage(FILE *out, int status)
{
	fprintf(out, "usage: kvmlite events [--json]\n"
		"Prints one line per kvmlite event: VMs created and destroyed,\n"
		"vCPUs created, vCPUs stopped by shutdown, failed entry or an\n"
		"internal error. Needs CAP_SYS_ADMIN.\n");
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

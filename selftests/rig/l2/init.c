// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the test guest ("L2") that `kvmlite run` boots: its first
 * act is to mark the moment on the runner's marker port, which is how
 * the runner measures boot time to the first userspace instruction;
 * then the script takes over.
 */
#include <stdio.h>
#include <sys/io.h>
#include <unistd.h>
#include <linux/kvmlite.h>

int main(int argc, char **argv)
{
	static char *const script[] = { "/bin/sh", "/init.sh", NULL };

	/* The port is above 0x3ff, out of ioperm()'s reach. */
	if (!iopl(3))
		outb(1, KVMLITE_RUN_MARKER_PORT);
	execv(script[0], script);
	perror("init: /bin/sh");
	return 1;
}

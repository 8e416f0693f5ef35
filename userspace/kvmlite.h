/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KVMLITE_USERSPACE_H
#define KVMLITE_USERSPACE_H

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

int cmd_info(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_run(int argc, char **argv);

/* A string as a JSON string literal, on stdout. */
void json_string(const char *str);

#endif /* KVMLITE_USERSPACE_H */

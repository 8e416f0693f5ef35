/* SPDX-License-Identifier: GPL-2.0-only */
/* The command line of `kvmlite run`, parsed into a machine config. */
#ifndef KVMLITE_VMM_RUN_ARGS_H
#define KVMLITE_VMM_RUN_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include "vmm.h"

#define RUN_ARGS_HELP		1
#define RUN_DEFAULT_MEM		(512ULL << 20)
#define RUN_MAX_MEM		(256ULL << 30)

/*
 * 0 with @cfg filled, RUN_ARGS_HELP for --help, or -EINVAL with a
 * one-line reason in @err. @argv[0] is the command's name. Strings in
 * @cfg point into @argv, which @argv may modify (",ro").
 */
int run_args_parse(struct vmm_config *cfg, int argc, char **argv,
		   char *err, size_t err_len);
/* "512M", "2G", "65536K", "1073741824": bytes, or 0 if not a size. */
uint64_t run_parse_size(const char *str);

#endif /* KVMLITE_VMM_RUN_ARGS_H */

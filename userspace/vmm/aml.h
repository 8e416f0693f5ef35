/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough of an AML encoder (ACPI 6.5, "20 ACPI Machine Language
 * (AML) Specification") for our DSDT: scopes, devices, names with
 * integers, strings, packages and resource template buffers.
 */
#ifndef KVMLITE_VMM_AML_H
#define KVMLITE_VMM_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AML_MAX		4096

struct aml {
	uint8_t buf[AML_MAX];
	size_t len;
	bool overflow;		/* something did not fit: the table is void */
};

void aml_bytes(struct aml *aml, const void *data, size_t len);
void aml_integer(struct aml *aml, uint64_t value);
void aml_string(struct aml *aml, const char *str);
/* A NameSeg: exactly four characters. */
void aml_name_seg(struct aml *aml, const char *seg);
/* Name(SEG, ...): the caller then emits the value. */
void aml_name(struct aml *aml, const char *seg);

/*
 * Objects with a PkgLength: begin returns a mark that end takes, once
 * the contents are emitted, to write the length in front of them.
 */
size_t aml_scope_begin(struct aml *aml, const char *root_seg);
size_t aml_device_begin(struct aml *aml, const char *seg);
size_t aml_package_begin(struct aml *aml, uint8_t nr_elements);
size_t aml_buffer_begin(struct aml *aml);
void aml_end(struct aml *aml, size_t mark);
void aml_buffer_end(struct aml *aml, size_t mark);

/* Resource descriptors (ACPI 6.5, "6.4 Resource Data Types for ACPI"). */
void aml_res_memory32_fixed(struct aml *aml, uint32_t base, uint32_t len,
			    bool writable);
void aml_res_interrupt(struct aml *aml, uint32_t irq, bool edge,
		       bool active_low);
void aml_res_end(struct aml *aml);

#endif /* KVMLITE_VMM_AML_H */

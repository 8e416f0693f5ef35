// SPDX-License-Identifier: GPL-2.0-only
/*
 * The AML encoder. Objects with a PkgLength are emitted with room for
 * the longest encoding and closed up at aml_end() once their size is
 * known, so every length is in its shortest form.
 */
#include <string.h>
#include "aml.h"

#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_STRING_PREFIX	0x0d
#define AML_QWORD_PREFIX	0x0e
#define AML_SCOPE_OP		0x10
#define AML_BUFFER_OP		0x11
#define AML_PACKAGE_OP		0x12
#define AML_EXT_OP_PREFIX	0x5b
#define AML_DEVICE_OP		0x82	/* after the prefix */
#define AML_ROOT_CHAR		'\\'

#define PKG_LENGTH_MAX_BYTES	4

/* Resource descriptor tags. */
#define RES_END_TAG		0x79
#define RES_MEMORY32_FIXED	0x86
#define RES_EXTENDED_IRQ	0x89

void aml_bytes(struct aml *aml, const void *data, size_t len)
{
	if (aml->overflow || len > AML_MAX - aml->len) {
		aml->overflow = true;
		return;
	}
	memcpy(aml->buf + aml->len, data, len);
	aml->len += len;
}

static void aml_byte(struct aml *aml, uint8_t b)
{
	aml_bytes(aml, &b, 1);
}

static void aml_le(struct aml *aml, uint64_t value, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		aml_byte(aml, value >> (8 * i));
}

void aml_integer(struct aml *aml, uint64_t value)
{
	if (value == 0) {
		aml_byte(aml, AML_ZERO_OP);
	} else if (value == 1) {
		aml_byte(aml, AML_ONE_OP);
	} else if (value <= 0xff) {
		aml_byte(aml, AML_BYTE_PREFIX);
		aml_le(aml, value, 1);
	} else if (value <= 0xffff) {
		aml_byte(aml, AML_WORD_PREFIX);
		aml_le(aml, value, 2);
	} else if (value <= 0xffffffff) {
		aml_byte(aml, AML_DWORD_PREFIX);
		aml_le(aml, value, 4);
	} else {
		aml_byte(aml, AML_QWORD_PREFIX);
		aml_le(aml, value, 8);
	}
}

void aml_string(struct aml *aml, const char *str)
{
	aml_byte(aml, AML_STRING_PREFIX);
	aml_bytes(aml, str, strlen(str) + 1);
}

void aml_name_seg(struct aml *aml, const char *seg)
{
	aml_bytes(aml, seg, 4);
}

void aml_name(struct aml *aml, const char *seg)
{
	aml_byte(aml, AML_NAME_OP);
	aml_name_seg(aml, seg);
}

/* Room for the longest PkgLength; aml_end() closes it up. */
static size_t aml_pkg_begin(struct aml *aml)
{
	static const uint8_t room[PKG_LENGTH_MAX_BYTES];
	size_t mark = aml->len;

	aml_bytes(aml, room, sizeof(room));
	return mark;
}

/*
 * "PkgLength": the length counts itself. Up to 63 in one byte; beyond,
 * bits 7-6 of the lead byte give the number of bytes that follow, its
 * low nibble the length's low four bits.
 */
void aml_end(struct aml *aml, size_t mark)
{
	size_t body, total, n;
	uint8_t enc[PKG_LENGTH_MAX_BYTES];

	if (aml->overflow)
		return;
	body = aml->len - mark - PKG_LENGTH_MAX_BYTES;
	for (n = 1; n <= PKG_LENGTH_MAX_BYTES; n++) {
		total = body + n;
		if (n == 1 ? total < 0x40 : total < 1ULL << (4 + 8 * (n - 1)))
			break;
	}
	if (n > PKG_LENGTH_MAX_BYTES) {
		aml->overflow = true;
		return;
	}
	if (n == 1) {
		enc[0] = total;
	} else {
		size_t i;

		enc[0] = (n - 1) << 6 | (total & 0xf);
		for (i = 1; i < n; i++)
			enc[i] = total >> (4 + 8 * (i - 1));
	}
	memmove(aml->buf + mark + n, aml->buf + mark + PKG_LENGTH_MAX_BYTES,
		body);
	memcpy(aml->buf + mark, enc, n);
	aml->len = mark + n + body;
}

size_t aml_scope_begin(struct aml *aml, const char *root_seg)
{
	size_t mark;

	aml_byte(aml, AML_SCOPE_OP);
	mark = aml_pkg_begin(aml);
	aml_byte(aml, AML_ROOT_CHAR);
	aml_name_seg(aml, root_seg);
	return mark;
}

size_t aml_device_begin(struct aml *aml, const char *seg)
{
	size_t mark;

	aml_byte(aml, AML_EXT_OP_PREFIX);
	aml_byte(aml, AML_DEVICE_OP);
	mark = aml_pkg_begin(aml);
	aml_name_seg(aml, seg);
	return mark;
}

size_t aml_package_begin(struct aml *aml, uint8_t nr_elements)
{
	size_t mark;

	aml_byte(aml, AML_PACKAGE_OP);
	mark = aml_pkg_begin(aml);
	aml_byte(aml, nr_elements);
	return mark;
}

/*
 * A buffer's size comes before its bytes; ours are resource templates,
 * whose size we know only at the end: a DWordConst keeps its encoding
 * fixed, and aml_buffer_end() fills it in.
 */
size_t aml_buffer_begin(struct aml *aml)
{
	size_t mark;

	aml_byte(aml, AML_BUFFER_OP);
	mark = aml_pkg_begin(aml);
	aml_byte(aml, AML_DWORD_PREFIX);
	aml_le(aml, 0, 4);
	return mark;
}

void aml_buffer_end(struct aml *aml, size_t mark)
{
	size_t size_at = mark + PKG_LENGTH_MAX_BYTES + 1;
	size_t size;
	unsigned int i;

	if (aml->overflow)
		return;
	size = aml->len - size_at - 4;
	for (i = 0; i < 4; i++)
		aml->buf[size_at + i] = size >> (8 * i);
	aml_end(aml, mark);
}

void aml_res_memory32_fixed(struct aml *aml, uint32_t base, uint32_t len,
			    bool writable)
{
	aml_byte(aml, RES_MEMORY32_FIXED);
	aml_le(aml, 9, 2);		/* the descriptor's length */
	aml_byte(aml, writable);
	aml_le(aml, base, 4);
	aml_le(aml, len, 4);
}

/* The extended interrupt descriptor, consumer, one interrupt. */
void aml_res_interrupt(struct aml *aml, uint32_t irq, bool edge,
		       bool active_low)
{
	aml_byte(aml, RES_EXTENDED_IRQ);
	aml_le(aml, 6, 2);
	aml_byte(aml, 1 | edge << 1 | active_low << 2);
	aml_byte(aml, 1);
	aml_le(aml, irq, 4);
}

/*
 * The end tag, with a zero checksum: "treated as if the checksum
 * operation succeeded".
 */
void aml_res_end(struct aml *aml)
{
	static const uint8_t end[] = { RES_END_TAG, 0 };

	aml_bytes(aml, end, sizeof(end));
}

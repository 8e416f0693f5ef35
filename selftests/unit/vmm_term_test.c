// SPDX-License-Identifier: GPL-2.0-only
/*
 * The terminal's escape filter (term_filter() in userspace/vmm/term.c):
 * Ctrl-A x quits, Ctrl-A Ctrl-A is one Ctrl-A, Ctrl-A and any other key
 * vanish together, and a Ctrl-A that ends one read carries into the
 * next. Input arrives in reads of any size, so every case is also fed
 * in every split into two reads, and one byte at a time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../lib/tap.h"
#include "term.h"

#define CA	"\x01"

struct bytes {
	const char *data;
	size_t len;
};

struct filter_case {
	const char *name;
	struct bytes in;
	int escaped_before;
	long want;			/* bytes out, or -1: quit */
	const char *out;
	int escaped_after;
};

#define IN(s)	{ s, sizeof(s) - 1 }

static const struct filter_case filter_cases[] = {
	{ "nothing", IN(""), 0, 0, "", 0 },
	{ "plain bytes", IN("hello\r"), 0, 6, "hello\r", 0 },
	{ "Ctrl-C and Ctrl-D pass", IN("\x03\x04\x1a"), 0, 3, "\x03\x04\x1a",
	  0 },
	{ "NUL passes", IN("a\0b"), 0, 3, "a\0b", 0 },
	{ "Ctrl-A x quits", IN(CA "x"), 0, -1, "", 0 },
	{ "Ctrl-A x after text quits", IN("ls" CA "x"), 0, -1, "", 0 },
	{ "Ctrl-A X (capital) does not quit", IN(CA "X"), 0, 0, "", 0 },
	{ "Ctrl-A Ctrl-A is one Ctrl-A", IN(CA CA), 0, 1, CA, 0 },
	{ "Ctrl-A Ctrl-A then x is no quit", IN(CA CA "x"), 0, 2, CA "x", 0 },
	{ "three Ctrl-A then x quits", IN(CA CA CA "x"), 0, -1, "", 0 },
	{ "Ctrl-A and another key vanish", IN("a" CA "bc"), 0, 2, "ac", 0 },
	{ "Ctrl-A and NUL vanish", IN(CA "\0z"), 0, 1, "z", 0 },
	{ "a lone Ctrl-A waits", IN(CA), 0, 0, "", 1 },
	{ "text then a Ctrl-A waits", IN("abc" CA), 0, 3, "abc", 1 },
	{ "Ctrl-A Ctrl-A Ctrl-A waits", IN(CA CA CA), 0, 1, CA, 1 },
	{ "a carried Ctrl-A then x quits", IN("x"), 1, -1, "", 0 },
	{ "a carried Ctrl-A then Ctrl-A", IN(CA "q"), 1, 2, CA "q", 0 },
	{ "a carried Ctrl-A then a key", IN("qr"), 1, 1, "r", 0 },
	{ "a carried Ctrl-A and nothing", IN(""), 1, 0, "", 1 },
	{ "x alone is a key", IN("x"), 0, 1, "x", 0 },
};

/*
 * Feed @c in two reads split at @split (the whole thing when @split is
 * in.len), or one byte a read when @bytewise; compare with the case.
 */
static bool run_split(const struct filter_case *c, size_t split,
		      bool bytewise)
{
	uint8_t out[64], all[64];
	size_t got = 0, pos = 0;
	int escaped = c->escaped_before;
	bool quit = false;

	while (pos < c->in.len || (!pos && !c->in.len)) {
		size_t n = bytewise ? 1 : pos < split ? split : c->in.len - pos;
		long r;

		if (n > c->in.len - pos)
			n = c->in.len - pos;
		memset(out, 0xee, sizeof(out));
		r = term_filter((const uint8_t *)c->in.data + pos, n, out,
				&escaped);
		if (r < 0) {
			quit = true;
			break;
		}
		if ((size_t)r > n || out[r] != 0xee) {
			tap_diag("wrote past what it returned");
			return false;
		}
		memcpy(all + got, out, r);
		got += r;
		pos += n;
		if (!c->in.len)
			break;
	}
	if (c->want < 0)
		return quit;
	if (quit || got != (size_t)c->want || memcmp(all, c->out, got) ||
	    escaped != c->escaped_after) {
		tap_diag("split at %zu%s: %zu bytes, escaped %d", split,
			 bytewise ? " (bytewise)" : "", got, escaped);
		return false;
	}
	return true;
}

static void test_filter_case(const struct filter_case *c)
{
	size_t split;
	bool ok = true;

	for (split = 0; split <= c->in.len; split++)
		ok = run_split(c, split, false) && ok;
	ok = run_split(c, 0, true) && ok;
	tap_result(ok, "filter: %s", c->name);
}

/* Every byte but Ctrl-A passes untouched, and in place is fine too. */
static void test_all_bytes(void)
{
	uint8_t buf[256], copy[256];
	int escaped = 0;
	unsigned int i, n = 0;
	long r;
	bool ok;

	for (i = 0; i < 256; i++)
		if (i != 0x01)
			buf[n++] = i;
	memcpy(copy, buf, n);
	r = term_filter(buf, n, buf, &escaped);
	ok = tap_check_u64("bytes", r, n) && !memcmp(buf, copy, n) &&
	     !escaped;
	tap_result(ok, "filter: every byte but Ctrl-A passes, in place");
}

/* A read of escapes: half the bytes come out. */
static void test_many_escapes(void)
{
	static uint8_t in[4096], out[4096];
	int escaped = 0;
	long r;
	bool ok;

	memset(in, 0x01, sizeof(in));
	r = term_filter(in, sizeof(in), out, &escaped);
	ok = tap_check_u64("bytes", r, sizeof(in) / 2) && !escaped;
	for (r = 0; ok && r < (long)sizeof(in) / 2; r++)
		ok = out[r] == 0x01;
	tap_result(ok, "filter: 4096 Ctrl-As are 2048");
}

int main(void)
{
	unsigned int i;

	tap_plan(ARRAY_SIZE(filter_cases) + 2);
	for (i = 0; i < ARRAY_SIZE(filter_cases); i++)
		test_filter_case(&filter_cases[i]);
	test_all_bytes();
	test_many_escapes();
	return tap_finish();
}

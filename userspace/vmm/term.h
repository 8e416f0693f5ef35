/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The user's terminal as the guest's console: raw mode while the guest
 * runs (always restored, also on fatal signals), stdin to the console
 * device, and Ctrl-A x to quit.
 */
#ifndef KVMLITE_VMM_TERM_H
#define KVMLITE_VMM_TERM_H

#include <stddef.h>
#include <stdint.h>

#define TERM_ESCAPE	0x01	/* Ctrl-A */

struct vmm;

/* Raw mode when stdin is a terminal. 0, or -errno. */
int term_raw_enter(void);
void term_restore(void);

/*
 * Feed stdin to the guest console until the machine stops; handles
 * Ctrl-A x (quit) and Ctrl-A Ctrl-A (a literal Ctrl-A) on a terminal.
 */
void term_input_loop(struct vmm *vmm);

/*
 * The escape-sequence filter, exposed for tests: copies @len input bytes
 * to @out, dropping escapes; *@escaped carries a pending Ctrl-A between
 * calls. Returns the bytes written to @out, or -1 at "Ctrl-A x".
 */
long term_filter(const uint8_t *in, size_t len, uint8_t *out, int *escaped);

#endif /* KVMLITE_VMM_TERM_H */

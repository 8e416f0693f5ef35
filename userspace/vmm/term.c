// SPDX-License-Identifier: GPL-2.0-only
/*
 * The terminal. In raw mode every key, Ctrl-C included, goes to the
 * guest; Ctrl-A x is the way out, as in QEMU and screen. When stdin is
 * not a terminal (a pipe, a file, /dev/null) bytes pass unfiltered and
 * end of input just stops input: the guest runs on.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "compiler.h"
#include "term.h"
#include "vmm.h"

#define TERM_QUIT_KEY		'x'
/* How soon to offer input again that the guest had no room for. */
#define TERM_RETRY_MS		2

static struct termios term_saved;
static atomic_bool term_is_raw;	/* read by the fatal signal handler */

void term_restore(void)
{
	if (atomic_exchange(&term_is_raw, false))
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &term_saved);
}

/* A fatal signal: put the terminal back, then die of it as before. */
static void term_fatal_signal(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

int term_raw_enter(void)
{
	static const int fatal[] = { SIGHUP, SIGQUIT, SIGABRT, SIGSEGV,
				     SIGBUS, SIGFPE, SIGILL };
	struct termios raw;
	unsigned int i;

	if (!isatty(STDIN_FILENO))
		return 0;
	if (tcgetattr(STDIN_FILENO, &term_saved))
		return -errno;
	raw = term_saved;
	cfmakeraw(&raw);
	/* Output processing stays: the guest's "\n" reaches us as "\r\n". */
	raw.c_oflag = term_saved.c_oflag;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw))
		return -errno;
	atomic_store(&term_is_raw, true);
	atexit(term_restore);
	for (i = 0; i < ARRAY_SIZE(fatal); i++)
		signal(fatal[i], term_fatal_signal);
	return 0;
}

long term_filter(const uint8_t *in, size_t len, uint8_t *out, int *escaped)
{
	size_t i;
	long n = 0;

	for (i = 0; i < len; i++) {
		if (*escaped) {
			*escaped = 0;
			if (in[i] == TERM_QUIT_KEY)
				return -1;
			if (in[i] == TERM_ESCAPE)
				out[n++] = TERM_ESCAPE;
			/* Any other key after Ctrl-A is dropped with it. */
			continue;
		}
		if (in[i] == TERM_ESCAPE) {
			*escaped = 1;
			continue;
		}
		out[n++] = in[i];
	}
	return n;
}

/*
 * Input read but not yet taken by the guest. Room for a paste; what a
 * terminal sends beyond it is dropped, as a UART overruns.
 */
struct term_queue {
	uint8_t buf[4096];
	size_t off, len;
};

static void term_queue_add(struct term_queue *q, const uint8_t *data,
			   size_t len)
{
	size_t room;

	if (q->off) {
		memmove(q->buf, q->buf + q->off, q->len);
		q->off = 0;
	}
	room = sizeof(q->buf) - q->len;
	if (len > room)
		len = room;
	memcpy(q->buf + q->len, data, len);
	q->len += len;
}

/* Offer the guest what it has not taken yet. */
static void term_deliver(struct vmm *vmm, struct term_queue *q)
{
	size_t taken = vmm->console_in.receive(vmm->console_in.dev,
					       q->buf + q->off, q->len);

	q->off += taken;
	q->len -= taken;
	if (!q->len)
		q->off = 0;
}

void term_input_loop(struct vmm *vmm)
{
	bool tty = isatty(STDIN_FILENO), input_open = true;
	static struct term_queue queue;
	uint8_t raw[256], filtered[256];
	int escaped = 0;

	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = vmm->stop_pipe[0], .events = POLLIN },
			{ .fd = STDIN_FILENO, .events = POLLIN },
		};
		size_t room;
		nfds_t nfds;
		ssize_t got;
		long n;

		if (queue.len)
			term_deliver(vmm, &queue);
		room = sizeof(queue.buf) - queue.len;
		/*
		 * A terminal is always read, so that Ctrl-A x gets through
		 * to a guest that takes no input; a pipe or file only when
		 * there is room, so none of it is lost.
		 */
		nfds = input_open && (tty || room) ? 2 : 1;
		if (poll(fds, nfds, queue.len ? TERM_RETRY_MS : -1) < 0) {
			if (errno == EINTR)
				continue;
			vmm_stop(vmm, VMM_STOP_ERROR, 1, "poll: %s",
				 strerror(errno));
			break;
		}
		if (fds[0].revents)
			break;			/* the machine stopped */
		if (nfds < 2 || !fds[1].revents)
			continue;
		got = read(STDIN_FILENO, raw,
			   tty || room > sizeof(raw) ? sizeof(raw) : room);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0) {
			input_open = false;	/* EOF: the guest runs on */
			continue;
		}
		if (!tty) {
			term_queue_add(&queue, raw, got);
			continue;
		}
		n = term_filter(raw, got, filtered, &escaped);
		if (n < 0) {
			vmm_stop(vmm, VMM_STOP_QUIT, 0, "quit (Ctrl-A x)");
			break;
		}
		term_queue_add(&queue, filtered, n);
	}
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM is ordinary anonymous memory of the runner: the host kernel
 * pages it, backs it with transparent huge pages where it can and swaps
 * it, and the hypervisor maps it into the guest on demand.
 */
#include <errno.h>
#include <sys/mman.h>
#include "guest_mem.h"

#define GIB		(1ULL << 30)

int guest_mem_create(struct guest_mem *mem, uint64_t size,
		     uint64_t hole_start)
{
	uint64_t low = size < hole_start ? size : hole_start;
	void *host;

	*mem = (struct guest_mem){ 0 };
	host = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED)
		return -errno;
	/* Advice only: THP may be off on this host. */
	madvise(host, size, MADV_HUGEPAGE);

	mem->host = host;
	mem->size = size;
	mem->ranges[0] = (struct guest_mem_range){ 0, low, mem->host };
	mem->nr_ranges = 1;
	if (size > low) {
		mem->ranges[1] = (struct guest_mem_range){
			4 * GIB, size - low, mem->host + low };
		mem->nr_ranges = 2;
	}
	return 0;
}

void guest_mem_destroy(struct guest_mem *mem)
{
	if (mem->host)
		munmap(mem->host, mem->size);
	*mem = (struct guest_mem){ 0 };
}

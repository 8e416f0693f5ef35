// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM's binary statistics (KVM_GET_STATS_FD, Documentation/virt/kvm/
 * api.rst "KVM_GET_STATS_FD"): a read-only fd per VM or vCPU holding a
 * header, an id string, one descriptor per statistic and the values, so
 * that tools written for KVM read kvmlite's counters too. The counters
 * are the ones the netlink family exports (genl.c), read the same way:
 * without a lock, each one whole.
 *
 * Names follow KVM's where the meaning is the same (io_exits,
 * halt_exits, irq_injections, ...), so one reader works on both.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "vcpu.h"
#include "vm.h"

/* KVM's KVM_STATS_NAME_SIZE: the name field of every descriptor. */
#define STATS_NAME_SIZE		48
#define STATS_ID_SIZE		STATS_NAME_SIZE

#define CUMULATIVE	(KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_NONE | \
			 KVM_STATS_BASE_POW10)
#define INSTANT		(KVM_STATS_TYPE_INSTANT | KVM_STATS_UNIT_NONE | \
			 KVM_STATS_BASE_POW10)

/* One statistic: a u64 at @offset in the structure the fd reads. */
struct stats_def {
	const char *name;
	u32 flags;		/* KVM_STATS_TYPE_* | UNIT_* | BASE_* */
	s16 exponent;
	size_t offset;
};

/* A switch, so that a new exit reason without a name does not build. */
static const char *exit_stat_name(enum kvmlite_exit_reason reason)
{
	switch (reason) {
	case KVMLITE_EXIT_NONE:		return "vendor_exits";
	case KVMLITE_EXIT_EXTINT:	return "irq_exits";
	case KVMLITE_EXIT_NMI:		return "nmi_exits";
	case KVMLITE_EXIT_IO:		return "io_exits";
	case KVMLITE_EXIT_S2_FAULT:	return "s2_fault_exits";
	case KVMLITE_EXIT_CPUID:	return "cpuid_exits";
	case KVMLITE_EXIT_RDMSR:	return "rdmsr_exits";
	case KVMLITE_EXIT_WRMSR:	return "wrmsr_exits";
	case KVMLITE_EXIT_HLT:		return "halt_exits";
	case KVMLITE_EXIT_XSETBV:	return "xsetbv_exits";
	case KVMLITE_EXIT_RDTSC:	return "rdtsc_exits";
	case KVMLITE_EXIT_RDTSCP:	return "rdtscp_exits";
	case KVMLITE_EXIT_HYPERCALL:	return "hypercalls";
	case KVMLITE_EXIT_PAUSE:	return "pause_exits";
	case KVMLITE_EXIT_INVD:		return "invd_exits";
	case KVMLITE_EXIT_IRQ_WINDOW:	return "irq_window_exits";
	case KVMLITE_EXIT_NMI_WINDOW:	return "nmi_window_exits";
	case KVMLITE_EXIT_SHUTDOWN:	return "shutdown_exits";
	case KVMLITE_EXIT_FAIL_ENTRY:	return "fail_entry_exits";
	case KVMLITE_EXIT_UD:		return "ud_exits";
	case KVMLITE_EXIT_GP:		return "gp_exits";
	case KVMLITE_EXIT_DR:		return "dr_exits";
	case KVMLITE_EXIT_EXCEPTION:	return "exception_exits";
	case KVMLITE_EXIT_UNKNOWN:	return "unknown_exits";
	case KVMLITE_EXIT_CR:		return "cr_exits";
	case KVMLITE_EXIT_NR:
		break;
	}
	return "";
}

#define VCPU_STAT(n, field)	\
	{ .name = n, .flags = CUMULATIVE, \
	  .offset = offsetof(struct vcpu_stats, field) }

/* A vCPU's: after the exits by reason, these. */
static const struct stats_def vcpu_stats[] = {
	VCPU_STAT("exits", exits_total),
	VCPU_STAT("userspace_exits", userspace_exits),
	VCPU_STAT("s2_faults", s2_faults),
	VCPU_STAT("s2_mapped_pages", s2_mapped_pages),
	VCPU_STAT("irq_injections", irq_injections),
	VCPU_STAT("nmi_injections", nmi_injections),
	VCPU_STAT("exception_injections", exception_injections),
	{ .name = "guest_time_ns", .exponent = -9,
	  .flags = KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_SECONDS |
		   KVM_STATS_BASE_POW10,
	  .offset = offsetof(struct vcpu_stats, guest_ns) },
};

static const struct stats_def vm_stats[] = {
	{ .name = "s2_mapped_pages", .flags = INSTANT,
	  .offset = offsetof(struct s2_mmu, mapped_pages) },
	{ .name = "s2_zapped_pages", .flags = CUMULATIVE,
	  .offset = offsetof(struct s2_mmu, zapped_pages) },
};

/*
 * An open stats fd: the file's bytes, built once; the values at their
 * end are read again for every read().
 */
struct stats_file {
	struct vm *vm;			/* a reference */
	const void *base;		/* what offsets[] point into */
	struct mutex lock;		/* the values in image */
	u8 *image;
	size_t size;
	size_t data_offset;
	unsigned int nr;
	size_t offsets[];
};

static void stats_refresh(struct stats_file *sf)
{
	u64 *data = (u64 *)(sf->image + sf->data_offset);
	unsigned int i;

	for (i = 0; i < sf->nr; i++)
		data[i] = READ_ONCE(*(const u64 *)(sf->base + sf->offsets[i]));
}

static ssize_t stats_read(struct file *file, char __user *buf, size_t len,
			  loff_t *pos)
{
	struct stats_file *sf = file->private_data;
	ssize_t ret;

	if (*pos < 0)
		return -EINVAL;
	if (*pos >= sf->size)
		return 0;
	len = min_t(size_t, len, sf->size - *pos);
	mutex_lock(&sf->lock);
	stats_refresh(sf);
	ret = copy_to_user(buf, sf->image + *pos, len) ? -EFAULT : len;
	mutex_unlock(&sf->lock);
	if (ret > 0)
		*pos += ret;
	return ret;
}

static int stats_release(struct inode *inode, struct file *file)
{
	struct stats_file *sf = file->private_data;

	vm_put(sf->vm);
	kfree(sf->image);
	kfree(sf);
	return 0;
}

static const struct file_operations stats_fops = {
	.owner = THIS_MODULE,
	.read = stats_read,
	.release = stats_release,
	.llseek = noop_llseek,
};

/* Descriptor @i: an exit count for the first @nr_exits, then @defs. */
static void stats_desc_fill(struct kvm_stats_desc *desc, unsigned int i,
			    unsigned int nr_exits,
			    const struct stats_def *defs, size_t *offset)
{
	if (i < nr_exits) {
		desc->flags = CUMULATIVE;
		*offset = offsetof(struct vcpu_stats, exits[0]) +
			  i * sizeof(u64);
		strscpy(desc->name, exit_stat_name(i), STATS_NAME_SIZE);
	} else {
		desc->flags = defs[i - nr_exits].flags;
		desc->exponent = defs[i - nr_exits].exponent;
		*offset = defs[i - nr_exits].offset;
		strscpy(desc->name, defs[i - nr_exits].name, STATS_NAME_SIZE);
	}
	desc->size = 1;
	desc->offset = i * sizeof(u64);
}

/* Header, id, descriptors, values: KVM's layout, in that order. */
static int stats_fd_create(struct vm *vm, const void *base,
			   unsigned int nr_exits,
			   const struct stats_def *defs, unsigned int nr_defs,
			   const char *id)
{
	size_t desc_size = sizeof(struct kvm_stats_desc) + STATS_NAME_SIZE;
	size_t desc_offset = sizeof(struct kvm_stats_header) + STATS_ID_SIZE;
	unsigned int i, nr = nr_exits + nr_defs;
	struct kvm_stats_header *hdr;
	struct stats_file *sf;
	struct file *file;
	int fd = -ENOMEM;

	sf = kzalloc(struct_size(sf, offsets, nr), GFP_KERNEL_ACCOUNT);
	if (!sf)
		return fd;
	sf->data_offset = desc_offset + nr * desc_size;
	sf->size = sf->data_offset + nr * sizeof(u64);
	sf->image = kzalloc(sf->size, GFP_KERNEL_ACCOUNT);
	if (!sf->image)
		goto err_free;
	sf->vm = vm;
	sf->base = base;
	sf->nr = nr;
	mutex_init(&sf->lock);

	hdr = (struct kvm_stats_header *)sf->image;
	hdr->name_size = STATS_NAME_SIZE;
	hdr->num_desc = nr;
	hdr->id_offset = sizeof(*hdr);
	hdr->desc_offset = desc_offset;
	hdr->data_offset = sf->data_offset;
	strscpy(sf->image + hdr->id_offset, id, STATS_ID_SIZE);
	for (i = 0; i < nr; i++)
		stats_desc_fill((void *)(sf->image + desc_offset +
					 i * desc_size),
				i, nr_exits, defs, &sf->offsets[i]);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto err_free;
	file = anon_inode_getfile("kvmlite-stats", &stats_fops, sf, O_RDONLY);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto err_free;
	}
	/* As KVM's: readers pread() each part at the header's offsets. */
	file->f_mode |= FMODE_PREAD;
	vm_get(vm);
	fd_install(fd, file);
	return fd;

err_free:
	kfree(sf->image);
	kfree(sf);
	return fd;
}

long vcpu_get_stats_fd(struct vcpu *vcpu)
{
	char id[STATS_ID_SIZE];

	snprintf(id, sizeof(id), "kvmlite-%u/vcpu-%u", vcpu->vm->id, vcpu->id);
	return stats_fd_create(vcpu->vm, &vcpu->stats, KVMLITE_EXIT_NR,
			       vcpu_stats, ARRAY_SIZE(vcpu_stats), id);
}

long vm_get_stats_fd(struct vm *vm)
{
	char id[STATS_ID_SIZE];

	snprintf(id, sizeof(id), "kvmlite-%u", vm->id);
	return stats_fd_create(vm, &vm->s2, 0, vm_stats, ARRAY_SIZE(vm_stats),
			       id);
}

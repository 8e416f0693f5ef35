# SPDX-License-Identifier: GPL-2.0-only
#
# kvmlite: `make` builds the module against KDIR, the kvmlite program,
# the selftests and the benchmark client. `make check` runs everything in
# emulated hosts (see selftests/rig/rig.sh); `make demo` shows kvmlite in
# one; `make bench` compares kvmlite with KVM there.

KDIR ?= /lib/modules/$(shell uname -r)/build
BUILD := build

CC ?= gcc
# As the kernel's W=1: callbacks (bus and device ops) need not use every
# parameter they are given.
USER_CFLAGS := -O2 -g -Wall -Wextra -Wno-missing-field-initializers \
	       -Wno-unused-parameter -Wformat=2 -Wshadow -Wstrict-prototypes \
	       -Iuapi $(EXTRA_CFLAGS)
# Static: the same binaries run in the emulated hosts' busybox initramfs.
# libnl-3 and libnl-genl-3 speak the netlink family (kvmlite stat, tests).
LIBNL := libnl-genl-3.0
USER_CFLAGS += $(shell pkg-config --cflags $(LIBNL))
# libnl's address helpers name glibc's NSS functions, which a static link
# warns about; kvmlite never calls them (no name lookups), so the linker's
# warnings are off.
USER_LDFLAGS := -static -Wl,--no-warnings
USER_LDLIBS := $(shell pkg-config --static --libs $(LIBNL))

UAPI := uapi/linux/kvmlite.h
# The runner (kvmlite run) lives in userspace/vmm; everything in it but the
# command itself is also a library the unit tests link against.
VMM_SRCS := $(wildcard userspace/vmm/*.c userspace/vmm/*/*.c)
VMM_HDRS := $(wildcard userspace/vmm/*.h userspace/vmm/*/*.h)
VMM_LIB := $(BUILD)/libvmm.a
VMM_LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out \
		userspace/vmm/run.c,$(VMM_SRCS)))
USERSPACE_SRCS := $(wildcard userspace/*.c) $(VMM_SRCS)
SELFTEST_LIB := $(wildcard selftests/lib/*.c)
SELFTESTS := $(patsubst selftests/x86/%.c,$(BUILD)/selftests/%, \
	     $(wildcard selftests/x86/*_test.c))
BENCH := $(BUILD)/bench/bench
EXAMPLES := $(patsubst examples/%.c,$(BUILD)/examples/%, \
	    $(wildcard examples/*.c))
UNIT_TESTS := $(patsubst selftests/unit/%.c,$(BUILD)/unit/%, \
	      $(wildcard selftests/unit/*_test.c))
# Unit tests of the runner's parts: selftests/unit/vmm_*_test.c.
VMM_UNIT_CFLAGS := $(USER_CFLAGS) -pthread -Iuserspace/vmm
# Pure kernel logic the unit tests compile on the host.
UNIT_KMOD_SRCS := kmod/vmx/caps.c kmod/svm/caps.c kmod/emulate.c

.PHONY: all module userspace selftests bench-client examples guest unit check \
	check-unit check-svm check-vmx bench bench-svm bench-vmx demo \
	install clean

all: module userspace selftests bench-client examples guest

# What the rig's test guest runs (selftests/rig/l2/).
guest: $(BUILD)/rig/l2-init

$(BUILD)/rig/l2-init: selftests/rig/l2/init.c $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(USER_LDFLAGS)

module:
	@test -d $(KDIR) || { echo "no kernel build tree at KDIR=$(KDIR):" \
		"install linux-headers-$$(uname -r) or pass KDIR=..." >&2; \
		exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace: $(BUILD)/kvmlite

$(BUILD)/kvmlite: $(USERSPACE_SRCS) $(wildcard userspace/*.h) $(VMM_HDRS) \
		  $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -pthread -o $@ $(USERSPACE_SRCS) $(USER_LDFLAGS) \
		$(USER_LDLIBS)

$(BUILD)/userspace/vmm/%.o: userspace/vmm/%.c $(VMM_HDRS) $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(VMM_UNIT_CFLAGS) -c -o $@ $<

$(VMM_LIB): $(VMM_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

selftests: $(SELFTESTS)

$(BUILD)/selftests/%: selftests/x86/%.c $(SELFTEST_LIB) \
		      $(wildcard selftests/lib/*.h) $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -pthread -o $@ $< $(SELFTEST_LIB) \
		$(USER_LDFLAGS) $(USER_LDLIBS)

# The benchmark client (selftests/bench/bench.c), built like a selftest.
bench-client: $(BENCH)

$(BENCH): selftests/bench/bench.c $(SELFTEST_LIB) \
	  $(wildcard selftests/lib/*.h) $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(SELFTEST_LIB) $(USER_LDFLAGS)

# Stand-alone KVM clients: <linux/kvm.h> only, nothing of kvmlite's.
examples: $(EXAMPLES)

$(BUILD)/examples/%: examples/%.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(USER_LDFLAGS)

unit: $(UNIT_TESTS)

# The runner's unit tests link only the parts they use, from the archive.
$(BUILD)/unit/vmm_%: selftests/unit/vmm_%.c $(VMM_LIB) selftests/lib/tap.c \
		     $(VMM_HDRS)
	@mkdir -p $(@D)
	$(CC) $(VMM_UNIT_CFLAGS) -o $@ $< selftests/lib/tap.c $(VMM_LIB)

$(BUILD)/unit/%: selftests/unit/%.c $(UNIT_KMOD_SRCS) $(SELFTEST_LIB) \
		 $(wildcard kmod/*/*.h kmod/*.h) $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -Iselftests/unit/shim -o $@ $< \
		$(UNIT_KMOD_SRCS) selftests/lib/tap.c

check:
	selftests/rig/rig.sh check all

check-unit:
	selftests/rig/rig.sh check unit

check-svm:
	selftests/rig/rig.sh check svm

check-vmx:
	selftests/rig/rig.sh check vmx

# kvmlite against KVM in the same emulated host: bench/results/.
bench:
	selftests/rig/rig.sh bench all

bench-svm:
	selftests/rig/rig.sh bench svm

bench-vmx:
	selftests/rig/rig.sh bench vmx

demo:
	selftests/rig/rig.sh demo

install: module userspace
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	install -D -m 0755 $(BUILD)/kvmlite $(DESTDIR)/usr/local/bin/kvmlite
	install -D -m 0644 udev/60-kvmlite.rules \
		$(DESTDIR)/etc/udev/rules.d/60-kvmlite.rules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2> /dev/null || true
	rm -rf $(BUILD)

# SPDX-License-Identifier: GPL-2.0-only
#
# Count the results in a flat TAP stream: "PASSED FAILED SKIPPED".
# Only the lines between the rig's begin and end markers count when the
# input has markers (a serial log full of kernel messages).

BEGIN { inside = 1; passed = 0; failed = 0; skipped = 0 }

{ sub(/\r$/, "") }

/^KVMLITE-RIG-BEGIN/ { inside = 1; passed = failed = skipped = 0; next }
/^KVMLITE-RIG-END/ { inside = 0; next }

inside && /^not ok / { failed++; next }
inside && /^ok / {
	if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/)
		skipped++
	else
		passed++
}

END { printf "%d %d %d\n", passed, failed, skipped }

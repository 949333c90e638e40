#!/bin/busybox sh
# /init of the kmod test guest (scripts/kmod-test.sh builds the initramfs around it): mounts what
# sctraced needs, loads the module, runs the guest tests with Node, checks the kernel log, unloads
# the module, and hands the verdict to the host through qemu's isa-debug-exit port (0 pass,
# 1 fail; qemu exits with (byte << 1) | 1) and serial-console markers.
/bin/busybox mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin HOME=/tmp TMPDIR=/tmp CI=true
# The test fixtures, built by scripts/kmod-test.sh (no compiler here).
export SCTRACE_FIXTURES=/app/fixtures
# Tests' waits (test/helpers/patience.ts) stretched: TCG with one host thread for both vCPUs runs
# many times slower than the host, and slower again while the host is busy.
export SCTRACE_TEST_SLOWDOWN=4
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
# The syscall catalog reads tracefs (SyscallCatalog.load would mount it too).
mount -t tracefs nodev /sys/kernel/tracing

verdict() {
	echo "SCTRACE-GUEST-RESULT $1"
	if [ "$1" = pass ]; then printf '\000'; else printf '\001'; fi |
		dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	poweroff -f
}

echo "SCTRACE-GUEST-BOOTED kernel $(uname -r), $(nproc) cpus"
insmod /sctrace.ko || verdict fail
cd /app || verdict fail
echo "SCTRACE-GUEST-BEGIN"
start=$(date +%s)
rc=0
for round in $(seq "$(cat /guest-repeat)"); do
	[ "$(cat /guest-repeat)" = 1 ] || echo "round $round"
	# The timeout bounds each file as a whole too: concurrent.test.js runs both backends' many-trace
	# cases, ~5 min in a quiet host's guest (a 300 s bound cut it short once).
	# shellcheck disable=SC2046
	node --test --test-concurrency=1 --test-timeout=900000 --test-reporter=spec $(cat /guest-tests) || rc=1
done
echo "SCTRACE-GUEST-END rc=$rc in $(($(date +%s) - start)) s"
# No trace may be left behind: no pass, no probe registered. (A test killed by its timeout may
# leave sctraced's pass behind: then the check below cannot open the control file, and a failed
# redirection of exec would end this shell, init, with a kernel panic instead of a verdict.)
grep -q '^state idle$' /proc/sctrace/stats && grep -q '^probes 0$' /proc/sctrace/stats ||
	{ echo "module not idle after the tests:"; cat /proc/sctrace/stats; verdict fail; }
# Unloading with a pass running (one trace: pid 1, set up in the control protocol the module
# says it speaks) and a reader asleep in read() must neither hang nor leak.
exec 3<>/proc/sctrace/control
printf 'protocol %s\nring_bytes 65536\nstart\nsys 0-511 0x1\ntgid 1 0x1\nset active 0x1\n' "$(sed -n 's/^protocol //p' /proc/sctrace/stats)" >&3 ||
	{ echo "could not start a pass by hand"; rc=1; }
cat /proc/sctrace/events >/dev/null &
reader=$!
sleep 1
grep -q '^state running$' /proc/sctrace/stats || { echo "the pass started by hand is not running:"; cat /proc/sctrace/stats; rc=1; }
timeout 30 rmmod sctrace || { echo "rmmod sctrace with a running trace failed"; rc=1; }
wait $reader
exec 3>&-
[ -e /proc/sctrace ] && { echo "/proc/sctrace still present after rmmod"; rc=1; }
if dmesg | grep -E 'BUG|WARNING|Oops|RCU stall|sctrace'; then
	dmesg | grep -qE 'BUG|WARNING|Oops|RCU stall' && { echo "kernel complained (above)"; rc=1; }
fi
[ "$rc" = 0 ] && verdict pass
verdict fail

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh KOUT PLAN CPIO: pack the test VM's initramfs: tools/init as
# /init, PLAN as /plan, the KVM selftests of kernel build KOUT under /kvm,
# the project's guest tools under /bin (tools/hwbench) and the benchmark
# scenarios as /scenarios.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kout=$(abspath "${1:?usage: mkinitramfs.sh KOUT PLAN CPIO}")
plan=$(abspath "${2:?usage: mkinitramfs.sh KOUT PLAN CPIO}")
cpio_out=$(abspath "${3:?usage: mkinitramfs.sh KOUT PLAN CPIO}")
need cpio cpio
need "${CROSS_COMPILE}gcc" gcc-aarch64-linux-gnu
[ -f "$plan" ] || die "no plan file $plan"
kst=$kout/kselftest/kvm
[ -f "$kst/tests.list" ] || die "no selftests in $kst: run scripts/build-selftests.sh"

# Guest-side programs, built once per tree of tools/.
gbin=$BUILD/guest-bin
mkdir -p "$gbin"
for c in "$TOP"/tools/init/init.c "$TOP"/tools/hwbench/hwbench.c; do
	b=$gbin/$(basename "$c" .c)
	if [ ! -x "$b" ] || [ "$c" -nt "$b" ]; then
		"${CROSS_COMPILE}gcc" -static -O2 -Wall -Wextra -Werror -o "$b" "$c"
	fi
done

stage=$(mktemp -d "$BUILD/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,kvm}
install -m 755 "$gbin/init" "$stage/init"
install -m 755 "$gbin/hwbench" "$stage/bin/hwbench"
install -m 644 "$TOP/virt/scenarios" "$stage/scenarios"
install -m 644 "$plan" "$stage/plan"
while read -r t; do
	mkdir -p "$stage/kvm/$(dirname "$t")"
	"${CROSS_COMPILE}strip" -o "$stage/kvm/$t" "$kst/$t"
done <"$kst/tests.list"
# v6.14 moved the arm64 tests from aarch64/ to arm64/: the plans name them
# by their arm64/ paths, which find them on the 6.12 backport too.
if [ -d "$stage/kvm/aarch64" ] && [ ! -e "$stage/kvm/arm64" ]; then
	ln -s aarch64 "$stage/kvm/arm64"
fi
(cd "$stage" && find . -print0 | sort -z | cpio --null -o -H newc --quiet -R 0:0) >"$cpio_out.tmp"
mv "$cpio_out.tmp" "$cpio_out"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# build-selftests.sh SRC OUT: cross-build SRC's KVM selftests for arm64,
# statically linked, into OUT/kselftest/kvm, against SRC's own UAPI headers
# (installed in OUT/usr). Writes OUT/kselftest/kvm/tests.list: the tests the
# tree's Makefile builds for arm64 (generic and aarch64/), one per line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(abspath "${1:?usage: build-selftests.sh SRC OUT}")
out=$(abspath "${2:?usage: build-selftests.sh SRC OUT}")
need "${CROSS_COMPILE}gcc" gcc-aarch64-linux-gnu
[ -f "/usr/aarch64-linux-gnu/lib/libc.a" ] ||
	die "static arm64 libc missing: install the Debian package 'libc6-dev-arm64-cross'"

kst=$out/kselftest/kvm
mkdir -p "$kst" "$out/tools"
make -s -C "$src" ARCH=arm64 O="$out" INSTALL_HDR_PATH="$out/usr" headers_install

# abs_objdir keeps the generated sysreg headers out of the source tree.
# The selftests of either base and of the series build without a compiler
# warning here (ccache replays them on hits): a new one fails the build.
blog=$out/kselftest/build.log
if ! make -s -C "$src/tools/testing/selftests/kvm" -j"$JOBS" \
	ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" CC="ccache ${CROSS_COMPILE}gcc" \
	OUTPUT="$kst" abs_objdir="$out" \
	KHDR_INCLUDES="-isystem $out/usr/include" \
	LDFLAGS="-static" all >"$blog" 2>&1; then
	tail -n 40 "$blog" >&2
	die "the KVM selftests of $src do not build (log: $blog)"
fi
if grep -q "warning:" "$blog"; then
	grep -A 8 "warning:" "$blog" | head -n 60 >&2
	die "the KVM selftests of $src build with compiler warnings (log: $blog)"
fi

make -s -C "$src/tools/testing/selftests/kvm" ARCH=arm64 OUTPUT="$kst" \
	--eval='print-tests: ; @printf "%s\n" $(TEST_GEN_PROGS)' print-tests |
	sed "s|^$kst/||" >"$kst/tests.list"
n=0
while read -r t; do
	[ -x "$kst/$t" ] || die "selftest $t was not built"
	n=$((n + 1))
done <"$kst/tests.list"
log "selftests: $n arm64 KVM selftests in $kst"

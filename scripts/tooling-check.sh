#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tooling-check.sh: the workflow refuses bad input with a clear message:
# a KERNEL_SRC that does not exist, is not git, or is not of its base; an unknown
# benchmark scenario or CPU model; a series whose patch does not apply; a
# kconfig fragment option the final .config does not have.
# Prints one KTAP result per case; exits 1 if any failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
# expect DESC PATTERN CMD...: CMD must fail and say PATTERN.
expect() {
	local desc=$1 pat=$2 out rc=0
	shift 2
	n=$((n + 1))
	out=$("$@" 2>&1) || rc=$?
	if [ $rc -ne 0 ] && grep -q -- "$pat" <<<"$out"; then
		echo "ok $n $desc"
	else
		sed 's/^/# /' <<<"$out" | tail -n 5
		echo "not ok $n $desc # exit $rc, expected a failure saying '$pat'"
		fail=1
	fi
}

echo "1..7"
expect "KERNEL_SRC that does not exist" "no such directory" \
	env BUILD="$tmp/b1" KERNEL_SRC="$tmp/nope" "$TOP/scripts/base-tree.sh"
mkdir -p "$tmp/notgit"
expect "KERNEL_SRC that is not a git tree" "is not a git tree" \
	env BUILD="$tmp/b2" KERNEL_SRC="$tmp/notgit" "$TOP/scripts/base-tree.sh"
mkdir -p "$tmp/old"
printf 'kernelversion:\n\t@echo 6.1.55\n' >"$tmp/old/Makefile"
git -C "$tmp/old" init -q && git -C "$tmp/old" add Makefile &&
	git -C "$tmp/old" -c user.name=t -c user.email=t@t commit -qm old
expect "KERNEL_SRC at another version" "is Linux 6.1.55; the series is based on v7.2 or newer" \
	env KBASE=7.2 BUILD="$tmp/b3" KERNEL_SRC="$tmp/old" "$TOP/scripts/base-tree.sh"
expect "unknown benchmark scenario" "unknown scenario 'nope'; valid: dlp-anon" \
	"$TOP/scripts/bench.sh" --scenario nope
expect "unknown CPU model" "unknown CPU configuration 'nope'; valid: max" \
	"$TOP/scripts/bench.sh" nope

# A patch that does not apply, on a throwaway clone of the test tree.
"$TOP/scripts/base-tree.sh" >/dev/null 2>&1
b4=$tmp/b4/$KBASE/src/base	# where lib.sh puts BUILD=$tmp/b4's base
mkdir -p "$(dirname "$b4")" "$tmp/p"
git clone -q --shared --no-checkout "$BASE_REPO" "$b4"
git -C "$b4" checkout -q --detach base
git -C "$b4" tag base base 2>/dev/null || true
cp "$BASE_REPO/.git/kvm-s2-origin" "$b4/.git/"
cat >"$tmp/p/0001-bad.patch" <<'PATCH'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Test <t@t>
Date: Thu, 1 Jan 2026 00:00:00 +0000
Subject: [PATCH] bad: does not apply

---
 Makefile | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/Makefile b/Makefile
--- a/Makefile
+++ b/Makefile
@@ -1,3 +1,3 @@
-this line is not in the kernel's Makefile
+neither is this one
 nor this
 nor that
PATCH
echo 0001-bad.patch >"$tmp/p/series"
expect "patch that does not apply" "patch 1/1 does not apply on the base: patches/0001-bad.patch" \
	env BUILD="$tmp/b4" PATCHES="$tmp/p" "$TOP/scripts/apply-series.sh"

# A fragment option that kconfig drops must fail the build before compiling.
printf 'CONFIG_KVM_S2_NO_SUCH_OPTION=y\n' >"$tmp/bad.config"
expect "kconfig fragment option missing from .config" \
	"fragment asks for 'CONFIG_KVM_S2_NO_SUCH_OPTION=y', .config has 'CONFIG_KVM_S2_NO_SUCH_OPTION absent'" \
	env FRAGMENTS="$FRAGMENT $tmp/bad.config" "$TOP/scripts/build-kernel.sh" "$BASE_REPO" "$tmp/o"
exit $fail

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bisect-build.sh: build every prefix of the series, incrementally, in
# $BUILD/out/bisect: the arm64 kernel unless the patch touches only tools/
# and Documentation/; the KVM selftests when it touches their directory; the
# x86 build check when it touches code outside arch/arm64. Prints one KTAP
# result per patch; exits 1 if any failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

lock_tree
"$TOP/scripts/apply-series.sh"
# The first prefix then rebuilds only what its patch changes.
seed_kernel_out "$OUT/baseline" "$OUT/bisect"
n=$(git -C "$BASE_REPO" rev-list --count base..test/series)
echo "1..$n"
fail=0
for ((k = 1; k <= n; k++)); do
	"$TOP/scripts/checkout.sh" "$k" >/dev/null
	subj=$(git -C "$BASE_REPO" log -1 --format=%s)
	files=$(git -C "$BASE_REPO" diff --name-only HEAD~1 HEAD)
	logf=$RESULTS/bisect/$k.log
	mkdir -p "$(dirname "$logf")"
	what=""
	ok=1
	: >"$logf"
	# A patch that changes only tools/ or Documentation/ leaves the
	# kernel as the previous prefix built it.
	if [ $k = 1 ] || grep -qvE '^(tools/|Documentation/)' <<<"$files"; then
		what="arm64"
		"$TOP/scripts/build-kernel.sh" "$BASE_REPO" "$OUT/bisect" >>"$logf" 2>&1 || ok=0
	fi
	if [ $ok = 1 ] && grep -q '^tools/testing/selftests/kvm/' <<<"$files"; then
		what="${what:+$what+}selftests"
		"$TOP/scripts/build-selftests.sh" "$BASE_REPO" "$OUT/bisect" >>"$logf" 2>&1 || ok=0
	fi
	if [ $ok = 1 ] && grep -qvE '^(arch/arm64/|tools/|Documentation/)' <<<"$files"; then
		what="${what:+$what+}x86"
		"$TOP/scripts/x86-build.sh" "$OUT/x86-bisect" >>"$logf" 2>&1 || ok=0
	fi
	if [ $ok = 1 ]; then
		echo "ok $k build $k/$n ($what): $subj"
	else
		tail -n 30 "$logf" | sed 's/^/# /'
		echo "not ok $k build $k/$n ($what): $subj"
		fail=1
	fi
done
exit $fail

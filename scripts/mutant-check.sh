#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# mutant-check.sh MUTANT [CPU...]: show that the exact operation-count
# checks (scripts/opcount-check.sh, virt/plans/opcount.expect) catch a
# known-bad kernel. Builds the patched kernel with tools/mutants/MUTANT.diff
# applied on top (kernel only; the patched build's selftests are reused) and
# runs the count checks on it; they must fail. Prints one KTAP line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

m=${1:?usage: mutant-check.sh MUTANT [CPU...] (MUTANT: a tools/mutants/*.diff name)}
shift
diff=$TOP/tools/mutants/$m.diff
[ -f "$diff" ] || die "no mutant $diff; have: $(cd "$TOP/tools/mutants" && ls *.diff | sed 's/\.diff$//' | tr '\n' ' ')"
[ -f "$OUT/patched/kselftest/kvm/tests.list" ] || die "no patched build: run 'make kernels'"

lock_tree
commit=$("$TOP/scripts/checkout.sh" series)
git -C "$BASE_REPO" apply "$diff" || die "mutant $m does not apply on the series ($commit)"
trap 'git -C "$BASE_REPO" checkout -q -- .' EXIT
mout=$OUT/mutant-$m
log "mutant: $m on the series ($commit) in $mout"
"$TOP/scripts/build-kernel.sh" "$BASE_REPO" "$mout"
git -C "$BASE_REPO" checkout -q -- .
trap - EXIT
ln -sfn "$OUT/patched/kselftest" "$mout/kselftest"

set +e
OPCOUNT_RESULTS=$RESULTS/mutant-$m OPCOUNT_KERNEL=$mout "$TOP/scripts/opcount-check.sh" "$@" | sed 's/^/# /'
r=${PIPESTATUS[0]}
set -e
if [ "$r" -ne 0 ]; then
	echo "ok 1 mutant $m: caught by the operation-count checks"
else
	echo "not ok 1 mutant $m: the operation-count checks pass on it"
	exit 1
fi

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# plan-check.sh PLAN TESTS_LIST: fail if the tree builds an arm64 KVM selftest
# that the plan does not run, or the plan names one the tree does not build,
# so that 'make test' keeps running the whole suite as the series grows.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

plan=${1:?usage: plan-check.sh PLAN TESTS_LIST}
list=${2:?usage: plan-check.sh PLAN TESTS_LIST}
# The plans name the arm64 tests by their arm64/ paths (aarch64/ before
# v6.14).
tests=$(sed 's#^aarch64/#arm64/#' "$list" | sort -u)
planned=$(awk '$1 == "test" {sub("^/kvm/", "", $4); print $4}' "$plan" | sort -u)
missing=$(comm -23 <(echo "$tests") <(echo "$planned"))
extra=$(comm -13 <(echo "$tests") <(echo "$planned"))
[ -z "$missing" ] || die "$plan does not run these selftests: $(echo $missing)"
[ -z "$extra" ] || die "$plan runs selftests the tree does not build: $(echo $extra)"

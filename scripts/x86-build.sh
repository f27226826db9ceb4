#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# x86-build.sh OUT: build virt/kvm, arch/x86/kvm, mm and fs/proc of the test tree as
# checked out, natively for x86_64 (allnoconfig + arch/x86/configs fragment),
# so that the series' generic changes cannot break another architecture.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$(abspath "${1:?usage: x86-build.sh OUT}")
need gcc gcc
mkdir -p "$out"
frag=$TOP/arch/x86/configs/kvm_x86_build.config
if [ ! -f "$out/.config" ] || ! cmp -s "$frag" "$out/.fragment.applied"; then
	KCONFIG_ALLCONFIG="$frag" make -s -C "$BASE_REPO" ARCH=x86_64 O="$out" allnoconfig >/dev/null
	cp "$frag" "$out/.fragment.applied"
fi
for o in CONFIG_KVM_INTEL=y CONFIG_KVM_AMD=y CONFIG_KSM=y CONFIG_TRANSPARENT_HUGEPAGE=y CONFIG_MEM_SOFT_DIRTY=y; do
	grep -qx "$o" "$out/.config" || die "x86 .config lacks $o"
done
make -s -C "$BASE_REPO" ARCH=x86_64 CC="ccache gcc" O="$out" -j"$JOBS" \
	"$@" virt/kvm/ arch/x86/kvm/ mm/ fs/proc/
log "x86: virt/kvm, arch/x86/kvm, mm and fs/proc build"

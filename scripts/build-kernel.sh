#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# build-kernel.sh SRC OUT [make args...]: configure SRC as allnoconfig plus the
# test fragment in OUT and build the arm64 Image (with ccache).
# Fails if the final .config lacks any option the fragment asks for.
# Extra make arguments (e.g. W=1, C=1) are passed on.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(abspath "${1:?usage: build-kernel.sh SRC OUT [make args]}")
out=$(abspath "${2:?usage: build-kernel.sh SRC OUT [make args]}")
shift 2
frag=${FRAGMENTS:-$FRAGMENT}

need "${CROSS_COMPILE}gcc" gcc-aarch64-linux-gnu
need ccache ccache
need flex flex
need bison bison
need bc bc

mkdir -p "$out"
# Merge the fragment(s) in order: later ones override earlier ones.
cat $frag >"$out/fragment.config"
if [ ! -f "$out/.config" ] || ! cmp -s "$out/fragment.config" "$out/.fragment.applied"; then
	KCONFIG_ALLCONFIG="$out/fragment.config" make -s -C "$src" ARCH=arm64 \
		CROSS_COMPILE="$CROSS_COMPILE" O="$out" allnoconfig >/dev/null
	cp "$out/fragment.config" "$out/.fragment.applied"
else
	kmake "$out" -C "$src" olddefconfig >/dev/null
fi

# Every option the fragment sets must be in the final .config as asked.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) want=$line ;;
	"# CONFIG_"*" is not set") want=$line ;;
	*) continue ;;
	esac
	sym=${want#\# }
	sym=${sym%%[= ]*}
	# Last one wins when fragments are stacked.
	last=$(grep -E "^(# )?$sym[= ]" "$out/fragment.config" | tail -n1)
	[ "$last" = "$want" ] || continue
	if [[ $want == "# "* ]]; then
		if grep -q "^$sym=" "$out/.config"; then
			warn "$sym is set in .config, the fragment asks for it off"
			bad=1
		fi
	elif ! grep -qx "$want" "$out/.config"; then
		got=$(grep -E "^(# )?$sym[= ]" "$out/.config" || echo "$sym absent")
		warn "fragment asks for '$want', .config has '$got' (missing dependency?)"
		bad=1
	fi
done <"$out/fragment.config"
[ $bad -eq 0 ] || die "$out/.config does not have what $frag asks for"

kmake "$out" -C "$src" Image "$@"
log "kernel: $out/arch/arm64/boot/Image ($(make -s -C "$src" kernelversion))"

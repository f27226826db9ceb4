#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make the base tree: a git repository in $BUILD/src/base whose commit tagged
# "base" is the unmodified kernel the series applies to.
#
#  - default: Debian's linux-source-$KBASE tarball, committed with a fixed
#    author, date and message so that the base commit id is the same on every
#    machine (it is the base-commit: of the exported series);
#  - KERNEL_SRC=/path/to/linux: a git tree (v7.2 or newer for the primary
#    base, v6.12.y with KBASE=6.12), cloned with --shared, based at its HEAD.
#
# Refuses a tree of another version, and a cache made from another source.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TARBALL=${TARBALL:-/usr/src/$KBASE_PKG.tar.xz}

check_version() {
	local v
	v=$(make -s -C "$1" kernelversion 2>/dev/null) ||
		die "$1: 'make kernelversion' failed: not a Linux source tree"
	case "$KBASE:$v" in
	6.12:6.12.*) printf '%s\n' "$v" ;;
	6.12:*) die "$1 is Linux $v; the series is based on v6.12.y" ;;
	7.2:7.[2-9].* | 7.[2-9] | 7.[2-9]-rc* | 7.[2-9].*-rc* | 7.[1-9][0-9]* | [89].*)
		printf '%s\n' "$v" ;;
	7.2:*) die "$1 is Linux $v; the series is based on v7.2 or newer" ;;
	esac
}

if [ -n "${KERNEL_SRC:-}" ]; then
	[ -d "$KERNEL_SRC" ] || die "KERNEL_SRC=$KERNEL_SRC: no such directory"
	git -C "$KERNEL_SRC" rev-parse --verify -q HEAD >/dev/null ||
		die "KERNEL_SRC=$KERNEL_SRC is not a git tree (use a git checkout of the kernel: v7.2 or newer, or v6.12.y with KBASE=6.12)"
	origin="git:$(cd "$KERNEL_SRC" && pwd)@$(git -C "$KERNEL_SRC" rev-parse HEAD)"
else
	[ -f "$TARBALL" ] ||
		die "$TARBALL not found: install the Debian package '$KBASE_PKG' (make deps)"
	origin="tarball:$(dpkg-query -W -f='${Version}' "$KBASE_PKG" 2>/dev/null || echo unknown)"
fi

if [ -d "$BASE_REPO/.git" ]; then
	have=$(cat "$BASE_REPO/.git/kvm-s2-origin" 2>/dev/null || true)
	if [ "$have" = "$origin" ] && git -C "$BASE_REPO" rev-parse -q --verify base >/dev/null; then
		exit 0
	fi
	die "$BASE_REPO was made from '$have', not '$origin': run 'make distclean' or use another BUILD="
fi

mkdir -p "$BUILD/src"
tmp=$BUILD/src/base.tmp
rm -rf "$tmp"

if [ -n "${KERNEL_SRC:-}" ]; then
	log "base: cloning $KERNEL_SRC (shared)"
	check_version "$KERNEL_SRC" >/dev/null
	git clone -q --shared --no-checkout "$KERNEL_SRC" "$tmp"
	git -C "$tmp" checkout -q --detach "$(git -C "$KERNEL_SRC" rev-parse HEAD)"
	git -C "$tmp" tag -f base >/dev/null
else
	log "base: extracting $TARBALL"
	mkdir -p "$tmp"
	tar -C "$tmp" --strip-components=1 -xf "$TARBALL"
	v=$(check_version "$tmp")
	log "base: committing Linux $v ($origin) as the baseline"
	# Debian's top-level .gitignore ignores every dotfile and more: force-add.
	git -C "$tmp" init -q -b base-import
	git -C "$tmp" add -f -A .
	GIT_AUTHOR_NAME="Debian $KBASE_PKG" GIT_AUTHOR_EMAIL="debian-kernel@lists.debian.org" \
	GIT_COMMITTER_NAME="Debian $KBASE_PKG" GIT_COMMITTER_EMAIL="debian-kernel@lists.debian.org" \
	GIT_AUTHOR_DATE="2025-01-01T00:00:00+0000" GIT_COMMITTER_DATE="2025-01-01T00:00:00+0000" \
		git -C "$tmp" commit -q --no-verify --no-gpg-sign \
		-m "Linux $v as shipped by Debian ($KBASE_PKG ${origin#tarball:})"
	git -C "$tmp" tag base
fi
git -C "$tmp" config user.name >/dev/null || git -C "$tmp" config user.name "$(git -C "$TOP" config user.name || echo kvm-s2)"
git -C "$tmp" config user.email >/dev/null || git -C "$tmp" config user.email "$(git -C "$TOP" config user.email || echo kvm-s2@localhost)"
git -C "$tmp" config gc.auto 0	# no background repack of the big import
printf '%s\n' "$origin" >"$tmp/.git/kvm-s2-origin"
mv "$tmp" "$BASE_REPO"
log "base: $(git -C "$BASE_REPO" log -1 --format='%h %s' base)"

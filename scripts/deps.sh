#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install, with apt-get, every Debian package the workflow needs and that
# is missing. Says what it installs; fails clearly when it cannot.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	make gcc libc6-dev git
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu
	qemu-system-arm
	linux-source-6.12 linux-source-7.2
	sparse ccache flex bison bc libssl-dev libelf-dev cpio xz-utils
	perl python3 python3-ply python3-git rsync kmod
)

missing=()
for p in "${PACKAGES[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	log "deps: all ${#PACKAGES[@]} packages present"
	exit 0
fi

log "deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO=(sudo -n)
else
	die "missing packages (${missing[*]}) and not root, no passwordless sudo: install them by hand"
fi

export DEBIAN_FRONTEND=noninteractive

# linux-source-7.2 is in Debian's sid suite only. Add sid as a source with
# priority 1 (never chosen for anything by itself), and pin that one
# package to it: nothing else is taken from sid.
SID_SOURCES=/etc/apt/sources.list.d/kvm-s2-sid.sources
SID_PIN=/etc/apt/preferences.d/kvm-s2-sid
if printf '%s\n' "${missing[@]}" | grep -qx linux-source-7.2 && [ ! -f "$SID_SOURCES" ]; then
	log "deps: adding Debian sid as a source, pinned to linux-source-7.2 only ($SID_SOURCES, $SID_PIN)"
	printf '%s\n' "Types: deb" "URIs: http://deb.debian.org/debian" "Suites: sid" \
		"Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
		"${SUDO[@]}" tee "$SID_SOURCES" >/dev/null
	printf '%s\n' "Package: *" "Pin: release n=sid" "Pin-Priority: 1" "" \
		"Package: linux-source-7.2" "Pin: release n=sid" "Pin-Priority: 500" |
		"${SUDO[@]}" tee "$SID_PIN" >/dev/null
fi

"${SUDO[@]}" apt-get update -qq ||
	die "apt-get update failed"
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
	die "apt-get install failed for: ${missing[*]}"
log "deps: installed ${missing[*]}"

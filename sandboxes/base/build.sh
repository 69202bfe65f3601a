#!/usr/bin/env bash
# Builds the pinned base image of the container sandboxes: a Debian bookworm minbase root
# filesystem from a fixed snapshot of the Debian archive, imported as a local image.
#
#   bash sandboxes/base/build.sh            # needs root, debootstrap and a docker (or podman) CLI
#
# The snapshot timestamp pins every package version, so two builds give the same packages; the
# image id (sha256) is printed and written to sandboxes/base/image-id.txt for the run manifest.
# The jail needs nothing beyond python3, bash, coreutils, findutils, grep/sed/awk, procps and
# openssl (scaffold.md section 6), which is what this installs.
set -euo pipefail

SNAPSHOT="20250301T000000Z"
SUITE="bookworm"
TAG="inspect-ic/base:bookworm-20250301"
MIRROR="https://snapshot.debian.org/archive/debian/${SNAPSHOT}"
PACKAGES="python3,procps,openssl,ca-certificates,findutils,grep,sed,gawk"
ENGINE="${IC_CONTAINER_ENGINE:-docker}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT

debootstrap --variant=minbase --include="$PACKAGES" --no-check-gpg "$SUITE" "$rootfs" "$MIRROR"
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
tar --numeric-owner -C "$rootfs" -c . | "$ENGINE" import --change 'CMD ["tail", "-f", "/dev/null"]' - "$TAG"
"$ENGINE" image inspect --format '{{.Id}}' "$TAG" | tee "$here/image-id.txt"

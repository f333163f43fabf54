#!/usr/bin/env bash
# Builds (once, cached) the microVM the real-kernel suite boots: a Debian kernel with IPVS and a tiny initramfs that
# mounts the host's root read-only over 9p under a tmpfs overlay, so the guest runs the host's node, ipvsadm and project.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${LVSF_VM_CACHE:-$(cd "$HERE/../.." && pwd)/.cache/vm}"
mkdir -p "$CACHE"
cd "$CACHE"

# The kernel: the generic flavour (it has 9p, overlay, veth, bridge and every ip_vs scheduler as modules).
PKG="${LVSF_VM_KERNEL_PACKAGE:-$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')}"
[ -n "$PKG" ] || { echo "build-guest: cannot resolve the kernel package (apt-get update?)" >&2; exit 1; }
# The cache is keyed by the kernel package and the content of this script (its module list) and of the guest's init:
# file times alone miss a cache built by another checkout, or restored with newer times than the files.
KEY="$(cat "$HERE/build-guest.sh" "$HERE/guest-init.sh" | sha256sum | cut -c1-16)"
STAMP="$CACHE/built-$PKG-$KEY"
if [ -f "$STAMP" ] && [ -f "$CACHE/vmlinux" ] && [ -f "$CACHE/initrd.gz" ]; then
  echo "$CACHE"; exit 0
fi

for tool in qemu-system-x86_64 busybox cpio depmod xz dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "build-guest: $tool is missing (install the packages in test/vm/packages.txt)" >&2; exit 1; }
done

ls "$PKG"_*.deb >/dev/null 2>&1 || apt-get download "$PKG" >&2
rm -rf kernel && mkdir kernel && dpkg-deb -x "$PKG"_*.deb kernel
KVER="$(ls kernel/lib/modules | head -1)"

# The uncompressed ELF vmlinux boots through PVH, skipping in-guest decompression: find the xz stream in the bzImage.
OFFSET="$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "kernel/boot/vmlinuz-$KVER" | head -1 | cut -d: -f1)"
[ -n "$OFFSET" ] || { echo "build-guest: no xz stream in vmlinuz-$KVER" >&2; exit 1; }
tail -c +"$((OFFSET + 1))" "kernel/boot/vmlinuz-$KVER" | xz -dc --single-stream > vmlinux 2>/dev/null || true
[ "$(head -c 4 vmlinux | od -An -c | tr -d ' ')" = "177ELF" ] || { echo "build-guest: extracted vmlinux is not ELF" >&2; exit 1; }

# The modules the guest needs, with everything they depend on (from the kernel's own modules.dep).
# nf_tables: nftables marks packets for the fwmark services (its meta, payload and filter chain parts are built in).
WANT="virtio_pci virtio_net 9p 9pnet_virtio overlay veth bridge crc32c_generic libcrc32c nf_conntrack ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sed ip_vs_nq nf_tables"
MODDIR="kernel/lib/modules/$KVER"
# The package ships no modules.dep (dpkg runs depmod on install): make it.
depmod -b kernel "$KVER"
declare -A NEED=()
resolve() {
  local name="$1" path line dep
  path="$(awk -v n="/$name.ko:" 'index($0, n) { sub(":.*", "", $1); print $1; exit }' "$MODDIR/modules.dep")"
  [ -n "$path" ] || { echo "build-guest: module $name not found" >&2; exit 1; }
  [ -n "${NEED[$path]:-}" ] && return
  NEED[$path]=1
  line="$(grep "^$path:" "$MODDIR/modules.dep" | cut -d: -f2)"
  for dep in $line; do resolve "$(basename "$dep" .ko)"; done
}
for m in $WANT; do resolve "$m"; done

rm -rf initramfs && mkdir -p initramfs/{bin,dev,proc,sys,mnt/lower,mnt/upper,mnt/root,lib/modules/"$KVER"}
cp "$(command -v busybox)" initramfs/bin/busybox
for applet in sh mount umount mkdir switch_root modprobe insmod poweroff cat echo sleep ls; do ln -s busybox "initramfs/bin/$applet"; done
for path in "${!NEED[@]}"; do
  mkdir -p "initramfs/lib/modules/$KVER/$(dirname "$path")"
  cp "$MODDIR/$path" "initramfs/lib/modules/$KVER/$path"
done
cp "$MODDIR"/modules.order "$MODDIR"/modules.builtin* "initramfs/lib/modules/$KVER/" 2>/dev/null || true
depmod -b initramfs "$KVER"
sed "s/@KVER@/$KVER/; s/@MODULES@/$WANT/" "$HERE/guest-init.sh" > initramfs/init
chmod +x initramfs/init
(cd initramfs && find . | cpio -o -H newc --quiet | gzip -1) > initrd.gz
echo "$KVER" > kernel-version
rm -f built-* && touch "$STAMP"
echo "$CACHE"

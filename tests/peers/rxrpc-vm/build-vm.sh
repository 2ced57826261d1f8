#!/usr/bin/env bash
# Builds the Linux AF_RXRPC test VM (see /work/shared/docs/af-rxrpc-test-vm.md): Debian's kernel
# (downloaded with apt-get download and unpacked, never installed), the modules rxrpc needs, and an
# initramfs of busybox-static plus rxrpc-echo (static). Output in OUT_DIR: vmlinuz, initramfs.cpio.gz.
#
#   build-vm.sh OUT_DIR
#
# Needs: qemu-system-x86, busybox-static, cpio, gcc, linux-libc-dev (scripts/install-peers.sh).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
cd "$out"

if ! ls kernel/boot/vmlinuz-* >/dev/null 2>&1; then
  pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
  [ -n "$pkg" ] || { echo "build-vm.sh: no linux-image package found (apt-get update?)" >&2; exit 1; }
  rm -rf download kernel && mkdir download
  (cd download && apt-get download "$pkg" 2>/dev/null)
  dpkg -x download/*.deb kernel
  rm -rf download
fi
kver=$(ls kernel/lib/modules | head -1)
grep -q '^CONFIG_AF_RXRPC=m' "kernel/boot/config-$kver" || { echo "build-vm.sh: kernel $kver has no AF_RXRPC module" >&2; exit 1; }
cp "kernel/boot/vmlinuz-$kver" vmlinuz

rm -rf root && mkdir -p root/bin root/proc root/sys root/dev root/tmp root/modules
cp /bin/busybox root/bin/busybox
for applet in sh mount insmod ip sleep cat echo poweroff ping arping grep; do ln -s busybox "root/bin/$applet"; done
# Load order: rxrpc's dependencies (its .modinfo depends=), the rxkad crypto it allocates at init, rxrpc, the NIC.
i=0
for m in udp_tunnel ip6_udp_tunnel fcrypt pcbc rxrpc e1000; do
  f=$(find "kernel/lib/modules/$kver" -name "$m.ko" -o -name "$m.ko.xz" | head -1)
  [ -n "$f" ] || { echo "build-vm.sh: module $m not found" >&2; exit 1; }
  i=$((i + 1))
  case $f in *.xz) xz -dc "$f" > "root/modules/$i-$m.ko" ;; *) cp "$f" "root/modules/$i-$m.ko" ;; esac
done
gcc -static -O2 -Wall -Werror -o root/bin/rxrpc-echo "$here/rxrpc-echo.c"
cp "$here/init" root/init
chmod +x root/init
(cd root && find . | cpio -H newc -o --quiet | gzip -9) > initramfs.cpio.gz
echo "build-vm.sh: $out/vmlinuz ($kver), $out/initramfs.cpio.gz ($(du -k initramfs.cpio.gz | cut -f1) KB)"

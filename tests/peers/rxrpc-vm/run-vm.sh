#!/usr/bin/env bash
# Boots the AF_RXRPC test VM (build-vm.sh OUT_DIR first) and runs COMMANDS in it; prints the console.
#
#   run-vm.sh OUT_DIR 'COMMANDS' [PORT ...]
#
# COMMANDS: shell commands for the guest, ';'-separated ('…&' = background), e.g.
#   'rxrpc-echo client 10.0.2.2 7100 -u -n 3'   (10.0.2.2 reaches the host's 127.0.0.1)
# Each PORT is forwarded from the host's 127.0.0.1:PORT/udp to the guest (for a server in the guest).
# Software emulation (no KVM here), 256 MB, killed after RXGEN_VM_TIMEOUT seconds (default 120).
set -euo pipefail
out=$1; commands=$2; shift 2
net="user,id=n0"
for p in "$@"; do net="$net,hostfwd=udp:127.0.0.1:$p-:$p"; done
exec timeout --kill-after=5 "${RXGEN_VM_TIMEOUT:-120}" qemu-system-x86_64 -accel tcg -m 256 -nographic -no-reboot \
  -kernel "$out/vmlinuz" -initrd "$out/initramfs.cpio.gz" \
  -append "console=ttyS0 quiet panic=-1 rxtest=\"$commands\"" \
  -netdev "$net" -device e1000,netdev=n0 -monitor none -serial stdio

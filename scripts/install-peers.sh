#!/usr/bin/env bash
# Installs the Debian packages RxGen's C peers and interop tests need.
#
#   gcc make pkg-config          build the C peers (tests/peers/build.sh)
#   rpcsvc-proto                 rpcgen and /usr/include/rpcsvc/*.x
#   libnsl-dev libtirpc-dev      ONC RPC / XDR library for the rpcgen peers
#   libopenafs-dev               OpenAFS rxgen, Rx headers, libafsrpc
#   openafs-dbserver openafs-fileserver openafs-client
#                                real OpenAFS servers/clients for interop tests
#   rpcbind                      portmapper for ONC interop tests
#   tshark                       packet captures in interop tests
#   afl++                        afl-fuzz for scripts/fuzz.sh (SharpFuzz harness tests/RxGen.Fuzz)
#   qemu-system-x86 busybox-static cpio
#                                the Linux AF_RXRPC test VM (tests/peers/rxrpc-vm; its kernel is
#                                fetched with apt-get download and unpacked, never installed)
#
# Idempotent: when every package is already installed it does nothing (no
# apt-get update). Non-interactive: debconf questions are preseeded, and no
# service is started by the package scripts (a temporary policy-rc.d is used
# when the machine has none), so nothing listens on 0.0.0.0 afterwards.
#
# Usage: scripts/install-peers.sh   (as root, or with sudo available)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  gcc make pkg-config
  rpcsvc-proto libnsl-dev libtirpc-dev
  libopenafs-dev
  openafs-dbserver openafs-fileserver openafs-client
  rpcbind tshark
  afl++
  qemu-system-x86 busybox-static cpio
)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -E)
  else
    echo "install-peers.sh: must run as root (or with sudo)" >&2
    exit 1
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  case "$status" in
    ii*) ;;
    *) missing+=("$p") ;;
  esac
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-peers.sh: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi
echo "install-peers.sh: installing: ${missing[*]}"

# Preseed the questions these packages ask, so noninteractive gets sane values.
"${SUDO[@]}" debconf-set-selections <<'EOF'
wireshark-common wireshark-common/install-setuid boolean false
openafs-client openafs-client/thiscell string test.cell
openafs-client openafs-client/cachesize string 50000
openafs-client openafs-client/run-client boolean false
openafs-client openafs-client/dynroot select Yes
openafs-client openafs-client/fakestat boolean true
openafs-client openafs-client/afsdb boolean false
openafs-client openafs-client/crypt boolean false
openafs-fileserver openafs-fileserver/thiscell string test.cell
krb5-config krb5-config/default_realm string TEST.CELL
krb5-config krb5-config/add_servers_realm string TEST.CELL
krb5-config krb5-config/read_conf boolean true
krb5-config krb5-config/add_servers boolean false
EOF

# Keep package scripts from starting rpcbind/openafs daemons (they would bind
# wildcard addresses); the tests start their own loopback-only instances.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
  "${SUDO[@]}" chmod 755 "$policy"
  own_policy=1
fi
cleanup() {
  if [ "$own_policy" -eq 1 ]; then "${SUDO[@]}" rm -f "$policy"; fi
}
trap cleanup EXIT

"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}"

# Sanity check: the tools the peers are built with.
for tool in gcc make pkg-config rpcgen rxgen; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install-peers.sh: $tool missing after install" >&2; exit 1; }
done
echo "install-peers.sh: done"

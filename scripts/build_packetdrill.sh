#!/usr/bin/env bash
# Builds packetdrill once, from the vendored source beside the clone
# (../shared/vendor/packetdrill-*.tar.gz, google/packetdrill at a fixed
# commit), into the user's cache folder, and prints the binary's path.
#
#   scripts/build_packetdrill.sh [--force] [VENDOR_DIR]
#
# The cache folder is $CLOSEWAIT_CACHE_DIR, else
# ${XDG_CACHE_HOME:-$HOME/.cache}/closewait; the binary goes to
# <cache>/packetdrill/packetdrill beside a key file (hash of the tarball and
# of this script). A matching key means nothing to do. The source is
# unpacked into a temporary folder and patched there (the vendor folder is
# never written): packetdrill asserts that getsockopt(TCP_INFO) returns its
# whole struct _tcp_info (280 bytes), which kernels before 6.18 do not
# (232 bytes on 6.1, 248 on 6.12); its buffer is zero-filled, so a shorter
# answer is safe to read and the check is relaxed to "some bytes". The IPv6
# tun address is added with nodad (see below).
# Needs bison, flex, gcc and make; as root with apt-get they are installed
# when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

force=0
vendor=""
for arg in "$@"; do
  case "$arg" in
  --force) force=1 ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  -*)
    echo "build_packetdrill: unknown flag $arg (usage: $0 [--force] [VENDOR_DIR])" >&2
    exit 2
    ;;
  *) vendor="$arg" ;;
  esac
done
vendor="${vendor:-${CLOSEWAIT_PACKETDRILL_VENDOR:-../shared/vendor}}"

shopt -s nullglob
tarballs=("$vendor"/packetdrill-*.tar.gz)
if ((${#tarballs[@]} != 1)); then
  echo "build_packetdrill: expected one packetdrill-*.tar.gz in $vendor, found ${#tarballs[@]}" >&2
  exit 1
fi
tarball="${tarballs[0]}"

cache="${CLOSEWAIT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/closewait}"
dest="$cache/packetdrill"
key="$(cat "$tarball" "$0" | sha256sum | cut -d' ' -f1)"
if ((!force)) && [ -x "$dest/packetdrill" ] && [ "$(cat "$dest/packetdrill.key" 2>/dev/null)" = "$key" ]; then
  echo "$dest/packetdrill"
  exit 0
fi

missing=()
for tool in bison flex gcc make; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "build_packetdrill: installing ${missing[*]} with apt-get" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" libc6-dev >/dev/null
  else
    echo "build_packetdrill: ${missing[*]} missing (apt-get install -y bison flex gcc make)" >&2
    exit 1
  fi
fi

mkdir -p "$dest"
work="$(mktemp -d "${TMPDIR:-/tmp}/closewait-packetdrill.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# One build at a time per cache folder.
exec 9>"$dest/build.lock"
flock -w 300 9 || {
  echo "build_packetdrill: another build holds $dest/build.lock" >&2
  exit 1
}
if ((!force)) && [ -x "$dest/packetdrill" ] && [ "$(cat "$dest/packetdrill.key" 2>/dev/null)" = "$key" ]; then
  echo "$dest/packetdrill"
  exit 0
fi

tar -xzf "$tarball" -C "$work"
src="$(dirname "$(find "$work" -path '*/gtests/net/packetdrill/configure' | head -n1)")"
if [ ! -f "$src/code.c" ]; then
  echo "build_packetdrill: no gtests/net/packetdrill/code.c in $tarball" >&2
  exit 1
fi
# The TCP_INFO length check (Linux branch of code.c): relaxed, and proven so.
check='assert(len >= sizeof(struct _tcp_info));'
if ! grep -qF "$check" "$src/code.c"; then
  echo "build_packetdrill: the TCP_INFO length check is not in code.c any more; update this script" >&2
  exit 1
fi
sed -i "0,/assert(len >= sizeof(struct _tcp_info));/s//assert(len > 0); \/* closewait: kernels before 6.18 return fewer bytes *\//" "$src/code.c"
grep -qF 'closewait: kernels before 6.18' "$src/code.c"

# IPv6: add the tun address with nodad. Without it the address is tentative
# until the kernel's address work runs (asynchronously, even with DAD off);
# on a loaded machine a script's bind() can come first and fail
# EADDRNOTAVAIL (seen here about once in 200 IPv6 runs).
sed -i '/^static void net_add_ipv6_address/,/verbose_system/ s|dev %s > /dev/null 2>&1"|dev %s nodad > /dev/null 2>\&1"|' "$src/net_utils.c"
if ! grep -q 'dev %s nodad > /dev/null' "$src/net_utils.c"; then
  echo "build_packetdrill: the IPv6 address command is not in net_utils.c any more; update this script" >&2
  exit 1
fi

log="$dest/build.log"
if ! (cd "$src" && ./configure && make -j"$(nproc 2>/dev/null || echo 2)") >"$log" 2>&1; then
  echo "build_packetdrill: build failed; the last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
cp "$src/packetdrill" "$dest/packetdrill.tmp"
mv -f "$dest/packetdrill.tmp" "$dest/packetdrill"
echo "$key" >"$dest/packetdrill.key"
echo "build_packetdrill: built $dest/packetdrill from $(basename "$tarball")" >&2
echo "$dest/packetdrill"

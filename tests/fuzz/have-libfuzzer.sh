#!/bin/sh
# tests/fuzz/have-libfuzzer.sh -- exit 0 when clang can build a libFuzzer target with ASan and
# UBSan (what `make fuzz` and the smoke in `make test` need), 1 otherwise. A test link, not a look
# for the runtime's file: where clang keeps libclang_rt.fuzzer differs between versions, and on
# Debian clang itself is there while the runtime (libclang-rt-dev) is only "recommended".
command -v clang >/dev/null 2>&1 || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' >"$tmp/t.c"
clang -fsanitize=fuzzer,address,undefined -o "$tmp/t" "$tmp/t.c" >/dev/null 2>&1

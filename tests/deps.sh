#!/bin/sh
# make deps: check each library with pkg-config; install the missing Debian packages.
# Each entry is "pkg-config-name:debian-package". Tools the tests need are "cmd:tool:package";
# Python modules they need are "module:package".
set -u
need=""
for entry in libcurl:libcurl4-openssl-dev libcjson:libcjson-dev yaml-0.1:libyaml-dev \
             libpcre2-8:libpcre2-dev libmicrohttpd:libmicrohttpd-dev cmocka:libcmocka-dev \
             libcmark-gfm:libcmark-gfm-dev; do
	pc=${entry%%:*}; pkg=${entry#*:}
	if ! pkg-config --exists "$pc" 2>/dev/null; then
		echo "make deps: $pc not found (Debian package $pkg)"
		need="$need $pkg"
	fi
done
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
# cmark-gfm's extensions (tables, autolinks for Markdown page bodies) have no .pc file of their own
if [ ! -e /usr/include/cmark-gfm-core-extensions.h ]; then
	echo "make deps: cmark-gfm-core-extensions.h not found (Debian package libcmark-gfm-extensions-dev)"
	need="$need libcmark-gfm-extensions-dev"
fi
for entry in curl:curl jq:jq openssl:openssl cppcheck:cppcheck valgrind:valgrind clang-tidy:clang-tidy; do
	cmd=${entry%%:*}; pkg=${entry#*:}
	if ! command -v "$cmd" >/dev/null 2>&1; then
		echo "make deps: $cmd not found (Debian package $pkg; the tests or make check use it)"
		need="$need $pkg"
	fi
done
# the HTML plan's calendar is checked in a real browser (tests/e2e/t0820-calendar-html.sh; the case
# is skipped, not failed, where chromium is missing)
if ! command -v chromium >/dev/null 2>&1; then
	echo "make deps: chromium not found (Debian package chromium; the HTML calendar test uses it)"
	need="$need chromium"
fi
# groff renders the man page in tests/e2e/t0020-help-man.sh (Debian priority "important", so usually
# there already; minimal images lack it)
if ! command -v groff >/dev/null 2>&1; then
	echo "make deps: groff not found (Debian package groff-base; the man page test uses it)"
	need="$need groff-base"
fi
# Python modules the schema and CI template tests use (tests/e2e/schema-check.py, ci-run.py), for Debian's /usr/bin/python3
# (a pyenv or venv python first on PATH is not what apt installs into): "module:package".
for entry in yaml:python3-yaml jsonschema:python3-jsonschema; do
	mod=${entry%%:*}; pkg=${entry#*:}
	if ! /usr/bin/python3 -c "import $mod" >/dev/null 2>&1; then
		echo "make deps: python3 module $mod not found (Debian package $pkg; the schema and CI tests use it)"
		need="$need $pkg"
	fi
done
# the fuzz smoke of make test (optional: skipped without clang); Debian's clang only recommends the
# runtime that holds libFuzzer
if command -v clang >/dev/null 2>&1 && ! sh tests/fuzz/have-libfuzzer.sh; then
	echo "make deps: clang cannot link libFuzzer (Debian package libclang-rt-dev)"
	need="$need libclang-rt-dev"
fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "make deps: installing:$need"
$sudo apt-get update -qq || exit 1
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $need || exit 1

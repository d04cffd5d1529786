# coursectl -- hand-written Makefile (after redis src/Makefile).
#
#   make          build/coursectl and build/canvas-sim
#   make deps     check the libraries with pkg-config; install the Debian -dev packages that are missing
#   make test     unit tests (cmocka) + end-to-end suite; ends with "N passed, N failed"
#   make asan     the same suite built with -fsanitize=address,undefined (in build/asan/)
#   make demo     the main job on the bundled simulator
#   make soak     20,000 changes applied and rolled back under faults (tests/soak/soak.sh; not in test)
#   make check    make test, then the source rules (tests/checksrc.sh), cppcheck and clang-tidy over
#                 runner/ and tests/sim, and the unit tests under valgrind (tests/static/run.sh says
#                 which checks)
#   make tidy     clang-tidy alone (tests/static/run.sh tidy; also part of make check)
#   make fuzz     every libFuzzer target (clang; tests/fuzz) for FUZZ_SECONDS each, in build/fuzz/
#   make install  coursectl, its man page and its bash/zsh completions under PREFIX; make uninstall
#
# Variables: CC (gcc or clang), BUILD (output directory), SAN (sanitizer flags), OPT, FUZZ_SECONDS,
# PREFIX (default /usr/local) and DESTDIR (a staging root for packagers) for install.

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2
DEBUG   ?= -g
SAN     ?=
FUZZ_SECONDS ?= 120
STD      = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wshadow -Wformat=2 -Wno-format-nonliteral
PKGS     = libcurl libcjson yaml-0.1 libpcre2-8 libcmark-gfm
SIMPKGS  = libmicrohttpd libcjson
TESTPKGS = cmocka libcjson

PKG_CFLAGS   = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# cmark-gfm's extensions library has no .pc file of its own (Debian's libcmark-gfm.pc lists it, others may not)
PKG_LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions
SIM_CFLAGS   = $(shell pkg-config --cflags $(SIMPKGS) 2>/dev/null)
SIM_LIBS     = $(shell pkg-config --libs $(SIMPKGS) 2>/dev/null)
TEST_CFLAGS  = $(shell pkg-config --cflags $(TESTPKGS) 2>/dev/null)
TEST_LIBS    = $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)

FINAL_CFLAGS = $(STD) $(WARN) $(OPT) $(DEBUG) $(SAN) -Iinclude -MMD -MP $(CFLAGS)
FINAL_LDFLAGS = $(SAN) $(LDFLAGS)

# coursectl: every runner/*.c; main.c only in the binary, the rest also in the unit tests.
RUNNER_SRC  = $(wildcard runner/*.c)
RUNNER_LIB  = $(filter-out runner/main.c,$(RUNNER_SRC))
RUNNER_OBJ  = $(RUNNER_SRC:%.c=$(BUILD)/%.o)
RUNNER_LOBJ = $(RUNNER_LIB:%.c=$(BUILD)/%.o)

# canvas-sim: tests/sim/*.c; sim_main.c only in the binary.
SIM_SRC   = $(wildcard tests/sim/*.c) runner/xalloc.c runner/buf.c runner/scanfields.c
SIM_LIB   = $(filter-out tests/sim/sim_main.c,$(SIM_SRC))
SIM_OBJ   = $(SIM_SRC:%.c=$(BUILD)/%.o)
SIM_LOBJ  = $(filter-out $(BUILD)/runner/%,$(SIM_LIB:%.c=$(BUILD)/%.o))

# unit tests: tests/unit/unit-*.c, each its own binary.
UNIT_SRC  = $(wildcard tests/unit/unit-*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)

# test tools: tests/tools/*.c, small programs over the runner's objects that e2e files run
# (tests/tools/kinds.c prints the resource table for t0961-kinds.sh).
TOOL_SRC  = $(wildcard tests/tools/*.c)
TOOL_BIN  = $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)

# LD_PRELOAD shims of the e2e tests: tests/shim/*.c, each a shared object (tests/shim/diskfull.c
# fills one file's disk for t1110-faults.sh).
SHIM_SRC  = $(wildcard tests/shim/*.c)
SHIM_LIB  = $(SHIM_SRC:tests/shim/%.c=$(BUILD)/tests/shim/%.so)

QUIET_CC  = @printf '    %-6s %s\n' CC $@;
QUIET_LD  = @printf '    %-6s %s\n' LINK $@;
ifeq ($(V),1)
QUIET_CC =
QUIET_LD =
endif

.SECONDARY:

.PHONY: all deps test unit e2e asan demo check tidy run-check clean bench soak fuzz build-all build-fuzz run-test run-unit run-e2e
.PHONY: install uninstall

# The public targets run `deps` first and then re-enter make, so that the pkg-config flags above
# are read after the libraries are installed (on a fresh machine `make test` alone sets up).
SUBMAKE = $(MAKE) --no-print-directory

all: deps
	@$(SUBMAKE) build-all

deps:
	@sh tests/deps.sh

build-all: $(BUILD)/coursectl $(BUILD)/canvas-sim $(TOOL_BIN) $(SHIM_LIB)

$(BUILD)/coursectl: $(RUNNER_OBJ)
	$(QUIET_LD)$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/canvas-sim: $(SIM_OBJ)
	$(QUIET_LD)$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(SIM_LIBS) -lpthread -lm

$(BUILD)/runner/%.o: runner/%.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(FINAL_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/tests/sim/%.o: tests/sim/%.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(FINAL_CFLAGS) $(SIM_CFLAGS) -Itests/sim -c -o $@ $<

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(FINAL_CFLAGS) $(PKG_CFLAGS) $(SIM_CFLAGS) $(TEST_CFLAGS) -Itests/sim -c -o $@ $<

# The runner's and the simulator's objects (all but their main) as archives, so that a unit binary
# pulls in only the objects it uses.
$(BUILD)/libcoursectl.a: $(RUNNER_LOBJ)
	$(QUIET_LD)rm -f $@ && ar rcs $@ $^

$(BUILD)/libsim.a: $(SIM_LOBJ)
	$(QUIET_LD)rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(BUILD)/libsim.a $(BUILD)/libcoursectl.a
	$(QUIET_LD)$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(TEST_LIBS) $(PKG_LIBS) $(SIM_LIBS) -lpthread -lm

$(BUILD)/tests/tools/%.o: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(FINAL_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(BUILD)/libcoursectl.a
	$(QUIET_LD)$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# Built without $(SAN): a preloaded library cannot carry its own sanitizer runtime.
$(BUILD)/tests/shim/%.so: tests/shim/%.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(STD) $(WARN) $(OPT) -fPIC -shared -o $@ $< -ldl

# The load generator of `make bench` (tests/bench/run.sh); not built by `make test`.
$(BUILD)/tests/bench/%.o: tests/bench/%.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(FINAL_CFLAGS) $(PKG_CFLAGS) $(SIM_CFLAGS) -c -o $@ $<

$(BUILD)/tests/bench/simload: $(BUILD)/tests/bench/simload.o $(BUILD)/runner/xalloc.o
	$(QUIET_LD)$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# CPU time to the microsecond for the scale benchmark (tests/bench/scale.sh).
$(BUILD)/tests/bench/cputime: $(BUILD)/tests/bench/cputime.o
	$(QUIET_LD)$(CC) $(FINAL_LDFLAGS) -o $@ $^

# The floor of serving a plan: recorded answers replayed by canvas-sim's libmicrohttpd setup
# (tests/bench/simfloor.c, run by tests/bench/plan.sh).
$(BUILD)/tests/bench/simfloor: $(BUILD)/tests/bench/simfloor.o $(BUILD)/runner/xalloc.o $(BUILD)/runner/strmap.o
	$(QUIET_LD)$(CC) $(FINAL_LDFLAGS) -o $@ $^ $(SIM_LIBS) -lpthread

test: deps
	@$(SUBMAKE) run-test

unit: deps
	@$(SUBMAKE) run-unit

e2e: deps
	@$(SUBMAKE) run-e2e

run-test: $(BUILD)/coursectl $(BUILD)/canvas-sim $(UNIT_BIN) $(TOOL_BIN) $(SHIM_LIB)
	@BUILD=$(BUILD) sh tests/run.sh

run-unit: $(UNIT_BIN)
	@BUILD=$(BUILD) sh tests/run.sh unit

run-e2e: $(BUILD)/coursectl $(BUILD)/canvas-sim $(TOOL_BIN) $(SHIM_LIB)
	@BUILD=$(BUILD) sh tests/run.sh e2e

asan: deps
	@$(SUBMAKE) BUILD=build/asan OPT=-O1 \
		SAN='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' run-test

demo: deps
	@$(SUBMAKE) build-all
	@BUILD=$(BUILD) sh recipes/demo/run.sh

bench: deps
	@$(SUBMAKE) build-all $(BUILD)/tests/bench/simload $(BUILD)/tests/bench/cputime $(BUILD)/tests/bench/simfloor
	@BUILD=$(BUILD) sh tests/bench/run.sh

# A long apply and rollback under faults (tests/soak/soak.sh); not part of `make test`.
# SOAK_CHANGES=2000 make soak for a shorter one.
soak: deps
	@$(SUBMAKE) build-all
	@BUILD=$(BUILD) bash tests/soak/soak.sh

# libFuzzer needs clang (and, on Debian, libclang-rt-dev). The objects are built again with
# -fsanitize=fuzzer-no-link into build/fuzz/; one binary per target (tests/fuzz/fuzz-NAME.c, seeds
# in tests/fuzz/corpus/NAME, an optional dictionary tests/fuzz/NAME.dict, else json.dict for the
# JSON targets). `make fuzz` runs each of FUZZ_TARGETS for FUZZ_SECONDS, one after the other (one
# process each: the machine is shared), new inputs going to build/fuzz/corpus/NAME (the seeds in git stay
# as they are); `make test` runs every seed once (tests/fuzz/smoke.sh).
FUZZ_TARGETS = recipe snapshot link plan journal profile sim
FUZZ_SAN = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined

fuzz: deps
	@$(SUBMAKE) build-fuzz
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus/$$t; \
		dict=tests/fuzz/$$t.dict; [ -f $$dict ] || dict=tests/fuzz/json.dict; \
		echo "fuzz-$$t: $(FUZZ_SECONDS) s (log: build/fuzz/$$t.log)"; \
		build/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -max_len=16384 \
			-rss_limit_mb=2048 -dict=$$dict -artifact_prefix=build/fuzz/$$t- -print_final_stats=1 \
			build/fuzz/corpus/$$t tests/fuzz/corpus/$$t >build/fuzz/$$t.log 2>&1; rc=$$?; \
		grep -E '^(stat::number_of_executed_units|#[0-9]+[[:space:]]+DONE|==[0-9]+==|SUMMARY|.*runtime error)' \
			build/fuzz/$$t.log; \
		[ $$rc -eq 0 ] || { echo "fuzz-$$t failed (exit $$rc): the input is build/fuzz/$$t-*"; exit 1; }; \
	done

build-fuzz:
	@$(SUBMAKE) CC=clang BUILD=build/fuzz OPT=-O1 SAN='$(FUZZ_SAN)' $(FUZZ_TARGETS:%=build/fuzz/fuzz-%)

$(BUILD)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(FINAL_CFLAGS) $(PKG_CFLAGS) $(SIM_CFLAGS) -Itests/sim -c -o $@ $<

$(BUILD)/fuzz-sim: $(BUILD)/tests/fuzz/fuzz-sim.o $(BUILD)/libsim.a $(BUILD)/runner/xalloc.o $(BUILD)/runner/buf.o $(BUILD)/runner/scanfields.o
	$(QUIET_LD)$(CC) $(FINAL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(SIM_LIBS) -lpthread -lm

$(BUILD)/fuzz-%: $(BUILD)/tests/fuzz/fuzz-%.o $(BUILD)/libcoursectl.a
	$(QUIET_LD)$(CC) $(FINAL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) -lpthread -lm

# GNU-style install: PREFIX for the layout, DESTDIR prepended to every path (packaging), modes
# 755/644. It builds build/coursectl if needed but does not run `make deps` (no apt-get under sudo;
# `make` first). canvas-sim is a test tool and is not installed.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MAN1DIR     ?= $(PREFIX)/share/man/man1
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
INSTALL     ?= install

install: $(BUILD)/coursectl
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	$(INSTALL) -m 755 $(BUILD)/coursectl $(DESTDIR)$(BINDIR)/coursectl
	$(INSTALL) -m 644 docs/coursectl.1 $(DESTDIR)$(MAN1DIR)/coursectl.1
	$(INSTALL) -m 644 completions/coursectl.bash $(DESTDIR)$(BASHCOMPDIR)/coursectl
	$(INSTALL) -m 644 completions/_coursectl $(DESTDIR)$(ZSHCOMPDIR)/_coursectl

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/coursectl $(DESTDIR)$(MAN1DIR)/coursectl.1 \
		$(DESTDIR)$(BASHCOMPDIR)/coursectl $(DESTDIR)$(ZSHCOMPDIR)/_coursectl

check: deps
	@$(SUBMAKE) run-check

run-check: run-test
	@sh tests/checksrc.sh
	@BUILD=$(BUILD) sh tests/static/run.sh cppcheck tidy valgrind

tidy: deps
	@sh tests/static/run.sh tidy

clean:
	rm -rf build

-include $(RUNNER_OBJ:.o=.d) $(SIM_OBJ:.o=.d) $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%.d) \
	$(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%.d)
-include $(BUILD)/tests/bench/simload.d $(BUILD)/tests/bench/cputime.d $(BUILD)/tests/bench/simfloor.d $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/fuzz-%.d)

# driveway: one build for the library, the two programs and their tests.
#
#   make            build build/drivewayd and build/driveway
#   make run        install missing packages, build, start drivewayd on 127.0.0.1:8080, load examples/
#   make test       install missing packages, build, run every test (with a short fuzzing pass,
#                   FUZZ_CI_SECONDS (default 8) per target; 0 only replays the fuzz corpora)
#   make check-asan the unit and integration tests under AddressSanitizer + UBSan
#   make bench      benchmarks under bench/ (not tests)
#   make fuzz       the libFuzzer targets under fuzz/, FUZZ_SECONDS (default 60) each, with clang
#   make lint       banned calls and line length
#
# Sources are found by wildcard: a new validators/*.c joins libdriveway, a new server/*.c joins
# drivewayd, a new cli/*.c joins driveway, a new tests/unit/test_*.c becomes a Check suite.

CC      ?= cc
BUILD   ?= build
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
           -fno-common -Werror
CSTD     = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OPT     ?= -O2 -g
SAN     ?=
PKGS     = jansson yaml-0.1
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) $(SAN) -I. -I$(BUILD)/gen $(shell pkg-config --cflags $(PKGS)) $(CFLAGS)
LIB_LIBS    = $(shell pkg-config --libs jansson yaml-0.1) -lm
SERVER_LIBS = $(shell pkg-config --libs libmicrohttpd sqlite3 libgvc) $(LIB_LIBS) -lpthread
CLI_LIBS    = $(shell pkg-config --libs libcurl) $(LIB_LIBS) -lpthread
CHECK_LIBS  = $(shell pkg-config --libs check) -lpthread -lm

LIB_SRC    = $(sort $(wildcard validators/*.c))
SERVER_SRC = $(sort $(filter-out server/main.c,$(wildcard server/*.c)))
CLI_SRC    = $(sort $(filter-out cli/main.c,$(wildcard cli/*.c)))
UNIT_SRC   = $(sort $(wildcard tests/unit/test_*.c))
ITEST_SRC  = $(sort $(wildcard tests/integration/test_*.c))
SCHEMAS    = $(sort $(wildcard schemas/*.json))
WEB        = $(sort $(wildcard web/*))

LIB_OBJ    = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
SERVER_OBJ = $(SERVER_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ    = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN   = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
ITEST_BIN  = $(ITEST_SRC:tests/integration/%.c=$(BUILD)/tests/%)

LIBDW      = $(BUILD)/libdriveway.a
LIBSERVER  = $(BUILD)/libserver.a
LIBCLI     = $(BUILD)/libcli.a

.PHONY: all run test unit integration e2e check-asan bench lint install clean deps fuzz fuzz-smoke \
        fuzz-ci fuzz-bin
all: $(BUILD)/drivewayd $(BUILD)/driveway

deps:
	@scripts/install-deps.sh

$(BUILD)/gen/embedded.c: scripts/embed.sh $(SCHEMAS) $(WEB)
	@mkdir -p $(@D)
	scripts/embed.sh $(SCHEMAS) $(WEB) > $@.tmp && mv $@.tmp $@

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(LIBDW): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIBSERVER): $(SERVER_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIBCLI): $(CLI_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/drivewayd: $(BUILD)/server/main.o $(LIBSERVER) $(LIBDW)
	$(CC) $(SAN) -o $@ $^ $(SERVER_LIBS) $(LDFLAGS)

$(BUILD)/driveway: $(BUILD)/cli/main.o $(LIBCLI) $(LIBDW)
	$(CC) $(SAN) -o $@ $^ $(CLI_LIBS) $(LDFLAGS)

# A suite links libdriveway, plus the objects named in EXTRA_<suite> (server or CLI parts it
# tests), plus Check. Integration suites drive the real binaries, so they depend on them.
EXTRA_test_store  = $(BUILD)/server/store.o
EXTRA_test_router = $(LIBSERVER)
# the authorization matrix walks the server's route table
EXTRA_test_authz  = $(LIBSERVER)

.SECONDEXPANSION:
$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $$(EXTRA_$$*) $(LIBDW)
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $^ $(SERVER_LIBS) $(CHECK_LIBS) $(LDFLAGS)

$(BUILD)/tests/%: $(BUILD)/tests/integration/%.o $$(EXTRA_$$*) $(LIBDW) $(BUILD)/drivewayd \
    $(BUILD)/driveway
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $(filter %.o %.a,$^) $(if $(EXTRA_$*),$(SERVER_LIBS)) $(CLI_LIBS) \
	  $(CHECK_LIBS) $(LDFLAGS)

# libFuzzer targets (fuzz/fuzz_*.c, see docs/operations.md): built with clang into build-fuzz/
# (objects with fuzzer-no-link, targets linked with -fsanitize=fuzzer), run by fuzz/run.sh.
FUZZ_SECONDS ?= 60
# make test's pass: each target FUZZ_CI_SECONDS, FUZZ_CI_JOBS targets at a time (one a core).
FUZZ_CI_SECONDS ?= 8
FUZZ_CI_JOBS    ?= 2
FUZZ_CC      ?= clang
FUZZ_SAN      = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_SRC      = $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN      = $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/bin/%)
# clang's -Wformat-nonliteral also flags va_list pass-throughs that gcc accepts: off here only.
FUZZ_MAKE     = $(MAKE) --no-print-directory BUILD=build-fuzz CC=$(FUZZ_CC) OPT="-O1 -g" \
                SAN="$(FUZZ_SAN)" CFLAGS="-Wno-format-nonliteral"
EXTRA_fuzz_http = $(LIBSERVER)

$(BUILD)/fuzz/bin/%: $(BUILD)/fuzz/%.o $$(EXTRA_$$*) $(LIBDW)
	@mkdir -p $(@D)
	$(CC) $(SAN) -fsanitize=fuzzer -o $@ $^ $(SERVER_LIBS) $(LDFLAGS)

fuzz-bin: $(FUZZ_BIN)

# Each target FUZZ_SECONDS on a copy of its corpus; fails on any crash.
fuzz: deps
	@$(FUZZ_MAKE) fuzz-bin
	@FUZZ_BUILD=build-fuzz fuzz/run.sh fuzz $(FUZZ_SECONDS)

# Replays every corpus and regression input once through its target (no new fuzzing).
fuzz-smoke:
	@$(FUZZ_MAKE) fuzz-bin
	@FUZZ_BUILD=build-fuzz fuzz/run.sh smoke

# make test's pass: each target replays its corpus and regressions, then fuzzes
# FUZZ_CI_SECONDS on a copy; fails on any crash, leaving the input in build-fuzz/artifacts/.
fuzz-ci:
	@$(FUZZ_MAKE) fuzz-bin
	@FUZZ_BUILD=build-fuzz FUZZ_JOBS=$(FUZZ_CI_JOBS) fuzz/run.sh ci $(FUZZ_CI_SECONDS)

run: deps all
	@scripts/run.sh

unit: all $(UNIT_BIN)
	@DRIVEWAY_BUILD=$(BUILD) scripts/run-tests.sh unit $(UNIT_BIN)

integration: all $(ITEST_BIN)
	@DRIVEWAY_BUILD=$(BUILD) scripts/run-tests.sh integration $(ITEST_BIN)

e2e: all
	@DRIVEWAY_BUILD=$(BUILD) scripts/run-tests.sh e2e

test: deps
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory unit integration e2e fuzz-ci

check-asan: deps
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  unit integration

bench: deps all
	@bench/read.sh
	@bench/diff.sh
	@bench/audit.sh
	@bench/ccompat.sh
	@bench/load.sh

lint:
	@scripts/lint.sh

install: all
	install -d $(DESTDIR)/usr/local/bin
	install -m 0755 $(BUILD)/drivewayd $(BUILD)/driveway $(DESTDIR)/usr/local/bin/

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# heaplab -- build, run, test, benchmark.
#
#   make          build bin/heaplab (installs missing packages first, see deps)
#   make run      build, then run every backend over the shipped traces
#   make test     build and run every Check suite, plain and sanitized,
#                 the fuzz targets' corpora, valgrind on bin/heaplab
#   make fuzz     fuzz every parser, FUZZ_SECONDS each (docs/fuzzing.md)
#   make bench    throughput against trace size, every backend (out/scaling.png)
#   make traces   regenerate the generated traces (traces/generated.list)
#   make record-traces  re-record the recorded traces (traces/recorded.list)
#   make gradescope-zip LAB=bins   the lab's Gradescope autograder (out/)
#   make autolab-tar LAB=bins      the lab's Autolab autograder (out/)
#   make handout LAB=lab3-bins     the lab's student handout (dist/)
#   make handouts                  every lab's handout (dist/)
#   make clean    remove build products
#
# Flags are overridable: make CFLAGS='-O0 -g3'.

ifeq ($(origin CC),default)
CC := gcc
endif
CFLAGS   ?= -O2 -g
WARNINGS := -std=c17 -Wall -Wextra -Wpedantic -Wshadow
CPPFLAGS += -Iinclude -D_GNU_SOURCE
LDLIBS   += -lm -lpthread
SANITIZE ?= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Debian packages heaplab needs; docs/dependencies.md says why each is there.
DEB_PACKAGES := gcc make pkg-config check libbsd-dev gnuplot-nox python3 \
                libinih-dev \
                libjansson-dev \
                libseccomp-dev \
                valgrind \
                clang libclang-rt-dev

# Optional: the production allocators `heaplab bench` puts beside ours
# (loaded with dlopen when installed; docs/performance.md).
BENCH_PACKAGES := libjemalloc2 libmimalloc2.0 libtcmalloc-minimal4

LIB_SRCS  := $(wildcard allocators/*.c) $(filter-out driver/main.c,$(wildcard driver/*.c))
GRADE_SRCS := $(wildcard grading/*.c)
LIB_SRCS  += $(GRADE_SRCS)
TEST_SRCS := $(wildcard tests/*.c)
# The labs' public tests (labs/LAB/tests/) join the same runner and test
# the reference backends; each handout runs them on the student's file.
TEST_SRCS += $(wildcard labs/*/tests/*.c)

LIB_OBJS       := $(LIB_SRCS:%.c=build/obj/%.o)
TEST_OBJS      := $(TEST_SRCS:%.c=build/obj/%.o)
ASAN_LIB_OBJS  := $(LIB_SRCS:%.c=build/asan/%.o)
ASAN_TEST_OBJS := $(TEST_SRCS:%.c=build/asan/%.o)

CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null)

# Jansson reads results JSON back for `heaplab plot` (docs/dependencies.md).
JANSSON_CFLAGS = $(shell pkg-config --cflags jansson 2>/dev/null)
JANSSON_LIBS   = $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
CPPFLAGS += $(JANSSON_CFLAGS)
LDLIBS   += $(JANSSON_LIBS)

# inih reads the grader's rubrics (grading/rubric.c, docs/dependencies.md).
INIH_LIBS = $(shell pkg-config --libs inih 2>/dev/null || echo -linih)
LDLIBS   += $(INIH_LIBS)

# libseccomp watches a submission's system calls (grading/sandbox.c).
SECCOMP_LIBS = $(shell pkg-config --libs libseccomp 2>/dev/null || echo -lseccomp)
LDLIBS   += $(SECCOMP_LIBS)

.PHONY: all run test test-plain test-asan bench clean deps traces fuzz
.PHONY: record-traces
.DEFAULT_GOAL := all

all: deps bin/heaplab

# --- dependencies ---------------------------------------------------------
# Installs what is missing when root (or with password-less sudo); otherwise
# prints the exact command and stops.
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; \
	  else \
	    echo "heaplab: missing Debian packages:$$missing" >&2; \
	    echo "install them with:  sudo apt-get update && sudo apt-get install -y$$missing" >&2; \
	    exit 1; \
	  fi; \
	  echo "heaplab: installing$$missing"; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing >/dev/null || exit 1; \
	fi

# --- the program ----------------------------------------------------------
build/obj/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARNINGS) $(CFLAGS) -MMD -MP -c $< -o $@

build/obj/tests/%.o: tests/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests -Idriver $(WARNINGS) $(CFLAGS) $(CHECK_CFLAGS) -MMD -MP -c $< -o $@

build/obj/labs/%.o: labs/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests -Idriver -Igrading $(WARNINGS) $(CFLAGS) $(CHECK_CFLAGS) -MMD -MP -c $< -o $@
build/asan/labs/%.o: CPPFLAGS += -Igrading

bin/heaplab: build/obj/driver/main.o $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

run: all
	bin/heaplab run --plot out

# --- the generated traces -------------------------------------------------
# traces/generated.list holds one line per generated trace: NAME, then the
# arguments of `heaplab gen`.  This runs, and echoes, for every line:
#     bin/heaplab gen ARGUMENTS -o traces/NAME.rep
# (recorded traces in traces/ are not touched; tests/test_gen_command.c
# checks that the shipped files are exactly what these commands write).
traces: all
	@grep -v -e '^#' -e '^[[:space:]]*$$' traces/generated.list | \
	while read -r name args; do \
	  echo "bin/heaplab gen $$args -o traces/$$name.rep"; \
	  bin/heaplab gen $$args -o traces/$$name.rep || exit 1; \
	done

# --- the recorder: heaplab record ------------------------------------------
# lib/libheaplab-record.so is the LD_PRELOAD library `heaplab record` loads
# into the program it records.  Its source is in driver/preload/, outside
# the driver/*.c wildcard: it is never linked into bin/heaplab or the tests.
RECORD_LIB := lib/libheaplab-record.so
all: $(RECORD_LIB)
$(RECORD_LIB): $(wildcard driver/preload/*.c driver/preload/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARNINGS) $(CFLAGS) -fPIC -shared -fvisibility=hidden $(filter %.c,$^) -o $@ -ldl -lpthread

# --- heaplab exec: every backend as a program's malloc ---------------------
# lib/libheaplab-NAME.so is the LD_PRELOAD library `heaplab exec -a NAME`
# loads into a real program (docs/exec.md).  There is one per backend file
# allocators/STEM.c that defines a vtable (`const struct allocator
# STEM_allocator = {`), named after the backend (NAME is STEM with '-' for
# '_': dlist_best.c gives libheaplab-dlist-best.so).  Each links the
# preload layer driver/preload/exec/layer.c, compiled with EXEC_NAME=STEM,
# and the backend's file against EXEC_ARCHIVE: stats_file.c and every
# allocators/*.c that is neither a vtable nor the registry (memlib, verify,
# shared cores such as dlist_core.c), from which the linker takes only what
# the backend uses.  Everything is -fPIC with hidden visibility, so the
# library exports only the C allocation functions, and without the
# compiler's malloc builtins, which could turn the layer's own code back
# into calls of malloc.  libc is the exception: lib/libheaplab-libc.so
# (driver/preload/exec/libc_counting.c) counts glibc's calls and forwards
# them.  The sources live in driver/preload/exec/, outside both the
# driver/*.c wildcard and the recorder's driver/preload/*.c.
EXEC_VTABLES  := $(shell grep -l '^const struct allocator [a-z0-9_]*_allocator = {' allocators/*.c)
EXEC_STEMS    := $(filter-out libc,$(patsubst allocators/%.c,%,$(EXEC_VTABLES)))
EXEC_LIBS     := $(foreach stem,$(EXEC_STEMS),lib/libheaplab-$(subst _,-,$(stem)).so) \
                 lib/libheaplab-libc.so
PRELOAD_FLAGS := -fPIC -fvisibility=hidden -fno-builtin-malloc \
                 -fno-builtin-calloc -fno-builtin-realloc -fno-builtin-free
PRELOAD_LINK  := -shared -Wl,-z,defs
EXEC_SHARED   := $(filter-out $(EXEC_VTABLES) allocators/registry.c,$(wildcard allocators/*.c)) \
                 driver/preload/exec/stats_file.c
EXEC_ARCHIVE  := build/pic/libheaplab-exec-common.a
# Static pattern rules: they build these objects only, never a stranger
# that make's built-in rules ask for (such as a .d file's ".d.o").
EXEC_PIC_OBJS   := $(patsubst %.c,build/pic/%.o,$(EXEC_SHARED) \
                       $(filter-out allocators/libc.c,$(EXEC_VTABLES)) \
                       driver/preload/exec/libc_counting.c)
EXEC_LAYER_OBJS := $(EXEC_STEMS:%=build/pic/driver/preload/exec/layer-%.o)
all: $(EXEC_LIBS)
test-plain test-asan: $(EXEC_LIBS)
$(EXEC_PIC_OBJS): build/pic/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARNINGS) $(CFLAGS) $(PRELOAD_FLAGS) -MMD -MP -c $< -o $@
$(EXEC_LAYER_OBJS): build/pic/driver/preload/exec/layer-%.o: driver/preload/exec/layer.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARNINGS) $(CFLAGS) $(PRELOAD_FLAGS) -DEXEC_NAME=$* -MMD -MP -c $< -o $@
$(EXEC_ARCHIVE): $(patsubst %.c,build/pic/%.o,$(EXEC_SHARED))
	@rm -f $@
	$(AR) rcs $@ $^
define exec_library
lib/libheaplab-$(subst _,-,$(1)).so: build/pic/driver/preload/exec/layer-$(1).o \
        build/pic/allocators/$(1).o $$(EXEC_ARCHIVE)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) $$(PRELOAD_LINK) $$^ -o $$@ -lpthread
endef
$(foreach stem,$(EXEC_STEMS),$(eval $(call exec_library,$(stem))))
# hybrid composes bins and mmap (allocators/hybrid.c): its library links them.
lib/libheaplab-hybrid.so: build/pic/allocators/bins.o build/pic/allocators/mmap.o
lib/libheaplab-libc.so: build/pic/driver/preload/exec/libc_counting.o \
                        build/pic/driver/preload/exec/stats_file.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(PRELOAD_LINK) $^ -o $@ -ldl -lpthread
-include $(EXEC_PIC_OBJS:.o=.d) $(EXEC_LAYER_OBJS:.o=.d)

# Programs that tests/test_record.c records, built without optimization or
# builtins so that every heap call in them is made.
TEST_PROGRAMS := $(patsubst tests/programs/%.c,build/programs/%,$(wildcard tests/programs/*.c))
build/programs/%: tests/programs/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARNINGS) -O0 -g -fno-builtin $< -o $@ -lpthread
test-plain test-asan: $(TEST_PROGRAMS)

# The recorded traces: traces/recorded.list holds one line per trace, NAME
# then the command, run from this folder in a fixed, minimal environment
# with hash seeds fixed and address randomization off (setarch -R), so that
# reruns on one machine give the same traces (or ones a few ops apart):
#     bin/heaplab record -o traces/NAME.rep -- COMMAND > /dev/null
RECORD_ENV := env -i PATH=/usr/bin:/bin LC_ALL=C.UTF-8 PYTHONHASHSEED=0 \
              PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 setarch -R
record-traces: all
	@grep -v -e '^#' -e '^[[:space:]]*$$' traces/recorded.list | \
	while read -r name command; do \
	  echo "bin/heaplab record -o traces/$$name.rep -- $$command"; \
	  eval "$(RECORD_ENV) bin/heaplab record -o traces/$$name.rep -- \
	    $$command" > /dev/null || exit 1; \
	done

# --- tests ----------------------------------------------------------------
build/tests/heaplab-tests: $(TEST_OBJS) $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(CHECK_LIBS) $(LDLIBS) -o $@

# The sanitized build.  memlib's heap is a private mmap region that the
# sanitizer does not instrument; see docs/testing.md.
build/asan/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests -Idriver $(WARNINGS) -O1 -g $(SANITIZE) $(CHECK_CFLAGS) -MMD -MP -c $< -o $@

build/asan/heaplab-tests: $(ASAN_TEST_OBJS) $(ASAN_LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(SANITIZE) $^ $(CHECK_LIBS) $(LDLIBS) -o $@

# The sanitized heaplab: the grader's tests in the sanitized runner grade
# with it, so that the grader's own process and the reference backend's
# runs are checked too (a submission's program is linked from the plain
# objects, build/grading/link.txt; docs/testing.md).
bin/heaplab-asan: build/asan/driver/main.o $(ASAN_LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(SANITIZE) $^ $(LDLIBS) -o $@
test-asan: bin/heaplab-asan

# valgrind memcheck on the driver: three backends over two traces, the
# parent and every child process it forks (errors in a child end it with
# status 3: a failed run, and a failed `heaplab run`).  memlib's heap is a
# mapping of its own, which memcheck treats as plain memory; what a
# backend does there is heaplab's own checks' to judge.  The optional
# backends start heaplab again with a glibc tunable through
# /proc/self/exe, which under valgrind is valgrind's own program:
# HEAPLAB_STATIC_TLS_RETRY says that was done.  tests/valgrind.supp says
# what is suppressed, and why.
VALGRIND_TRACES := traces/binary-small.rep traces/realloc-grow-small.rep
.PHONY: test-valgrind
test-valgrind: all
	HEAPLAB_STATIC_TLS_RETRY=1 valgrind -q --error-exitcode=3 \
	  --leak-check=full --errors-for-leak-kinds=definite \
	  --show-leak-kinds=definite --suppressions=tests/valgrind.supp \
	  bin/heaplab run -a bins,dlist,list -r 2 --check-heap=50 \
	  $(VALGRIND_TRACES) > build/valgrind-run.txt
	@echo "heaplab test-valgrind: no memcheck error in bin/heaplab run ($(VALGRIND_TRACES))"

test: test-plain test-asan test-fuzz test-valgrind

test-plain: all build/tests/heaplab-tests
	HEAPLAB_ROOT=$(CURDIR) build/tests/heaplab-tests

test-asan: all build/asan/heaplab-tests
	HEAPLAB_ROOT=$(CURDIR) HEAPLAB_SANITIZED=1 \
	ASAN_OPTIONS=detect_leaks=0:handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	build/asan/heaplab-tests

# The benchmark: every backend on both suites (out/bench.json, the plots
# in out/bench-SUITE/), then throughput against trace size (out/).  It
# installs the optional allocators first when it can, and goes on without
# them when it cannot.
# --- fuzzing (docs/fuzzing.md) -------------------------------------------
# Each tests/fuzz/fuzz_NAME.c is a libFuzzer target (clang) over one parser,
# linked with every object of heaplab, all built with ASan and UBSan in
# build/fuzz/.  `make fuzz` runs each for FUZZ_SECONDS (new inputs go to
# build/fuzz/corpus/NAME, crashes to build/fuzz/artifacts/); `make
# test-fuzz`, part of `make test`, replays the seed corpus
# tests/fuzz/corpus/NAME and fuzzes each target for FUZZ_SHORT seconds.
CLANG        ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SHORT   ?= 4
FUZZ_FLAGS   := -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=build/fuzz/%.o)
FUZZ_RUN     = ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
               UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
FUZZ_LIMITS  := -timeout=10 -rss_limit_mb=2048 -max_len=65536
.PHONY: fuzz test-fuzz
build/fuzz/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CLANG) $(CPPFLAGS) -Idriver -Igrading $(WARNINGS) $(FUZZ_FLAGS) \
	  -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@
.SECONDARY: $(FUZZ_TARGETS:%=build/fuzz/tests/fuzz/%.o) $(FUZZ_LIB_OBJS)
build/fuzz/fuzz_%: build/fuzz/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJS)
	$(CLANG) $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined $^ $(LDLIBS) -o $@
fuzz: $(FUZZ_TARGETS:%=build/fuzz/%)
	@mkdir -p build/fuzz/artifacts build/fuzz/logs
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t; \
	  echo "heaplab fuzz: $$t for $(FUZZ_SECONDS) s (log build/fuzz/logs/$$t.log)"; \
	  $(FUZZ_RUN) build/fuzz/$$t $(FUZZ_LIMITS) -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/$$t- \
	    -dict=tests/fuzz/$$t.dict build/fuzz/corpus/$$t tests/fuzz/corpus/$$t \
	    > build/fuzz/logs/$$t.log 2>&1 || { tail -40 build/fuzz/logs/$$t.log; exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^Done' build/fuzz/logs/$$t.log; \
	done
test-fuzz: $(FUZZ_TARGETS:%=build/fuzz/%)
	@for t in $(FUZZ_TARGETS); do \
	  rm -rf build/fuzz/short/$$t && mkdir -p build/fuzz/short/$$t build/fuzz/artifacts; \
	  $(FUZZ_RUN) build/fuzz/$$t $(FUZZ_LIMITS) -runs=0 \
	    -artifact_prefix=build/fuzz/artifacts/$$t- tests/fuzz/corpus/$$t \
	    > build/fuzz/short/$$t.replay.log 2>&1 || { tail -30 build/fuzz/short/$$t.replay.log; exit 1; }; \
	  $(FUZZ_RUN) build/fuzz/$$t $(FUZZ_LIMITS) -max_total_time=$(FUZZ_SHORT) \
	    -artifact_prefix=build/fuzz/artifacts/$$t- -dict=tests/fuzz/$$t.dict \
	    build/fuzz/short/$$t tests/fuzz/corpus/$$t \
	    > build/fuzz/short/$$t.log 2>&1 || { tail -30 build/fuzz/short/$$t.log; exit 1; }; \
	  echo "heaplab test-fuzz: $$t: $$(ls tests/fuzz/corpus/$$t | wc -l) seeds replayed, $$(grep -o 'Done [0-9]* runs' build/fuzz/short/$$t.log) in $(FUZZ_SHORT) s"; \
	done
-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_TARGETS:%=build/fuzz/tests/fuzz/%.d)

bench: all
	@missing=""; \
	for p in $(BENCH_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ]; then \
	  echo "heaplab: installing$$missing (optional, for the benchmark)"; \
	  env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing >/dev/null 2>&1 || \
	  echo "heaplab: could not install$$missing; benchmarking without them"; \
	elif [ -n "$$missing" ]; then \
	  echo "heaplab: optional allocators missing:$$missing (sudo apt-get install$$missing)"; \
	fi
	bin/heaplab bench -o out/bench.json
	bin/heaplab bench --scaling -o out

clean:
	rm -rf build bin lib out

# --- the grader: heaplab grade (docs/grading.md) -----------------------------
# A submission is linked into a program of its own: its objects, a shim,
# build/obj/grading/child/child_main.o and every object of LIB_OBJS but
# the reference backend it replaces.  build/grading/link.txt tells
# `heaplab grade` the compiler, the flags and those objects.
GRADE_CHILD := build/obj/grading/child/child_main.o
GRADE_LINK  := build/grading/link.txt
all: $(GRADE_LINK)
build/obj/grading/%.o build/asan/grading/%.o: CPPFLAGS += -Idriver -Igrading
build/obj/driver/cmd_grade.o build/asan/driver/cmd_grade.o: CPPFLAGS += -Idriver -Igrading
build/obj/tests/test_rubric.o build/asan/tests/test_rubric.o: CPPFLAGS += -Igrading
build/obj/tests/test_labs.o build/asan/tests/test_labs.o: CPPFLAGS += -Igrading
$(GRADE_LINK): $(GRADE_CHILD) $(LIB_OBJS) Makefile
	@mkdir -p $(@D)
	@printf '%s\n' '# written by make: how heaplab grade links a submission' \
	  'cc $(CC)' 'cflags $(WARNINGS) $(CFLAGS)' 'child $(GRADE_CHILD)' \
	  'objects $(LIB_OBJS)' 'libs $(LDFLAGS) $(LDLIBS)' > $@

# The autograder packages: make gradescope-zip LAB=bins, make autolab-tar
# LAB=bins (out/gradescope-LAB.zip, out/autolab-LAB/).
LAB ?= bins
.PHONY: gradescope-zip autolab-tar
gradescope-zip autolab-tar:
	grading/package.sh $(subst -zip,,$(subst -tar,,$@)) $(LAB) out

# --- handouts: what a course gives its students (docs/instructors.md) -----
# make handout LAB=lab3-bins writes dist/lab3-bins.tar.gz: the lab's
# starter file in place of its solution, the backends it gives, the
# driver, the public traces, tests and rubric, a Makefile and a README.
# labs/LAB/handout.conf says what goes in; labs/handout.sh packs it and
# refuses to ship a file of the lab's solution.
LABS := $(patsubst labs/%/handout.conf,%,$(wildcard labs/*/handout.conf))
.PHONY: handout handouts
handout:
	labs/handout.sh $(LAB) dist
handouts:
	@for lab in $(LABS); do labs/handout.sh $$lab dist || exit 1; done

-include $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) build/obj/driver/main.d
-include $(GRADE_CHILD:.o=.d)
-include $(ASAN_LIB_OBJS:.o=.d) $(ASAN_TEST_OBJS:.o=.d)

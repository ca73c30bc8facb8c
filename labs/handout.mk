# Makefile of the @LAB@ handout (heaplab) -- build, run, test, grade.
#
#   make          build bin/heaplab (installs missing packages first)
#   make run      build, then run every backend here over traces/
#   make test     build and run the lab's tests (tests/)
#   make grade    grade allocators/@STARTER@ by the public rubric (rubric.conf)
#   make clean    remove build products
#
# You write allocators/@STARTER@ (handout.md).  Flags are overridable:
# make CFLAGS='-O0 -g3'.

ifeq ($(origin CC),default)
CC := gcc
endif
CFLAGS   ?= -O2 -g
WARNINGS := -std=c17 -Wall -Wextra -Wpedantic -Wshadow
CPPFLAGS += -Iinclude -Idriver -Igrading -D_GNU_SOURCE

# The Debian packages and the libraries the build needs, as heaplab's own
# Makefile says (copied into this one when the handout was made).
@BUILD_CONFIG@

LIB_SRCS  := $(filter-out driver/main.c,$(wildcard allocators/*.c driver/*.c grading/*.c))
TEST_SRCS := $(wildcard tests/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=build/obj/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=build/obj/%.o)
GRADE_CHILD := build/obj/grading/child/child_main.o
GRADE_LINK  := build/grading/link.txt

.PHONY: all deps run test grade clean
.DEFAULT_GOAL := all

all: deps bin/heaplab $(GRADE_LINK)

# Installs what is missing when root (or with password-less sudo);
# otherwise prints the exact command and stops.
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; \
	  else \
	    echo "missing Debian packages:$$missing" >&2; \
	    echo "install them with:  sudo apt-get update && sudo apt-get install -y$$missing" >&2; \
	    exit 1; \
	  fi; \
	  echo "installing$$missing"; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing >/dev/null || exit 1; \
	fi

build/obj/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARNINGS) $(CFLAGS) -MMD -MP -c $< -o $@

build/obj/tests/%.o: tests/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(WARNINGS) $(CFLAGS) $(CHECK_CFLAGS) -MMD -MP -c $< -o $@

bin/heaplab: build/obj/driver/main.o $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

build/tests/heaplab-tests: $(TEST_OBJS) $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(CHECK_LIBS) $(LDLIBS) -o $@

# How `heaplab grade` links a submission into a program of its own.
$(GRADE_LINK): $(GRADE_CHILD) $(LIB_OBJS) Makefile
	@mkdir -p $(@D)
	@printf '%s\n' '# written by make: how heaplab grade links a submission' \
	  'cc $(CC)' 'cflags $(WARNINGS) $(CFLAGS)' 'child $(GRADE_CHILD)' \
	  'objects $(LIB_OBJS)' 'libs $(LDFLAGS) $(LDLIBS)' > $@

run: all
	bin/heaplab run --plot out

test: all build/tests/heaplab-tests
	HEAPLAB_ROOT=$(CURDIR) build/tests/heaplab-tests

grade: all
	bin/heaplab grade --rubric rubric.conf allocators

clean:
	rm -rf build bin out

-include $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) build/obj/driver/main.d $(GRADE_CHILD:.o=.d)

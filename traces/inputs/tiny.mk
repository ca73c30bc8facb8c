# A small project's Makefile, for `make -n`: variables, pattern rules,
# functions, generated dependencies.  Input for a recorded heaplab trace.
MODULES := list dlist bins mmap pad minimal arena pool slab buddy
SOURCES := $(addsuffix .c,$(addprefix src/,$(MODULES))) src/main.c
OBJECTS := $(SOURCES:src/%.c=build/%.o)
TESTS   := $(foreach m,$(MODULES),build/test_$(m))
CFLAGS  := -O2 -g -Wall $(foreach m,$(MODULES),-DHAVE_$(shell echo $(m) | tr a-z A-Z)=1)

all: build/app $(TESTS)

build/app: $(OBJECTS)
	$(CC) $(CFLAGS) -o $@ $^

build/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

build/test_%: build/%.o tests/test_%.c
	$(CC) $(CFLAGS) -o $@ $^

src/%.c tests/%.c:
	@echo "would write $@"

.PHONY: all

/* explain.c -- see explain.h. */
#include "explain.h"

#include "replay.h"

static const char *const causes[] = {
    [FAULT_INIT] = "init() must reset every variable of the backend and "
                   "return 0; a non-zero return stops the run.",
    [FAULT_NULL] = "NULL while memory was available: the search missed a "
                   "free block that fits, or growing the heap failed to "
                   "add the new chunk.",
    [FAULT_OOM] = "The heap could not grow any more: a leak in the "
                  "backend (freed blocks never reused) or a request that "
                  "asks for far too much.",
    [FAULT_MISALIGNED] = "Misaligned: a header or block size that is not a "
                         "multiple of 16 moves every payload after it off "
                         "alignment.",
    [FAULT_OUTSIDE] = "The block runs past the end of the heap: the heap "
                      "grew by less than the block needs (the header or "
                      "footer left out of the size?).",
    [FAULT_OVERLAP] = "An overlap right after a split: the split did not "
                      "shrink the old block's header, so two blocks claim "
                      "the same bytes.",
    [FAULT_CHANGED] = "A live payload changed: free-list links or a footer "
                      "were written into a block still in use (after a "
                      "free of its neighbour, check the sizes you used).",
    [FAULT_REALLOC_LOST] = "realloc copied too few bytes: copy min(old "
                           "payload, new size), not the new size or the "
                           "block size with its header.",
    [FAULT_REALLOC_ZERO] = "realloc(p, 0) must free p and return NULL.",
    [FAULT_CHECKER] = "Your heap checker found the heap broken right after "
                      "this op: look at the block it names and at the op "
                      "that touched it.",
    [FAULT_CRASH_PAST_BREAK] = "A write past the break: a size or pointer "
                               "computed beyond the heap's end, often the "
                               "last block's footer or next header.",
    [FAULT_CRASH_FREED] = "The backend used memory it had given back "
                          "(unmapped or trimmed): a pointer kept after "
                          "free.",
    [FAULT_CRASH_HEAP] = "A crash inside the heap: a header read from the "
                         "wrong place, usually a size without its status "
                         "bits masked off.",
    [FAULT_CRASH_OUTSIDE] = "A wild pointer: a free-list link that was "
                            "never set, or a NULL next pointer followed.",
    [FAULT_CRASH_OTHER] = "An abort is usually one of the backend's own "
                          "assertions: its message is in the output "
                          "(run with --verbose).",
    [FAULT_EXIT] = "The backend called exit(): report a failure by "
                   "returning NULL, and check invariants with VERIFY.",
    [FAULT_TIMEOUT] = "An endless loop, usually a cycle in the free list: "
                      "a block inserted twice, or links not updated when "
                      "a block is removed.",
};

const char *explain_fault(int fault)
{
    if (fault <= FAULT_NONE ||
        (unsigned)fault >= sizeof causes / sizeof causes[0])
        return NULL;
    return causes[fault];
}

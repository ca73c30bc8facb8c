# Reformat a text: squeeze blanks, capitalize sentence starts, number
# lines, and hold paragraphs.  Input for a recorded heaplab trace.
s/[[:space:]]\+/ /g
s/\. \([a-z]\)/. \u\1/g
s/\b\(allocator\|heap\|block\)s\?\b/[&]/g
/^$/!{
  H
  $!d
}
x
s/\n/ /g
s/^ //

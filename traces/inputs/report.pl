# Index of a text file: for each word, the lines it is on; then the words
# by first letter, and a table of line lengths.  Input for a recorded
# heaplab trace.
use strict;
use warnings;

my (%lines_of, %count, @lengths);
while (my $line = <>) {
    chomp $line;
    push @lengths, length $line;
    for my $word (map { lc } $line =~ /([A-Za-z]+)/g) {
        $count{$word}++;
        push @{ $lines_of{$word} }, $.
            unless @{ $lines_of{$word} || [] } && $lines_of{$word}[-1] == $.;
    }
}

for my $word (sort { $count{$b} <=> $count{$a} || $a cmp $b } keys %count) {
    printf "%-16s %3d  %s\n", $word, $count{$word},
        join(',', @{ $lines_of{$word} });
}

my %by_letter;
push @{ $by_letter{ substr($_, 0, 1) } }, $_ for keys %count;
for my $letter (sort keys %by_letter) {
    my $words = join ' ', sort @{ $by_letter{$letter} };
    $words =~ s/(.{1,70})(?:\s|$)/$1\n    /g;
    print "$letter: $words\n";
}

my %histogram;
$histogram{ int($_ / 10) * 10 }++ for @lengths;
printf "%3d-%3d %s\n", $_, $_ + 9, '#' x $histogram{$_}
    for sort { $a <=> $b } keys %histogram;

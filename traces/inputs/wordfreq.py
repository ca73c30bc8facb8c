"""Word statistics for a text file: frequencies, lengths, bigrams, and a
reflowed copy of the text.  Input for a recorded heaplab trace."""
import collections
import sys


def words_of(text):
    word = []
    for char in text:
        if char.isalpha():
            word.append(char.lower())
        elif word:
            yield "".join(word)
            word = []
    if word:
        yield "".join(word)


def reflow(words, width):
    lines, line = [], []
    for word in words:
        if line and len(" ".join(line + [word])) > width:
            lines.append(" ".join(line))
            line = []
        line.append(word)
    if line:
        lines.append(" ".join(line))
    return lines


def main(path):
    with open(path, encoding="utf-8") as source:
        text = source.read()
    words = list(words_of(text))
    counts = collections.Counter(words)
    by_length = collections.defaultdict(list)
    for word in counts:
        by_length[len(word)].append(word)
    bigrams = collections.Counter(zip(words, words[1:]))
    for word, count in counts.most_common(15):
        print(f"{count:4d} {word}")
    for length in sorted(by_length):
        print(length, " ".join(sorted(by_length[length])[:8]))
    for (first, second), count in bigrams.most_common(10):
        print(f"{count:4d} {first} {second}")
    for width in (40, 60, 80):
        print("\n".join(reflow(words, width)))


if __name__ == "__main__":
    main(sys.argv[1])

/*
 * wordcount.c -- counts the words of its input in a hash table and
 * prints the most frequent.  Input for a recorded heaplab trace: the C
 * compiler proper (cc1) compiling this file (-O0).  It declares the
 * C library functions it uses instead of including the headers, so that
 * the trace is the compiler's work on this code, not on glibc's headers.
 */
typedef unsigned long size_t;
#define NULL ((void *)0)
#define EOF (-1)
int getchar(void);
int printf(const char *format, ...);
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void free(void *p);
void exit(int status);
void qsort(void *base, size_t count, size_t size,
           int (*compare)(const void *, const void *));
long strtol(const char *text, char **end, int base);
size_t strlen(const char *text);
int strcmp(const char *left, const char *right);
char *strcpy(char *to, const char *from);
static int isalpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int tolower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

struct entry {
    struct entry *next;
    unsigned long count;
    char word[];
};

struct table {
    struct entry **buckets;
    size_t size, used;
};

static unsigned long hash(const char *word)
{
    unsigned long h = 5381;
    while (*word != '\0')
        h = h * 33 + (unsigned char)*word++;
    return h;
}

static void grow(struct table *t)
{
    size_t size = t->size == 0 ? 64 : 2 * t->size;
    struct entry **buckets = calloc(size, sizeof *buckets);
    if (buckets == NULL)
        exit(1);
    for (size_t i = 0; i < t->size; i++) {
        struct entry *e = t->buckets[i], *next;
        for (; e != NULL; e = next) {
            next = e->next;
            size_t at = hash(e->word) % size;
            e->next = buckets[at];
            buckets[at] = e;
        }
    }
    free(t->buckets);
    t->buckets = buckets;
    t->size = size;
}

static void add(struct table *t, const char *word)
{
    if (2 * t->used >= t->size)
        grow(t);
    size_t at = hash(word) % t->size;
    for (struct entry *e = t->buckets[at]; e != NULL; e = e->next)
        if (strcmp(e->word, word) == 0) {
            e->count++;
            return;
        }
    struct entry *e = malloc(sizeof *e + strlen(word) + 1);
    if (e == NULL)
        exit(1);
    strcpy(e->word, word);
    e->count = 1;
    e->next = t->buckets[at];
    t->buckets[at] = e;
    t->used++;
}

static int by_count(const void *left, const void *right)
{
    const struct entry *l = *(const struct entry *const *)left;
    const struct entry *r = *(const struct entry *const *)right;
    if (l->count != r->count)
        return l->count < r->count ? 1 : -1;
    return strcmp(l->word, r->word);
}

int main(int argc, char **argv)
{
    struct table t = {0};
    char word[256];
    size_t length = 0;
    int c;
    while ((c = getchar()) != EOF) {
        if (isalpha(c) && length < sizeof word - 1) {
            word[length++] = (char)tolower(c);
        } else if (length > 0) {
            word[length] = '\0';
            add(&t, word);
            length = 0;
        }
    }
    struct entry **all = malloc((t.used + 1) * sizeof *all);
    size_t n = 0;
    for (size_t i = 0; i < t.size; i++)
        for (struct entry *e = t.buckets[i]; e != NULL; e = e->next)
            all[n++] = e;
    qsort(all, n, sizeof *all, by_count);
    long shown = argc > 1 ? strtol(argv[1], NULL, 10) : 20;
    for (size_t i = 0; i < n && (long)i < shown; i++)
        printf("%6lu %s\n", all[i]->count, all[i]->word);
    return 0;
}

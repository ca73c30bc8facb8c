-- A small library database: tables, an index, a few thousand rows made
-- with recursive queries, joins, grouping, sorting and text functions.
-- Input for a recorded heaplab trace (sqlite3 :memory:).
CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE book (
    id INTEGER PRIMARY KEY,
    author INTEGER REFERENCES author(id),
    title TEXT NOT NULL,
    pages INTEGER,
    year INTEGER
);
CREATE INDEX book_year ON book(year);

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
INSERT INTO author SELECT i, 'author ' || printf('%03d', i) FROM n;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
INSERT INTO book
SELECT i, 1 + (i * 7) % 60,
       'title ' || substr('abcdefghijklmnopqrstuvwxyz', 1 + i % 26, 1 + i % 9)
                || ' ' || i,
       50 + (i * 37) % 900, 1900 + (i * 13) % 120
FROM n;

SELECT a.name, count(*) AS books, sum(b.pages) AS pages, min(b.year)
FROM author a JOIN book b ON b.author = a.id
GROUP BY a.id ORDER BY pages DESC LIMIT 10;

SELECT year / 10 * 10 AS decade, count(*), avg(pages)
FROM book GROUP BY decade ORDER BY decade;

SELECT group_concat(title, '; ') FROM (
    SELECT title FROM book WHERE year BETWEEN 1950 AND 1955 ORDER BY title);

UPDATE book SET title = upper(title) WHERE pages > 800;
DELETE FROM book WHERE year < 1910;
SELECT count(*), max(length(title)) FROM book;

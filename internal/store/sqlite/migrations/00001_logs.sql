-- +goose Up

-- logs holds the head of each log's tree: its size, its root hash and the
-- log time of its last entry, as RFC 3339 text in UTC with nanoseconds.
-- An Update of a log first makes sure its row exists.
CREATE TABLE logs (
    log      TEXT PRIMARY KEY,
    size     INTEGER NOT NULL DEFAULT 0,
    root     BLOB,
    log_time TEXT
);

-- entries holds the entries of each log: the leaves of its tree.
CREATE TABLE entries (
    log  TEXT NOT NULL REFERENCES logs (log),
    idx  INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (log, idx)
);

-- tiles holds the hashes of each log's tree in tlog-tiles tiles, one row
-- per tile, replaced as the tile widens.
CREATE TABLE tiles (
    log   TEXT NOT NULL REFERENCES logs (log),
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    data  BLOB NOT NULL,
    PRIMARY KEY (log, level, idx)
);

-- statements indexes the statements the entries carry, by id and by the
-- SHA-256 of their envelope.
CREATE TABLE statements (
    log    TEXT NOT NULL,
    id     TEXT NOT NULL,
    author TEXT NOT NULL,
    type   TEXT NOT NULL,
    idx    INTEGER NOT NULL,
    sum    BLOB NOT NULL CHECK (length(sum) = 32),
    PRIMARY KEY (log, id),
    FOREIGN KEY (log, idx) REFERENCES entries (log, idx)
);
CREATE INDEX statements_sum ON statements (log, sum);

-- checkpoints holds the latest checkpoint note of each log.
CREATE TABLE checkpoints (
    log  TEXT PRIMARY KEY REFERENCES logs (log),
    note BLOB NOT NULL
);

-- blobs holds content too large for an entry, under its SHA-256.
CREATE TABLE blobs (
    sum  BLOB PRIMARY KEY CHECK (length(sum) = 32),
    data BLOB NOT NULL
);

-- state holds each log's projected state: values under a kind and a key,
-- which sort in byte order.
CREATE TABLE state (
    log   TEXT NOT NULL REFERENCES logs (log),
    kind  TEXT NOT NULL,
    key   TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (log, kind, key)
);

-- +goose Down
DROP TABLE state;
DROP TABLE blobs;
DROP TABLE checkpoints;
DROP TABLE statements;
DROP TABLE tiles;
DROP TABLE entries;
DROP TABLE logs;

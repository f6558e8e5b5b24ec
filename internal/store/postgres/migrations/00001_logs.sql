-- +goose Up

-- Text columns that are compared or ordered sort in byte order (COLLATE
-- "C"), as the store's contract and SQLite do.

-- logs holds the head of each log's tree: its size, its root hash and the
-- log time of its last entry, as RFC 3339 text in UTC with nanoseconds.
-- An Update of a log first makes sure its row exists, then locks it.
CREATE TABLE logs (
    log      TEXT COLLATE "C" PRIMARY KEY,
    size     BIGINT NOT NULL DEFAULT 0,
    root     BYTEA,
    log_time TEXT
);

-- entries holds the entries of each log: the leaves of its tree.
CREATE TABLE entries (
    log  TEXT COLLATE "C" NOT NULL REFERENCES logs (log),
    idx  BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (log, idx)
);

-- tiles holds the hashes of each log's tree in tlog-tiles tiles, one row
-- per tile, replaced as the tile widens.
CREATE TABLE tiles (
    log   TEXT COLLATE "C" NOT NULL REFERENCES logs (log),
    level SMALLINT NOT NULL,
    idx   BIGINT NOT NULL,
    data  BYTEA NOT NULL,
    PRIMARY KEY (log, level, idx)
);
-- Hashes do not compress: store full tiles out of line without trying.
ALTER TABLE tiles ALTER COLUMN data SET STORAGE EXTERNAL;

-- statements indexes the statements the entries carry, by id and by the
-- SHA-256 of their envelope.
CREATE TABLE statements (
    log    TEXT COLLATE "C" NOT NULL,
    id     TEXT COLLATE "C" NOT NULL,
    author TEXT NOT NULL,
    type   TEXT NOT NULL,
    idx    BIGINT NOT NULL,
    sum    BYTEA NOT NULL CHECK (octet_length(sum) = 32),
    PRIMARY KEY (log, id),
    FOREIGN KEY (log, idx) REFERENCES entries (log, idx)
);
CREATE INDEX statements_sum ON statements (log, sum);

-- checkpoints holds the latest checkpoint note of each log.
CREATE TABLE checkpoints (
    log  TEXT COLLATE "C" PRIMARY KEY REFERENCES logs (log),
    note BYTEA NOT NULL
);

-- blobs holds content too large for an entry, under its SHA-256.
CREATE TABLE blobs (
    sum  BYTEA PRIMARY KEY CHECK (octet_length(sum) = 32),
    data BYTEA NOT NULL
);

-- state holds each log's projected state: values under a kind and a key,
-- which sort in byte order.
CREATE TABLE state (
    log   TEXT COLLATE "C" NOT NULL REFERENCES logs (log),
    kind  TEXT COLLATE "C" NOT NULL,
    key   TEXT COLLATE "C" NOT NULL,
    value BYTEA NOT NULL,
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

-- +goose Up

-- Blobs are kept in parts, so that neither an upload nor a download holds
-- a whole blob in memory. blob_parts holds the parts of each upload, under
-- a random id, in order; stored is when the part was written (Unix
-- seconds), so that the parts of an upload that never finished can be
-- swept.
CREATE TABLE blob_parts (
    id     BLOB NOT NULL,
    seq    INTEGER NOT NULL,
    stored INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (id, seq)
);
INSERT INTO blob_parts (id, seq, stored, data) SELECT sum, 0, 0, data FROM blobs;

-- blob_index names each finished upload by its SHA-256: its parts' id, its
-- size, the log it was uploaded to, when (Unix seconds), and whether a
-- statement of that log has cited it (kept). Blobs stored before parts
-- were are kept.
CREATE TABLE blob_index (
    sum    BLOB PRIMARY KEY CHECK (length(sum) = 32),
    id     BLOB NOT NULL UNIQUE,
    size   INTEGER NOT NULL,
    log    TEXT NOT NULL,
    stored INTEGER NOT NULL,
    kept   INTEGER NOT NULL
);
INSERT INTO blob_index (sum, id, size, log, stored, kept) SELECT sum, sum, length(data), '', 0, 1 FROM blobs;
CREATE INDEX blob_index_stale ON blob_index (log, kept, stored);
DROP TABLE blobs;

-- +goose Down
CREATE TABLE blobs (
    sum  BLOB PRIMARY KEY CHECK (length(sum) = 32),
    data BLOB NOT NULL
);
DROP TABLE blob_index;
DROP TABLE blob_parts;

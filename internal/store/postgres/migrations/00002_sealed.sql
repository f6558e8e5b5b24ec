-- +goose Up

-- sealed holds what a log must not show before its time (the
-- inspectorate's decisions), beside the log and outside its state.
CREATE TABLE sealed (
    log   TEXT COLLATE "C" NOT NULL,
    key   TEXT COLLATE "C" NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (log, key)
);

-- +goose Down
DROP TABLE sealed;

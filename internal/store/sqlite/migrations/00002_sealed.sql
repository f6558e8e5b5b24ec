-- +goose Up

-- sealed holds what a log must not show before its time (the
-- inspectorate's decisions), beside the log and outside its state.
CREATE TABLE sealed (
    log   TEXT NOT NULL,
    key   TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (log, key)
);

-- +goose Down
DROP TABLE sealed;

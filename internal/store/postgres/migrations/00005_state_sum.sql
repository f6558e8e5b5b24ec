-- +goose Up

-- state_sum is the digest of the log's projected state as of its head,
-- which the ledger updates in the transaction of every batch and checks
-- on start and before it signs a checkpoint, so that a state row changed
-- behind its back is found before anything is appended on it. NULL where
-- none was recorded yet.
ALTER TABLE logs ADD COLUMN state_sum BYTEA;

-- +goose Down
ALTER TABLE logs DROP COLUMN state_sum;

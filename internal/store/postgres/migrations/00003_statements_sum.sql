-- +goose Up

-- Statements are found by id; nothing looks them up by the SHA-256 of
-- their envelope, and the index cost a random page write per append.
DROP INDEX statements_sum;

-- +goose Down
CREATE INDEX statements_sum ON statements (log, sum);

package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Sealed values are data a log must not show before its time: the
// inspectorate's decisions, which selection.commit statements commit to and
// later statements reveal. They live beside the log, outside its entries,
// tiles and projected state, so that neither the tiles nor the state dump
// an auditor reads can reveal them; only the server's sealed endpoints
// serve them, to the principals allowed to read them.

// sealed returns a query in the store's dialect.
func (db *DB) sealed(q string) string {
	if db.dialect.Numbered {
		return number(q)
	}
	return q
}

// Sealed is a sealed value and its key.
type Sealed struct {
	Key   string
	Value []byte
}

// PutSealed implements Store.
func (db *DB) PutSealed(ctx context.Context, log string, values []Sealed) error {
	return db.sealedTx(ctx, func(tx *sql.Tx) error {
		for _, v := range values {
			if _, err := tx.ExecContext(ctx, db.sealed("INSERT INTO sealed (log, key, value) VALUES (?, ?, ?) ON CONFLICT (log, key) DO UPDATE SET value = excluded.value"),
				log, v.Key, nonNil(v.Value)); err != nil {
				return fmt.Errorf("store: put sealed %s: %w", v.Key, err)
			}
		}
		return nil
	})
}

// sealedTx runs fn in one write transaction of the sealed table.
func (db *DB) sealedTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: sealed: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: sealed: %w", err)
	}
	return nil
}

// Sealed implements Store.
func (db *DB) Sealed(ctx context.Context, log, key string) ([]byte, error) {
	var v []byte
	err := db.read.db.QueryRowContext(ctx, db.sealed("SELECT value FROM sealed WHERE log = ? AND key = ?"), log, key).Scan(&v)
	if err != nil {
		return nil, fmt.Errorf("store: read sealed %s: %w", key, one(err))
	}
	return v, nil
}

// ScanSealed implements Store.
func (db *DB) ScanSealed(ctx context.Context, log, prefix string, fn func(key string, value []byte) error) error {
	q, args := "SELECT key, value FROM sealed WHERE log = ? AND key >= ?", []any{log, prefix}
	if end, ok := prefixEnd(prefix); ok {
		q, args = q+" AND key < ?", append(args, end)
	}
	rows, err := db.read.db.QueryContext(ctx, db.sealed(q+" ORDER BY key"), args...)
	if err != nil {
		return fmt.Errorf("store: scan sealed: %w", err)
	}
	type kv struct {
		k string
		v []byte
	}
	var out []kv
	for rows.Next() {
		var r kv
		if err := rows.Scan(&r.k, &r.v); err != nil {
			rows.Close()
			return fmt.Errorf("store: scan sealed: %w", err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: scan sealed: %w", err)
	}
	for _, r := range out {
		if err := fn(r.k, r.v); err != nil {
			return err
		}
	}
	return nil
}

// DeleteSealed implements Store.
func (db *DB) DeleteSealed(ctx context.Context, log string, keys []string) error {
	return db.sealedTx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, db.sealed("DELETE FROM sealed WHERE log = ? AND key = ?"), log, k); err != nil {
				return fmt.Errorf("store: delete sealed %s: %w", k, err)
			}
		}
		return nil
	})
}

// prefixEnd returns the least key above every key that starts with
// prefix, in byte order; ok is false when there is none.
func prefixEnd(prefix string) (end string, ok bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0x7f {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

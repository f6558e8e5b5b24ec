// Package postgres keeps Surety's store in a PostgreSQL database, through
// pgx's database/sql driver, for deployments where several surety serve
// processes share one database.
//
// An Update locks its log's head row (SELECT … FOR UPDATE) before fn runs,
// so Updates of a log are serialised across processes while Updates of
// different logs run in parallel. It holds its writes back and sends them
// as one pgx batch before its next read or its commit, so that a commit of
// many entries costs a few round trips rather than one per row. Views run
// in READ ONLY REPEATABLE READ transactions, each on its own snapshot.
// Commits use the server's default synchronous_commit, so a commit that
// returned is durable. The schema is created and upgraded by the embedded
// migrations at Open, under an advisory lock so that processes starting
// together migrate once; it lives in the connection's current schema,
// which a search_path parameter in the URL may choose.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/crc64"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/surety/surety/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

var dialect = store.Dialect{Name: "postgres", Numbered: true, Lock: "FOR UPDATE", Send: send, Taken: taken,
	// A lookup in the primary key per id: the OFFSET keeps the planner
	// from joining otherwise, as it would on a young table whose
	// statistics say it is small.
	Statements: "SELECT s.idx, s.id, s.author, s.type, s.sum FROM unnest($2::text[]) AS q(id) " +
		"CROSS JOIN LATERAL (SELECT * FROM statements WHERE log = $1 AND id = q.id OFFSET 0) AS s"}

// send runs an Update's statements as one pgx batch: one round trip
// for BEGIN, the lock and the first read, and one for the entries, tiles,
// head and state written and COMMIT.
func send(ctx context.Context, conn *sql.Conn, ops []store.Op) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("postgres: the connection is a %T, not pgx's", dc)
		}
		var b pgx.Batch
		for _, op := range ops {
			q := b.Queue(op.Query, op.Args...)
			if op.Row != nil {
				q.Query(func(rows pgx.Rows) error {
					for rows.Next() {
						if err := op.Row(rows.Scan); err != nil {
							return err
						}
					}
					return rows.Err()
				})
			}
		}
		return c.Conn().SendBatch(ctx, &b).Close()
	})
}

// conns is the most connections Open's store holds.
const conns = 32

// Open connects to the PostgreSQL database at url (postgres://…), migrates
// it to the current schema and returns the store.
func Open(ctx context.Context, url string) (*store.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse url: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	if err := migrate(ctx, db); err != nil {
		return nil, errors.Join(fmt.Errorf("postgres: open %s@%s/%s: %w", cfg.User, cfg.Host, cfg.Database, err), db.Close())
	}
	s, err := store.New(ctx, dialect, db, db)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("postgres: open %s@%s/%s: %w", cfg.User, cfg.Host, cfg.Database, err), db.Close())
	}
	return s, nil
}

// migrate brings the current schema up to date, holding an advisory lock
// named after the schema, so that stores in other schemas of the database
// migrate independently.
func migrate(ctx context.Context, db *sql.DB) error {
	var schema sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return err
	}
	if !schema.Valid {
		return errors.New("no schema: the search_path names none that exists")
	}
	id := crc64.Checksum([]byte("surety migrations "+schema.String), crc64.MakeTable(crc64.ECMA))
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(id)), lock.WithLockTimeout(1, 300))
	if err != nil {
		return fmt.Errorf("migrate schema %s: %w", schema.String, err)
	}
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrate schema %s: %w", schema.String, err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrate schema %s: %w", schema.String, err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate schema %s: %w", schema.String, err)
	}
	return nil
}

// taken reports whether err is the statements table's primary key refusing
// a taken id (SQLSTATE 23505, unique_violation).
func taken(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "statements_pkey"
}

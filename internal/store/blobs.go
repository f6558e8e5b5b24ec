package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"
)

// BlobPart is the size of the parts blobs are stored in.
const BlobPart = 64 << 10

// BlobWriter is an upload of a blob under way.
type BlobWriter interface {
	// Write stores p, a part at a time: what does not fill a part is
	// held until it does, or until Commit.
	io.Writer
	// Commit stores the rest and names the blob sum, its content's
	// SHA-256, which the caller computed. If a blob is stored under sum
	// already, the upload is dropped and that blob's upload time renewed.
	Commit(sum [32]byte) error
	// Abort drops what was written.
	Abort() error
}

// BlobReader reads a stored blob a part at a time.
type BlobReader interface {
	io.ReadCloser
	// Size is the blob's size in bytes.
	Size() int64
}

type blobWriter struct {
	ctx  context.Context
	db   *DB
	log  string
	id   []byte
	seq  int64
	size int64
	// buf is the part being filled; it grows with what arrives, and is
	// dropped once stored, so that a stalled upload holds little.
	buf []byte
	err error
}

// CreateBlob implements Store.
func (db *DB) CreateBlob(ctx context.Context, log string) (BlobWriter, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	return &blobWriter{ctx: ctx, db: db, log: log, id: id}, nil
}

func (w *blobWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && w.err == nil {
		k := min(len(p), BlobPart-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
		if len(w.buf) == BlobPart {
			w.flush()
		}
	}
	if w.err != nil {
		return 0, w.err
	}
	return n, nil
}

// flush stores the part being filled.
func (w *blobWriter) flush() {
	if w.err != nil || len(w.buf) == 0 {
		return
	}
	select {
	case w.db.parts <- struct{}{}:
	case <-w.ctx.Done():
		w.err = w.ctx.Err()
		return
	}
	_, err := w.db.write.stmts[qPutPart].ExecContext(w.ctx, w.id, w.seq, time.Now().Unix(), w.buf)
	<-w.db.parts
	if err != nil {
		w.err = fmt.Errorf("store: write part %d of a blob: %w", w.seq, err)
		return
	}
	w.seq++
	w.size += int64(len(w.buf))
	w.buf = nil
}

func (w *blobWriter) Commit(sum [32]byte) error {
	w.flush()
	if w.err != nil {
		_ = w.Abort()
		return w.err
	}
	var id []byte
	err := w.db.write.stmts[qIndexBlob].QueryRowContext(w.ctx, sum[:], w.id, w.size, w.log, time.Now().Unix()).Scan(&id)
	if err != nil {
		_ = w.Abort()
		return fmt.Errorf("store: name blob %x: %w", sum, err)
	}
	if string(id) != string(w.id) {
		return w.Abort() // stored already
	}
	return nil
}

func (w *blobWriter) Abort() error {
	w.buf = nil
	if _, err := w.db.write.stmts[qDropParts].ExecContext(context.WithoutCancel(w.ctx), w.id); err != nil {
		return fmt.Errorf("store: drop an unfinished blob: %w", err)
	}
	return nil
}

type blobReader struct {
	ctx  context.Context
	db   *DB
	sum  [32]byte
	id   []byte
	size int64
	seq  int64
	off  int64
	part []byte
}

// OpenBlob implements Store.
func (db *DB) OpenBlob(ctx context.Context, sum [32]byte) (BlobReader, error) {
	r := &blobReader{ctx: ctx, db: db, sum: sum}
	if err := db.read.stmts[qBlobIndex].QueryRowContext(ctx, sum[:]).Scan(&r.id, &r.size); err != nil {
		return nil, fmt.Errorf("store: read blob %x: %w", sum, one(err))
	}
	return r, nil
}

func (r *blobReader) Size() int64 { return r.size }

func (r *blobReader) Read(p []byte) (int, error) {
	if len(r.part) == 0 {
		if r.off >= r.size {
			return 0, io.EOF
		}
		err := r.db.read.stmts[qBlobPart].QueryRowContext(r.ctx, r.id, r.seq).Scan(&r.part)
		if errors.Is(err, sql.ErrNoRows) || err == nil && len(r.part) == 0 {
			return 0, fmt.Errorf("store: blob %x ends at byte %d of %d: part %d is missing", r.sum, r.off, r.size, r.seq)
		}
		if err != nil {
			return 0, fmt.Errorf("store: read part %d of blob %x: %w", r.seq, r.sum, err)
		}
		r.seq++
	}
	n := copy(p, r.part)
	r.part = r.part[n:]
	r.off += int64(n)
	return n, nil
}

func (r *blobReader) Close() error {
	r.part = nil
	return nil
}

// Blob implements ReadTx.
func (t *tx) Blob(sum [32]byte) ([]byte, error) {
	var (
		data  []byte
		size  int64
		found bool
	)
	err := t.each(qBlob, []any{sum[:]}, func(scan func(dest ...any) error) error {
		var part []byte
		found = true
		err := scan(&size, &part)
		data = append(data, part...)
		return err
	})
	if err == nil && !found {
		err = ErrNotFound
	}
	if err == nil && int64(len(data)) != size {
		err = fmt.Errorf("it holds %d of its %d bytes", len(data), size)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read blob %x: %w", sum, err)
	}
	return nonNil(data), nil
}

// SweepBlobs implements Store.
func (db *DB) SweepBlobs(ctx context.Context, log string, before time.Time, cited func(sum [32]byte) (bool, error)) (int, error) {
	cutoff := before.Unix()
	deleted := 0
	for {
		var sums [][32]byte
		rows, err := db.write.stmts[qStaleBlobs].QueryContext(ctx, log, cutoff)
		if err != nil {
			return deleted, fmt.Errorf("store: list blobs to sweep: %w", err)
		}
		for rows.Next() {
			var s []byte
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return deleted, err
			}
			sums = append(sums, [32]byte(s))
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return deleted, fmt.Errorf("store: list blobs to sweep: %w", err)
		}
		if len(sums) == 0 {
			break
		}
		for _, sum := range sums {
			ok, err := cited(sum)
			if err != nil {
				return deleted, err
			}
			if ok {
				_, err = db.write.stmts[qKeepBlob].ExecContext(ctx, sum[:])
			} else {
				err = db.deleteBlob(ctx, sum, cutoff)
				deleted++
			}
			if err != nil {
				return deleted, fmt.Errorf("store: sweep blob %x: %w", sum, err)
			}
		}
	}
	if _, err := db.write.stmts[qDropOrphans].ExecContext(ctx, cutoff); err != nil {
		return deleted, fmt.Errorf("store: drop unfinished uploads: %w", err)
	}
	return deleted, nil
}

// deleteBlob deletes a blob and its parts, unless it has been cited or
// uploaded again since cutoff.
func (db *DB) deleteBlob(ctx context.Context, sum [32]byte, cutoff int64) error {
	stx, err := db.write.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer stx.Rollback()
	for _, q := range []query{qDeletePartsOf, qDeleteBlob} {
		if _, err := stx.StmtContext(ctx, db.write.stmts[q]).ExecContext(ctx, sum[:], cutoff); err != nil {
			return err
		}
	}
	return stx.Commit()
}

// PutBlob stores data as a blob of the log under sum, its SHA-256.
func PutBlob(ctx context.Context, s Store, log string, sum [32]byte, data []byte) error {
	w, err := s.CreateBlob(ctx, log)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		_ = w.Abort()
		return err
	}
	return w.Commit(sum)
}

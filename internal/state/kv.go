package state

// KV is the projected state as apply functions see it: values by kind and
// key, scanned in byte order of key.
type KV interface {
	Get(kind, key string) ([]byte, error)
	Put(kind, key string, value []byte) error
	Delete(kind, key string) error
	Scan(kind, from, to string, limit int, fn func(key string, value []byte) error) error
	// Blob returns the content stored under a SHA-256: list editions and
	// evidence referenced by statements.
	Blob(sum [32]byte) ([]byte, error)
}

// keyEnd sorts after every key Surety writes (they are ASCII and UTF-8
// text): a prefix plus keyEnd bounds a range scan from above.
const keyEnd = "\U0010FFFF"

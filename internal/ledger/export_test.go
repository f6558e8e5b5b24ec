package ledger

// Waiting returns the number of statements in the log's open batch, for tests
// that wait for statements to gather.
func Waiting(l *Log) int {
	l.seq.Lock()
	defer l.seq.Unlock()
	if l.open == nil {
		return 0
	}
	return len(l.open.reqs)
}

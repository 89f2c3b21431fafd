package store

import "context"

// WithMemoryLimit sets DuckDB's memory_limit (a setting of the database) to
// limit, and returns what puts back the store's own (Settings.MemoryLimit, or
// DuckDB's default). limit "" changes nothing.
//
// Ingest loads under a limit of its own (ingest.memory_limit, 1GB): data
// contract §1 bounds any one input file to 1.5 GB peak RSS, and a file's
// staged copy is a temp table, which DuckDB keeps in memory up to its limit
// and spills beyond it. At the store's 4GB, a 574 MB ledger file with one
// accented name (its text is then normalised in a copy of its own) peaked
// at 1.75 GB; at 1GB, at 1.11 GB.
func (s *Store) WithMemoryLimit(ctx context.Context, conn Execer, limit string) (restore func() error, err error) {
	if limit == "" {
		return func() error { return nil }, nil
	}
	// SET takes no bound parameters: the limit is quoted as a literal
	if _, err := conn.ExecContext(ctx, "SET memory_limit = "+QuoteLiteral(limit)); err != nil {
		return nil, err
	}
	return func() error {
		back := "RESET memory_limit"
		if s.set.MemoryLimit != "" {
			back = "SET memory_limit = " + QuoteLiteral(s.set.MemoryLimit)
		}
		_, err := conn.ExecContext(context.WithoutCancel(ctx), back)
		return err
	}, nil
}

package store

import (
	"context"
	"database/sql"
	"strconv"
)

// Querier is a connection or a transaction (or a *sql.DB).
type Querier interface {
	Execer
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// WithThreads sets DuckDB's thread count (a setting of the database, not of
// conn) to n, and returns what puts the old count back.
//
// Why a step would want fewer threads: DuckDB 1.1 runs a statement's tasks on
// the thread that called it as well as on its own threads, and while one of
// its own runs the last task, the caller waits in a busy loop. A step whose
// statements are mostly one task at a time, or whose Go code works beside
// DuckDB, gets nothing from a second DuckDB thread on a 2-core machine but a
// core spinning: ingest (two lanes, each on its own calling thread) and the
// audit's files (Go encodes the workbook while DuckDB reads) run on one. A
// step whose scans split into tasks keeps both threads: measure on a quiet
// machine before moving one, since a busy one favours a single thread.
func WithThreads(ctx context.Context, conn Querier, n int) (restore func() error, err error) {
	was, err := Threads(ctx, conn)
	if err != nil {
		return nil, err
	}
	set := func(n int64) error {
		// SET takes no bound parameters: n is a number, never file text
		_, err := conn.ExecContext(context.WithoutCancel(ctx), "SET threads = "+strconv.FormatInt(n, 10))
		return err
	}
	if err := set(int64(n)); err != nil {
		return nil, err
	}
	return func() error { return set(int64(was)) }, nil
}

// Threads is DuckDB's thread count now.
func Threads(ctx context.Context, conn Querier) (int, error) {
	var n int64
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('threads')`).Scan(&n); err != nil {
		return 0, err
	}
	return int(n), nil
}

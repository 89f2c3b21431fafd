package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/marcboeker/go-duckdb"
)

// The rejects found before load's SQL runs (rows the reader cannot take,
// XLSX cells it cannot read, text with a control character) wait in the temp
// table scan_rejects for load to copy them into rejects, with the rejects of
// the load SQL, in one INSERT (sql/load/rejects.sql). One INSERT a reject
// took about 0.3 ms: a file whose every other row has one cell too many (a
// trailing comma, as some exports write) spent 16 s on 50,000 of them. The
// copy is not sorted by line (every reader of rejects sorts): with the sort,
// 2.5M rejects (and their reasons) peaked at 2.1 GB under a 1GB memory_limit,
// 1.2 GB without.

// rejectsTable makes scan_rejects, if it is not made yet.
func rejectsTable(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS scan_rejects
		(line BIGINT, column_name VARCHAR, value VARCHAR, reason VARCHAR)`)
	return err
}

// stageRejects appends the rejects each yields, in order, to scan_rejects
// with DuckDB's appender: each may stream them from disk (a spill).
func stageRejects(ctx context.Context, conn *sql.Conn, each func(yield func(Reject) error) error) error {
	if err := rejectsTable(ctx, conn); err != nil {
		return err
	}
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "scan_rejects")
		if err != nil {
			return err
		}
		err = each(func(r Reject) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			var col, val driver.Value
			if r.Column != "" {
				col, val = r.Column, r.Value
			}
			if err := app.AppendRow(r.Line, col, val, r.Reason); err != nil {
				return fmt.Errorf("reject of line %d: %w", r.Line, err)
			}
			return nil
		})
		if err != nil {
			app.Close()
			return err
		}
		return app.Close()
	})
}

// stageScanRejects stages the reader's rejects of a CSV file and returns
// how many there are.
func stageScanRejects(ctx context.Context, conn *sql.Conn, scan *csvScan) (int64, error) {
	if scan.bad.len() == 0 {
		return 0, nil
	}
	err := stageRejects(ctx, conn, func(yield func(Reject) error) error {
		return scan.bad.each(func(b badRow) error { return yield(b.reject(len(scan.header))) })
	})
	return scan.bad.len(), err
}

// stageRejectList stages rejects held in memory (an XLSX file's: a sheet
// has at most 1,048,576 rows) and returns how many there are.
func stageRejectList(ctx context.Context, conn *sql.Conn, bad []Reject) (int64, error) {
	if len(bad) == 0 {
		return 0, nil
	}
	err := stageRejects(ctx, conn, func(yield func(Reject) error) error {
		for _, r := range bad {
			if err := yield(r); err != nil {
				return err
			}
		}
		return nil
	})
	return int64(len(bad)), err
}

package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/marcboeker/go-duckdb"
)

// stageRejects puts the rejects found before SQL saw the file (bad: rows the
// reader could not take, cells it could not read) into the temp table
// scan_rejects, in order, with DuckDB's appender, for load to copy into
// rejects with one INSERT. One INSERT a reject took about 0.3 ms: a file
// whose every other row has one cell too many (a trailing comma, as some
// exports write) spent 16 s on 50,000 of them.
func stageRejects(ctx context.Context, conn *sql.Conn, bad []Reject) error {
	if len(bad) == 0 {
		return nil // nothing for load to copy: no table, no statement
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE scan_rejects
		(seq BIGINT, line BIGINT, column_name VARCHAR, value VARCHAR, reason VARCHAR)`); err != nil {
		return err
	}
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "scan_rejects")
		if err != nil {
			return err
		}
		for i, r := range bad {
			if err := ctx.Err(); err != nil {
				app.Close()
				return err
			}
			var col, val driver.Value
			if r.Column != "" {
				col, val = r.Column, r.Value
			}
			if err := app.AppendRow(int64(i), r.Line, col, val, r.Reason); err != nil {
				app.Close()
				return fmt.Errorf("reject of line %d: %w", r.Line, err)
			}
		}
		return app.Close()
	})
}

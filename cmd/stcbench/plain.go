package main

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"os"

	_ "github.com/marcboeker/go-duckdb" // registers the "duckdb" driver

	"stcrecon/pipeline/store"
)

// plainSQL is the floor: the same checks as one plain script (see plain.sql).
//
//go:embed plain.sql
var plainSQL string

// runPlain runs plain.sql in an in-memory DuckDB inside dir (which holds the
// input files) and writes its findings to out.
func runPlain(ctx context.Context, dir, out string) error {
	if err := os.Chdir(dir); err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, plainSQL); err != nil {
		return fmt.Errorf("plain.sql: %w", err)
	}
	// The output path cannot be a bound parameter in COPY; it is quoted.
	if _, err := db.ExecContext(ctx, "COPY (SELECT * FROM findings ORDER BY ALL) TO "+store.QuoteLiteral(out)+" (HEADER)"); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}

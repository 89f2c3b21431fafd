package main

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"os"

	_ "github.com/marcboeker/go-duckdb" // registers the "duckdb" driver

	"stcrecon/configs"
	"stcrecon/pipeline/names"
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
	// The names the configuration gives, as an analyst would type them in:
	// the shipped brand aliases and model suffixes, by key.
	cfg, err := configs.Default()
	if err != nil {
		return err
	}
	stmts := []string{`CREATE TABLE brand_aliases (alias VARCHAR, brand VARCHAR)`, `CREATE TABLE model_suffixes (suffix VARCHAR)`}
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	for _, a := range cfg.Names.Aliases() {
		if _, err := db.ExecContext(ctx, `INSERT INTO brand_aliases VALUES (?, ?)`, a[0], a[1]); err != nil {
			return err
		}
	}
	for _, s := range cfg.ModelSuffixes {
		if _, err := db.ExecContext(ctx, `INSERT INTO model_suffixes VALUES (?)`, names.Key(s)); err != nil {
			return err
		}
	}
	if _, err := db.ExecContext(ctx, plainSQL); err != nil {
		return fmt.Errorf("plain.sql: %w", err)
	}
	// The output path cannot be a bound parameter in COPY; it is quoted.
	if _, err := db.ExecContext(ctx, "COPY (SELECT * FROM findings ORDER BY ALL) TO "+store.QuoteLiteral(out)+" (HEADER)"); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}

// Package store is the DuckDB file that holds everything stcrecon knows: it
// opens the file, applies the embedded schema migrations in order, and runs
// embedded SQL files by name. Ingest and audit change the store; reports only
// read it.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	_ "github.com/marcboeker/go-duckdb" // registers the "duckdb" driver

	queries "stcrecon/sql"
)

// Store is the DuckDB file that holds everything stcrecon knows.
type Store struct {
	DB   *sql.DB
	Path string
	set  Settings // as opened, for Explain
}

// Settings are DuckDB's resource settings; a zero field keeps DuckDB's default.
type Settings struct {
	MemoryLimit   string // e.g. "4GB"
	Threads       int
	TempDirectory string
}

// Open opens (creating if needed) the store at path and brings its schema up to
// date. path "" opens an in-memory store, for tests. memoryLimit "" keeps
// DuckDB's default.
func Open(ctx context.Context, path, memoryLimit string) (*Store, error) {
	return OpenWith(ctx, path, Settings{MemoryLimit: memoryLimit})
}

// OpenWith is Open with all of DuckDB's resource settings.
func OpenWith(ctx context.Context, path string, set Settings) (*Store, error) {
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{DB: db, Path: path, set: set}
	// These settings are global: every connection of the pool has them. SET
	// takes no bound parameters, so text is quoted as a literal.
	sets := []string{noVacuum}
	if set.MemoryLimit != "" {
		sets = append(sets, "SET memory_limit = "+QuoteLiteral(set.MemoryLimit))
	}
	if set.Threads > 0 {
		sets = append(sets, fmt.Sprintf("SET threads = %d", set.Threads))
	}
	if set.TempDirectory != "" {
		sets = append(sets, "SET temp_directory = "+QuoteLiteral(set.TempDirectory))
	}
	for _, q := range sets {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			return nil, fmt.Errorf("open store %s: %s: %w", path, q, err)
		}
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// noVacuum turns off DuckDB's vacuum for the store: at a checkpoint, DuckDB
// otherwise merges a run of part-full row groups into fewer, rewriting and
// recompressing every row of the run, the full row groups between them too.
// The store is append-only but for audit_serial_holders (whose wholly deleted
// row groups a checkpoint drops all the same), and each large file's INSERT
// leaves its rows in row groups of their own, the last part-full. At SF=1 the
// first checkpoint after an ingest (the audit's, as it closed the store)
// merged four of the panel ledger's row groups (10,537, 122,880, 122,880 and
// 24,553 rows) into three: 0.5-0.6 s, against 0.01 s with it off. Row groups that each hold one file's rows also let a
// nightly scan skip older files by their zone maps.
const noVacuum = "SET max_vacuum_tasks = 0"

// NotExistError is OpenExisting's error when there is no store at Path. It
// matches fs.ErrNotExist.
type NotExistError struct{ Path string }

func (e *NotExistError) Error() string        { return "no store at " + e.Path }
func (e *NotExistError) Is(target error) bool { return target == fs.ErrNotExist }

// OpenExisting is Open for a store that must already exist: the commands that
// read the store (audit, reports, status) never create an empty one. A missing
// store is a *NotExistError naming the path.
func OpenExisting(ctx context.Context, path string, set Settings) (*Store, error) {
	fi, err := os.Stat(path)
	switch {
	case path == "":
		return nil, fmt.Errorf("open store: no path given")
	case err != nil && os.IsNotExist(err):
		return nil, &NotExistError{Path: path}
	case err != nil:
		return nil, fmt.Errorf("open store %s: %w", path, err)
	case fi.IsDir():
		return nil, fmt.Errorf("open store %s: a folder, not a store file", path)
	}
	return OpenWith(ctx, path, set)
}

// Close checkpoints the write-ahead log into the file and closes the store.
func (s *Store) Close() error {
	if s.Path != "" {
		if _, err := s.DB.Exec("CHECKPOINT"); err != nil {
			s.DB.Close()
			return fmt.Errorf("close store %s: %w", s.Path, err)
		}
	}
	return s.DB.Close()
}

// SchemaVersion is the newest migration applied to the store.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.DB.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&v)
	return v, err
}

// migrate applies, in order and each in its own transaction, every schema file
// newer than the store's version.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.DB.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("schema_version: %w", err)
	}
	have, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	migrations, err := queries.Migrations()
	if err != nil {
		return err
	}
	for _, m := range migrations {
		if m.Version <= have {
			continue
		}
		if err := s.apply(ctx, m); err != nil {
			return fmt.Errorf("migrate sql/schema/%s: %w", m.Name, err)
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, m queries.Migration) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, stmt := range queries.Statements(m.SQL) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_version VALUES (?, ?, current_timestamp::TIMESTAMP)", m.Version, m.Name); err != nil {
		return err
	}
	return tx.Commit()
}

// QuoteLiteral quotes s as a SQL string literal, for the few places DuckDB
// cannot bind a parameter (file paths in read_csv, SET values, COPY targets).
func QuoteLiteral(s string) string {
	out := make([]byte, 0, len(s)+2)
	out = append(out, '\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}

// Execer is what ExecFile runs statements on: a *sql.DB, *sql.Conn or *sql.Tx.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// QueryRows reads every row of query, each a cell per column as the driver
// gives it, and the columns' names: for the few rows Go drives a step with
// (the batches of a load statement, the lookups of an audit). The rows are
// never nil, so an empty result stays apart from "nothing asked".
func QueryRows(ctx context.Context, db Querier, query string, args ...any) ([]string, [][]any, error) {
	rs, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, nil, err
	}
	out := [][]any{}
	for rs.Next() {
		row := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		out = append(out, row)
	}
	return cols, out, rs.Err()
}

// ExecFile runs every statement of one embedded SQL file; args go to the
// statements that take parameters.
func ExecFile(ctx context.Context, db Execer, name string, args ...any) error {
	return ExecFileEach(ctx, db, name, nil, args...)
}

// ExecFileEach is ExecFile with each statement handed to around, which runs
// it by calling exec (once), so that a caller can time or log each
// statement; a nil around just runs them.
func ExecFileEach(ctx context.Context, db Execer, name string, around func(stmt string, exec func() error) error, args ...any) error {
	text, err := queries.Get(name)
	if err != nil {
		return err
	}
	for _, stmt := range queries.Statements(text) {
		exec := func() error {
			var err error
			if countParams(stmt) > 0 {
				_, err = db.ExecContext(ctx, stmt, args...)
			} else {
				_, err = db.ExecContext(ctx, stmt)
			}
			if err != nil {
				return fmt.Errorf("sql/%s: %w", name, err)
			}
			return nil
		}
		if around != nil {
			err = around(stmt, exec)
		} else {
			err = exec()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// countParams counts '?' placeholders outside string literals and comments.
func countParams(stmt string) int {
	n := 0
	inStr, inComment := false, false
	for i := 0; i < len(stmt); i++ {
		c := stmt[i]
		switch {
		case inComment:
			if c == '\n' {
				inComment = false
			}
		case inStr:
			if c == '\'' {
				inStr = false
			}
		case c == '\'':
			inStr = true
		case c == '-' && i+1 < len(stmt) && stmt[i+1] == '-':
			inComment = true
		case c == '?':
			n++
		}
	}
	return n
}

package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	_ "github.com/marcboeker/go-duckdb" // registers the "duckdb" driver

	queries "stcrecon/sql"
)

// Store is the DuckDB file that holds everything stcrecon knows.
type Store struct {
	DB   *sql.DB
	Path string
}

// Open opens (creating if needed) the store at path and brings its schema up to
// date. path "" opens an in-memory store, for tests. memoryLimit "" keeps
// DuckDB's default.
func Open(ctx context.Context, path, memoryLimit string) (*Store, error) {
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{DB: db, Path: path}
	if memoryLimit != "" {
		if _, err := db.ExecContext(ctx, "SET memory_limit = "+quoteLiteral(memoryLimit)); err != nil {
			db.Close()
			return nil, fmt.Errorf("open store %s: memory_limit: %w", path, err)
		}
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
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

// quoteLiteral quotes s as a SQL string literal, for the few places DuckDB
// cannot bind a parameter (file paths in read_csv, SET values, COPY targets).
func quoteLiteral(s string) string {
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

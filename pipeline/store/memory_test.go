package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"
)

// WithMemoryLimit sets DuckDB's memory_limit for the whole store, and
// restore puts back the store's own: its setting, or DuckDB's default.
func TestWithMemoryLimit(t *testing.T) {
	ctx := context.Background()
	limit := func(st *store.Store) string {
		var v string
		if err := st.DB.QueryRow("SELECT current_setting('memory_limit')").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, set := range []string{"2GB", ""} {
		st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.duckdb"), set)
		if err != nil {
			t.Fatal(err)
		}
		was := limit(st)
		restore, err := st.WithMemoryLimit(ctx, st.DB, "100MB")
		if err != nil {
			t.Fatal(err)
		}
		if got := limit(st); got != "95.3 MiB" {
			t.Fatalf("store at %q: memory_limit %q while set to 100MB", set, got)
		}
		if err := restore(); err != nil {
			t.Fatal(err)
		}
		if got := limit(st); got != was {
			t.Fatalf("store at %q: memory_limit %q after restore, want %q", set, got, was)
		}
		st.Close()
	}
	// "" changes nothing
	st := storetest.MustOpen(t)
	was := limit(st)
	if restore, err := st.WithMemoryLimit(ctx, st.DB, ""); err != nil || restore() != nil || limit(st) != was {
		t.Fatalf("limit \"\": %v, memory_limit %q, was %q", err, limit(st), was)
	}
}

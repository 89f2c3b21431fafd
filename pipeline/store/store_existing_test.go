package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A reader never creates a store: OpenExisting fails on a missing path, naming
// it, and leaves nothing behind; it opens a store that Open created.
func TestOpenExistingNeverCreates(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "typo.duckdb")
	_, err := OpenExisting(ctx, path, Settings{})
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Fatalf("OpenExisting(missing) = %v, want a not-exist error naming %s", err, path)
	}
	if _, err := os.Stat(filepath.Join(dir, "sub")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("OpenExisting created something: %v", err)
	}
	if _, err := OpenExisting(ctx, dir, Settings{}); err == nil || !strings.Contains(err.Error(), "a folder") {
		t.Fatalf("OpenExisting(folder) = %v", err)
	}
	st, err := Open(ctx, path, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = OpenExisting(ctx, path, Settings{})
	if err != nil {
		t.Fatalf("OpenExisting(created store): %v", err)
	}
	if v, err := st.SchemaVersion(ctx); err != nil || v == 0 {
		t.Fatalf("schema version %d, %v", v, err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

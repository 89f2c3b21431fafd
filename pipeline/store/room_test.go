package store_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"
)

// A spill that runs out of disk is explained in the configuration's terms:
// which folder the spill files went to, and the settings that move them or
// make them smaller. DuckDB's own refusal is real here: the disk's free space
// is played by max_temp_directory_size.
func TestExplainSpillOutOfRoom(t *testing.T) {
	ctx := context.Background()
	spill := filepath.Join(t.TempDir(), "spill")
	st := storetest.OpenFile(t, store.Settings{MemoryLimit: "64MB", Threads: 1, TempDirectory: spill})
	conn := storetest.Conn(t, st.DB)
	if _, err := conn.ExecContext(ctx, "SET max_temp_directory_size = '1MB'"); err != nil {
		t.Fatal(err)
	}
	_, err := conn.ExecContext(ctx, `CREATE TEMP TABLE sorted AS
		SELECT repeat('x', 40) || range::VARCHAR AS v FROM range(3000000) ORDER BY v DESC`)
	if err == nil {
		t.Fatal("the sort did not run out of spill room")
	}
	got := st.Explain(err)
	var re *store.RoomError
	if !errors.As(got, &re) {
		t.Fatalf("Explain(%v) = %v, want a *RoomError", err, got)
	}
	for _, want := range []string{err.Error(), "duckdb.temp_directory (" + spill + ")", "duckdb.memory_limit (64MB)", "nothing was recorded half way"} {
		if !strings.Contains(got.Error(), want) {
			t.Errorf("Explain's message lacks %q:\n%s", want, got)
		}
	}
}

// A full disk elsewhere (the store's, an output folder's) gets the plain
// hint; any other error is returned as it was.
func TestExplainOtherErrors(t *testing.T) {
	st := storetest.OpenFile(t, store.Settings{})
	full := fmt.Errorf("report findings.csv: %w", &fs.PathError{Op: "write", Path: "/out/findings.csv", Err: syscall.ENOSPC})
	got := st.Explain(full)
	if !errors.Is(got, syscall.ENOSPC) || !strings.Contains(got.Error(), "A disk is full") || strings.Contains(got.Error(), "temp_directory") {
		t.Errorf("Explain(%v) = %v", full, got)
	}
	other := errors.New("Binder Error: no such column")
	if got := st.Explain(other); got != other {
		t.Errorf("Explain(%v) = %v, want it unchanged", other, got)
	}
	if st.Explain(nil) != nil {
		t.Error("Explain(nil) is not nil")
	}
}

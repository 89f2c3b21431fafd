package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"stcrecon/pipeline/storetest"
)

// laneFolder writes a folder of every kind: claims files, a ledger big enough
// that its commit checkpoints (rowGroupRows rows or more), a small ledger, a
// CEC list, a supplier list and a file of no kind. It returns the folder and
// the file names in the order ingest reads them.
func laneFolder(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	var big strings.Builder
	big.WriteString("supplier_name,licensee,model_number,serial_number\n")
	for i := range rowGroupRows + 10 {
		fmt.Fprintf(&big, "Acme,Jinko,JKM400,BIG%07d\n", i)
	}
	files := map[string]string{
		"cec_modules_a.csv":     "licensee,model_number,approved_on,expires_on\nJinko,JKM400,2023-01-01,2030-01-01\n",
		"panel_ledger_a.csv":    big.String(),
		"panel_ledger_b.csv":    "supplier_name,licensee,model_number,serial_number\nAcme,Jinko,JKM400,A1\n",
		"suppliers.csv":         "supplier_name,abn,product,brand,authorised_from\nAcme,51824753556,panel,Jinko,2024-01-01\n",
		"zz_no_kind_claims.csv": claimsHeader + oneClaim,
	}
	for i := range 6 {
		files[fmt.Sprintf("claims_%02d.csv", i)] = claimsHeader + strings.Replace(oneClaim, "PVD1", fmt.Sprintf("PVD%d", i), 1)
	}
	for name, content := range files {
		storetest.WriteFile(t, dir, name, content)
	}
	names, _, err := Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	return dir, names
}

// Ledger files load in a lane of their own beside the other files, but every
// file's id follows the order of the files (the ledgers' ranking and claim
// amendments go by file id), whichever lane commits first.
func TestIngestFileIDsFollowTheFiles(t *testing.T) {
	dir, names := laneFolder(t)
	st := storetest.MustOpen(t)
	var got []string
	for _, r := range ingest(t, st, dir) {
		got = append(got, filepath.Base(r.Path)+" "+string(r.Status))
	}
	var want []string
	for _, n := range names {
		status := Loaded
		if strings.HasPrefix(n, "zz_") {
			status = Rejected
		}
		want = append(want, n+" "+string(status))
	}
	storetest.AssertRows(t, got, want...)
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT name FROM files ORDER BY file_id"), names...)
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*), count(DISTINCT file_id) FROM panel_ledger"),
		fmt.Sprintf("%d|2", rowGroupRows+11))
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*) FROM claims"), "6")
}

// When the store fails in one lane, the other stops too: its file in
// progress, if any, is interrupted and rolled back (how far it got depends on
// timing). The failed file leaves nothing, and every file recorded has all
// its rows.
func TestIngestFailureInOneLaneStopsBoth(t *testing.T) {
	dir, _ := laneFolder(t)
	st := storetest.MustOpen(t)
	in := newIngester(st)
	boom := errors.New("disk full")
	in.afterLoad = func(ctx context.Context, tx *sql.Tx) error {
		var kind string
		if err := tx.QueryRowContext(ctx, "SELECT kind FROM files WHERE file_id = (SELECT file_id FROM stage_file)").Scan(&kind); err != nil {
			return err
		}
		if kind == string(PanelLedger) {
			return boom
		}
		return nil
	}
	_, err := in.Ingest(context.Background(), []string{dir})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "panel_ledger_a.csv") {
		t.Fatalf("error %v, want %v naming panel_ledger_a.csv", err, boom)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*) FROM panel_ledger"), "0")
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT count(*) FROM files f
		WHERE f.kind = 'claims' AND f.rows_loaded <> (SELECT count(*) FROM claims c WHERE c.file_id = f.file_id)`), "0")
}

// A run loads with DuckDB's thread count at Threads (1 when 0) and puts the
// store's own back afterwards.
func TestIngestThreads(t *testing.T) {
	dir, _ := laneFolder(t)
	for _, threads := range []int{0, 3} {
		st := storetest.MustOpen(t)
		if _, err := st.DB.Exec("SET threads = 2"); err != nil {
			t.Fatal(err)
		}
		in := newIngester(st)
		in.Threads = threads
		seen := map[int64]bool{}
		var mu sync.Mutex
		in.afterLoad = func(ctx context.Context, tx *sql.Tx) error {
			var n int64
			err := tx.QueryRowContext(ctx, "SELECT current_setting('threads')").Scan(&n)
			mu.Lock()
			seen[n] = true
			mu.Unlock()
			return err
		}
		if _, err := in.Ingest(context.Background(), []string{dir}); err != nil {
			t.Fatal(err)
		}
		want := int64(max(threads, 1))
		if len(seen) != 1 || !seen[want] {
			t.Errorf("Threads %d: loaded with %v threads, want %d", threads, seen, want)
		}
		storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT current_setting('threads')"), "2")
	}
}

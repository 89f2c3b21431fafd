package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"
)

// laneFolder writes a folder of every kind: claims files, a ledger big enough
// that its commit may checkpoint (rowGroupRows rows or more), a small ledger, a
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

// The files load in two lanes, but every file's id follows the order of the
// files (the ledgers' ranking and claim amendments go by file id), whichever
// lane commits first.
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
		var name string
		if err := tx.QueryRowContext(ctx, "SELECT name FROM files WHERE file_id = (SELECT file_id FROM stage_file)").Scan(&name); err != nil {
			return err
		}
		if name == "panel_ledger_a.csv" {
			return boom
		}
		return nil
	}
	_, err := in.Ingest(context.Background(), []string{dir})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "panel_ledger_a.csv") {
		t.Fatalf("error %v, want %v naming panel_ledger_a.csv", err, boom)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT count(*) FROM files WHERE name = 'panel_ledger_a.csv'`), "0")
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT count(*) FROM panel_ledger
		WHERE file_id NOT IN (SELECT file_id FROM files)`), "0")
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT count(*) FROM files f
		WHERE f.kind = 'claims' AND f.rows_loaded <> (SELECT count(*) FROM claims c WHERE c.file_id = f.file_id)
		   OR f.kind = 'panel_ledger' AND f.rows_loaded <> (SELECT count(*) FROM panel_ledger l WHERE l.file_id = f.file_id)`), "0")
}

// A run loads with DuckDB's thread count at Threads (1 when 0) while two
// lanes load, with the store's own count (2 here) in a lane left alone (when
// Threads is less), and puts the store's own back afterwards. A folder of
// files all of one size is one lane, alone from its first file. Claims
// files load on one thread whatever Threads is (TestIngestClaimsOnOneThread).
func TestIngestThreads(t *testing.T) {
	mixed, _ := laneFolder(t)
	oneSize := t.TempDir()
	for _, name := range []string{"panel_ledger_a.csv", "panel_ledger_b.csv"} {
		storetest.WriteFile(t, oneSize, name, "supplier_name,licensee,model_number,serial_number\nAcme,Jinko,JKM400,"+name+"\n")
	}
	for _, tc := range []struct {
		dir     string
		threads int
		want    []int64 // the thread counts files may load with
	}{
		{mixed, 0, []int64{1, 2}},
		{mixed, 3, []int64{3, 1}},
		{oneSize, 0, []int64{2}},
	} {
		st := storetest.MustOpen(t)
		if _, err := st.DB.Exec("SET threads = 2"); err != nil {
			t.Fatal(err)
		}
		in := newIngester(st)
		in.Threads = tc.threads
		seen := settingWhileLoading(in, "threads")
		if _, err := in.Ingest(context.Background(), []string{tc.dir}); err != nil {
			t.Fatal(err)
		}
		for _, n := range seen() {
			if !slices.Contains(tc.want, n) {
				t.Errorf("%s, Threads %d: loaded with %v threads, want each of %v", filepath.Base(tc.dir), tc.threads, seen(), tc.want)
				break
			}
		}
		storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT current_setting('threads')"), "2")
	}
}

// DuckDB's threads go up to the store's count as soon as one lane is left
// (when the other finishes, not at the next file of the one left), and only
// then; they are never lowered.
func TestLaneShareRaisesThreadsForTheLastLane(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	threads := func() string { return storetest.Query(t, st.DB, "SELECT current_setting('threads')")[0] }
	if _, err := conn.ExecContext(ctx, "SET threads = 1"); err != nil {
		t.Fatal(err)
	}
	share := &laneShare{running: 2, shared: 1, threads: 1, alone: 3}
	if err := share.raise(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if got := threads(); got != "1" {
		t.Fatalf("two lanes loading: threads %s, want 1", got)
	}
	// the other lane finishes: the threads go up at once, not at this
	// lane's next file
	if err := share.finished(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if got := threads(); got != "3" {
		t.Fatalf("one lane left: threads %s, want 3", got)
	}
	for range 2 {
		if err := share.raise(ctx, conn); err != nil {
			t.Fatal(err)
		}
		if got := threads(); got != "3" {
			t.Fatalf("one lane loading: threads %s, want 3", got)
		}
	}
	low := &laneShare{running: 1, shared: 4, threads: 4, alone: 3}
	if err := low.raise(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if got := threads(); got != "3" {
		t.Fatalf("Threads above the store's: threads %s, want 3 (unchanged)", got)
	}
}

// The files are shared between two lanes by their bytes, largest first, each
// to the lighter lane, whatever their kind; files of the same size stay in
// one lane (a copy loads after its original, and is skipped), and each lane
// keeps the order of the files.
func TestSplitLanesByBytes(t *testing.T) {
	dir := t.TempDir()
	sized := map[string]int{
		"cec_modules_a.csv":     10,
		"claims_01.csv":         300,
		"claims_02.csv":         300,
		"claims_03.csv":         250,
		"inverter_ledger_a.csv": 200,
		"panel_ledger_a.csv":    1000,
		"panel_ledger_b.csv":    100,
		"suppliers.csv":         10,
		"zz_no_kind.csv":        5,
	}
	name := func(files []string, lane []int) []string {
		var out []string
		for _, i := range lane {
			out = append(out, filepath.Base(files[i]))
		}
		return out
	}
	split := func(names ...string) [][]string {
		var files []string
		for _, n := range names {
			files = append(files, storetest.WriteFile(t, dir, n, strings.Repeat("x", sized[n])))
		}
		var out [][]string
		for _, lane := range splitLanes(files) {
			out = append(out, name(files, lane))
		}
		return out
	}
	for _, tc := range []struct {
		files []string
		want  [][]string
	}{
		{ // the largest file (1,000 bytes) alone; the two claims files of 300 bytes together (600), then
			// the inverter ledger (200), the small panel ledger (100), the two lists of 10 bytes
			// (together) and the file of no kind to the lighter lane, still the second
			[]string{"cec_modules_a.csv", "claims_01.csv", "claims_02.csv", "inverter_ledger_a.csv", "panel_ledger_a.csv", "panel_ledger_b.csv", "suppliers.csv", "zz_no_kind.csv"},
			[][]string{
				{"panel_ledger_a.csv"},
				{"cec_modules_a.csv", "claims_01.csv", "claims_02.csv", "inverter_ledger_a.csv", "panel_ledger_b.csv", "suppliers.csv", "zz_no_kind.csv"},
			},
		},
		{ // one kind, two sizes: a lane each
			[]string{"claims_01.csv", "claims_03.csv"},
			[][]string{{"claims_01.csv"}, {"claims_03.csv"}},
		},
		{ // one size: one lane
			[]string{"claims_01.csv", "claims_02.csv"},
			[][]string{{"claims_01.csv", "claims_02.csv"}},
		},
	} {
		if got := split(tc.files...); !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("splitLanes(%v) = %v, want %v", tc.files, got, tc.want)
		}
	}
}

// A copy of a file in the same run is skipped, not loaded twice, however the
// lanes share the files: two copies of a ledger large enough to checkpoint
// at its commit, beside two other files as large, each of which would take
// a lane of its own if sizes did not keep copies together.
func TestIngestCopyInOneRunIsSkipped(t *testing.T) {
	dir := t.TempDir()
	ledger := func(prefix string) string {
		var b strings.Builder
		b.WriteString("supplier_name,licensee,model_number,serial_number\n")
		for i := range rowGroupRows + 10 {
			fmt.Fprintf(&b, "Acme,Jinko,JKM400,%s%07d\n", prefix, i)
		}
		return b.String()
	}
	a := ledger("AAA")
	storetest.WriteFile(t, dir, "panel_ledger_1.csv", a)
	storetest.WriteFile(t, dir, "panel_ledger_2.csv", ledger("BBB"))
	storetest.WriteFile(t, dir, "panel_ledger_3.csv", a)
	storetest.WriteFile(t, dir, "panel_ledger_4.csv", ledger("CCC"))
	st := storetest.MustOpen(t)
	var got []string
	for _, r := range ingest(t, st, dir) {
		got = append(got, filepath.Base(r.Path)+" "+string(r.Status))
	}
	storetest.AssertRows(t, got, "panel_ledger_1.csv loaded", "panel_ledger_2.csv loaded",
		"panel_ledger_3.csv skipped", "panel_ledger_4.csv loaded")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*), count(DISTINCT file_id) FROM panel_ledger"),
		fmt.Sprintf("%d|3", 3*(rowGroupRows+10)))
}

// settingWhileLoading records DuckDB's setting name (a whole number) inside
// every file's transaction, once its rows are loaded; the returned function
// gives what was recorded.
func settingWhileLoading(in *Ingester, name string) func() []int64 {
	var seen []int64
	var mu sync.Mutex
	in.afterLoad = func(ctx context.Context, tx *sql.Tx) error {
		var n int64
		err := tx.QueryRowContext(ctx, "SELECT current_setting(?)::BIGINT", name).Scan(&n)
		mu.Lock()
		seen = append(seen, n)
		mu.Unlock()
		return err
	}
	return func() []int64 {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

// A ledger file's commit does not wait for the other lane: it checkpoints
// when the other lane is between files, and otherwise goes through the log at
// once. Only a log grown past walCheckpointBytes makes a commit wait for the
// other lane's file, then checkpoint.
func TestCommitLoadWaitsOnlyForALargeLog(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenFile(t, store.Settings{})
	conn := storetest.Conn(t, st.DB)
	if _, err := conn.ExecContext(ctx, "SET checkpoint_threshold = '1GB'"); err != nil {
		t.Fatal(err)
	}
	var gate checkpointGate
	commit := func(walBytes int64) <-chan error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS t AS SELECT 1 AS x"); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO t VALUES (2)"); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			gate.enter()
			defer gate.leave()
			done <- commitLoad(ctx, conn, tx, rowGroupRows, &gate, walBytes)
		}()
		return done
	}
	wait := func(done <-chan error, within time.Duration) bool {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			return true
		case <-time.After(within):
			return false
		}
	}

	// no other lane: the commit checkpoints, and the log is emptied
	if !wait(commit(0), 10*time.Second) {
		t.Fatal("a commit with no other lane did not finish")
	}
	if n := walSize(st); n != 0 {
		t.Fatalf("log of %d bytes after a checkpointing commit, want none", n)
	}
	// the other lane is on a file: the commit goes through the log at once
	gate.enter()
	if !wait(commit(0), 10*time.Second) {
		t.Fatal("a ledger commit waited for the other lane's file")
	}
	if walSize(st) == 0 {
		t.Fatal("no log after a commit beside the other lane's file: it checkpointed")
	}
	// a large log: the commit waits for the other lane's file, then checkpoints
	done := commit(walCheckpointBytes)
	if wait(done, 300*time.Millisecond) {
		t.Fatal("a commit with a large log did not wait for the other lane's file")
	}
	gate.leave()
	if !wait(done, 10*time.Second) {
		t.Fatal("the commit did not finish once the other lane left")
	}
	if n := walSize(st); n != 0 {
		t.Fatalf("log of %d bytes after the waiting commit, want none: it did not checkpoint", n)
	}
}

// A lane loading claims files holds DuckDB to one thread, even when the
// other lane finishes, until its claims have committed (laneShare: DuckDB
// 1.1.2 can lose rows appended after a parallel INSERT in one transaction).
func TestLaneShareHoldsOneThreadForClaims(t *testing.T) {
	st := storetest.MustOpen(t)
	ctx := context.Background()
	conn := storetest.Conn(t, st.DB)
	threads := func() string { return storetest.Query(t, st.DB, "SELECT current_setting('threads')")[0] }
	if _, err := conn.ExecContext(ctx, "SET threads = 2"); err != nil {
		t.Fatal(err)
	}
	share := &laneShare{running: 2, shared: 2, threads: 2, alone: 3}
	step := func(what string, f func(context.Context, *sql.Conn) error, want string) {
		t.Helper()
		if err := f(ctx, conn); err != nil {
			t.Fatal(err)
		}
		if got := threads(); got != want {
			t.Fatalf("%s: threads %s, want %s", what, got, want)
		}
	}
	step("a lane begins claims", share.hold, "1")
	step("the other lane finishes", share.finished, "1")
	step("the claims lane goes on", share.raise, "1")
	step("its claims have committed", share.release, "3")
}

// In a lane, DuckDB loads claims files on one thread and the ledger file
// between them on the store's threads (runLane run directly, as one lane
// left loading alone).
func TestIngestClaimsOnOneThread(t *testing.T) {
	dir := t.TempDir()
	files := []string{
		storetest.WriteFile(t, dir, "claims_a.csv", claimsHeader+oneClaim),
		storetest.WriteFile(t, dir, "panel_ledger.csv", "supplier_name,licensee,model_number,serial_number\nAcme,Jinko,JKM400,A1\n"),
		storetest.WriteFile(t, dir, "claims_b.csv", claimsHeader+strings.Replace(oneClaim, "PVD1", "PVD2", 1)),
	}
	st := storetest.MustOpen(t)
	in := newIngester(st)
	var mu sync.Mutex
	seen := map[string]string{}
	in.afterLoad = func(ctx context.Context, tx *sql.Tx) error {
		var name, threads string
		if err := tx.QueryRowContext(ctx, `SELECT name, current_setting('threads') FROM files WHERE file_id = (SELECT file_id FROM stage_file)`).Scan(&name, &threads); err != nil {
			return err
		}
		mu.Lock()
		seen[name] = threads
		mu.Unlock()
		return nil
	}
	share := &laneShare{running: 1, shared: 1, threads: 1, alone: 2}
	runAsOneLane(t, in, files, share)
	want := map[string]string{"claims_a.csv": "1", "panel_ledger.csv": "2", "claims_b.csv": "1"}
	if !maps.Equal(seen, want) {
		t.Fatalf("DuckDB threads while loading %v, want %v", seen, want)
	}
	if share.held != 0 || share.threads != 2 {
		t.Fatalf("after the lane: %+v, want no hold and the store's 2 threads", share)
	}
}

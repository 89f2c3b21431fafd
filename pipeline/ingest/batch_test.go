package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"
)

// claimsRun writes three claims files of one size (so they load in one lane,
// one after another) into a new folder; bad names the files whose header is
// broken (claim_ix for claim_id: rejected whole). Each file has a claim whose
// serial list spans lines 3-4, a row with a bad date on line 5, and a claim on
// line 6.
func claimsRun(t *testing.T, bad ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, tag := range []string{"a", "b", "c"} {
		name := "claims_" + tag + ".csv"
		header := claimsHeader
		if slices.Contains(bad, name) {
			header = strings.Replace(header, "claim_id", "claim_ix", 1)
		}
		storetest.WriteFile(t, dir, name, header+ // 1
			"X"+tag+"1,2025-03-20,2025-03-01,2000,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,"+tag+"1;"+tag+"2;"+tag+"3,I"+tag+"1\n"+ // 2
			"X"+tag+"2,2025-03-20,2025-03-01,2000,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,\""+tag+"4;"+tag+"5;\n"+tag+"6\",I"+tag+"2\n"+ // 3-4
			"X"+tag+"3,2025-13-45,2025-03-01,2000,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,"+tag+"7;"+tag+"8;"+tag+"9,I"+tag+"3\n"+ // 5
			"X"+tag+"4,2025-03-20,2025-03-01,2000,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,"+tag+"X;"+tag+"Y;"+tag+"Z,I"+tag+"4\n") // 6
	}
	return dir
}

// txidsWhileLoading records, for each file, the id of the transaction its
// rows were loaded in; fail, if set, is the error afterLoad returns for a
// file.
func txidsWhileLoading(in *Ingester, fail func(name string) error) func() map[string][]int64 {
	seen := map[string][]int64{}
	var mu sync.Mutex
	in.afterLoad = func(ctx context.Context, tx *sql.Tx) error {
		var name string
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT name, txid_current() FROM files WHERE file_id = (SELECT file_id FROM stage_file)`).Scan(&name, &id); err != nil {
			return err
		}
		mu.Lock()
		seen[name] = append(seen[name], id)
		mu.Unlock()
		if fail != nil {
			return fail(name)
		}
		return nil
	}
	return func() map[string][]int64 {
		mu.Lock()
		defer mu.Unlock()
		return seen
	}
}

func statuses(res []FileResult) []string {
	var out []string
	for _, r := range res {
		out = append(out, filepath.Base(r.Path)+" "+string(r.Status))
	}
	return out
}

// Every row's line and every reject's, of each claims file of a run the lane
// loads in one transaction (claimsBatch): the lines of a file staged in a
// transaction still open are its own.
func assertClaimsRunRows(t *testing.T, db *sql.DB, tags ...string) {
	t.Helper()
	var claims, listings, rejects []string
	for _, tag := range tags {
		claims = append(claims, "claims_"+tag+".csv|X"+tag+"1|2", "claims_"+tag+".csv|X"+tag+"2|3", "claims_"+tag+".csv|X"+tag+"4|6")
		listings = append(listings, fmt.Sprintf("claims_%s.csv|X%s2|panel|3|%s6", tag, tag, strings.ToUpper(tag)))
		rejects = append(rejects, "claims_"+tag+".csv|5|submitted_on|2025-13-45")
	}
	storetest.AssertRows(t, storetest.Query(t, db, `SELECT f.name, c.claim_id, c.line FROM claims c JOIN files f USING (file_id) ORDER BY 1, 2`), claims...)
	storetest.AssertRows(t, storetest.Query(t, db, `SELECT f.name, s.claim_id, s.component, s.position, s.serial_norm
		FROM claim_serials s JOIN files f USING (file_id) WHERE s.position = 3 AND s.claim_id LIKE '%2' AND s.component = 'panel' ORDER BY 1`), listings...)
	storetest.AssertRows(t, storetest.Query(t, db, `SELECT f.name, r.line, r.column_name, r.value FROM rejects r JOIN files f USING (file_id)
		WHERE f.status = 'loaded' ORDER BY 1`), rejects...)
}

// Small claims files one after another in a lane load in one transaction, each
// row at its own line.
func TestIngestClaimsBatch(t *testing.T) {
	dir := claimsRun(t)
	st := storetest.MustOpen(t)
	in := newIngester(st)
	txids := txidsWhileLoading(in, nil)
	res, err := in.Ingest(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	storetest.AssertRows(t, statuses(res), "claims_a.csv loaded", "claims_b.csv loaded", "claims_c.csv loaded")
	seen := txids()
	if a, b, c := seen["claims_a.csv"], seen["claims_b.csv"], seen["claims_c.csv"]; len(a) != 1 || len(b) != 1 || len(c) != 1 || a[0] != b[0] || b[0] != c[0] {
		t.Errorf("transactions %v, want one for the three files", seen)
	}
	assertClaimsRunRows(t, st.DB, "a", "b", "c")
}

// A file rejected whole between claims files commits the files before it
// first; the files after it load.
func TestIngestClaimsBatchRejectedFileBetween(t *testing.T) {
	dir := claimsRun(t, "claims_b.csv")
	st := storetest.MustOpen(t)
	res := ingest(t, st, dir)
	storetest.AssertRows(t, statuses(res), "claims_a.csv loaded", "claims_b.csv rejected", "claims_c.csv loaded")
	assertClaimsRunRows(t, st.DB, "a", "c")
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT name, status FROM files ORDER BY file_id`),
		"claims_a.csv|loaded", "claims_b.csv|rejected", "claims_c.csv|loaded")
}

// A batch the third file's rejection takes with it: the files before it are
// loaded again, each on its own, and the third file is rejected, none of its
// rows kept. Either the file is rejected after it wrote in the batch's
// transaction (load rolls it back), or a statement fails while the file is
// staged: DuckDB ends the transaction there, and the COMMIT before the
// rejection reports nothing, so the files before it are found unrecorded.
func TestIngestClaimsBatchLoadedAgain(t *testing.T) {
	stagingFails := func(t *testing.T) func(ctx context.Context, conn *sql.Conn, name string) error {
		return func(ctx context.Context, conn *sql.Conn, name string) error {
			if name != "claims_c.csv" {
				return nil
			}
			_, err := conn.ExecContext(ctx, "SELECT * FROM read_csv('"+filepath.Join(t.TempDir(), "gone.csv")+"')")
			if err == nil {
				t.Fatal("no error from a missing file")
			}
			return err
		}
	}
	for _, tc := range []struct {
		name        string
		afterLoad   func(name string) error                                                         // as txidsWhileLoading's fail
		beforeStage func(t *testing.T) func(ctx context.Context, conn *sql.Conn, name string) error // Ingester.beforeStage
	}{
		{"rejected after writing", func(name string) error {
			if name == "claims_c.csv" {
				return &FileError{Msg: "rejected after writing"}
			}
			return nil
		}, nil},
		{"staging fails", nil, stagingFails},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := claimsRun(t)
			st := storetest.MustOpen(t)
			in := newIngester(st)
			txids := txidsWhileLoading(in, tc.afterLoad)
			if tc.beforeStage != nil {
				in.beforeStage = tc.beforeStage(t)
			}
			res, err := in.Ingest(context.Background(), []string{dir})
			if err != nil {
				t.Fatal(err)
			}
			storetest.AssertRows(t, statuses(res), "claims_a.csv loaded", "claims_b.csv loaded", "claims_c.csv rejected")
			seen := txids()
			if a, b := seen["claims_a.csv"], seen["claims_b.csv"]; len(a) != 2 || len(b) != 2 || a[1] == b[1] {
				t.Errorf("transactions %v, want a and b loaded twice, then each in its own", seen)
			}
			assertClaimsRunRows(t, st.DB, "a", "b")
			storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT f.name, f.status, count(c.claim_id) FROM files f LEFT JOIN claims c USING (file_id) GROUP BY ALL ORDER BY 1`),
				"claims_a.csv|loaded|3", "claims_b.csv|loaded|3", "claims_c.csv|rejected|0")
		})
	}
}

// A failure of the store in a batch stops the run and records none of its
// files; the next run loads them all.
func TestIngestClaimsBatchStoreFailure(t *testing.T) {
	dir := claimsRun(t)
	st := storetest.MustOpen(t)
	in := newIngester(st)
	boom := errors.New("disk full")
	txidsWhileLoading(in, func(name string) error {
		if name == "claims_b.csv" {
			return boom
		}
		return nil
	})
	if _, err := in.Ingest(context.Background(), []string{dir}); !errors.Is(err, boom) {
		t.Fatalf("error %v, want %v", err, boom)
	}
	for _, table := range []string{"files", "claims", "claim_serials", "rejects"} {
		storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*) FROM "+table), "0")
	}
	in.afterLoad = nil
	storetest.AssertRows(t, statuses(ingest(t, st, dir)), "claims_a.csv loaded", "claims_b.csv loaded", "claims_c.csv loaded")
	assertClaimsRunRows(t, st.DB, "a", "b", "c")
}

// A real kill -9 while a batch of claims files is open (the child process
// below kills itself as the third file's rows are loaded): the store opens
// with none of the batch's files or rows, and the next run loads them all.
func TestIngestClaimsBatchKill9(t *testing.T) {
	if os.Getenv("STCRECON_TEST_KILL_CHILD") != "" {
		st, err := store.Open(context.Background(), os.Getenv("STCRECON_TEST_KILL_DB"), "")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		in := newIngester(st)
		txidsWhileLoading(in, func(name string) error {
			if name == "claims_c.csv" {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				time.Sleep(time.Minute)
			}
			return nil
		})
		in.Ingest(context.Background(), []string{os.Getenv("STCRECON_TEST_KILL_DIR")})
		os.Exit(3) // never reached
	}
	dir := claimsRun(t)
	db := filepath.Join(t.TempDir(), "store.duckdb")
	storetest.KilledChild(t, "TestIngestClaimsBatchKill9", "STCRECON_TEST_KILL_CHILD=1", "STCRECON_TEST_KILL_DB="+db, "STCRECON_TEST_KILL_DIR="+dir)
	st, err := store.Open(context.Background(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, table := range []string{"files", "claims", "claim_serials", "rejects"} {
		storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*) FROM "+table), "0")
	}
	storetest.AssertRows(t, statuses(ingest(t, st, dir)), "claims_a.csv loaded", "claims_b.csv loaded", "claims_c.csv loaded")
	assertClaimsRunRows(t, st.DB, "a", "b", "c")
}

// runAsOneLane loads files with in.runLane as one lane, set up as Ingest
// sets one up (file ids taken, text functions registered, DuckDB's threads
// at share's), and returns their results.
func runAsOneLane(t *testing.T, in *Ingester, files []string, share *laneShare) []*FileResult {
	t.Helper()
	ctx := context.Background()
	conn := storetest.Conn(t, in.Store.DB)
	ids, err := reserveFileIDs(ctx, conn, len(files))
	if err != nil {
		t.Fatal(err)
	}
	if err := textFunctions(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("SET threads = %d", share.threads)); err != nil {
		t.Fatal(err)
	}
	lane := make([]int, len(files))
	for i := range lane {
		lane[i] = i
	}
	results := make([]*FileResult, len(files))
	var gate checkpointGate
	if err := in.runLane(ctx, lane, files, ids, results, &gate, share); err != nil {
		t.Fatal(err)
	}
	return results
}

// XLSX claims files share a batch with CSV ones in a lane (runLane run
// directly, the three files in one lane), each row at its own line: an XLSX
// file is staged with its lines as read, not from row ids.
func TestIngestClaimsBatchXLSX(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, tag := range []string{"a", "b"} {
		f := excelize.NewFile()
		setRows(t, f, "Sheet1", [][]any{
			toAny(strings.Split(strings.TrimSpace(claimsHeader), ",")), // 1
			{"X" + tag + "1", "2025-03-20", "2025-03-01", "2000", "1.2", 3, "Jinko", "JKM400", "Fronius", "", "Primo", 6, 9, "", tag + "1;" + tag + "2;" + tag + "3", "I" + tag + "1"}, // 2
			{}, // 3
			{"X" + tag + "3", "2025-03-20", "2025-03-01", "2000", "x", 3, "Jinko", "JKM400", "Fronius", "", "Primo", 6, 9, "", tag + "7", "I" + tag + "3"},                             // 4
			{"X" + tag + "4", "2025-03-20", "2025-03-01", "2000", "1.2", 3, "Jinko", "JKM400", "Fronius", "", "Primo", 6, 9, "", tag + "X;" + tag + "Y;" + tag + "Z", "I" + tag + "4"}, // 5
		})
		p := filepath.Join(dir, "claims_"+tag+".xlsx")
		if err := f.SaveAs(p); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	files = append(files, storetest.WriteFile(t, dir, "claims_c.csv", claimsHeader+
		"Xc1,2025-03-20,2025-03-01,2000,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,c1;c2;c3,Ic1\n"+ // 2
		"Xc3,2025-03-20,2025-03-01,2000,x,3,Jinko,JKM400,Fronius,,Primo,6,9,,c7,Ic3\n"+ // 3
		"Xc4,2025-03-20,2025-03-01,2000,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,cX;cY;cZ,Ic4\n")) // 4
	st := storetest.MustOpen(t)
	in := newIngester(st)
	txids := txidsWhileLoading(in, nil)
	results := runAsOneLane(t, in, files, &laneShare{running: 1, shared: 1, threads: 1, alone: 1})
	for _, r := range results {
		if r == nil || r.Status != Loaded {
			t.Fatalf("results %v", results)
		}
	}
	if seen := txids(); len(seen) != 3 || seen["claims_a.xlsx"][0] != seen["claims_c.csv"][0] || seen["claims_b.xlsx"][0] != seen["claims_c.csv"][0] {
		t.Errorf("transactions %v, want one for the three files", seen)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT f.name, c.claim_id, c.line FROM claims c JOIN files f USING (file_id) ORDER BY 1, 2`),
		"claims_a.xlsx|Xa1|2", "claims_a.xlsx|Xa4|5", "claims_b.xlsx|Xb1|2", "claims_b.xlsx|Xb4|5", "claims_c.csv|Xc1|2", "claims_c.csv|Xc4|4")
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT f.name, r.line, r.column_name FROM rejects r JOIN files f USING (file_id) ORDER BY 1`),
		"claims_a.xlsx|4|rated_output_kw", "claims_b.xlsx|4|rated_output_kw", "claims_c.csv|3|rated_output_kw")
}

// A batch holds claims files until a row group of listings, or maxBatchFiles
// files, or a file that is not followed by a claims file in the lane.
func TestClaimsBatchKeep(t *testing.T) {
	for _, tc := range []struct {
		mayKeep  bool
		kind     Kind
		listings int64
		held     int // files loaded in it before
		want     bool
	}{
		{true, Claims, 0, 0, true},
		{true, Claims, rowGroupRows - 1, 5, true},
		{true, Claims, rowGroupRows, 2, false},
		{true, Claims, 10, maxBatchFiles - 2, true},
		{true, Claims, 10, maxBatchFiles - 1, false},
		{false, Claims, 10, 1, false},
		{true, PanelLedger, 0, 0, false},
	} {
		b := &claimsBatch{mayKeep: tc.mayKeep, listings: tc.listings, pending: make([]pendingFile, tc.held)}
		if got := b.keep(tc.kind); got != tc.want {
			t.Errorf("keep(%+v) = %v, want %v", tc, got, tc.want)
		}
	}
}

// A file whose staging fails because the run was stopped is not rejected:
// ingestFile gives the stop, and records nothing. Before, it was rejected as
// if it were bad, which settles an open claims batch and begins a
// transaction of its own on a connection whose cancelled transaction may
// still be rolling back ("multiple Tx" in go-duckdb, seen once in
// TestIngestFailureInOneLaneStopsBoth).
func TestIngestStoppedWhileStagingRejectsNothing(t *testing.T) {
	p := storetest.WriteFile(t, t.TempDir(), "claims_1.csv", claimsHeader+oneClaim)
	st := storetest.MustOpen(t)
	in := newIngester(st)
	conn := storetest.Conn(t, st.DB)
	ids, err := reserveFileIDs(context.Background(), conn, 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in.beforeStage = func(context.Context, *sql.Conn, string) error {
		cancel()
		return errors.New("staging interrupted")
	}
	var gate checkpointGate
	res, err := in.ingestFile(ctx, conn, p, ids[0], readFirst(context.Background(), p), &gate, &claimsBatch{})
	if !errors.Is(err, context.Canceled) || res.Status == Rejected {
		t.Fatalf("%s, %v; want the stop (%v), not a rejection", res.Status, err, context.Canceled)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT count(*) FROM files`), "0")
}

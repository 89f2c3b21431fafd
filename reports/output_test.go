package reports

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"stcrecon/configs"
	"stcrecon/pipeline/audit"
	"stcrecon/pipeline/ingest"
	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"
)

// writeAuditDB writes the folder of a run already recorded, on a connection of db.
func writeAuditDB(tb testing.TB, db *sql.DB, run *audit.Run, all bool, dir string) (AuditFiles, error) {
	tb.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	return WriteAudit(ctx, conn, run, all, dir)
}

// auditInto runs a nightly audit that writes its folder into dir before it counts.
func auditInto(st *store.Store, dir string) (*audit.Run, AuditFiles, error) {
	cfg, err := configs.Default()
	if err != nil {
		return nil, AuditFiles{}, err
	}
	var files AuditFiles
	run, err := (&audit.Auditor{Store: st, Config: cfg}).RunAndPublish(context.Background(), false,
		func(ctx context.Context, conn *sql.Conn, run *audit.Run) error {
			var err error
			files, err = WriteAudit(ctx, conn, run, false, dir)
			return err
		})
	return run, files, err
}

// loadStoreFiles ingests the first batch of testdata/store into st.
func loadStoreFiles(tb testing.TB, st *store.Store) {
	tb.Helper()
	in := &ingest.Ingester{Store: st, Now: func() time.Time { return storetest.Now }}
	var paths []string
	for _, n := range []string{"cec_inverters_2025.csv", "cec_modules_2025.csv", "claims_2025_1.csv",
		"inverter_ledger_2025.csv", "panel_ledger_2025.csv", "suppliers_2025.csv"} {
		paths = append(paths, filepath.Join("testdata", "store", n))
	}
	mustIngest(tb, in, paths...)
}

// readManifest reads dir's manifest and checks it lists exactly the files
// the folder holds, each with its size and SHA-256, and for a CSV its rows.
func readManifest(tb testing.TB, dir string) Manifest {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		tb.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	var listed, held []string
	for _, f := range m.Files {
		listed = append(listed, f.Name)
		data, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			tb.Fatalf("%s lists %s: %v", ManifestFile, f.Name, err)
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(data)) != f.Bytes {
			tb.Errorf("%s: the manifest's size or SHA-256 is not the file's", f.Name)
		}
		if strings.HasSuffix(f.Name, ".csv") {
			if f.Rows == nil || *f.Rows != int64(strings.Count(string(data), "\n")-1) {
				tb.Errorf("%s: rows %v in the manifest, %d lines in the file", f.Name, f.Rows, strings.Count(string(data), "\n"))
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != ManifestFile {
			held = append(held, e.Name())
		}
	}
	sort.Strings(held)
	if strings.Join(listed, ",") != strings.Join(held, ",") {
		tb.Errorf("%s lists %v; the folder holds %v", dir, listed, held)
	}
	return m
}

// partials are the hidden partial folders left beside dir.
func partials(tb testing.TB, dir string) []string {
	tb.Helper()
	got, err := filepath.Glob(filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".partial-*"))
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

func runsRecorded(tb testing.TB, st *store.Store) string {
	tb.Helper()
	return strings.Join(storetest.Query(tb, st.DB, "SELECT count(*) || ' runs, ' || (SELECT count(*) FROM claim_results) || ' results' FROM audit_runs"), "")
}

// The folder holds every file of contract §4 and a manifest that lists them;
// a second run into the same folder keeps the first one's folder beside it,
// so no folder mixes two runs.
func TestAuditFolderHasManifestAndNeverMixesRuns(t *testing.T) {
	st := storetest.MustOpen(t)
	loadStoreFiles(t, st)
	dir := filepath.Join(t.TempDir(), "out")
	run, files, err := auditInto(st, dir)
	if err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, dir)
	if m.RunID != run.ID || m.Claims.Audited != run.Claims || run.Claims == 0 {
		t.Fatalf("manifest %+v for run %+v", m, run)
	}
	var names []string
	for _, f := range m.Files {
		names = append(names, f.Name)
		fi, err := os.Stat(filepath.Join(dir, f.Name))
		if err != nil || fi.Mode().Perm()&0o044 != 0o044 {
			t.Errorf("%s: mode %v %v: others cannot read it", f.Name, fi.Mode(), err)
		}
	}
	if got := strings.Join(names, ","); got != "audit.xlsx,changes.csv,claims.csv,claims.parquet,findings.csv,findings.parquet,rejects.csv" {
		t.Errorf("files %s", got)
	}
	if files.Manifest != filepath.Join(dir, ManifestFile) || len(partials(t, dir)) != 0 {
		t.Fatalf("%+v; partial folders left: %v", files, partials(t, dir))
	}

	// --all into the same folder: the first folder is kept whole beside it.
	cfg, _ := configs.Default()
	var files2 AuditFiles
	run2, err := (&audit.Auditor{Store: st, Config: cfg}).RunAndPublish(context.Background(), true,
		func(ctx context.Context, conn *sql.Conn, run *audit.Run) error {
			files2, err = WriteAudit(ctx, conn, run, true, dir)
			return err
		})
	if err != nil {
		t.Fatal(err)
	}
	if m2 := readManifest(t, dir); m2.RunID != run2.ID || files2.KeptAt == "" {
		t.Fatalf("second run: manifest of run %d, kept at %q", m2.RunID, files2.KeptAt)
	}
	if kept := readManifest(t, files2.KeptAt); kept.RunID != run.ID {
		t.Fatalf("the kept folder is run %d's, want run %d's", kept.RunID, run.ID)
	}
}

// A write that fails between files (an error, or a panic as a stand-in for
// a crash) leaves no output folder and no recorded run; the next run audits
// the same claims and writes them all.
func TestFailedWriteIsNotRecorded(t *testing.T) {
	for _, how := range []string{"error", "panic"} {
		t.Run(how, func(t *testing.T) {
			st := storetest.MustOpen(t)
			loadStoreFiles(t, st)
			dir := filepath.Join(t.TempDir(), "out")
			afterFile = func(name string) error {
				if name != "claims.csv" {
					return nil
				}
				if how == "panic" {
					panic("killed while writing")
				}
				return errors.New("disk full")
			}
			func() {
				defer func() { recover() }()
				if _, _, err := auditInto(st, dir); err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "not recorded") {
					t.Errorf("error %v", err)
				}
			}()
			afterFile = nil
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("%s exists after a failed write: %v", dir, err)
			}
			if got := runsRecorded(t, st); got != "0 runs, 0 results" {
				t.Fatalf("after a failed write: %s", got)
			}
			run, _, err := auditInto(st, dir)
			if err != nil {
				t.Fatal(err)
			}
			if m := readManifest(t, dir); m.Claims.Audited != 6 || run.Claims != 6 {
				t.Fatalf("the next run audited %d claims: %+v", run.Claims, m)
			}
		})
	}
}

// Files renamed into place, then a crash before the run commits: the folder
// is complete (its manifest lists it) but the run is not recorded. The next
// run audits the claims again and keeps that folder aside.
func TestCrashAfterRenameAuditsAgain(t *testing.T) {
	st := storetest.MustOpen(t)
	loadStoreFiles(t, st)
	dir := filepath.Join(t.TempDir(), "out")
	cfg, _ := configs.Default()
	_, err := (&audit.Auditor{Store: st, Config: cfg}).RunAndPublish(context.Background(), false,
		func(ctx context.Context, conn *sql.Conn, run *audit.Run) error {
			if _, err := WriteAudit(ctx, conn, run, false, dir); err != nil {
				return err
			}
			return errors.New("killed before commit")
		})
	if err == nil {
		t.Fatal("no error")
	}
	first := readManifest(t, dir)
	if got := runsRecorded(t, st); got != "0 runs, 0 results" {
		t.Fatalf("%s", got)
	}
	run, files, err := auditInto(st, dir)
	if err != nil {
		t.Fatal(err)
	}
	if m := readManifest(t, dir); m.RunID != run.ID || m.RunID == first.RunID || run.Claims != first.Claims.Audited {
		t.Fatalf("run %+v after an unrecorded run %d", m, first.RunID)
	}
	readManifest(t, files.KeptAt)
}

// A real kill -9 while the files are written: the child process below audits
// a store file and kills itself after claims.csv. The output folder is not
// there (only a hidden partial one, with no manifest), the store has no run,
// and the next run audits every claim.
func TestKill9WhileWriting(t *testing.T) {
	if os.Getenv("STCRECON_TEST_KILL_CHILD") != "" {
		st, err := store.Open(context.Background(), os.Getenv("STCRECON_TEST_KILL_DB"), "")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		afterFile = func(name string) error {
			if name == "claims.csv" {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				time.Sleep(time.Minute)
			}
			return nil
		}
		auditInto(st, os.Getenv("STCRECON_TEST_KILL_OUT"))
		os.Exit(3) // never reached
	}
	tmp := t.TempDir()
	db, dir := filepath.Join(tmp, "store.duckdb"), filepath.Join(tmp, "out")
	st, err := store.Open(context.Background(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	loadStoreFiles(t, st)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	storetest.KilledChild(t, "TestKill9WhileWriting", "STCRECON_TEST_KILL_CHILD=1", "STCRECON_TEST_KILL_DB="+db, "STCRECON_TEST_KILL_OUT="+dir)
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s exists after kill -9: %v", dir, err)
	}
	for _, p := range partials(t, dir) {
		if _, err := os.Stat(filepath.Join(p, ManifestFile)); err == nil {
			t.Fatalf("%s has a manifest", p)
		}
	}
	st, err = store.Open(context.Background(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got := runsRecorded(t, st); got != "0 runs, 0 results" {
		t.Fatalf("after kill -9: %s", got)
	}
	run, _, err := auditInto(st, dir)
	if err != nil || run.Claims != 6 {
		t.Fatalf("next run: %+v %v", run, err)
	}
	readManifest(t, dir)
}

// The audit folder's files are written with DuckDB on one thread (the
// workbook's encoders run beside it from the first sheet's table on), and the
// store's own thread count is back afterwards, also when the write fails.
func TestWriteAuditPutsThreadsBack(t *testing.T) {
	for _, fail := range []bool{false, true} {
		st := storetest.MustOpen(t)
		loadStoreFiles(t, st)
		if _, err := st.DB.Exec("SET threads = 3"); err != nil {
			t.Fatal(err)
		}
		var during []string
		afterFile = func(name string) error {
			during = append(during, storetest.Query(t, st.DB, "SELECT current_setting('threads')")...)
			if fail {
				return errors.New("disk full")
			}
			return nil
		}
		_, _, err := auditInto(st, t.TempDir())
		afterFile = nil
		if fail != (err != nil) {
			t.Fatalf("fail %v: error %v", fail, err)
		}
		if len(during) == 0 || slices.ContainsFunc(during, func(s string) bool { return s != "1" }) {
			t.Errorf("fail %v: threads while writing %v, want 1", fail, during)
		}
		storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT current_setting('threads')"), "3")
	}
}

package audit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"stcrecon/pipeline/ingest"
	"stcrecon/pipeline/storetest"
)

// cecDir finds the current CEC lists as published, ../shared/data/cec beside
// the repository (CI clones the repository with shared/ beside it).
func cecDir(tb testing.TB) string {
	tb.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		tb.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "data", "cec")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		if filepath.Dir(d) == d {
			tb.Fatalf("no shared/data/cec in any folder above %s", dir)
		}
	}
}

// Both current CEC lists load as published, every row, and claims that write
// trading brands and bare models are audited to the verdicts the lists imply
// (testdata/realnames.txt; -rewrite regenerates its findings).
func TestRealCECListsAndTradingNames(t *testing.T) {
	st := storetest.MustOpen(t)
	dir := cecDir(t)
	want := map[string]int64{"cec_modules_20260423.csv": 7762, "cec_inverters_20260423.csv": 2747}
	for name, rows := range want {
		res := load(t, st, filepath.Join(dir, name))
		if len(res) != 1 || res[0].Status != ingest.Loaded || res[0].Rows != rows || res[0].Rejected != 0 {
			t.Fatalf("%s: %+v, want %d rows loaded and 0 rejects", name, res, rows)
		}
	}
	path := filepath.Join("testdata", "realnames.txt")
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := parseCheckCase(t, string(text))
	tmp := t.TempDir()
	var paths []string
	for _, name := range c.order {
		paths = append(paths, storetest.WriteFile(t, tmp, name, c.files[name]))
	}
	for _, r := range load(t, st, paths...) {
		if r.Status != ingest.Loaded || r.Rejected > 0 {
			t.Fatalf("%s: %s %v %v", r.Path, r.Status, r.Err, r.Rejects)
		}
	}
	a := &Auditor{Store: st, Config: mustConfig(t), Now: func() time.Time { return storetest.Now }}
	run, err := a.Run(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(storetest.Query(t, st.DB, `SELECT claim_id, status FROM claim_results WHERE run_id = ? ORDER BY claim_id`, run.ID), "\n") + "\n"
	for _, r := range storetest.Query(t, st.DB, `SELECT DISTINCT rule FROM findings WHERE run_id = ? ORDER BY rule`, run.ID) {
		got += findingsCSV(t, st, run.ID, r)
	}
	if *rewrite {
		if err := os.WriteFile(path, []byte(c.head+"----\n"+got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != c.expected {
		t.Fatalf("%s: results differ\n got:\n%s\nwant:\n%s", path, got, c.expected)
	}
}

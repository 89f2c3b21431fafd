package audit

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"stcrecon/configs"
	"stcrecon/pipeline/ingest"
	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"
	queries "stcrecon/sql"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected findings of testdata/checks/*.txt")

// A check case, testdata/checks/<rule id>.txt, is a data-driven test:
//
//	# what the case shows
//	== claims_case.csv
//	<file content>
//	== panel_ledger_extra.csv
//	<file content>
//	----
//	<the findings of that rule, as findings.csv rows without the header>
//
// The files of testdata/checks/base (ledgers, lists and suppliers in which a
// well-formed claim passes) are loaded first, then the case's files, then every
// claim is audited. Every case shows its check firing and not firing.
// go test ./pipeline -run TestChecks -rewrite regenerates the expectations.
type checkCase struct {
	files    map[string]string
	order    []string
	head     string // everything before "----"
	expected string
}

func parseCheckCase(tb testing.TB, text string) checkCase {
	tb.Helper()
	c := checkCase{files: map[string]string{}}
	i := strings.Index(text, "\n----\n")
	if i < 0 {
		tb.Fatal("no ---- line")
	}
	c.head, c.expected = text[:i+1], text[i+len("\n----\n"):]
	var cur string
	for _, line := range strings.SplitAfter(c.head, "\n") {
		if strings.HasPrefix(line, "== ") {
			cur = strings.TrimSpace(line[3:])
			c.order = append(c.order, cur)
			continue
		}
		if cur == "" {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
				tb.Fatalf("text before the first == file line: %q", line)
			}
			continue
		}
		c.files[cur] += line
	}
	return c
}

// auditCase loads base plus the case's files into a fresh store, audits every
// claim, and returns the run with the store.
func auditCase(tb testing.TB, cfg *configs.Config, files map[string]string, order []string) (*store.Store, *Run) {
	tb.Helper()
	st := storetest.MustOpen(tb)
	for _, r := range load(tb, st, "testdata/checks/base") {
		if r.Status != ingest.Loaded || r.Rejected > 0 {
			tb.Fatalf("base %s: %s %v %v", r.Path, r.Status, r.Err, r.Rejects)
		}
	}
	dir := tb.TempDir()
	var paths []string
	for _, name := range order {
		if name == "postcode_zones.csv" { // not an input: the case's zone table
			zones, err := configs.ReadPostcodeZones(strings.NewReader(files[name]), name)
			if err != nil {
				tb.Fatal(err)
			}
			copied := *cfg
			copied.Zones = zones
			cfg = &copied
			continue
		}
		paths = append(paths, storetest.WriteFile(tb, dir, name, files[name]))
	}
	for _, r := range load(tb, st, paths...) {
		if r.Status != ingest.Loaded || r.Rejected > 0 {
			tb.Fatalf("%s: %s %v %v", r.Path, r.Status, r.Err, r.Rejects)
		}
	}
	a := &Auditor{Store: st, Config: cfg, Now: func() time.Time { return storetest.Now }}
	run, err := a.Run(context.Background(), true)
	if err != nil {
		tb.Fatal(err)
	}
	return st, run
}

func mustConfig(tb testing.TB) *configs.Config {
	tb.Helper()
	cfg, err := configs.Default()
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

func findingsCSV(tb testing.TB, st *store.Store, runID int64, rule string) string {
	tb.Helper()
	rows := storetest.Query(tb, st.DB, `SELECT claim_id, component, serial_number, rule, severity, detail FROM findings
		WHERE run_id = ? AND rule = ? ORDER BY claim_id, rule, serial_number`, runID, rule)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, r := range rows {
		w.Write(strings.Split(r, "|"))
	}
	w.Flush()
	return buf.String()
}

func TestChecks(t *testing.T) {
	cfg := mustConfig(t)
	for _, rule := range queries.Checks() {
		t.Run(rule, func(t *testing.T) {
			path := filepath.Join("testdata", "checks", rule+".txt")
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("every check needs a case file: %v", err)
			}
			c := parseCheckCase(t, string(text))
			st, run := auditCase(t, cfg, c.files, c.order)
			got := findingsCSV(t, st, run.ID, rule)
			if *rewrite {
				if err := os.WriteFile(path, []byte(c.head+"----\n"+got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != c.expected {
				t.Fatalf("%s: findings differ\n got:\n%s\nwant:\n%s", path, got, c.expected)
			}
			// A case shows the check firing and not firing: some claim in it
			// has no finding of this rule.
			if got == "" {
				t.Fatalf("%s: the check never fires", path)
			}
			quiet := storetest.Query(t, st.DB, `SELECT count(*) FROM claim_results r WHERE run_id = ?
				AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.run_id = r.run_id AND f.claim_id = r.claim_id AND f.rule = ?)`, run.ID, rule)
			if quiet[0] == "0" {
				t.Fatalf("%s: every claim fires; add one that does not", path)
			}
		})
	}
}

// The base world with well-formed claims produces no finding at all.
func TestChecksCleanClaimsPass(t *testing.T) {
	text, err := os.ReadFile("testdata/checks/clean.txt")
	if err != nil {
		t.Fatal(err)
	}
	c := parseCheckCase(t, string(text))
	st, run := auditCase(t, mustConfig(t), c.files, c.order)
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT rule, claim_id, detail FROM findings WHERE run_id = ?", run.ID))
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT claim_id, status, stcs_claimed, stcs_computed FROM claim_results WHERE run_id = ? ORDER BY claim_id", run.ID),
		strings.Split(strings.TrimSpace(c.expected), "\n")...)
}

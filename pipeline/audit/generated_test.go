package audit

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"stcrecon/gen"
	"stcrecon/pipeline/ingest"
	"stcrecon/pipeline/storetest"
)

// readCSVKeys reads a CSV file and returns, for every data row, the cells at
// the given header names joined by '|'.
func readCSVKeys(tb testing.TB, path string, cols ...string) []string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	idx := map[string]int{}
	for i, h := range recs[0] {
		idx[h] = i
	}
	var out []string
	for _, r := range recs[1:] {
		var cells []string
		for _, c := range cols {
			i, ok := idx[c]
			if !ok {
				tb.Fatalf("%s: no column %s", path, c)
			}
			cells = append(cells, r[i])
		}
		out = append(out, strings.Join(cells, "|"))
	}
	sort.Strings(out)
	return out
}

// diffSets reports what want has that got lacks, and the other way round.
func diffSets(tb testing.TB, what string, got, want []string) {
	tb.Helper()
	have := map[string]int{}
	for _, g := range got {
		have[g]++
	}
	var missing, extra []string
	for _, w := range want {
		if have[w] > 0 {
			have[w]--
		} else {
			missing = append(missing, w)
		}
	}
	for k, n := range have {
		for ; n > 0; n-- {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 {
		cut := func(s []string) []string {
			if len(s) > 15 {
				return append(s[:15:15], fmt.Sprintf("… %d more", len(s)-15))
			}
			return s
		}
		tb.Errorf("%s: %d expected not found, %d found not expected\nmissing:\n  %s\nextra:\n  %s", what,
			len(missing), len(extra), strings.Join(cut(missing), "\n  "), strings.Join(cut(extra), "\n  "))
	}
}

// On generated data of several seeds the audit finds exactly the generator's
// truth: every expected finding, nothing extra; and rejects exactly the rows
// the generator spoiled.
func TestAuditMatchesGeneratorTruth(t *testing.T) {
	cfg := mustConfig(t)
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			dir := t.TempDir()
			if _, err := gen.Generate(context.Background(), gen.Options{Out: dir, Claims: 2000, Seed: seed, Config: cfg, XLSX: true}); err != nil {
				t.Fatal(err)
			}
			st := storetest.MustOpen(t)
			for _, r := range load(t, st, dir) {
				if r.Status != ingest.Loaded && r.Status != ingest.Ignored {
					t.Fatalf("%s: %s %v", r.Path, r.Status, r.Err)
				}
			}
			a := &Auditor{Store: st, Config: cfg, Now: func() time.Time { return storetest.Now }}
			run, err := a.Run(context.Background(), true)
			if err != nil {
				t.Fatal(err)
			}
			// Unmatched serials also agree on what they most likely are (the
			// class, the typo's serial, the range's ends; contract §3).
			got := triageKeys(storetest.Query(t, st.DB, `SELECT claim_id, component, serial_number, rule, severity, detail FROM findings WHERE run_id = ?`, run.ID))
			sort.Strings(got)
			want := triageKeys(readCSVKeys(t, filepath.Join(dir, gen.ExpectedFindingsFile), "claim_id", "component", "serial_number", "rule", "severity", "detail"))
			diffSets(t, "findings", got, want)

			gotRejects := storetest.Query(t, st.DB, `SELECT DISTINCT f.name, r.line FROM rejects r JOIN files f USING (file_id)`)
			sort.Strings(gotRejects)
			wantRejects := readCSVKeys(t, filepath.Join(dir, gen.ExpectedRejectsFile), "file", "line")
			wantRejects = dedupe(wantRejects)
			diffSets(t, "rejects", gotRejects, wantRejects)
		})
	}
}

func dedupe(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// triageKeys turns rows ending in a detail into the finding's key, and for a
// not_in_ledger finding its triage: "likely typo of S", "inside uploaded range
// A..B" (the supplier's spelling is left out) or "no similar serial".
func triageKeys(rows []string) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		cells := strings.SplitN(r, "|", 6)
		key, detail := strings.Join(cells[:5], "|"), cells[5]
		if strings.HasSuffix(key, "not_in_ledger|error") {
			class, _, _ := strings.Cut(detail, "; ")
			switch {
			case strings.HasPrefix(class, "inside uploaded range "):
				class, _, _ = strings.Cut(class, " of ")
			case strings.HasPrefix(class, "no similar serial"):
				class = "no similar serial"
			}
			key += "|" + class
		}
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}

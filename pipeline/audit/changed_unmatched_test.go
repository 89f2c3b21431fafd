package audit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"
	queries "stcrecon/sql"
)

// unmatchedStatements runs the statements of sql/audit/changed_unmatched.sql
// with the given names, in the file's order, on a store whose pool holds one
// connection (the working tables are temporary).
func unmatchedStatements(t *testing.T, st *store.Store, names ...string) {
	t.Helper()
	text, err := queries.Get("audit/changed_unmatched.sql")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for _, stmt := range queries.Statements(text) {
		if n := queries.StatementName(stmt); want[n] {
			if _, err := st.DB.ExecContext(context.Background(), stmt); err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			delete(want, n)
		}
	}
	if len(want) > 0 {
		t.Fatalf("no statements named %v", want)
	}
}

// insertRows inserts rows ("a|b" fills the two ? of tuple) with insert, a few
// hundred rows a statement.
func insertRows(t *testing.T, st *store.Store, insert, tuple string, rows []string) {
	t.Helper()
	for len(rows) > 0 {
		n := min(len(rows), 500)
		var args []any
		tuples := make([]string, n)
		for i, row := range rows[:n] {
			tuples[i] = tuple
			for _, cell := range strings.Split(row, "|") {
				args = append(args, cell)
			}
		}
		if _, err := st.DB.ExecContext(context.Background(), insert+strings.Join(tuples, ", "), args...); err != nil {
			t.Fatal(err)
		}
		rows = rows[n:]
	}
}

// oneEdits is every substitution (by sub), insertion (of sub), deletion and
// adjacent swap of s.
func oneEdits(s string, sub byte) []string {
	var out []string
	for i := 0; i <= len(s); i++ {
		out = append(out, s[:i]+string(sub)+s[i:])
		if i == len(s) {
			break
		}
		if s[i] != sub {
			out = append(out, s[:i]+string(sub)+s[i+1:])
		}
		out = append(out, s[:i]+s[i+1:])
		if i+1 < len(s) && s[i] != s[i+1] {
			out = append(out, s[:i]+s[i+1:i+2]+s[i:i+1]+s[i+2:])
		}
	}
	return out
}

// The keys UnmatchedNear joins on find every pair of a missing and a changed
// serial within one edit that comparing every pair finds, and no other: an
// edit at every place of serials short and long (a serial of 300 characters
// too), of the same component only.
func TestUnmatchedNearFindsEveryPairWithinOneEdit(t *testing.T) {
	st := storetest.MustOpen(t)
	st.DB.SetMaxOpenConns(1)
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-./_"
	r := rand.New(rand.NewPCG(12, 13))
	random := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	var missing, probes []string // component|serial
	for _, n := range []int{1, 2, 3, 8, 9, 10, 11, 12, 14, 20, 40, 300} {
		for k := 0; k < 3; k++ {
			m := random(n)
			missing = append(missing, "panel|"+m)
			for _, e := range oneEdits(m, alphabet[r.IntN(len(alphabet))]) {
				if n == 300 && r.IntN(20) > 0 {
					continue // a sample: comparing every pair of long serials is slow
				}
				if r.IntN(4) == 0 {
					probes = append(probes, "inverter|"+e) // another component: never a pair
				} else {
					probes = append(probes, "panel|"+e)
				}
			}
			// serials two edits away, and unrelated ones
			probes = append(probes, "panel|"+m[:n/2]+"QQ"+m[n/2:], "panel|"+random(n))
		}
	}
	// a sequential run, as ledgers hold: many pairs one digit apart
	for i := 0; i < 200; i++ {
		missing = append(missing, fmt.Sprintf("inverter|SN%010d", 5000+3*i))
		probes = append(probes, fmt.Sprintf("inverter|SN%010d", 5000+2*i))
	}
	createUnmatchedTables(t, st)
	insertRows(t, st, `INSERT INTO unmatched_missing VALUES `, `('C', ?, ?)`, missing)
	insertRows(t, st, `INSERT INTO unmatched_probes VALUES `, `(?, NULL, ?)`, probes)
	unmatchedStatements(t, st, "TailCode", "CodeWithout", "NearKey", "UnmatchedNear")
	got := storetest.Query(t, st.DB, `SELECT component, serial_norm, probe FROM unmatched_near ORDER BY ALL`)
	want := storetest.Query(t, st.DB, `
		SELECT DISTINCT m.component, m.serial_norm, p.serial_norm
		FROM unmatched_missing m JOIN unmatched_probes p USING (component)
		WHERE abs(length(m.serial_norm) - length(p.serial_norm)) <= 1
			AND damerau_levenshtein(m.serial_norm, p.serial_norm) <= 1
		ORDER BY ALL`)
	if len(want) < 500 {
		t.Fatalf("only %d pairs one edit apart: the test lost its cases", len(want))
	}
	storetest.AssertRows(t, got, want...)
}

// UnmatchedInRange finds every missing serial with the prefix and digit count
// of a ledger entry of the night and a number less than 2,000 from its
// number, as comparing every pair does: near 0 and the largest number of a
// digit count, 1,999 and 2,000 apart, with 1, 2 and 3 digits, and digits in
// the prefix.
func TestUnmatchedInRangeFindsEveryNeighbour(t *testing.T) {
	st := storetest.MustOpen(t)
	st.DB.SetMaxOpenConns(1)
	createUnmatchedTables(t, st)
	r := rand.New(rand.NewPCG(7, 8))
	var missing, ledger []string
	for _, f := range []struct {
		prefix string
		digits int
	}{{"", 1}, {"A", 2}, {"B", 3}, {"C7X", 4}, {"", 6}, {"JK-", 8}, {"Q", 12}} {
		top := 1
		for i := 0; i < f.digits; i++ {
			top *= 10
		}
		serial := func(n int) string { return fmt.Sprintf("%s%0*d", f.prefix, f.digits, n) }
		for _, n := range []int{0, 1, 999, 1000, 1001, 1998, 1999, 2000, 2001, 3999, top - 2001, top - 2000, top - 1999, top - 1000, top - 1} {
			if n >= 0 && n < top {
				missing = append(missing, serial(n))
			}
		}
		for k := 0; k < 40; k++ {
			missing = append(missing, serial(r.IntN(top)))
			ledger = append(ledger, serial(r.IntN(top)))
		}
		for _, n := range []int{0, top - 1, 1999, 2000} {
			if n < top {
				ledger = append(ledger, serial(n))
			}
		}
	}
	insertRows(t, st, `INSERT INTO unmatched_missing VALUES `, `('C', 'panel', ?)`, missing)
	insertRows(t, st, `INSERT INTO unmatched_probes VALUES `, `('panel', 'jinko', ?)`, ledger)
	unmatchedStatements(t, st, "UnmatchedInRange")
	got := storetest.Query(t, st.DB, `SELECT component, serial_norm, brand_key FROM unmatched_in_range ORDER BY ALL`)
	want := storetest.Query(t, st.DB, `
		WITH split AS (
			SELECT *, left(serial_norm, length(serial_norm) - length(digits)) AS prefix, try_cast(digits AS HUGEINT) AS number
			FROM (SELECT *, regexp_extract(serial_norm, '[0-9]+$') AS digits FROM unmatched_missing)
		), probes AS (
			SELECT *, left(serial_norm, length(serial_norm) - length(digits)) AS prefix, try_cast(digits AS HUGEINT) AS number
			FROM (SELECT *, regexp_extract(serial_norm, '[0-9]+$') AS digits FROM unmatched_probes)
		)
		SELECT DISTINCT m.component, m.serial_norm, p.brand_key
		FROM split m JOIN probes p ON p.component = m.component AND p.prefix = m.prefix
			AND length(p.digits) = length(m.digits) AND abs(p.number - m.number) < 2000
		ORDER BY ALL`)
	if len(want) < 100 {
		t.Fatalf("only %d serials in range: the test lost its cases", len(want))
	}
	storetest.AssertRows(t, got, want...)
}

// A ledger upload one edit from a missing serial, or making a range around
// it, re-audits the missing serial's claim when it is of the claim's brand,
// and not when it is of another brand (the triage looks only at the claim's
// brand). A changed listing one edit away re-audits it whatever the brand.
func TestNightlyUnmatchedByBrand(t *testing.T) {
	cfg := mustConfig(t)
	ledger := func(rows ...string) map[string]string {
		return map[string]string{"panel_ledger_late.csv": "supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\n" +
			strings.Join(rows, "\n") + "\n"}
	}
	cases := []struct {
		name    string
		night2  map[string]string
		reaudit bool
	}{
		{"a typo of the claim's brand uploaded", ledger("Acme Imports,Jinko Solar,JKM400,J7787,2025-04-01,valid,"), true},
		{"a typo of another brand uploaded", ledger("Acme Imports,Trina Solar,TSM420,J7787,2025-04-01,valid,"), false},
		{"a range of the claim's brand uploaded", ledger("Acme Imports,Jinko Solar,JKM400,J7700,2025-04-01,valid,",
			"Acme Imports,Jinko Solar,JKM400,J7900,2025-04-01,valid,"), true},
		{"a range of another brand uploaded", ledger("Acme Imports,Trina Solar,TSM420,J7700,2025-04-01,valid,",
			"Acme Imports,Trina Solar,TSM420,J7900,2025-04-01,valid,"), false},
		{"a serial of the claim's brand two edits away", ledger("Acme Imports,Jinko Solar,JKM400,JA7B77,2025-04-01,valid,"), false},
		{"a claim of another brand lists a serial one edit away", map[string]string{"claims_b.csv": claimsHeader +
			strings.Replace(claimRow("PVC2", "J7778;T001", "F005"), "Jinko Solar,JKM400", "Trina Solar,TSM420", 1)}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(night int, files map[string]string) []string {
				d := filepath.Join(dir, fmt.Sprint("night", night))
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
				var paths []string
				for name, content := range files {
					paths = append(paths, storetest.WriteFile(t, d, name, content))
				}
				sort.Strings(paths)
				return paths
			}
			n := newNights(t, cfg)
			// J7777 is in no ledger and no ledger serial is near it: "no similar serial"
			n.load(append([]string{"testdata/checks/base"}, write(1, map[string]string{
				"claims_a.csv": claimsHeader + claimRow("PVC1", "J7777;J001", "F001"),
			})...)...)
			if got := n.status("PVC1"); got != "fail panel.not_in_ledger" {
				t.Fatalf("PVC1 after night 1: %q", got)
			}
			run := n.load(write(2, c.night2)...) // n.load checks the verdicts against audit --all
			if got := run.ByTrigger["unmatched"] > 0; got != c.reaudit {
				t.Fatalf("re-audited by trigger %v; want unmatched: %v", run.ByTrigger, c.reaudit)
			}
		})
	}
}

// createUnmatchedTables makes the two tables changed_unmatched.sql's pair
// statements read, empty, on st's one connection.
func createUnmatchedTables(t *testing.T, st *store.Store) {
	t.Helper()
	for _, stmt := range []string{
		`CREATE TEMP TABLE unmatched_missing (claim_id VARCHAR, component VARCHAR, serial_norm VARCHAR)`,
		`CREATE TEMP TABLE unmatched_probes (component VARCHAR, brand_key VARCHAR, serial_norm VARCHAR)`,
	} {
		if _, err := st.DB.ExecContext(context.Background(), stmt); err != nil {
			t.Fatal(err)
		}
	}
}

package audit

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"stcrecon/configs"
	"stcrecon/gen"
	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"
)

// verdicts is every current claim's latest verdict as text: its claims.csv row
// (from claim_results_current) and its findings (from findings_current), with
// no run id, so a nightly store and an --all store compare row for row. A
// current claim without a verdict shows as "NO VERDICT".
func verdicts(tb testing.TB, st *store.Store) []string {
	tb.Helper()
	rows := storetest.Query(tb, st.DB, `
		SELECT 'result|' || c.claim_id || '|' || coalesce(r.file_id::VARCHAR || '|' || r.status || '|' || r.errors || '|' || r.warnings || '|' ||
			r.stcs_claimed || '|' || coalesce(r.stcs_computed::VARCHAR, '') || '|' || r.stcs_at_risk, 'NO VERDICT')
		FROM claims_current c LEFT JOIN claim_results_current r USING (claim_id)
		UNION ALL
		SELECT 'finding|' || claim_id || '|' || component || '|' || serial_number || '|' || rule || '|' || severity || '|' || detail
		FROM findings_current`)
	sort.Strings(rows)
	return rows
}

// nights keeps two stores fed the same files: one audited nightly, one with
// --all after every load, so the nightly's latest verdicts can be compared
// with a full audit of the same data after each night.
type nights struct {
	tb            testing.TB
	nightly, full *store.Store
	cfg           *configs.Config
	night         int
	runs          []*Run
}

func newNights(tb testing.TB, cfg *configs.Config) *nights {
	n := &nights{tb: tb, nightly: storetest.MustOpen(tb), full: storetest.MustOpen(tb), cfg: cfg}
	return n
}

// load ingests paths into both stores, runs the nightly audit on one and a
// full audit on the other, and fails the test where their verdicts differ.
func (n *nights) load(paths ...string) *Run {
	n.tb.Helper()
	n.night++
	ctx := context.Background()
	if len(paths) > 0 {
		load(n.tb, n.nightly, paths...)
		load(n.tb, n.full, paths...)
	}
	now := func() time.Time { return storetest.Now.Add(time.Duration(n.night) * 24 * time.Hour) }
	run, err := (&Auditor{Store: n.nightly, Config: n.cfg, Now: now}).Run(ctx, false)
	if err != nil {
		n.tb.Fatalf("night %d: nightly audit: %v", n.night, err)
	}
	if _, err := (&Auditor{Store: n.full, Config: n.cfg, Now: now}).Run(ctx, true); err != nil {
		n.tb.Fatalf("night %d: audit --all: %v", n.night, err)
	}
	diffSets(n.tb, fmt.Sprintf("night %d: nightly verdicts against audit --all", n.night), verdicts(n.tb, n.nightly), verdicts(n.tb, n.full))
	// The names the nightly run keeps are every name in the store, so the next
	// night reads only its new rows' names (sql/audit/names.sql).
	if missing := storetest.Query(n.tb, n.nightly.DB, `SELECT name FROM name_sources EXCEPT SELECT name FROM audit_known_names`); len(missing) > 0 {
		n.tb.Fatalf("night %d: audit_known_names lacks %d names of the store, such as %q", n.night, len(missing), missing[0])
	}
	n.runs = append(n.runs, run)
	return run
}

// status is one claim's current status in the nightly store.
func (n *nights) status(claimID string) string {
	n.tb.Helper()
	got := storetest.Query(n.tb, n.nightly.DB, `SELECT status || coalesce(' ' || (SELECT string_agg(DISTINCT rule, ',' ORDER BY rule)
		FROM findings_current f WHERE f.claim_id = r.claim_id), '') FROM claim_results_current r WHERE claim_id = ?`, claimID)
	if len(got) != 1 {
		n.tb.Fatalf("%s: %d current verdicts", claimID, len(got))
	}
	return got[0]
}

// claimRow is a claims-file row installed 2025-03-01 in zone 3 that passes
// every check when its serials are in the base ledger under Jinko Solar JKM400
// and Fronius Primo 5.0.
func claimRow(id, panels, inverter string) string {
	return id + ",2025-03-20,2025-03-01,2000,0.800,2,Jinko Solar,JKM400,Fronius,Primo,Primo 5.0,6,6,," + panels + "," + inverter + "\n"
}

// Each input a claim's verdict depends on, changed on night 2 after the claim
// was audited on night 1: the nightly run re-audits the claim, finds what a
// full audit finds, and says which input made it look again.
func TestNightlyReauditsEachTrigger(t *testing.T) {
	cfg := mustConfig(t)
	cases := []struct {
		name           string
		night1, night2 map[string]string // extra files: name → content
		claim          string
		before, after  string // the claim's status (and rules) after night 1 and night 2
		trigger        string
	}{
		{
			name:   "panel status update: invalid after the claim passed",
			night2: map[string]string{"panel_ledger_status.csv": "supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\nAcme Imports,Jinko Solar,JKM400,J001,2025-05-01,invalid,reported stolen\n"},
			claim:  "PVA1", before: "pass", after: "fail panel.invalid", trigger: "ledger",
		},
		{
			name:   "inverter status update",
			night2: map[string]string{"inverter_ledger_status.csv": "manufacturer,model,series,serial number,status,reason,uploaded_at\nFronius,Primo 5.0,Primo,F002,invalid,failed test,2025-05-01\n"},
			claim:  "PVA2", before: "pass", after: "fail inverter.invalid", trigger: "ledger",
		},
		{
			name:   "late upload: a serial not in the ledger on night 1",
			night1: map[string]string{"claims_late.csv": claimsHeader + claimRow("PVA3", "J001X;J002X", "F003")},
			night2: map[string]string{"panel_ledger_late.csv": "supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\nAcme Imports,Jinko Solar,JKM400,J001X,2025-04-01,valid,\nAcme Imports,Jinko Solar,JKM400,J002X,2025-04-01,valid,\n"},
			claim:  "PVA3", before: "fail panel.not_in_ledger", after: "pass", trigger: "ledger",
		},
		{
			name:   "an entry under another brand, uploaded later, takes over no match",
			night2: map[string]string{"panel_ledger_other.csv": "supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\nAcme Imports,Trina Solar,TSM420,J001,2025-06-01,invalid,wrong brand\n"},
			claim:  "PVA1", before: "pass", after: "pass", trigger: "ledger",
		},
		{
			name:   "an earlier-dated status update does not become current",
			night2: map[string]string{"panel_ledger_old.csv": "supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\nAcme Imports,Jinko Solar,JKM400,J002,2024-01-01,invalid,old news\n"},
			claim:  "PVA1", before: "pass", after: "pass", trigger: "ledger",
		},
		{
			name:   "new duplicate: a new claim lists a serial of an audited one",
			night2: map[string]string{"claims_dup.csv": claimsHeader + claimRow("PVA4", "J003;J009", "F004")},
			claim:  "PVA2", before: "pass", after: "fail panel.duplicate", trigger: "claims",
		},
		{
			name:   "duplicate amended away: the partner is clean again",
			night1: map[string]string{"claims_pair.csv": claimsHeader + claimRow("PVA5", "J005;J006", "F005") + claimRow("PVA6", "J006;J007", "F006")},
			night2: map[string]string{"claims_pair_amend.csv": claimsHeader + claimRow("PVA6", "J008;J007", "F006")},
			claim:  "PVA5", before: "fail panel.duplicate", after: "pass", trigger: "claims",
		},
		{
			name:   "inverter duplicate by amendment",
			night2: map[string]string{"claims_amend.csv": claimsHeader + claimRow("PVA2", "J003;J004", "F001")},
			claim:  "PVA1", before: "pass", after: "fail inverter.duplicate", trigger: "claims",
		},
		{
			name:   "a new claim lists the serial a missing one was likely a typo of",
			night1: map[string]string{"claims_typo.csv": claimsHeader + claimRow("PVB1", "J0100;J011", "F009")},
			night2: map[string]string{"claims_typo_taken.csv": claimsHeader + claimRow("PVB2", "J010;J012", "F010")},
			claim:  "PVB1", before: "fail panel.not_in_ledger", after: "fail panel.not_in_ledger", trigger: "unmatched",
		},
		{
			name:   "a late upload either side of a missing serial narrows its range",
			night1: map[string]string{"claims_range.csv": claimsHeader + claimRow("PVB3", "J555;J011", "F009")},
			night2: map[string]string{"panel_ledger_range.csv": "supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\nAcme Imports,Jinko Solar,JKM400,J400,2025-04-01,valid,\nAcme Imports,Jinko Solar,JKM400,J700,2025-04-01,valid,\n"},
			claim:  "PVB3", before: "fail panel.not_in_ledger", after: "fail panel.not_in_ledger", trigger: "unmatched",
		},
		{
			name: "CEC list update approves a model (legal name, certification suffix)",
			night1: map[string]string{
				"panel_ledger_jkm450.csv": "supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\nAcme Imports,Jinko Solar,JKM450,J451,2024-06-01,valid,\nAcme Imports,Jinko Solar,JKM450,J452,2024-06-01,valid,\n",
				"claims_jkm450.csv":       claimsHeader + strings.Replace(claimRow("PVA7", "J451;J452", "F007"), "0.800,2,Jinko Solar,JKM400", "0.900,2,Jinko Solar,JKM450", 1),
			},
			night2: map[string]string{"cec_modules_update.csv": "licensee,model_number,rated_power_w,approved_on,expires_on\nJinko Solar,JKM400,400,2023-01-01,2027-12-31\nJinko Solar Co Ltd,JKM450 (IEC 61215-2021),450,2023-01-01,2027-12-31\n"},
			claim:  "PVA7", before: "fail panel.not_approved", after: "pass", trigger: "cec",
		},
		{
			name:   "CEC inverter list update: a new wattage row only",
			night2: map[string]string{"cec_inverters_update.csv": "manufacturer,series,model_number,ac_power_kw,approved_on,expires_on\nFronius,Primo,Primo 5.0,5,2026-01-01,2029-12-31\n"},
			claim:  "PVA1", before: "pass", after: "pass", trigger: "cec",
		},
		{
			name: "supplier list update authorises an uploader (named another way)",
			night1: map[string]string{
				"panel_ledger_newco.csv": "supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\nNewco Supply,Jinko Solar,JKM400,J601,2024-06-01,valid,\nNewco Supply,Jinko Solar,JKM400,J602,2024-06-01,valid,\n",
				"claims_newco.csv":       claimsHeader + claimRow("PVA8", "J601;J602", "F008"),
			},
			night2: map[string]string{"suppliers_update.csv": "supplier_name,abn,product,brand,authorised_from,authorised_to\nAcme Imports,51 824 753 556,panel,Jinko Solar,2024-01-01,\nNEWCO SUPPLY PTY LTD,,panel,Jinko Solar Co Ltd,2024-01-01,\n"},
			claim:  "PVA8", before: "fail panel.unauthorised_supplier", after: "pass", trigger: "suppliers",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			n := newNights(t, cfg)
			write := func(night int, files map[string]string) []string {
				var paths []string
				for name, content := range files {
					d := filepath.Join(dir, fmt.Sprint("night", night))
					os.MkdirAll(d, 0o755)
					paths = append(paths, storetest.WriteFile(t, d, name, content))
				}
				sort.Strings(paths)
				return paths
			}
			night1 := append([]string{"testdata/checks/base"}, write(1, map[string]string{
				"claims_a.csv": claimsHeader + claimRow("PVA1", "J001;J002", "F001") + claimRow("PVA2", "J003;J004", "F002"),
			})...)
			n.load(append(night1, write(1, c.night1)...)...)
			if got := n.status(c.claim); got != c.before {
				t.Fatalf("%s after night 1: %q, want %q", c.claim, got, c.before)
			}
			run := n.load(write(2, c.night2)...)
			if got := n.status(c.claim); got != c.after {
				t.Fatalf("%s after night 2: %q, want %q", c.claim, got, c.after)
			}
			if run.AllReason != "" || run.ByTrigger[c.trigger] == 0 {
				t.Fatalf("night 2 re-audited %d claims (all: %q), by trigger %v; want some by %q", run.Reaudited, run.AllReason, run.ByTrigger, c.trigger)
			}
			// A night with nothing new audits nothing.
			if run := n.load(); run.Claims != 0 {
				t.Fatalf("night 3 audited %d claims with no new input", run.Claims)
			}
		})
	}
}

// A change to the configuration the checks use re-audits every claim.
func TestConfigChangeReauditsAll(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	load(t, st, "testdata/checks/base", storetest.WriteFile(t, t.TempDir(), "claims_a.csv",
		claimsHeader+claimRow("PVA1", "J001;J002", "F001")+claimRow("PVA2", "J003;J004", "F002")))
	cfg := mustConfig(t)
	if _, err := (&Auditor{Store: st, Config: cfg}).Run(ctx, false); err != nil {
		t.Fatal(err)
	}
	same := mustConfig(t)
	same.DB, same.MemoryLimit, same.DuckDB.Threads = "elsewhere.duckdb", "1GB", 1 // not for the checks
	if run, err := (&Auditor{Store: st, Config: same}).Run(ctx, false); err != nil || run.Claims != 0 {
		t.Fatalf("same checks config: %+v %v", run, err)
	}
	changed := mustConfig(t)
	changed.STC.ClaimWindowMonths = 1
	run, err := (&Auditor{Store: st, Config: changed}).Run(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if run.Claims != 2 || run.Reaudited != 2 || !strings.Contains(run.AllReason, "configuration") {
		t.Fatalf("changed claim window: %+v", run)
	}
	changed.Zones = changed.Zones[1:]
	if run, err := (&Auditor{Store: st, Config: changed}).Run(ctx, false); err != nil || run.Claims != 2 {
		t.Fatalf("changed zone table: %+v %v", run, err)
	}
}

// splitInbox spreads a generated inbox over nights, as the files of a real
// scheme arrive: claims batches in month order; ledger uploads mostly on the
// first night and the rest late (a serial missing on night 1 arrives later);
// status updates only after the first night (a claim passes, then its serial
// is marked invalid); CEC and supplier lists mostly on night 1 and updated
// later. Rows are split, not files, so a night's ledger file holds a random
// part of each upload. It returns each night's folder.
func splitInbox(tb testing.TB, src, dst string, nights int, seed uint64) []string {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	entries, err := os.ReadDir(src)
	if err != nil {
		tb.Fatal(err)
	}
	var claimFiles []string
	dirs := make([]string, nights)
	for i := range dirs {
		dirs[i] = filepath.Join(dst, fmt.Sprint("night", i+1))
		if err := os.MkdirAll(dirs[i], 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir() || strings.HasPrefix(name, "expected_"): // the truth files
		case strings.HasPrefix(name, "claims"):
			claimFiles = append(claimFiles, name)
		default:
			header, rows := readRecords(tb, filepath.Join(src, name))
			late := 3 // per cent of ledger rows uploaded after the first night
			if strings.HasPrefix(name, "cec_") || strings.HasPrefix(name, "suppliers") {
				late = 10
			}
			parts := make([][][]string, nights)
			for _, r := range rows {
				night := 0
				switch {
				case strings.Contains(name, "status"):
					night = 1 + rng.IntN(nights-1)
				case rng.IntN(100) < late:
					night = 1 + rng.IntN(nights-1)
				}
				parts[night] = append(parts[night], r)
			}
			for i, p := range parts {
				if len(p) > 0 {
					writeRecords(tb, filepath.Join(dirs[i], name), header, p)
				}
			}
		}
	}
	sort.Strings(claimFiles)
	for i, name := range claimFiles {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			tb.Fatal(err)
		}
		night := i * nights / len(claimFiles)
		if err := os.WriteFile(filepath.Join(dirs[night], name), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dirs
}

func readRecords(tb testing.TB, path string) ([]string, [][]string) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	var recs [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		recs = append(recs, rec)
	}
	recs[0][0] = strings.TrimPrefix(recs[0][0], "\ufeff")
	return recs[0], recs[1:]
}

func writeRecords(tb testing.TB, path string, header []string, rows [][]string) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write(header)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// The rule of data contract §4: after any sequence of nightly runs, every
// claim's latest verdict is what audit --all gives on the same store. Generated
// data of several seeds arrives over four nights (late uploads, status
// updates, amendments, new duplicates, CEC and supplier list updates); after
// each night the nightly store's verdicts equal a full audit's, and the
// nightly runs audit far fewer claims than there are.
func TestNightlyEqualsFullAuditOnGeneratedData(t *testing.T) {
	nightlyEqualsFullAudit(t, 1, 2, 3)
}

// The same with every nightly run looking up the listings of the older claim
// versions it re-audits one lookup each (sql/audit/older_serials.sql), and the
// older listings of the changed serials (sql/audit/older_listing.sql), as a
// nightly run does at national scale, where claim_serials is large; three
// lookups to a statement, so most runs make several statements, the last one
// short.
func TestNightlyLookingUpOlderSerialsEqualsFullAudit(t *testing.T) {
	defer func(v, h int64, b int) { lookupRowsPerVersion, lookupRowsPerHit, lookupBatch = v, h, b }(lookupRowsPerVersion, lookupRowsPerHit, lookupBatch)
	lookupRowsPerVersion, lookupRowsPerHit, lookupBatch = 0, 0, 3
	nightlyEqualsFullAudit(t, 4, 5)
}

func nightlyEqualsFullAudit(t *testing.T, seeds ...uint64) {
	cfg := mustConfig(t)
	const claims, nightsN = 1000, 4
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			src := t.TempDir()
			if _, err := gen.Generate(context.Background(), gen.Options{Out: src, Claims: claims, Seed: seed, Config: cfg}); err != nil {
				t.Fatal(err)
			}
			n := newNights(t, cfg)
			var reaudited, changed, nowFail int64
			for i, dir := range splitInbox(t, src, t.TempDir(), nightsN, seed) {
				run := n.load(dir)
				t.Logf("night %d: %d claims audited (%d new, %d amended, %d re-audited %v); %d changed verdict, %d now fail",
					i+1, run.Claims, run.New, run.Amended, run.Reaudited, run.ByTrigger, run.VerdictChanged, run.NowFail)
				if i > 0 {
					if run.AllReason != "" {
						t.Fatalf("night %d audited everything: %s", i+1, run.AllReason)
					}
					reaudited += run.Reaudited
					changed += run.VerdictChanged
					nowFail += run.NowFail
				}
			}
			if reaudited == 0 || changed == 0 || nowFail == 0 {
				t.Fatalf("the nights re-audited %d claims, %d changed verdict, %d now fail: the data tests nothing", reaudited, changed, nowFail)
			}
		})
	}
}

// A listing whose serial key is a changed serial's but whose serial is
// another (a hash collision, made here by hand) is only a candidate: the text
// turns it down, so its claim is not re-audited. Looked up one lookup each
// (sql/audit/older_listing.sql), as at national scale.
func TestNightlyListingKeyIsConfirmedOnText(t *testing.T) {
	defer func(h int64) { lookupRowsPerHit = h }(lookupRowsPerHit)
	lookupRowsPerHit = 0
	cfg := mustConfig(t)
	n := newNights(t, cfg)
	n.load("testdata/checks/base", storetest.WriteFile(t, t.TempDir(), "claims_a.csv",
		claimsHeader+claimRow("PVA1", "J001;J002", "F001")+claimRow("PVA2", "J003;J004", "F002")))
	if _, err := n.nightly.DB.Exec(`UPDATE claim_serials SET serial_key = hash('J001') WHERE claim_id = 'PVA2' AND serial_norm = 'J003'`); err != nil {
		t.Fatal(err)
	}
	run := n.load(storetest.WriteFile(t, t.TempDir(), "panel_ledger_status.csv",
		"supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\nAcme Imports,Jinko Solar,JKM400,J001,2025-05-01,invalid,reported stolen\n"))
	if got := n.status("PVA1"); got != "fail panel.invalid" {
		t.Fatalf("PVA1 after the status update: %q", got)
	}
	storetest.AssertRows(t, storetest.Query(t, n.nightly.DB, `SELECT claim_id FROM claim_results WHERE run_id = ?`, run.ID), "PVA1")
}

// A nightly run matches a claimed serial by the exact codes of its last 8
// characters and of those before them (sql/schema/16_serial_codes.sql), and a
// serial longer than 16 characters by its text; a full audit matches every
// serial by its text. Both find the serials of 10, 16, 17, 18 and 20
// characters that the ledgers hold, and neither finds a serial ending in the
// same 8 characters as a ledger serial of its length but differing before
// them: panels and inverters alike.
func TestNightlyMatchesByCodesAsByText(t *testing.T) {
	dir := t.TempDir()
	n := newNights(t, mustConfig(t))
	n.load("testdata/checks/base", storetest.WriteFile(t, dir, "panel_ledger_long.csv",
		"supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\n"+
			"Acme Imports,Jinko Solar,JKM400,JKA1234567890123,2024-06-01,valid,\n"+
			"Acme Imports,Jinko Solar,JKM400,JKA12345678901234,2024-06-01,valid,\n"+
			"Acme Imports,Jinko Solar,JKM400,JKM72HL4V20240600001,2024-06-01,valid,\n"+
			"Acme Imports,Jinko Solar,JKM400,JKM72HL4V20240600002,2024-06-01,valid,\n"),
		storetest.WriteFile(t, dir, "inverter_ledger_long.csv",
			"manufacturer,model,series,serial number,status,reason,uploaded_at\n"+
				"Fronius,Primo 5.0,Primo,FR0000000000000001,,,2024-06-01\n"+
				"Fronius,Primo 5.0,Primo,FR00000012,,,2024-06-01\n"+
				"Fronius,Primo 5.0,Primo,FR0000000000000003,,,2024-06-01\n"))
	run := n.load(storetest.WriteFile(t, dir, "claims_long.csv", claimsHeader+
		claimRow("PVL1", "JKA1234567890123;JKA12345678901234", "FR0000000000000001")+ // 16, 17, 18 characters: found
		claimRow("PVL2", "JKM72HL4V20240600001;J001", "FR00000012")+ // 20 and 10: found
		claimRow("PVL3", "JKB1234567890123;J002", "F003")+ // 16, the head differs
		claimRow("PVL4", "JKM72HL4W20240600002;J003", "F004")+ // 20, the head differs
		claimRow("PVL5", "J004;J005", "FX00000012")+ // inverter, 10, the head differs
		claimRow("PVL6", "J006;J007", "FS0000000000000003"))) // inverter, 18, the head differs (by text)
	if run.AllReason != "" || run.Claims != 6 {
		t.Fatalf("night 2 should audit the 6 new claims nightly: %+v", run)
	}
	for claim, want := range map[string]string{
		"PVL1": "pass", "PVL2": "pass", "PVL3": "fail panel.not_in_ledger", "PVL4": "fail panel.not_in_ledger",
		"PVL5": "fail inverter.not_in_ledger", "PVL6": "fail inverter.not_in_ledger",
	} {
		if got := n.status(claim); got != want {
			t.Errorf("%s: %q, want %q", claim, got, want)
		}
	}
}

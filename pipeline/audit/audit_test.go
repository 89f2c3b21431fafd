package audit

import (
	"context"
	"testing"
	"time"

	"stcrecon/pipeline/storetest"
)

// STCs are exact: doubles give 100 × 1.382 × 5 = 690.99…, DECIMAL gives 691.
func TestComputeSTCIsExact(t *testing.T) {
	cfg := mustConfig(t)
	cases := []struct {
		postcode, kw string
		installed    string
		years        int
		zone, stcs   int
		used         int
	}{
		{"2000", "100", "2025-03-01", 5, 3, 691, 5},
		{"2000", "6.6", "2025-03-01", 6, 3, 54, 6},   // 54.7272
		{"870", "6.6", "2025-03-01", 10, 1, 64, 6},   // 10 not allowed: the maximum
		{"3000", "10", "2016-06-30", 15, 4, 177, 15}, // 15 years up to 2016: 177.75
		{"0800", "3.999", "2030-01-01", 0, 2, 6, 1},  // 2031 - 2030 = 1 year
		{"2000", "5", "2031-01-01", 1, 3, 0, 0},      // no deeming period after 2030
	}
	for _, c := range cases {
		day, _ := time.Parse(time.DateOnly, c.installed)
		got, err := ComputeSTC(context.Background(), cfg, c.postcode, c.kw, day, c.years)
		if err != nil {
			t.Fatal(err)
		}
		if got.Zone != c.zone || got.STCs != c.stcs || got.YearsUsed != c.used {
			t.Errorf("%+v: zone %d, %d STCs over %d years", c, got.Zone, got.STCs, got.YearsUsed)
		}
	}
	if _, err := ComputeSTC(context.Background(), cfg, "20000", "5", time.Now(), 0); err == nil {
		t.Error("a 5-digit postcode was accepted")
	}
}

// A nightly run audits new claims, amended ones, and the claims whose inputs
// changed: here PVD1, whose serial J002 a new claim now lists too. Its rejects
// are those of the files loaded since the previous run.
func TestAuditScopeAndRuns(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	load(t, st, "testdata/checks/base")
	dir := t.TempDir()
	a := &Auditor{Store: st, Config: mustConfig(t), Now: func() time.Time { return storetest.Now }}

	load(t, st, storetest.WriteFile(t, dir, "claims_1.csv", claimsHeader+
		"PVD1,2025-03-20,2025-03-01,2000,0.800,2,Jinko Solar,JKM400,Fronius,Primo,Primo 5.0,6,6,,J001;J002,F001\n"+
		"PVD2,2025-03-20,2025-03-01,2000,0.800,2,Jinko Solar,JKM400,Fronius,Primo,Primo 5.0,6,6,,J003;J004,F002\n"+
		"PVD3,bad date,2025-03-01,2000,0.800,2,Jinko Solar,JKM400,Fronius,Primo,Primo 5.0,6,6,,J005;J006,F003\n"))
	run1, err := a.Run(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if run1.Claims != 2 || run1.Passed != 2 || run1.PrevFileID != 0 {
		t.Fatalf("run 1: %+v", run1)
	}

	// A new claim that re-uses J002, and an amendment of PVD2.
	load(t, st, storetest.WriteFile(t, dir, "claims_2.csv", claimsHeader+
		"PVD4,2025-03-20,2025-03-01,2000,0.800,2,Jinko Solar,JKM400,Fronius,Primo,Primo 5.0,6,6,,J002;J007,F004\n"+
		"PVD2,2025-03-25,2025-03-01,2000,0.800,2,Jinko Solar,JKM400,Fronius,Primo,Primo 5.0,6,7,,J003;J004,F002\n"))
	run2, err := a.Run(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if run2.Claims != 3 || run2.Failed != 3 || run2.PrevFileID != run1.LastFileID ||
		run2.New != 1 || run2.Amended != 1 || run2.Reaudited != 1 || run2.AllReason != "" {
		t.Fatalf("run 2: %+v", run2)
	}
	if run2.Changed != 2 || run2.VerdictChanged != 2 || run2.NowFail != 2 {
		t.Fatalf("run 2 changes: %+v", run2)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT claim_id, rule, detail FROM findings WHERE run_id = ? ORDER BY ALL", run2.ID),
		"PVD1|panel.duplicate|also claimed in PVD4",
		"PVD2|claim.stc_overclaim|claims 7 STCs, 1 more than the 6 computed: 0.800 kW × 1.382 (zone 3) × 6 years = 6.6336, rounded down to 6",
		"PVD4|panel.duplicate|also claimed in PVD1")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT * FROM claim_changes ORDER BY ALL"),
		"2|PVD1|1|pass|fail|panel.duplicate:J002|",
		"2|PVD2|1|pass|fail|claim.stc_overclaim|")
	// History: PVD2's first version kept its result from run 1.
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT run_id, claim_id, status FROM claim_results ORDER BY run_id, claim_id"),
		"1|PVD1|pass", "1|PVD2|pass", "2|PVD1|fail", "2|PVD2|fail", "2|PVD4|fail")
	// The current verdict of each claim is its current version's latest result.
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT claim_id, run_id, status FROM claim_results_current ORDER BY claim_id"),
		"PVD1|2|fail", "PVD2|2|fail", "PVD4|2|fail")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT claim_id, run_id, rule FROM findings_current ORDER BY ALL"),
		"PVD1|2|panel.duplicate", "PVD2|2|claim.stc_overclaim", "PVD4|2|panel.duplicate")

	run3, err := a.Run(ctx, false)
	if err != nil || run3.Claims != 0 {
		t.Fatalf("run 3: %+v %v", run3, err)
	}
	run4, err := a.Run(ctx, true)
	if err != nil || run4.Claims != 3 || run4.Failed != 3 {
		t.Fatalf("run 4 (--all): %+v %v", run4, err)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT run_id, scope, claims, passed, review, failed, findings FROM audit_runs ORDER BY run_id"),
		"1|new|2|2|0|0|0", "2|new|3|0|0|3|3", "3|new|0|0|0|0|0", "4|all|3|0|0|3|3")
}

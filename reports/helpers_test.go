package reports

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"stcrecon/configs"
	"stcrecon/pipeline/audit"
	"stcrecon/pipeline/ingest"
	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"
)

// fixture is the store of testdata/store after two audit runs: run 1 audits
// every claim of claims_2025_1.csv; then claims_2025_2.csv amends PVD1 (99
// STCs claimed: an overclaim) and run 2 audits just that amendment.
type fixture struct {
	st         *store.Store
	run1, run2 *audit.Run
}

func mustFixture(tb testing.TB) *fixture {
	tb.Helper()
	ctx := context.Background()
	st := storetest.MustOpen(tb)
	cfg, err := configs.Default()
	if err != nil {
		tb.Fatal(err)
	}
	in := &ingest.Ingester{Store: st, Now: func() time.Time { return storetest.Now }}
	var first []string
	for _, n := range []string{"cec_inverters_2025.csv", "cec_modules_2025.csv", "claims_2025_1.csv",
		"inverter_ledger_2025.csv", "panel_ledger_2025.csv", "suppliers_2025.csv"} {
		first = append(first, filepath.Join("testdata", "store", n))
	}
	mustIngest(tb, in, first...)
	fx := &fixture{st: st}
	at := storetest.Now
	a := &audit.Auditor{Store: st, Config: cfg, Now: func() time.Time { return at }}
	if fx.run1, err = a.Run(ctx, true); err != nil {
		tb.Fatal(err)
	}
	mustIngest(tb, in, filepath.Join("testdata", "store", "claims_2025_2.csv"))
	at = at.Add(24 * time.Hour)
	if fx.run2, err = a.Run(ctx, false); err != nil {
		tb.Fatal(err)
	}
	return fx
}

func mustIngest(tb testing.TB, in *ingest.Ingester, paths ...string) {
	tb.Helper()
	res, err := in.Ingest(context.Background(), paths)
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil || r.Rejected > 0 {
			tb.Fatalf("%s: %v (%d rows rejected: %v)", r.Path, r.Err, r.Rejected, r.Rejects)
		}
	}
}

package audit

import (
	"context"
	"testing"
	"time"

	"stcrecon/pipeline/ingest"
	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"
)

const claimsHeader = "claim_id,submitted_on,installed_on,postcode,rated_output_kw,panel_count,panel_brand,panel_model," +
	"inverter_manufacturer,inverter_series,inverter_model,deeming_years,stcs_claimed,installer_id,panel_serials,inverter_serials\n"

// load ingests the paths and fails the test on a program error.
func load(tb testing.TB, st *store.Store, paths ...string) []ingest.FileResult {
	tb.Helper()
	in := &ingest.Ingester{Store: st, Now: func() time.Time { return storetest.Now }}
	res, err := in.Ingest(context.Background(), paths)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

package main

import (
	"context"
	"path/filepath"
	"testing"

	"stcrecon/configs"
	"stcrecon/pipeline/ingest"
	"stcrecon/pipeline/store"
)

// Each large file is made of rows ingest reads as meant: the claims and the
// full-width serials load, the rows with a tab are rejects. Three rows of
// each here; -large-files makes millions.
func TestLargeFilesAreWhatTheySay(t *testing.T) {
	ctx := context.Background()
	for _, f := range largeFiles {
		t.Run(f.name, func(t *testing.T) {
			small := f
			small.rows = 3
			path := filepath.Join(t.TempDir(), f.name)
			if err := small.write(path); err != nil {
				t.Fatal(err)
			}
			st, err := store.OpenWith(ctx, filepath.Join(t.TempDir(), "s.duckdb"), store.Settings{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			res, err := ingest.New(st, nil, configs.Ingest{}).Ingest(ctx, []string{path})
			if err != nil {
				t.Fatal(err)
			}
			wantRows, wantRejected := int64(3), int64(0)
			if f.name == "panel_ledger_2m5_tabs.csv" {
				wantRows, wantRejected = 0, 3
			}
			if len(res) != 1 || res[0].Status != ingest.Loaded || res[0].Rows != wantRows || res[0].Rejected != wantRejected {
				t.Fatalf("%+v; want %d rows loaded, %d rejected", res, wantRows, wantRejected)
			}
		})
	}
}

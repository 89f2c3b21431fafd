package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"stcrecon/configs"
	"stcrecon/pipeline/audit"
	"stcrecon/pipeline/store"
	queries "stcrecon/sql"
)

// -nightly-only: the copy of the night store is migrated and its last run
// gets this binary's fingerprint, so the nightly audits only what changed;
// the night store itself is left as it was.
func TestPrepareNightOnlyGivesTheLastRunThisFingerprint(t *testing.T) {
	ctx := context.Background()
	sc := &scenario{Dir: t.TempDir(), SF: 1}
	st, err := store.OpenWith(ctx, sc.nightStore(), store.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO audit_runs (run_id, started_at, finished_at, scope, last_file_id, claims, passed, review, failed, findings, config, config_sha256)
		 VALUES (1, now(), now(), 'all', 0, 0, 0, 0, 0, 0, '{}', 'from older code'),
		        (2, now(), now(), 'new', 0, 0, 0, 0, 0, 0, '{}', 'from older code')`,
	} {
		if _, err := st.DB.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	db := filepath.Join(t.TempDir(), "run.duckdb")
	if _, err := prepareNightOnly(ctx, sc, db, ""); err != nil {
		t.Fatal(err)
	}

	fingerprints := func(path string) map[int]string {
		st, err := store.OpenWith(ctx, path, store.Settings{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		rows, err := st.DB.QueryContext(ctx, `SELECT run_id, config_sha256 FROM audit_runs`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[int]string{}
		for rows.Next() {
			var id int
			var fp string
			if err := rows.Scan(&id, &fp); err != nil {
				t.Fatal(err)
			}
			out[id] = fp
		}
		return out
	}
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	migrations, err := queries.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	version := migrations[len(migrations)-1].Version
	want, err := audit.Fingerprint(cfg, version)
	if err != nil {
		t.Fatal(err)
	}
	got := fingerprints(db)
	if got[2] != want || got[1] != "from older code" {
		t.Errorf("copy's fingerprints = %v; want run 2 = %s, run 1 untouched", got, want)
	}
	if orig := fingerprints(sc.nightStore()); orig[2] != "from older code" {
		t.Errorf("the night store itself changed: %v", orig)
	}
}

func TestMedianRunTakesTheMiddleRun(t *testing.T) {
	runs := func(secs ...float64) []phase {
		var ps []phase
		for i, s := range secs {
			ps = append(ps, phase{name: fmt.Sprint(i), wall: time.Duration(s * float64(time.Second))})
		}
		return ps
	}
	for _, tc := range []struct {
		secs []float64
		want string // fastest, median, slowest
	}{
		{[]float64{9.5}, "0 0 0"},
		{[]float64{12, 9, 10}, "1 2 0"},
		{[]float64{14, 9, 10, 11}, "1 2 0"}, // the lower of the middle two
		{[]float64{10, 13, 9, 12, 11}, "2 4 1"},
	} {
		lo, med, hi := spread(runs(tc.secs...))
		if got := lo.name + " " + med.name + " " + hi.name; got != tc.want {
			t.Errorf("spread(%v) = runs %s, want runs %s", tc.secs, got, tc.want)
		}
	}
}

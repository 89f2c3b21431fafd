package audit

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"testing"
	"time"

	"stcrecon/pipeline/storetest"
	queries "stcrecon/sql"
)

// Publish reads the run's step tables (the reports take the run's panel
// matches from them); once the run is recorded, or abandoned because publish
// failed, no connection of the pool holds them.
func TestStepTablesLastUntilPublishedThenGo(t *testing.T) {
	ctx := context.Background()
	var stepTables []string
	for _, m := range regexp.MustCompile(`(?m)^DROP TABLE IF EXISTS (\w+);`).FindAllStringSubmatch(queries.MustGet("audit/cleanup.sql"), -1) {
		stepTables = append(stepTables, m[1])
	}
	if len(stepTables) < 10 {
		t.Fatalf("step tables %v", stepTables)
	}
	for _, fail := range []bool{false, true} {
		st := storetest.MustOpen(t)
		load(t, st, "testdata/checks/base")
		load(t, st, storetest.WriteFile(t, t.TempDir(), "claims_1.csv", claimsHeader+
			"PVD1,2025-03-20,2025-03-01,2000,0.800,2,Jinko Solar,JKM400,Fronius,Primo,Primo 5.0,6,6,,J001;J002,F001\n"))
		a := &Auditor{Store: st, Config: mustConfig(t), Now: func() time.Time { return storetest.Now }}
		var matched int
		_, err := a.RunAndPublish(ctx, false, func(ctx context.Context, conn *sql.Conn, run *Run) error {
			if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM panel_matches`).Scan(&matched); err != nil {
				return err
			}
			if fail {
				return errors.New("disk full")
			}
			return nil
		})
		if (err != nil) != fail || matched != 2 {
			t.Fatalf("fail %v: error %v, %d panel matches seen by publish", fail, err, matched)
		}
		// Hold every idle connection at once, so each is looked at.
		var conns []*sql.Conn
		for i := st.DB.Stats().Idle; i > 0; i-- {
			conn, err := st.DB.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conns = append(conns, conn)
		}
		if len(conns) == 0 {
			t.Fatal("no idle connection to look at")
		}
		for _, conn := range conns {
			for _, name := range stepTables {
				var n int
				if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?`, name).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("fail %v: %s is left on a connection of the pool", fail, name)
				}
			}
		}
	}
}

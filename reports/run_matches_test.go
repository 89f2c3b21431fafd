package reports

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"stcrecon/configs"
	"stcrecon/gen"
	"stcrecon/pipeline/audit"
	"stcrecon/pipeline/ingest"
	"stcrecon/pipeline/storetest"
)

// The audit workbook puts each claim down to a supplier from the run's own
// matches (run_matches.sql); matching every claimed serial against the ledger
// again (matches.sql and panel_suppliers.sql, as the compliance report and
// notices do) gives the same supplier for every claim. Checked on a generated
// scenario, whose faults include serials in no entry, entries of another brand
// and unauthorised uploaders.
func TestRunMatchesEqualMatchingAgain(t *testing.T) {
	ctx := context.Background()
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := gen.Generate(ctx, gen.Options{Out: dir, Claims: 600, Seed: 7, Config: cfg}); err != nil {
		t.Fatal(err)
	}
	st := storetest.MustOpen(t)
	res, err := (&ingest.Ingester{Store: st, Now: func() time.Time { return storetest.Now }}).Ingest(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != ingest.Loaded && r.Status != ingest.Ignored {
			t.Fatalf("%s: %s %v", r.Path, r.Status, r.Err)
		}
	}
	count := func(conn *sql.Conn, q string) int64 {
		t.Helper()
		var n int64
		if err := conn.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	_, err = (&audit.Auditor{Store: st, Config: cfg}).RunAndPublish(ctx, true,
		func(ctx context.Context, conn *sql.Conn, run *audit.Run) error {
			steps, err := auditScope(ctx, conn, run)
			if err != nil {
				return err
			}
			if err := execReportSteps(ctx, conn, steps); err != nil {
				return err
			}
			if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE supplier_from_run AS SELECT * FROM report_claim_supplier`); err != nil {
				return err
			}
			for _, f := range []string{"matches.sql", "panel_suppliers.sql"} {
				if err := execReportFile(ctx, conn, f); err != nil {
					return err
				}
			}
			claims := count(conn, `SELECT count(*) FROM supplier_from_run`)
			if again := count(conn, `SELECT count(*) FROM report_claim_supplier`); claims != again || claims < 500 {
				t.Errorf("%d claims put down to a supplier from the run's matches, %d matched again", claims, again)
			}
			for _, q := range []string{
				`SELECT count(*) FROM (SELECT * FROM supplier_from_run EXCEPT ALL SELECT * FROM report_claim_supplier)`,
				`SELECT count(*) FROM (SELECT * FROM report_claim_supplier EXCEPT ALL SELECT * FROM supplier_from_run)`,
			} {
				if n := count(conn, q); n != 0 {
					t.Errorf("%d rows differ: %s", n, q)
				}
			}
			// The scenario has each kind of serial the attribution tells apart.
			for _, q := range []string{
				`SELECT count(*) FROM report_panel_matches WHERE NOT found`,
				`SELECT count(*) FROM report_panel_matches WHERE found AND licensee_norm <> panel_brand_norm`,
				`SELECT count(*) FROM report_panel_matches WHERE supplier LIKE '% / %'`,
				`SELECT count(DISTINCT supplier) - 5 FROM report_claim_supplier`,
			} {
				if count(conn, q) <= 0 {
					t.Errorf("no rows: %s", q)
				}
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
}

// Writing the audit folder leaves none of its report tables on the
// connection, which goes back to the pool.
func TestWriteAuditDropsItsTables(t *testing.T) {
	ctx := context.Background()
	fx := mustFixture(t)
	conn, err := fx.st.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := WriteAudit(ctx, conn, fx.run1, true, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	var left string
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(string_agg(table_name, ', '), '') FROM duckdb_tables()
		WHERE temporary AND table_name LIKE 'report%'`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != "" {
		t.Errorf("left on the connection: %s", left)
	}
}

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
// notices do) gives the same supplier for every claim. Likewise its claim
// rows, from the run's own (run_claims.sql) and from the claims table
// (scope_run_claims.sql), and the brand names brand_names.sql counts over
// each. Checked on a generated
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
			// The claim rows (report_claims) from the run's own audit_claims are
			// the rows scope_run_claims.sql picks out of the claims table, with
			// every column of it; the brands are named alike from either.
			if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE claims_from_run AS SELECT * FROM report_claims;
				CREATE TEMP TABLE brands_from_run AS SELECT * FROM report_brand_names`); err != nil {
				return err
			}
			for _, f := range []string{"scope_run_claims.sql", "brand_names.sql"} {
				if err := execReportFile(ctx, conn, f); err != nil {
					return err
				}
			}
			var cols string
			if err := conn.QueryRowContext(ctx, `SELECT string_agg('"' || column_name || '"', ', ' ORDER BY column_index)
				FROM duckdb_columns() WHERE database_name = 'temp' AND table_name = 'report_claims'`).Scan(&cols); err != nil {
				return err
			}
			if n := count(conn, `SELECT count(*) FROM report_claims`); n != claims || n != count(conn, `SELECT count(*) FROM claims_from_run`) {
				t.Errorf("%d claim rows from the claims table, %d from the run, %d claims", n, count(conn, `SELECT count(*) FROM claims_from_run`), claims)
			}
			if count(conn, `SELECT count(*) FROM report_brand_names`) < 5 {
				t.Error("fewer than 5 brands named")
			}
			for _, q := range []string{
				`SELECT count(*) FROM (SELECT ` + cols + ` FROM claims_from_run EXCEPT ALL SELECT ` + cols + ` FROM report_claims)`,
				`SELECT count(*) FROM (SELECT ` + cols + ` FROM report_claims EXCEPT ALL SELECT ` + cols + ` FROM claims_from_run)`,
				`SELECT count(*) FROM (SELECT * FROM brands_from_run EXCEPT ALL SELECT * FROM report_brand_names)`,
				`SELECT count(*) FROM (SELECT * FROM report_brand_names EXCEPT ALL SELECT * FROM brands_from_run)`,
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

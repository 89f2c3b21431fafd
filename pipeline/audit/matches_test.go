package audit

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"stcrecon/pipeline/storetest"
)

// panel_matches has a row per claimed panel serial (a million at SF=1, ten
// million at SF=10), so it holds no text but the claim, the serial and the
// entry's reason (nearly always NULL): the claim's names are in audit_claims,
// and the entry's names as written are name_keys ids (sql/audit/matches.sql).
// With the names as text the table spilled under the 4 GB memory limit at
// SF=10. The ids give back the names exactly as the ledger wrote them.
// inverter_matches is made the same way.
func TestMatchesCarryNamesAsIDs(t *testing.T) {
	st := storetest.MustOpen(t)
	load(t, st, "testdata/checks/base")
	load(t, st, storetest.WriteFile(t, t.TempDir(), "claims_1.csv", claimsHeader+
		"PVD1,2025-03-20,2025-03-01,2000,0.800,2,Jinko,JKM400,Fronius,Primo,Primo 5.0,6,6,,J001;NOPE1,F001\n"))
	a := &Auditor{Store: st, Config: mustConfig(t), Now: func() time.Time { return storetest.Now }}
	var text, names, inverters []string
	_, err := a.RunAndPublish(context.Background(), false, func(ctx context.Context, conn *sql.Conn, run *Run) error {
		text = storetest.Query(t, conn, `SELECT table_name, column_name FROM duckdb_columns()
			WHERE database_name = 'temp' AND table_name IN ('panel_matches', 'inverter_matches')
			  AND data_type = 'VARCHAR'
			ORDER BY ALL`)
		names = storetest.Query(t, conn, `SELECT m.serial_norm, s.name, l.name, md.name
			FROM panel_matches m
			LEFT JOIN name_keys s ON s.name_id = m.supplier_name_id
			LEFT JOIN name_keys l ON l.name_id = m.licensee_name_id
			LEFT JOIN name_keys md ON md.name_id = m.model_name_id
			ORDER BY m.serial_norm`)
		inverters = storetest.Query(t, conn, `SELECT m.serial_norm, mf.name, md.name
			FROM inverter_matches m
			LEFT JOIN name_keys mf ON mf.name_id = m.manufacturer_name_id
			LEFT JOIN name_keys md ON md.name_id = m.model_name_id`)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	storetest.AssertRows(t, text,
		"inverter_matches|claim_id", "inverter_matches|reason", "inverter_matches|serial_norm",
		"panel_matches|claim_id", "panel_matches|reason", "panel_matches|serial_norm")
	storetest.AssertRows(t, names,
		// the ledger's names as written, not the claim's (Jinko)
		"J001|Acme Imports|Jinko Solar|JKM400",
		// in no entry: no names
		"NOPE1|NULL|NULL|NULL")
	storetest.AssertRows(t, inverters, "F001|Fronius|Primo 5.0")
}

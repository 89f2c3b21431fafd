package store_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"stcrecon/pipeline/store"
	"stcrecon/pipeline/storetest"
	queries "stcrecon/sql"
)

func TestOpenCreatesTheWholeSchema(t *testing.T) {
	st := storetest.MustOpen(t)
	ms, err := queries.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v != ms[len(ms)-1].Version {
		t.Fatalf("schema version %d, want %d", v, ms[len(ms)-1].Version)
	}
}

// The resource settings reach DuckDB, for every connection of the pool.
func TestOpenWithSettings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.OpenWith(ctx, filepath.Join(dir, "s.duckdb"),
		store.Settings{MemoryLimit: "512MB", Threads: 1, TempDirectory: filepath.Join(dir, "spill")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conn, err := st.DB.Conn(ctx) // another connection than the one that set them
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var mem, threads, temp string
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('memory_limit'), current_setting('threads')::VARCHAR,
		current_setting('temp_directory')`).Scan(&mem, &threads, &temp); err != nil {
		t.Fatal(err)
	}
	if mem != "488.2 MiB" || threads != "1" || temp != filepath.Join(dir, "spill") {
		t.Fatalf("memory_limit %q, threads %q, temp_directory %q", mem, threads, temp)
	}
}

func TestOpenUpgradesAnOlderStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	// An older store: only the first migration applied.
	st, err := store.Open(ctx, path, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.Exec("DELETE FROM schema_version WHERE version > 1"); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{"DROP VIEW findings_current", "DROP VIEW claim_results_current", "DROP VIEW claim_serials_current", "DROP VIEW claims_current",
		"DROP VIEW claims_as_written",
		"DROP VIEW inverter_ledger_current", "DROP VIEW panel_ledger_current",
		"DROP TABLE claim_changes", "DROP TABLE findings", "DROP TABLE claim_results", "DROP TABLE audit_runs", "DROP SEQUENCE audit_run_seq",
		"DROP TABLE job_runs", "DROP SEQUENCE job_run_seq",
		"ALTER TABLE panel_ledger DROP COLUMN tail_key", "ALTER TABLE panel_ledger DROP COLUMN bucket_key",
		"ALTER TABLE inverter_ledger DROP COLUMN tail_key", "ALTER TABLE inverter_ledger DROP COLUMN bucket_key",
		"ALTER TABLE panel_ledger DROP COLUMN tail3", "ALTER TABLE inverter_ledger DROP COLUMN tail3",
		"ALTER TABLE panel_ledger DROP COLUMN head_key", "ALTER TABLE inverter_ledger DROP COLUMN head_key",
		"ALTER TABLE claim_serials DROP COLUMN serial_key",
		// statuses stored as text before sql/schema/14_ledger_status.sql
		"ALTER TABLE panel_ledger ALTER status SET DATA TYPE VARCHAR", "ALTER TABLE inverter_ledger ALTER status SET DATA TYPE VARCHAR",
		"DROP TYPE ledger_status",
		// the names' normalised forms, stored before sql/schema/15_ledger_name_norms.sql
		"ALTER TABLE panel_ledger ADD COLUMN supplier_norm VARCHAR", "ALTER TABLE panel_ledger ADD COLUMN licensee_norm VARCHAR",
		"ALTER TABLE panel_ledger ADD COLUMN model_norm VARCHAR", "ALTER TABLE inverter_ledger ADD COLUMN manufacturer_norm VARCHAR",
		"ALTER TABLE inverter_ledger ADD COLUMN model_norm VARCHAR", "ALTER TABLE inverter_ledger ADD COLUMN series_norm VARCHAR",
		// the serial as written, required before sql/schema/17_serial_as_written.sql
		"ALTER TABLE panel_ledger ALTER serial_number SET NOT NULL", "ALTER TABLE inverter_ledger ALTER serial_number SET NOT NULL",
		// and in the claims' lists, before sql/schema/18_listing_as_written.sql
		"ALTER TABLE claim_serials ALTER serial_number SET NOT NULL",
		// and the claims' serial lists, before sql/schema/19_claim_lists_as_written.sql
		"ALTER TABLE claims ALTER panel_serials SET NOT NULL", "ALTER TABLE claims ALTER inverter_serials SET NOT NULL",
		// a listing loaded before its serial key existed (sql/schema/13_triage_keys.sql fills it)
		`INSERT INTO claim_serials VALUES (1, 'PVD1', 'panel', 1, 'jk-0012345678', 'JK-0012345678')`,
		// rows loaded before the serial keys existed (sql/schema/12_serial_keys.sql fills them)
		`INSERT INTO panel_ledger BY NAME SELECT 1 AS file_id, 2 AS line, 'S' AS supplier_name, 's' AS supplier_norm,
			'Jinko  Solar' AS licensee, 'jinko solar' AS licensee_norm, 'M' AS model_number, 'm' AS model_norm,
			'jk-0012345678' AS serial_number, 'JK-0012345678' AS serial_norm, '2024-01-01' AS uploaded_at, 'valid' AS status`,
		`INSERT INTO inverter_ledger BY NAME SELECT 1 AS file_id, 3 AS line, 'F' AS manufacturer, 'f' AS manufacturer_norm,
			'M' AS model_number, 'm' AS model_norm, 'ab' AS serial_number, 'AB' AS serial_norm, '2024-01-01' AS uploaded_at, 'valid' AS status`} {
		if _, err := st.DB.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := st.DB.Query("SELECT function_name FROM duckdb_functions() WHERE function_type = 'macro' AND NOT internal")
	if err != nil {
		t.Fatal(err)
	}
	var macros []string
	for rows.Next() {
		var m string
		rows.Scan(&m)
		macros = append(macros, m)
	}
	rows.Close()
	for _, m := range macros {
		if _, err := st.DB.Exec("DROP MACRO " + m); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	st, err = store.Open(ctx, path, "")
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer st.Close()
	ms, err := queries.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range ms {
		want = append(want, strconv.Itoa(m.Version))
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT version FROM schema_version ORDER BY version"), want...)
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*) FROM audit_runs"), "0")
	// The serial keys of the ledger rows loaded before them: the exact codes
	// of the serial's last 8 characters (tail_key, its bytes as one number:
	// 0x3132333435363738) and of those before them (head_key: 0x4A4B2D3030
	// for JK-00, 0 for none), and the hash of all but its last 3.
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT serial_norm, tail_key, head_key, bucket_key = hash('JK-0012345')
		FROM panel_ledger
		UNION ALL
		SELECT serial_norm, tail_key, head_key, bucket_key = hash('')
		FROM inverter_ledger`),
		"JK-0012345678|3544952156018063160|319088832560|true", "AB|16706|0|true")
	// tail3: the number of the last 3 characters when all are digits; the
	// listings' serial keys: the hashes of their serials.
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT serial_norm, tail3 FROM panel_ledger
		UNION ALL SELECT serial_norm, tail3 FROM inverter_ledger`),
		"JK-0012345678|678", "AB|NULL")
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT claim_id, serial_key = hash('JK-0012345678') FROM claim_serials`),
		"PVD1|true")
	// The statuses kept their words and became the ENUM, which compares with text.
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT status, status = 'valid', typeof(status) FROM panel_ledger
		UNION ALL SELECT status, status = 'invalid', typeof(status) FROM inverter_ledger`),
		"valid|true|ENUM('valid', 'invalid')", "valid|false|ENUM('valid', 'invalid')")
	// The names' normalised forms are gone; the current views key on the names.
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT table_name, column_name FROM duckdb_columns()
		WHERE table_name LIKE '%ledger' AND column_name LIKE '%norm' ORDER BY ALL`),
		"inverter_ledger|serial_norm", "panel_ledger|serial_norm")
	// The serial as written: kept as it was loaded, given by the current
	// views; from now on NULL where it is the serial's key.
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT licensee, serial_norm, serial_number FROM panel_ledger_current
		UNION ALL SELECT manufacturer, serial_norm, serial_number FROM inverter_ledger_current`),
		"Jinko  Solar|JK-0012345678|jk-0012345678", "F|AB|ab")
	for table, names := range map[string]string{
		"panel_ledger":    "'S' AS supplier_name, 'S' AS licensee",
		"inverter_ledger": "'S' AS manufacturer",
	} {
		if _, err := st.DB.Exec(`INSERT INTO ` + table + ` BY NAME SELECT 9 AS file_id, 2 AS line, ` + names + `,
			'M' AS model_number, NULL AS serial_number, 'X1' AS serial_norm, '2024-01-01' AS uploaded_at, 'valid' AS status`); err != nil {
			t.Fatalf("%s: a serial as written NULL: %v", table, err)
		}
	}
	if _, err := st.DB.Exec(`INSERT INTO claim_serials BY NAME SELECT 9 AS file_id, 'PVD9' AS claim_id,
		'panel' AS component, 1 AS position, NULL AS serial_number, 'X1' AS serial_norm`); err != nil {
		t.Fatalf("claim_serials: a serial as written NULL: %v", err)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT serial_number FROM claim_serials WHERE claim_id = 'PVD1'`), "jk-0012345678")
}

func TestQuoteLiteral(t *testing.T) {
	for in, want := range map[string]string{
		"a.csv":        "'a.csv'",
		"it's.csv":     "'it''s.csv'",
		"''":           "''''''",
		"/tmp/x y.csv": "'/tmp/x y.csv'",
	} {
		if got := store.QuoteLiteral(in); got != want {
			t.Errorf("store.QuoteLiteral(%q) = %s, want %s", in, got, want)
		}
	}
	// And DuckDB reads it back as the same text.
	st := storetest.MustOpen(t)
	var got string
	if err := st.DB.QueryRow("SELECT " + store.QuoteLiteral("it's ; -- x")).Scan(&got); err != nil || got != "it's ; -- x" {
		t.Fatalf("round trip: %q, %v", got, err)
	}
}

// The serial codes (sql/schema/16_serial_codes.sql) are exact: the bytes of
// the characters as one number, so two serials of at most 16 characters
// have equal codes only when they are equal; a longer serial has no head
// code, and a text with a character of more than one byte no codes at all.
func TestSerialCodes(t *testing.T) {
	st := storetest.MustOpen(t)
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT s, tail_code(s), head_code(s) FROM (VALUES
			('A'), ('AB'), ('0A'), ('12345678'), ('012345678'), ('Z12345678'), ('ZZZZZZZZ12345678'),
			('ZZZZZZZZZ12345678'), ('ÄB')) v(s)
		ORDER BY ALL`),
		"012345678|3544952156018063160|48",
		"0A|12353|0",
		"12345678|3544952156018063160|0",
		"A|65|0",
		"AB|16706|0",
		"Z12345678|3544952156018063160|90",
		"ZZZZZZZZ12345678|3544952156018063160|6510615555426900570",
		"ZZZZZZZZZ12345678|3544952156018063160|NULL",
		"ÄB|NULL|NULL")
}

// code_tail3 of a serial's tail code is its serial_tail3 (the ledger loads
// make tail3 so): the number of its last three characters when all three are
// digits, whatever its length; NULL for fewer than three characters.
func TestCodeTail3IsSerialTail3(t *testing.T) {
	st := storetest.MustOpen(t)
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT s, code_tail3(tail_code(s)), serial_tail3(s) FROM (VALUES
			('1'), ('12'), ('123'), ('000'), ('A009'), ('999'), ('12A'), ('1.5'), ('A/45'), ('9-12'),
			('ZZZZZZZZZZZZZZ0990'), (':00'), ('0:0'), ('00/')) v(s)
		ORDER BY ALL`),
		"00/|NULL|NULL",
		"000|0|0",
		"0:0|NULL|NULL",
		"1|NULL|NULL",
		"1.5|NULL|NULL",
		"12|NULL|NULL",
		"123|123|123",
		"12A|NULL|NULL",
		"9-12|NULL|NULL",
		"999|999|999",
		":00|NULL|NULL",
		"A/45|NULL|NULL",
		"A009|9|9",
		"ZZZZZZZZZZZZZZ0990|990|990")
}

// A checkpoint leaves row groups as their INSERTs wrote them: DuckDB's vacuum,
// which merges a run of part-full row groups into fewer by rewriting every
// row of the run, is off (noVacuum). Two INSERTs of 130,000 rows leave four
// row groups (122,880 rows and 7,120, twice); with the vacuum on, the
// checkpoint rewrites the last three into two.
func TestCheckpointKeepsRowGroups(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenFile(t, store.Settings{})
	for _, q := range []string{
		"CREATE TABLE t (x BIGINT)",
		"INSERT INTO t SELECT range FROM range(130000)",
		"INSERT INTO t SELECT range FROM range(130000)",
		"CHECKPOINT",
	} {
		if _, err := st.DB.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('t')"), "4")
}

package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"stcrecon/configs"
	"stcrecon/pipeline/storetest"

	"github.com/xuri/excelize/v2"
)

const claimsHeader = "claim_id,submitted_on,installed_on,postcode,rated_output_kw,panel_count,panel_brand,panel_model," +
	"inverter_manufacturer,inverter_series,inverter_model,deeming_years,stcs_claimed,installer_id,panel_serials,inverter_serials\n"

func only(tb testing.TB, res []FileResult) FileResult {
	tb.Helper()
	if len(res) != 1 {
		tb.Fatalf("%d results, want 1", len(res))
	}
	return res[0]
}

// Each kind loads with aliases for its column names, in another order, with
// extra columns, and the values land in the right columns.
func TestIngestAliasesAndReorderedColumns(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content, query string
		want                 []string
	}{
		{"panel_ledger_a.csv",
			"Serial,Model,Extra Column,Brand,Supplier,Upload Date,Invalid Reason,Status\n" +
				" ab 12 3 ,JKM400,x,  Jinko   SOLAR ,Acme  Imports,2025-09-15,,Valid\n",
			"SELECT supplier_name, licensee, model_number, serial_number, serial_norm, uploaded_at, status, reason FROM panel_ledger",
			[]string{"Acme  Imports|Jinko   SOLAR|JKM400|ab 12 3|AB123|2025-09-15|valid|NULL"}},
		{"inverter_ledger_a.csv",
			"Serial Number,Series,Model,Brand\nFR 01,Primo,Primo 5.0,Fronius\n",
			"SELECT manufacturer, model_number, series, serial_norm, status, uploaded_at FROM inverter_ledger",
			[]string{"Fronius|Primo 5.0|Primo|FR01|valid|2025-10-01 09:00:00"}},
		{"cec_modules_a.csv",
			"Pmax (W),Expiry Date,Approval Date,Model,Licensee\n400,2028-02-28,2023-03-01,JKM400,Jinko Solar\n",
			"SELECT licensee, model_number, rated_power_w, approved_on, expires_on FROM cec_modules",
			[]string{"Jinko Solar|JKM400|400.000|2023-03-01|2028-02-28"}},
		{"cec_inverters_a.csv",
			"Expiry Date,Approval Date,AC Power (kW),Model Number,Series,Manufacturer\n2028-01-09,2023-01-10,5,Primo 5.0,Primo,Fronius\n",
			"SELECT manufacturer, series, model_number, ac_power_kw, approved_on, expires_on FROM cec_inverters",
			[]string{"Fronius|Primo|Primo 5.0|5.000|2023-01-10|2028-01-09"}},
		{"suppliers_a.csv",
			"Authorised To,Authorised From,Manufacturer,Product,ABN,Supplier Name\n,2024-01-01,Fronius,INVERTER,51 824 753 556,Acme Imports\n",
			"SELECT supplier_name, abn, product, brand, authorised_from, authorised_to FROM suppliers",
			[]string{"Acme Imports|51824753556|inverter|Fronius|2024-01-01|NULL"}},
		{"claims_a.csv",
			"Panel Serials,Inverter Serials,Claim ID,Installation Date,Submitted On,Postcode,Rated Output (kW),Number of Panels," +
				"Panel Licensee,Panel Model,Inverter Manufacturer,Inverter Model,Deeming Period,STCs Claimed\n" +
				"\"A1; a2 |A3\",I1,PVD1,2025-03-01,2025-03-20,2000,1.200,3,Jinko Solar,JKM400,Fronius,Primo 5.0,6,9\n",
			"SELECT claim_id, installed_on, submitted_on, postcode, rated_output_kw, panel_count, deeming_years, stcs_claimed, inverter_series FROM claims",
			[]string{"PVD1|2025-03-01|2025-03-20|2000|1.200|3|6|9|NULL"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := storetest.MustOpen(t)
			r := only(t, ingest(t, st, storetest.WriteFile(t, dir, c.name, c.content)))
			if r.Status != Loaded || r.Rejected != 0 {
				t.Fatalf("status %s, %d rejected: %v %v", r.Status, r.Rejected, r.Err, r.Rejects)
			}
			storetest.AssertRows(t, storetest.Query(t, st.DB, c.query), c.want...)
		})
	}
}

func TestIngestSplitsSerialListsInOrder(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "claims_1.csv", claimsHeader+
		"PVD1,2025-03-20,2025-03-01,2000,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,\"a1; A2 |a3\na 4,\",I1\n")
	r := only(t, ingest(t, st, p))
	if r.Rows != 1 || r.Rejected != 0 {
		t.Fatalf("%+v", r)
	}
	// the serial as written is stored only where it is not its key
	// (sql/schema/18_listing_as_written.sql); the current view gives it either way
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT component, position, serial_number, serial_norm FROM claim_serials ORDER BY component DESC, position"),
		"panel|1|a1|A1", "panel|2|NULL|A2", "panel|3|a3|A3", "panel|4|a 4|A4", "inverter|1|NULL|I1")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT component, position, serial_number FROM claim_serials_current ORDER BY component DESC, position"),
		"panel|1|a1", "panel|2|A2", "panel|3|a3", "panel|4|a 4", "inverter|1|I1")
}

func TestIngestAustralianDates(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "suppliers.csv", "supplier_name,product,brand,authorised_from,authorised_to\n"+
		"Acme,panel,Jinko,01/02/2024,5/3/2026\n")
	only(t, ingest(t, st, p))
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT authorised_from, authorised_to FROM suppliers"), "2024-02-01|2026-03-05")
}

func TestIngestBOMAndCRLF(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "cec_modules.csv", "\xEF\xBB\xBFlicensee,model_number,approved_on,expires_on\r\n"+
		"Jinko,JKM400,2023-03-01,2028-02-28\r\nTrina,TSM420,2024-01-01,2029-01-01\r\n")
	r := only(t, ingest(t, st, p))
	if r.Rows != 2 || r.Rejected != 0 {
		t.Fatalf("%+v", r)
	}
	// No stray \r in the last column, no BOM in the first.
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT licensee, expires_on FROM cec_modules ORDER BY line"), "Jinko|2028-02-28", "Trina|2029-01-01")
}

// A bad row is reported at the line a person sees in an editor, even after a
// quoted cell that spans lines and a blank line; the other rows load.
func TestIngestBadRowLineNumbers(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "panel_ledger.csv",
		"supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\n"+ // 1
			"Acme,Jinko,JKM400,S1,2025-01-01,valid,\n"+ // 2
			"Acme,Jinko,JKM400,S2,2025-01-01,invalid,\"stolen:\nsee report\n#12\"\n"+ // 3-5
			"\n"+ // 6
			"Acme,Jinko,JKM400,S3,2025-02-30,valid,\n"+ // 7: no such date
			"Acme,Jinko,JKM400\n"+ // 8: too few cells
			"Acme,Jinko,,S5,2025-01-01,maybe,\n"+ // 9: two problems
			"Acme,Jinko,JKM400,S6,2025-01-01,VALID,\n") // 10
	r := only(t, ingest(t, st, p))
	if r.Rows != 3 || r.Rejected != 3 {
		t.Fatalf("loaded %d rejected %d, want 3 and 3", r.Rows, r.Rejected)
	}
	var got []string
	for _, rj := range r.Rejects {
		got = append(got, rj.String())
	}
	storetest.AssertRows(t, got,
		`panel_ledger.csv:7:5: uploaded_at: not a date or timestamp: use YYYY-MM-DD, DD/MM/YYYY or ISO 8601 (value "2025-02-30")`,
		`panel_ledger.csv:8: row has 3 cells; the header has 7`,
		`panel_ledger.csv:9:3: model_number: required value is empty`,
		`panel_ledger.csv:9:6: status: status must be valid or invalid (value "maybe")`,
	)
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT line, serial_norm, status FROM panel_ledger ORDER BY line"),
		"2|S1|valid", "3|S2|invalid", "10|S6|valid")
}

// Every way a row goes wrong in one file, with a BOM, CRLF line ends, a cell
// that spans lines and text to normalise: the rows the reader rejects are cut
// from what DuckDB reads, the text rules run on the rest, and every reject and
// every loaded row keeps the line a person sees in an editor.
func TestIngestReaderAndTextRejectsTogether(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "panel_ledger_mix.csv",
		"\xEF\xBB\xBFsupplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\r\n"+ // 1
			"Acme\u00a0Solar,Jinko,JKM400,S1,2025-01-01,valid,\r\n"+ // 2: NBSP, normalised
			"Acme,Jinko,JKM400,S2,2025-01-01,invalid,\"stolen:\r\nsee #12\"\r\n"+ // 3-4
			"Acme,Jinko,JKM400,S3,2025-01-01,valid,,extra\r\n"+ // 5: a cell too many
			"Énergie,Jinko,JKM400,S4,2025-01-01,valid,\r\n"+ // 6: NFKC already
			"Acme,Jinko,JKM\"400,S5,2025-01-01,valid,\r\n"+ // 7: a quote in an unquoted cell
			"\r\n"+ // 8: blank
			"Acme,Jinko\x01,JKM400,S6,2025-01-01,valid,\r\n"+ // 9: a control character
			"Acme,Jinko,JKM400,S7\r7,2025-01-01,valid,\r\n"+ // 10: a stray CR
			"Acme,Jinko,ＪＫＭ400,S8,2025-01-01,valid,\r\n") // 11: full width, normalised
	r := only(t, ingest(t, st, p))
	if r.Rows != 4 || r.Rejected != 4 {
		t.Fatalf("loaded %d rejected %d, want 4 and 4", r.Rows, r.Rejected)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT line, coalesce(column_name, '-'), reason FROM rejects ORDER BY line`),
		"5|-|row has 8 cells; the header has 7",
		"7|-|bad quoting: a quote inside an unquoted cell, or text after a closing quote",
		"9|licensee|holds the control character U+0001: a cell must be text (a line break is allowed only inside a quoted cell)",
		"10|-|a carriage return (CR) that does not end a line, outside quotes: a line ends in LF or CRLF, and a line break inside a cell must be quoted")
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT line, supplier_name, model_number, serial_norm, coalesce(reason, '-') FROM panel_ledger ORDER BY line`),
		"2|Acme Solar|JKM400|S1|-", "3|Acme|JKM400|S2|stolen:\r\nsee #12", "6|Énergie|JKM400|S4|-", "11|Acme|JKM400|S8|-")
}

// The ledger row checks look closely only at rows that may have a problem
// (load/panel_ledger.sql, maybe): every serial rule and every lookup column
// still rejects, and plain serials load as written, upper-cased as keys.
func TestIngestLedgerSerialRules(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "panel_ledger_t.csv",
		"supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\n"+ // 1
			"Acme,Jinko,JKM400,S1,2025-01-01,valid,\n"+ // 2
			"Acme,Jinko,JKM400, 1.23E+11 ,2025-01-01,valid,\n"+ // 3: scientific notation
			"Acme,Jinko,JKM400,1e5,2025-01-01,valid,\n"+ // 4: not the spreadsheet form
			"Acme,Jinko,JKM400,   ,2025-01-01,valid,\n"+ // 5: blank
			"Acme,Jinko,JKM400,,2025-01-01,valid,\n"+ // 6: empty
			"Acme,Jinko,JKM400,ab c-1,2025-01-01,valid,\n"+ // 7: a space inside
			"Acme,Jinko,JKM400,  s9/x_y.z  ,2025-01-01,valid,\n"+ // 8: spaces around
			"Acme,Jinko,JKM400,\"S\t10\",2025-01-01,valid,\n"+ // 9: a tab
			"Acme,Jinko,JKM400,S#11,2025-01-01,valid,\n"+ // 10: outside the serial set
			",Jinko,JKM400,S12,2025-01-01,valid,\n"+ // 11
			"Acme, ,JKM400,S13,bad,maybe,\n"+ // 12: three problems
			"Acme,Jinko,JKM400,160E31196030082,,,\n"+ // 13
			"Acme,Jinko,JKM400,12.5e3,2025-01-01,valid,\n") // 14
	r := only(t, ingest(t, st, p))
	var got []string
	for _, rj := range r.Rejects {
		got = append(got, rj.String())
	}
	storetest.AssertRows(t, got,
		`panel_ledger_t.csv:3:4: serial_number: serial is in scientific notation, as a spreadsheet writes a long number; its digits are lost: export the column as text (value " 1.23E+11 ")`,
		`panel_ledger_t.csv:5:4: serial_number: required value is empty (value "   ")`,
		`panel_ledger_t.csv:6:4: serial_number: required value is empty`,
		`panel_ledger_t.csv:9:4: serial_number: holds the control character U+0009: a cell must be text (a line break is allowed only inside a quoted cell) (value "S\t10")`,
		`panel_ledger_t.csv:10:4: serial_number: serial S#11 holds "#" (U+0023): a serial has only ASCII letters, digits and -./_ (value "S#11")`,
		`panel_ledger_t.csv:11:1: supplier_name: required value is empty`,
		`panel_ledger_t.csv:12:2: licensee: required value is empty (value " ")`,
		`panel_ledger_t.csv:12:5: uploaded_at: not a date or timestamp: use YYYY-MM-DD, DD/MM/YYYY or ISO 8601 (value "bad")`,
		`panel_ledger_t.csv:12:6: status: status must be valid or invalid (value "maybe")`,
	)
	// the serial as written is stored only where it is not its key
	// (sql/schema/17_serial_as_written.sql): S1 and 160E31196030082 are
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT line, serial_number, serial_norm FROM panel_ledger ORDER BY line"),
		"2|NULL|S1", "4|1e5|1E5", "7|ab c-1|ABC-1", "8|s9/x_y.z|S9/X_Y.Z", "13|NULL|160E31196030082", "14|12.5e3|12.5E3")
	// and the current view gives it as written either way
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT serial_number FROM panel_ledger_current ORDER BY serial_norm"),
		"12.5e3", "160E31196030082", "1e5", "ab c-1", "S1", "s9/x_y.z")
}

func TestIngestMissingRequiredColumnRejectsTheFile(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "claims_x.csv", strings.Replace(claimsHeader, "panel_serials,", "", 1)+
		"PVD1,2025-03-20,2025-03-01,2000,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,I1\n")
	r := only(t, ingest(t, st, p))
	if r.Status != Rejected {
		t.Fatalf("status %s", r.Status)
	}
	if want := "claims_x.csv:1: missing required column panel_serials"; r.Err == nil || r.Err.Error() != want {
		t.Fatalf("error %v, want %s", r.Err, want)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*) FROM claims"), "0")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT f.name, f.status, r.line, r.reason FROM rejects r JOIN files f USING (file_id)"),
		"claims_x.csv|rejected|1|file rejected: missing required column panel_serials")
}

func TestIngestRejectsWholeFiles(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ name, content, err string }{
		{"orders.csv", "a\n1\n", "orders.csv: unknown kind: the name must start with one of panel_ledger, inverter_ledger, cec_modules, cec_inverters, suppliers, claims (in any case)"},
		{"claims.txt", "a\n1\n", "claims.txt: not a CSV or XLSX file (the name must end in .csv or .xlsx)"},
		{"claims_empty.csv", "", "claims_empty.csv: the file is empty: no header row"},
		{"suppliers_twice.csv", "supplier_name,Supplier Name,product,brand,authorised_from\n", `suppliers_twice.csv:1:2: column "supplier_name" (column 1) and "Supplier Name" (column 2) both mean supplier_name`},
		{"suppliers_latin1.csv", "supplier_name,product,brand,authorised_from\nCaf\xe9,panel,X,2024-01-01\n", "suppliers_latin1.csv:2: not UTF-8 text (save the file as CSV UTF-8)"},
		{"suppliers_quote.csv", "supplier_name,product,brand,authorised_from\n\"Acme,panel,X,2024-01-01\n", "suppliers_quote.csv:2: a quoted cell opened here is never closed"},
		{"claims_fake.xlsx", "not a zip", "claims_fake.xlsx: not a readable XLSX workbook: zip: not a valid zip file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := storetest.MustOpen(t)
			r := only(t, ingest(t, st, storetest.WriteFile(t, dir, c.name, c.content)))
			if r.Status != Rejected || r.Err == nil || r.Err.Error() != c.err {
				t.Fatalf("status %s, error %v\nwant error %s", r.Status, r.Err, c.err)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		st := storetest.MustOpen(t)
		r := only(t, ingest(t, st, filepath.Join(dir, "claims_gone.csv")))
		if r.Status != Rejected || !strings.Contains(r.Err.Error(), "claims_gone.csv: cannot read the file: no such file or directory") {
			t.Fatalf("%v", r.Err)
		}
	})
}

func TestIngestSameFileTwiceIsANoOp(t *testing.T) {
	st := storetest.MustOpen(t)
	dir := t.TempDir()
	p := storetest.WriteFile(t, dir, "cec_modules.csv", "licensee,model_number,approved_on,expires_on\nJinko,JKM400,2023-03-01,2028-02-28\n")
	only(t, ingest(t, st, p))
	// Same content under another name is still the same file.
	q := storetest.WriteFile(t, dir, "cec_modules_copy.csv", "licensee,model_number,approved_on,expires_on\nJinko,JKM400,2023-03-01,2028-02-28\n")
	r := only(t, ingest(t, st, q))
	if r.Status != Skipped || !strings.Contains(r.Err.Error(), "same content as cec_modules.csv") {
		t.Fatalf("status %s: %v", r.Status, r.Err)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*) FROM cec_modules"), "1")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*) FROM files"), "1")
}

// A folder's files load in name order, so a status update after the upload it
// updates; the latest entry wins and the history is kept.
func TestIngestLedgerStatusUpdate(t *testing.T) {
	st := storetest.MustOpen(t)
	dir := t.TempDir()
	storetest.WriteFile(t, dir, "inverter_ledger_02_status.csv", "manufacturer,model,series,serial number,status,reason,uploaded_at\n"+
		"FRONIUS ,Primo 5.0,Primo,fr 01,Invalid,reported stolen,2025-05-01\n")
	storetest.WriteFile(t, dir, "inverter_ledger_01.csv", "manufacturer,model,series,serial number,uploaded_at\n"+
		"Fronius,Primo 5.0,Primo,FR01,2025-01-01\nFronius,Primo 5.0,Primo,FR02,2025-01-01\n")
	storetest.WriteFile(t, dir, "notes.txt", "not a recognised file: ignored in a folder")
	res := ingest(t, st, dir)
	if len(res) != 3 || res[0].Status != Ignored || filepath.Base(res[1].Path) != "inverter_ledger_01.csv" {
		t.Fatalf("files %v", res)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT serial_norm, status, reason FROM inverter_ledger_current ORDER BY serial_norm"),
		"FR01|invalid|reported stolen", "FR02|valid|NULL")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*) FROM inverter_ledger WHERE serial_norm = 'FR01'"), "2")
	// Each row's serial keys (sql/schema/12_serial_keys.sql), of its key, not
	// of the serial as written: the exact codes of its last 8 characters and
	// of those before them (sql/schema/16_serial_codes.sql; FR01 is the bytes
	// 0x46523031), the hash of all but its last 3.
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT coalesce(serial_number, serial_norm), tail_key, head_key, bucket_key = hash(left(serial_norm, -3))
		FROM inverter_ledger ORDER BY file_id, line`),
		"FR01|1179791409|0|true", "FR02|1179791410|0|true", "fr 01|1179791409|0|true")
	// tail3 (sql/schema/13_triage_keys.sql): the last 3 characters as a
	// number, only when all 3 are digits.
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT coalesce(serial_number, serial_norm), tail3 FROM inverter_ledger ORDER BY file_id, line`),
		"FR01|NULL", "FR02|NULL", "fr 01|NULL")
}

func TestIngestClaimAmendment(t *testing.T) {
	st := storetest.MustOpen(t)
	dir := t.TempDir()
	storetest.WriteFile(t, dir, "claims_2025_01.csv", claimsHeader+
		"PVD1,2025-03-20,2025-03-01,2000,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,A1;A2;A3,I1\n"+
		"PVD2,2025-03-20,2025-03-01,2000,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,B1;B2;B3,I2\n")
	storetest.WriteFile(t, dir, "claims_2025_01_amend.csv", claimsHeader+
		"PVD1,2025-03-25,2025-03-01,2000,0.8,2,Jinko,JKM400,Fronius,,Primo,6,6,,A1;A2,I1\n")
	ingest(t, st, dir)
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT claim_id, panel_count, stcs_claimed FROM claims_current ORDER BY claim_id"),
		"PVD1|2|6", "PVD2|3|9")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT claim_id, count(*) FROM claims GROUP BY claim_id ORDER BY claim_id"), "PVD1|2", "PVD2|1")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT claim_id, string_agg(serial_norm, ';' ORDER BY position) FROM claim_serials_current WHERE component = 'panel' GROUP BY claim_id ORDER BY claim_id"),
		"PVD1|A1;A2", "PVD2|B1;B2;B3")
	// Each listing's serial key (sql/schema/13_triage_keys.sql): the hash of its serial key.
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*), count(*) FILTER (WHERE serial_key = hash(serial_norm)) FROM claim_serials"), "11|11")
}

func TestIngestClaimValidation(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "claims_v.csv", claimsHeader+
		"PVD1,2025-03-20,2025-03-01,870,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,A1;A2;A3,I1\n"+ // 2: 870 -> 0870
		"PVD2,2025-03-20,2025-03-01,2000,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,1.23457E+11;A5,I2\n"+ // 3
		"PVD1,2025-03-20,2025-03-01,2000,1.2,3,Jinko,JKM400,Fronius,,Primo,6,9,,C1,I3\n"+ // 4: id used on line 2
		"PVD4,2025-03-20,2025-03-01,20000,abc,0,Jinko,JKM400,Fronius,,Primo,six,-1,,;,I4\n") // 5
	r := only(t, ingest(t, st, p))
	if r.Rows != 1 || r.Rejected != 3 {
		t.Fatalf("loaded %d rejected %d", r.Rows, r.Rejected)
	}
	var got []string
	for _, rj := range r.Rejects {
		got = append(got, rj.String())
	}
	storetest.AssertRows(t, got,
		`claims_v.csv:3:15: panel_serials: a serial is in scientific notation, as a spreadsheet writes a long number; its digits are lost: export the column as text (value "1.23457E+11;A5")`,
		`claims_v.csv:4:1: claim_id: claim_id already used on line 2 of this file (value "PVD1")`,
		`claims_v.csv:5:4: postcode: postcode must be 4 digits (value "20000")`,
		`claims_v.csv:5:5: rated_output_kw: not a plain number: digits with an optional decimal point, no units, separators or exponents (value "abc")`,
		`claims_v.csv:5:6: panel_count: must be a whole number greater than 0 (value "0")`,
		`claims_v.csv:5:12: deeming_years: must be a whole number of years (value "six")`,
		`claims_v.csv:5:13: stcs_claimed: must be a whole number, 0 or more (value "-1")`,
		`claims_v.csv:5:15: panel_serials: no panel serial listed (value ";")`,
	)
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT claim_id, postcode FROM claims"), "PVD1|0870")
}

func TestIngestSupplierABN(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "suppliers.csv", "supplier_name,abn,product,brand,authorised_from\n"+
		"Good,51 824 753 556,panel,Jinko,2024-01-01\n"+
		"BadCheck,51 824 753 557,panel,Jinko,2024-01-01\n"+
		"Short,1234,panel,Jinko,2024-01-01\n"+
		"NoABN,,panel,Jinko,2024-01-01\n")
	r := only(t, ingest(t, st, p))
	if r.Rows != 2 || r.Rejected != 2 {
		t.Fatalf("loaded %d rejected %d: %v", r.Rows, r.Rejected, r.Rejects)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT supplier_name FROM suppliers ORDER BY line"), "Good", "NoABN")
}

func TestIngestXLSXClaims(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Split(strings.TrimSpace(claimsHeader), ",")
	rows := [][]any{
		toAny(header),
		// an Excel date number for installed_on, a real number for kW, a long serial as a number
		{"PVD1", "2025-03-20", 45717, "870", 6.6, 2, "Jinko", "JKM400", "Fronius", "", "Primo", 6, 54, "", "123456789012;A2", "I1"},
		{},
		{"PVD2", "20/03/2025", "01/03/2025", "2000", "x", 2, "Jinko", "JKM400", "Fronius", "", "Primo", 6, 54, "", "B1;B2", "I2"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "claims_2025.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	st := storetest.MustOpen(t)
	r := only(t, ingest(t, st, p))
	if r.Status != Loaded || r.Rows != 1 || r.Rejected != 1 {
		t.Fatalf("%+v", r)
	}
	if got := r.Rejects[0].String(); got != `claims_2025.xlsx:4:5: rated_output_kw: not a plain number: digits with an optional decimal point, no units, separators or exponents (value "x")` {
		t.Fatal(got)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT claim_id, installed_on, postcode, rated_output_kw FROM claims"), "PVD1|2025-03-01|0870|6.600")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT serial_norm FROM claim_serials WHERE component = 'panel' ORDER BY position"), "123456789012", "A2")
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// A failure half way through a file (after its rows are inserted, before it is
// recorded) leaves none of its rows and no record of it; a retry then loads it.
func TestIngestFailureMidFileLeavesNothing(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "panel_ledger.csv", "supplier_name,licensee,model_number,serial_number\n"+
		"Acme,Jinko,JKM400,S1\nAcme,Jinko,JKM400,S2\nAcme,Jinko,,S3\n")
	in := newIngester(st)
	boom := errors.New("disk full")
	in.afterLoad = func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM panel_ledger").Scan(&n); err != nil || n != 2 {
			t.Fatalf("inside the transaction: %d rows, %v", n, err)
		}
		return boom
	}
	_, err := in.Ingest(context.Background(), []string{p})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want %v", err, boom)
	}
	for _, table := range []string{"panel_ledger", "rejects", "files"} {
		storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*) FROM "+table), "0")
	}
	in.afterLoad = nil
	r := only(t, ingest(t, st, p))
	if r.Status != Loaded || r.Rows != 2 || r.Rejected != 1 {
		t.Fatalf("retry: %+v", r)
	}
}

// A load that stores fewer rows than passed the checks (a load statement
// gone wrong: here one row deleted after it) stops the run, and nothing of
// the file is recorded: files.rows_loaded counts the rows stored, and no row
// disappears with a file said to be loaded.
func TestIngestRowsStoredAreCounted(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "claims_c.csv", claimsHeader+claimLine("PVD1", nil)+claimLine("PVD2", nil))
	in := newIngester(st)
	in.afterLoad = func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM claims WHERE claim_id = 'PVD2'")
		return err
	}
	_, err := in.Ingest(context.Background(), []string{p})
	if err == nil || !strings.Contains(err.Error(), "sql/load/claims.sql stored 1 rows of claims_c.csv where 2 passed the checks") {
		t.Fatalf("error %v", err)
	}
	for _, table := range []string{"claims", "claim_serials", "files"} {
		storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(*) FROM "+table), "0")
	}
}

// The layouts real files come in (shared/data/README.md) load as they are.
func TestIngestRealWorldLayouts(t *testing.T) {
	st := storetest.MustOpen(t)
	res := ingest(t, st, "testdata/layouts")
	for _, r := range res {
		if r.Status != Loaded || r.Rejected != 0 {
			t.Errorf("%s: %s, %d rejected: %v %v", r.Path, r.Status, r.Rejected, r.Err, r.Rejects)
		}
	}
	if len(res) != 6 {
		t.Fatalf("%d files loaded, want 6", len(res))
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT licensee, model_number, rated_power_w, approved_on, expires_on FROM cec_modules ORDER BY line"),
		"Jinko Solar|JKM400M-54HL4-V|NULL|2023-03-01|2028-02-28", "Trina Solar|TSM-420NEG9R.28|NULL|2024-07-15|2029-07-14")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT manufacturer, series, model_number, ac_power_kw, approved_on FROM cec_inverters ORDER BY line"),
		"Fronius|Primo GEN24|Primo GEN24 5.0 Plus|5.000|2023-01-10", "Sungrow|SG-RS|SG5.0RS|5.000|2024-02-10")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT supplier_name, licensee, serial_norm, status FROM panel_ledger"),
		"Solar Imports Pty Ltd|Jinko Solar|JK0001|valid")
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT manufacturer, serial_norm, status FROM inverter_ledger_current ORDER BY serial_norm"),
		"Fronius|FR0001|invalid", "SMA|SMA0001|valid")
}

// Rows the reader cannot take are all recorded, each at its line, when
// there are many of them (more than a spill holds in memory: the scan's bad
// rows and line shifts go through its temp file; stageRejects appends them,
// then one INSERT copies them into rejects), and the rows around them load.
func TestIngestManyReaderRejects(t *testing.T) {
	st := storetest.MustOpen(t)
	var b strings.Builder
	b.WriteString("supplier_name,licensee,model_number,serial_number,uploaded_at,status,reason\n") // line 1
	const n = spillMem + 1000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "Acme,Jinko,JKM400,S%d,2025-01-01,valid,\n", i)       // line 2+2i: loads
		fmt.Fprintf(&b, "Acme,Jinko,JKM400,T%d,2025-01-01,valid,,extra\n", i) // line 3+2i: one cell too many
	}
	p := storetest.WriteFile(t, t.TempDir(), "panel_ledger.csv", b.String())
	r := only(t, ingest(t, st, p))
	if r.Rows != n || r.Rejected != n {
		t.Fatalf("loaded %d rejected %d, want %d and %d", r.Rows, r.Rejected, n, n)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT count(*), count(DISTINCT line), min(line), max(line),
		bool_and(line % 2 = 1), count(column_name), count(value), min(reason), max(reason) FROM rejects`),
		fmt.Sprintf("%d|%d|3|%d|true|0|0|row has 8 cells; the header has 7|row has 8 cells; the header has 7", n, n, 2*n+1))
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT count(*), min(line), max(line) FROM panel_ledger WHERE serial_norm LIKE 'S%'`),
		fmt.Sprintf("%d|2|%d", n, 2*n))
}

// A row with a control character in two cells is one reject, naming the
// first of them in the contract's column order; a row with a normalised
// cell before it or after it loads.
func TestIngestControlCharactersInTwoCells(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "panel_ledger_c.csv",
		"serial_number,supplier_name,licensee,model_number\n"+
			"S1,Acme\u00a0Solar,Jinko,JKM400\n"+ // 2: a no-break space, normalised
			"\"S\t2\",Acme\x01,Jinko,JKM400\n"+ // 3: two bad cells
			"S3,Acme,Jinko\x02,JKM400\n"+ // 4
			"S4,Acme\u00a0Solar,Jinko,JKM400\n") // 5
	r := only(t, ingest(t, st, p))
	if r.Rows != 2 || r.Rejected != 2 {
		t.Fatalf("%+v", r)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT line, column_name, reason FROM rejects ORDER BY line`),
		"3|supplier_name|holds the control character U+0001: a cell must be text (a line break is allowed only inside a quoted cell)",
		"4|licensee|holds the control character U+0002: a cell must be text (a line break is allowed only inside a quoted cell)")
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT line, supplier_name FROM panel_ledger ORDER BY line`),
		"2|Acme Solar", "5|Acme Solar")
}

// A plain serial list (serials of ASCII letters, digits and -./_ separated by
// single semicolons) is stored once, as its listings: the claim's cell is
// NULL, and claims_as_written gives it back exactly. Any other cell is kept
// as written.
func TestIngestPlainClaimListsStoredOnce(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "claims_l.csv", claimsHeader+
		claimLine("PVD1", map[string]string{"panel_serials": "A1;b2;C-3.4/5_6", "inverter_serials": "I1"})+
		claimLine("PVD2", map[string]string{"panel_serials": " A4 ; a5", "inverter_serials": "I2,I3"}))
	if r := only(t, ingest(t, st, p)); r.Rows != 2 || r.Rejected != 0 {
		t.Fatalf("%+v", r)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT claim_id, coalesce(panel_serials, '-'), coalesce(inverter_serials, '-') FROM claims ORDER BY 1`),
		"PVD1|-|-", "PVD2| A4 ; a5|I2,I3")
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT claim_id, panel_serials, inverter_serials FROM claims_as_written ORDER BY 1`),
		"PVD1|A1;b2;C-3.4/5_6|I1", "PVD2| A4 ; a5|I2,I3")
}

// Ingest loads under its own memory limit (ingest.memory_limit) and gives
// the store's back when it is done.
func TestIngestMemoryLimit(t *testing.T) {
	st := storetest.MustOpen(t)
	setting := func(q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}) string {
		var v string
		if err := q.QueryRowContext(context.Background(), "SELECT current_setting('memory_limit')").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	was := setting(st.DB)
	in := newIngester(st)
	in.MemoryLimit = "300MB"
	var during string
	in.afterLoad = func(ctx context.Context, tx *sql.Tx) error {
		during = setting(tx)
		return nil
	}
	p := storetest.WriteFile(t, t.TempDir(), "panel_ledger.csv", "supplier_name,licensee,model_number,serial_number\nAcme,Jinko,JKM400,S1\n")
	if _, err := in.Ingest(context.Background(), []string{p}); err != nil {
		t.Fatal(err)
	}
	if during != "286.1 MiB" {
		t.Fatalf("memory_limit %q while loading, want 300MB", during)
	}
	if got := setting(st.DB); got != was {
		t.Fatalf("memory_limit %q after ingest, want the store's %q", got, was)
	}
}

// A claims file's listings are stored by claim_id, component and position,
// whatever the order of its claims: a nightly lookup of one claim's listings
// (sql/audit/older_serials.sql) then reads the row groups whose claim_id
// ranges hold it. A plain list and one kept as written both keep their order.
func TestIngestListingsStoredByClaim(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "claims_o.csv", claimsHeader+
		claimLine("PVD3", map[string]string{"panel_serials": "C2;C1", "inverter_serials": "IC"})+
		claimLine("PVD1", map[string]string{"panel_serials": " a2 ;a1", "inverter_serials": "IA2;IA1"})+
		claimLine("PVD2", map[string]string{"panel_serials": "B1", "inverter_serials": "IB"}))
	if r := only(t, ingest(t, st, p)); r.Rows != 3 {
		t.Fatalf("%+v", r)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT claim_id, component, position, serial_norm FROM claim_serials ORDER BY rowid`),
		"PVD1|inverter|1|IA2", "PVD1|inverter|2|IA1", "PVD1|panel|1|A2", "PVD1|panel|2|A1",
		"PVD2|inverter|1|IB", "PVD2|panel|1|B1",
		"PVD3|inverter|1|IC", "PVD3|panel|1|C2", "PVD3|panel|2|C1")
}

// A claims file of more than 32 MB of serial cells is checked a batch at a
// time (CheckClaimsBatches), and one of more than half a million listings makes
// them a batch at a time (ListingBatches), each batch a range of lines:
// every claim and listing, the claims in line order, each batch's listings
// in claim_id order.
func TestIngestListingsInBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("a 40 MB claims file")
	}
	st := storetest.MustOpen(t)
	var b strings.Builder
	b.WriteString(claimsHeader)
	const claims, each = 640, 6000     // 38 MB, rows of 60 KB: two batches of checks, eight of listings
	for i := claims - 1; i >= 0; i-- { // in reverse: the file's order is not claim_id order
		serials := make([]string, each)
		for j := range serials {
			serials[j] = fmt.Sprintf("S%03d%05d", i, j)
		}
		list := strings.Join(serials, ";")
		if i%10 == 0 { // a list on two lines: the lines after it shift
			list = serials[0] + "\n" + strings.Join(serials[1:], ";")
		}
		set := map[string]string{"panel_serials": list}
		if i == 333 { // a reject in a batch of lines in the middle: none of its listings is made
			set["installed_on"] = "31/02/2025"
		}
		b.WriteString(claimLine(fmt.Sprintf("PVD%03d", i), set))
	}
	p := storetest.WriteFile(t, t.TempDir(), "claims_big.csv", b.String())
	if r := only(t, ingest(t, st, p)); r.Rows != claims-1 || r.Rejected != 1 {
		t.Fatalf("%+v", r)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT count(*) FROM claim_serials WHERE claim_id = 'PVD333'`), "0")
	// r.Rows counts what was staged: the claims stored are counted here,
	// in line order (the file's last claim, PVD000, is on line 2 + 639 + 63
	// lists of two lines)
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT count(*), count(DISTINCT claim_id), count(*) FILTER (WHERE line <= prev), max(line) FROM (
		SELECT claim_id, line, lag(line) OVER (ORDER BY rowid) AS prev FROM claims)`), fmt.Sprintf("%d|%d|0|704", claims-1, claims-1))
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT line FROM claims WHERE claim_id = 'PVD000'`), "704")
	// 3.84M listings, in eight batches of lines of about half a million:
	// seven times the listings go back to a smaller claim_id, where the next
	// batch begins.
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT count(*), count(*) FILTER (WHERE k < prev) FROM (
		SELECT (claim_id, component, position) AS k, lag((claim_id, component, position)) OVER (ORDER BY rowid) AS prev FROM claim_serials)`),
		fmt.Sprintf("%d|7", (claims-1)*(each+1)))
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT serial_norm FROM claim_serials WHERE claim_id = 'PVD417' AND component = 'panel' AND position = 6000`),
		"S41705999")
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT position, serial_norm FROM claim_serials WHERE claim_id = 'PVD420' AND component = 'panel' AND position <= 2 ORDER BY 1`),
		"1|S42000000", "2|S42000001")
}

// New takes the ingest settings of the configuration, as the ingest command
// and the inbox job use them.
func TestNewTakesTheConfig(t *testing.T) {
	in := New(nil, nil, configs.Ingest{ProgressEveryRows: 7, DuckDBThreads: 2, MemoryLimit: "512MB"})
	if in.ProgressEvery != 7 || in.Threads != 2 || in.MemoryLimit != "512MB" {
		t.Fatalf("%+v", in)
	}
}

package ingest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"stcrecon/pipeline/storetest"
)

// Text is NFKC-normalised, Unicode spaces and zero-width characters are white
// space, control characters reject the row, and a serial holds only ASCII
// letters, digits and -./_ (contract §1).
func TestIngestTextRules(t *testing.T) {
	const charset = "reject: serial %s holds \"%s\" (U+%04X): a serial has only ASCII letters, digits and -./_"
	ctl := func(r rune) string {
		return fmt.Sprintf("reject: holds the control character U+%04X: a cell must be text (a line break is allowed only inside a quoted cell)", r)
	}
	runCellCases(t, []cellCase{
		{"claim_id", "PVD\x00X", ctl(0)},
		{"claim_id", "PVD\tX", ctl('\t')},
		{"claim_id", "PVD\x7FX", ctl(0x7F)},
		{"claim_id", "PVD\u202EX", ctl(0x202E)}, // right-to-left override
		{"panel_model", "ＪＫＭ４００", "JKM400"},     // full width
		{"panel_brand", "Jinko\u00A0Solar", "Jinko Solar"},
		{"panel_brand", "\u3000Jinko\u2009Solar\u200B", "Jinko Solar"},
		{"panel_model", "JKM400\u00A0", "JKM400"},
		{"installer_id", "A-\u00BD", "A-1⁄2"}, // NFKC: ½ is 1⁄2
		{"panel_serials", "AB\u00A012;C\u200BD", "AB 12;C D"},
		{"panel_serials", "AB12;\u0410B12", fmt.Sprintf(charset, "\u0410B12", "\u0410", 0x410)},
		{"inverter_serials", "SN#1", fmt.Sprintf(charset, "SN#1", "#", '#')},
		{"inverter_serials", "sn-1.2/3_4", "sn-1.2/3_4"},
	})
}

// A NBSP inside a serial is removed by serial normalisation, so the serial
// matches its ledger entry; a Cyrillic letter in a ledger serial is a reject
// that names it.
func TestIngestSerialNormalisation(t *testing.T) {
	st := storetest.MustOpen(t)
	dir := t.TempDir()
	r := only(t, ingest(t, st, storetest.WriteFile(t, dir, "panel_ledger_u.csv", "supplier_name,licensee,model_number,serial_number\n"+
		"Acme,Jinko,JKM400,AB12\nAcme,Jinko,JKM400,\u0410B13\nAcme,Jinko,JKM400,ab\u200914\n")))
	if r.Rows != 2 || r.Rejected != 1 {
		t.Fatalf("%d loaded, %d rejected: %v", r.Rows, r.Rejected, r.Rejects)
	}
	if got, want := r.Rejects[0].String(), `panel_ledger_u.csv:3:4: serial_number: serial АB13 holds "А" (U+0410): a serial has only ASCII letters, digits and -./_ (value "АB13")`; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	only(t, ingest(t, st, storetest.WriteFile(t, dir, "claims_u.csv", claimsHeader+claimLine("PVD1", map[string]string{"panel_serials": "AB\u00A012;AB 14"}))))
	storetest.AssertRows(t, storetest.Query(t, st.DB, `SELECT c.serial_norm, l.serial_norm IS NOT NULL FROM claim_serials c
		LEFT JOIN panel_ledger l USING (serial_norm) WHERE c.component = 'panel' ORDER BY c.position`),
		"AB12|true", "AB14|true")
}

// A NUL in a claim id is a reject, never a second claim.
func TestIngestNULInClaimID(t *testing.T) {
	st := storetest.MustOpen(t)
	p := storetest.WriteFile(t, t.TempDir(), "claims_nul.csv", claimsHeader+claimLine("PVD1", nil)+claimLine("PVD1\x00", nil))
	r := only(t, ingest(t, st, p))
	if r.Rows != 1 || r.Rejected != 1 {
		t.Fatalf("%d loaded, %d rejected", r.Rows, r.Rejected)
	}
	storetest.AssertRows(t, storetest.Query(t, st.DB, "SELECT count(DISTINCT claim_id) FROM claims"), "1")
}

func TestOddBytes(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"plain,ascii\r\nlines\n", false},
		{strings.Repeat("abcdefgh", 10) + "\n", false},
		{strings.Repeat("abcdefgh", 10) + "\x00", true},
		{strings.Repeat("abcdefgh", 10) + "\x7F", true},
		{"abc\tdef", true},
		{"abcdefg\u00A0", true},
		{"é", true},
		{"~~~~~~~~~~~~~~~~", false},
		{"        ", false},
	} {
		if got := oddBytes([]byte(c.s)); got != c.want {
			t.Errorf("oddBytes(%q) = %v", c.s, got)
		}
	}
}

// normaliseStage leaves stage a view of what was staged when no cell
// changes (an accented name is NFKC already), and makes it a table when one
// does; the text functions register once a database.
func TestNormaliseStageCopiesOnlyWhenACellChanges(t *testing.T) {
	ctx := context.Background()
	st := storetest.MustOpen(t)
	conn := storetest.Conn(t, st.DB)
	for range 2 {
		if err := textFunctions(ctx, conn); err != nil {
			t.Fatal(err)
		}
	}
	l, err := ResolveHeader(PanelLedger, []string{"supplier_name", "licensee", "model_number", "serial_number"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		supplier, want string
		copied         bool
	}{
		{"Énergie Solaire", "Énergie Solaire", false},
		{"Ｅnergie\u00A0Solaire", "Energie Solaire", true},
	} {
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE stage_read AS
			SELECT 2::BIGINT AS line, ?::VARCHAR AS supplier_name, 'Jinko'::VARCHAR AS licensee, 'JKM400'::VARCHAR AS model_number,
				'S1'::VARCHAR AS serial_number, NULL::VARCHAR AS uploaded_at, NULL::VARCHAR AS status, NULL::VARCHAR AS reason`, c.supplier); err != nil {
			t.Fatal(err)
		}
		bad, copied, err := normaliseStage(ctx, conn, l, "stage_read")
		if err != nil || bad != 0 || copied != c.copied {
			t.Fatalf("%q: %d rejects, copied %v, %v; want copied %v", c.supplier, bad, copied, err, c.copied)
		}
		want, drop := "VIEW", "DROP VIEW stage"
		if c.copied {
			want, drop = "LOCAL TEMPORARY", "DROP TABLE stage"
		}
		storetest.AssertRows(t, storetest.Query(t, conn, `SELECT table_type FROM information_schema.tables WHERE table_name = 'stage'`), want)
		storetest.AssertRows(t, storetest.Query(t, conn, `SELECT supplier_name FROM stage`), c.want)
		if _, err := conn.ExecContext(ctx, drop); err != nil {
			t.Fatal(err)
		}
	}
}

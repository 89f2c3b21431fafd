package ingest

import (
	"fmt"
	"strings"
	"testing"

	"stcrecon/pipeline/storetest"
)

// claimLine is a good claims row with some cells replaced (by column name).
func claimLine(id string, set map[string]string) string {
	cols := strings.Split(strings.TrimSpace(claimsHeader), ",")
	good := map[string]string{
		"claim_id": id, "submitted_on": "2025-03-20", "installed_on": "2025-03-01", "postcode": "2000",
		"rated_output_kw": "6.6", "panel_count": "12", "panel_brand": "Jinko", "panel_model": "JKM400",
		"inverter_manufacturer": "Fronius", "inverter_series": "", "inverter_model": "Primo", "deeming_years": "6",
		"stcs_claimed": "54", "installer_id": "", "panel_serials": "A1", "inverter_serials": "I1",
	}
	for k, v := range set {
		if _, ok := good[k]; !ok {
			panic("no column " + k)
		}
		good[k] = v
	}
	cells := make([]string, len(cols))
	for i, c := range cols {
		v := good[c]
		if strings.ContainsAny(v, ",\"\n\r") {
			v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
		}
		cells[i] = v
	}
	return strings.Join(cells, ",") + "\n"
}

// cellCase is one value in one claims column: what it loads as, or why it is
// rejected.
type cellCase struct {
	col, value string
	want       string // the loaded value as text, or "reject: <reason>"
}

// runCellCases loads one claims file with a row per case and checks each row's fate.
func runCellCases(t *testing.T, cases []cellCase) {
	t.Helper()
	var b strings.Builder
	b.WriteString(claimsHeader)
	for i, c := range cases {
		b.WriteString(claimLine(fmt.Sprintf("C%02d", i), map[string]string{c.col: c.value}))
	}
	st := storetest.MustOpen(t)
	r := only(t, ingest(t, st, storetest.WriteFile(t, t.TempDir(), "claims_cases.csv", b.String())))
	if r.Status != Loaded {
		t.Fatalf("%s: %v", r.Status, r.Err)
	}
	rejects := map[int64]string{}
	for _, rj := range r.Rejects {
		rejects[rj.Line] = rj.Column + ": " + rj.Reason
	}
	for i, c := range cases {
		line := int64(i + 2)
		if strings.HasPrefix(c.want, "reject: ") {
			want := c.col + ": " + strings.TrimPrefix(c.want, "reject: ")
			if rejects[line] != want {
				t.Errorf("%s %q: got reject %q, want %q", c.col, c.value, rejects[line], want)
			}
			continue
		}
		if rejects[line] != "" {
			t.Errorf("%s %q: rejected (%s), want %s", c.col, c.value, rejects[line], c.want)
			continue
		}
		// claims_as_written: a plain serial list is stored as its listings
		got := storetest.Query(t, st.DB, fmt.Sprintf("SELECT %s FROM claims_as_written WHERE claim_id = 'C%02d'", c.col, i))
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%s %q: loaded as %v, want %s", c.col, c.value, got, c.want)
		}
	}
}

// Numbers are plain decimals and are never rounded (contract §1).
func TestIngestNumbersNeverRounded(t *testing.T) {
	const (
		notWhole = "reject: must be a whole number greater than 0"
		notPlain = "reject: not a plain number: digits with an optional decimal point, no units, separators or exponents"
	)
	runCellCases(t, []cellCase{
		{"panel_count", "12", "12"},
		{"panel_count", "12.0", "12"},
		{"panel_count", " 12.00 ", "12"},
		{"panel_count", "12.5", notWhole},
		{"panel_count", "0x6E", notWhole},
		{"panel_count", "9_2", notWhole},
		{"panel_count", "1,200", notWhole},
		{"panel_count", "1e1", notWhole},
		{"panel_count", "infinity", notWhole},
		{"panel_count", "99999999999", notWhole},
		{"deeming_years", "6.5", "reject: must be a whole number of years"},
		{"deeming_years", "6.0", "6"},
		{"stcs_claimed", "131.4", "reject: must be a whole number, 0 or more"},
		{"stcs_claimed", "0", "0"},
		{"rated_output_kw", "7.7528", "reject: more than 3 decimal places: a number is never rounded"},
		{"rated_output_kw", "7.752", "7.752"},
		{"rated_output_kw", "7.7500", "7.750"},
		{"rated_output_kw", "6.6kW", notPlain},
		{"rated_output_kw", "6,6", notPlain},
		{"rated_output_kw", "1_000", notPlain},
		{"rated_output_kw", "0x6E", notPlain},
		{"rated_output_kw", "6.6e0", notPlain},
		{"rated_output_kw", "nan", notPlain},
		{"rated_output_kw", "infinity", notPlain},
		{"rated_output_kw", "-1", "reject: must be a number greater than 0"},
		{"rated_output_kw", "0", "reject: must be a number greater than 0"},
		{"rated_output_kw", "1000000000", "reject: must be a number greater than 0"},
	})
}

// Dates have a four-digit year and must exist (contract §1).
func TestIngestDatesFourDigitYears(t *testing.T) {
	const bad = "reject: not a date: use YYYY-MM-DD or DD/MM/YYYY"
	runCellCases(t, []cellCase{
		{"installed_on", "2025-03-01", "2025-03-01"},
		{"installed_on", "1/3/2025", "2025-03-01"},
		{"installed_on", "01/03/2025", "2025-03-01"},
		{"installed_on", "1/3/25", bad},
		{"installed_on", "1/3/0025", "0025-03-01"},
		{"installed_on", "31/02/2025", bad},
		{"installed_on", "2025-02-29", bad},
		{"installed_on", "infinity", bad},
		{"installed_on", "2025-3-1", bad},
		{"installed_on", "20250301", bad},
		{"installed_on", "2025-03-01 10:00", bad},
	})
}

// Ledger timestamps: ISO 8601 with a four-digit year, or a date; never a
// two-digit year or a word.
func TestIngestLedgerTimestamps(t *testing.T) {
	const bad = "not a date or timestamp: use YYYY-MM-DD, DD/MM/YYYY or ISO 8601"
	cases := []struct{ value, want string }{
		{"2025-06-01", "2025-06-01 00:00:00"},
		{"2025-06-01T10:30:00", "2025-06-01 10:30:00"},
		{"2025-06-01 10:30", "2025-06-01 10:30:00"},
		{"2025-06-01T10:30:00Z", "2025-06-01 10:30:00"},
		{"2025-06-01T10:30:00+10:00", "2025-06-01 00:30:00"},
		{"2025-06-01T10:30:00.250+1000", "2025-06-01 00:30:00.25"},
		{"1/6/2025", "2025-06-01 00:00:00"},
		{"1/6/25", bad},
		{"infinity", bad},
		{"-infinity", bad},
		{"epoch", bad},
		{"25-06-01", bad},
		{"2025-06-01T25:00:00", bad},
	}
	var b strings.Builder
	b.WriteString("supplier_name,licensee,model_number,serial_number,uploaded_at\n")
	for i, c := range cases {
		fmt.Fprintf(&b, "Acme,Jinko,JKM400,S%02d,%s\n", i, c.value)
	}
	st := storetest.MustOpen(t)
	r := only(t, ingest(t, st, storetest.WriteFile(t, t.TempDir(), "panel_ledger_ts.csv", b.String())))
	rejects := map[int64]string{}
	for _, rj := range r.Rejects {
		rejects[rj.Line] = rj.Reason
	}
	for i, c := range cases {
		line := int64(i + 2)
		if c.want == bad {
			if rejects[line] != bad {
				t.Errorf("%q: reject %q, want %q", c.value, rejects[line], bad)
			}
			continue
		}
		got := storetest.Query(t, st.DB, fmt.Sprintf("SELECT uploaded_at::VARCHAR FROM panel_ledger WHERE serial_norm = 'S%02d'", i))
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%q: loaded %v (reject %q), want %s", c.value, got, rejects[line], c.want)
		}
	}
}

// Only the exact spreadsheet form is scientific notation; a real Solis serial
// with an E in it is an ordinary serial.
func TestIngestScientificNotationExactForm(t *testing.T) {
	const sci = "reject: a serial is in scientific notation, as a spreadsheet writes a long number; its digits are lost: export the column as text"
	runCellCases(t, []cellCase{
		{"inverter_serials", "1.23457E+11", sci},
		{"inverter_serials", "1E+11", sci},
		{"inverter_serials", "9.8E-05", sci},
		{"panel_serials", "A1;1.23457E+11", sci},
		{"inverter_serials", "160E31196030082", "160E31196030082"},
		{"inverter_serials", "12.5E3", "12.5E3"},
		{"inverter_serials", "1E5", "1E5"},
	})
}

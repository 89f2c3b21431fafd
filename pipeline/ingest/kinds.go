package ingest

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Kind is one of the six input file kinds of the data contract (§1).
type Kind string

// The six kinds, named by the prefix their file names start with.
const (
	PanelLedger    Kind = "panel_ledger"
	InverterLedger Kind = "inverter_ledger"
	CECModules     Kind = "cec_modules"
	CECInverters   Kind = "cec_inverters"
	Suppliers      Kind = "suppliers"
	Claims         Kind = "claims"
)

// Kinds lists every kind, in the order a summary shows them.
var Kinds = []Kind{PanelLedger, InverterLedger, CECModules, CECInverters, Suppliers, Claims}

// Column is one column of a kind: its contract name, the other header names
// that mean it, whether the file must have it, and whether it holds a date
// (so an XLSX date cell is turned into YYYY-MM-DD text).
type Column struct {
	Name     string
	Aliases  []string
	Required bool
	Date     bool
}

// Columns gives each kind's columns, from the data contract §1.
var Columns = map[Kind][]Column{
	PanelLedger: {
		{Name: "supplier_name", Aliases: []string{"supplier"}, Required: true},
		{Name: "licensee", Aliases: []string{"licensee_certificate_holder", "brand"}, Required: true},
		{Name: "model_number", Aliases: []string{"model"}, Required: true},
		{Name: "serial_number", Aliases: []string{"serial"}, Required: true},
		{Name: "uploaded_at", Aliases: []string{"upload_date"}, Date: true},
		{Name: "status"},
		{Name: "reason", Aliases: []string{"invalid_reason"}},
	},
	InverterLedger: {
		{Name: "manufacturer", Aliases: []string{"brand"}, Required: true},
		{Name: "model_number", Aliases: []string{"model"}, Required: true},
		{Name: "series"},
		{Name: "serial_number", Aliases: []string{"serial"}, Required: true},
		{Name: "status"},
		{Name: "reason"},
		{Name: "uploaded_at", Aliases: []string{"upload_date"}, Date: true},
	},
	CECModules: {
		{Name: "licensee", Aliases: []string{"licensee_certificate_holder", "brand"}, Required: true},
		{Name: "model_number", Aliases: []string{"model"}, Required: true},
		{Name: "rated_power_w", Aliases: []string{"power_w", "pmax_w"}},
		{Name: "approved_on", Aliases: []string{"approval_date", "cec_approved_date"}, Required: true, Date: true},
		{Name: "expires_on", Aliases: []string{"expiry_date", "certificate_expiry_date"}, Required: true, Date: true},
	},
	CECInverters: {
		{Name: "manufacturer", Required: true},
		{Name: "series"},
		{Name: "model_number", Aliases: []string{"model"}, Required: true},
		{Name: "ac_power_kw"},
		{Name: "approved_on", Aliases: []string{"approval_date"}, Required: true, Date: true},
		{Name: "expires_on", Aliases: []string{"expiry_date"}, Required: true, Date: true},
	},
	Suppliers: {
		{Name: "supplier_name", Required: true},
		{Name: "abn"},
		{Name: "product", Required: true},
		{Name: "brand", Aliases: []string{"licensee", "manufacturer"}, Required: true},
		{Name: "authorised_from", Required: true, Date: true},
		{Name: "authorised_to", Date: true},
	},
	Claims: {
		{Name: "claim_id", Required: true},
		{Name: "submitted_on", Required: true, Date: true},
		{Name: "installed_on", Aliases: []string{"installation_date"}, Required: true, Date: true},
		{Name: "postcode", Required: true},
		{Name: "rated_output_kw", Required: true},
		{Name: "panel_count", Aliases: []string{"number_of_panels"}, Required: true},
		{Name: "panel_brand", Aliases: []string{"panel_licensee"}, Required: true},
		{Name: "panel_model", Required: true},
		{Name: "inverter_manufacturer", Required: true},
		{Name: "inverter_series"},
		{Name: "inverter_model", Required: true},
		{Name: "deeming_years", Aliases: []string{"deeming_period"}, Required: true},
		{Name: "stcs_claimed", Required: true},
		{Name: "installer_id"},
		{Name: "panel_serials", Required: true},
		{Name: "inverter_serials", Required: true},
	},
}

// KindOf returns the kind a file name starts with, in any case
// (Claims_March.csv is a claims file).
func KindOf(name string) (Kind, bool) {
	name = strings.ToLower(name)
	for _, k := range Kinds {
		if strings.HasPrefix(name, string(k)) {
			return k, true
		}
	}
	return "", false
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

// NormalizeHeader lower-cases a header name, turns every run of characters
// other than a-z and 0-9 into '_' and drops leading and trailing '_', so
// "Licensee/Certificate Holder" becomes "licensee_certificate_holder".
func NormalizeHeader(h string) string {
	return strings.Trim(nonAlnum.ReplaceAllString(strings.ToLower(h), "_"), "_")
}

// Layout is a file's header resolved against its kind: for each column of the
// kind, the position (0-based) of the header cell that holds it, or -1.
type Layout struct {
	Kind    Kind
	Header  []string // as written in the file
	Columns []Column
	Pos     []int
}

// Present reports whether the file has column name.
func (l Layout) Present(name string) bool {
	for i, c := range l.Columns {
		if c.Name == name {
			return l.Pos[i] >= 0
		}
	}
	return false
}

// HeaderError is a problem with a file's header: it rejects the whole file.
type HeaderError struct {
	Col int // 1-based; 0 when the problem is a column that is missing
	Msg string
}

func (e *HeaderError) Error() string { return e.Msg }

// ResolveHeader matches a file's header cells to the kind's columns by their
// normalised names and aliases. Extra columns are ignored; a missing required
// column or a column named twice is an error.
func ResolveHeader(kind Kind, header []string) (Layout, error) {
	cols := Columns[kind]
	l := Layout{Kind: kind, Header: header, Columns: cols, Pos: make([]int, len(cols))}
	byName := map[string]int{}
	for i, c := range cols {
		l.Pos[i] = -1
		byName[c.Name] = i
		for _, a := range c.Aliases {
			byName[a] = i
		}
	}
	for pos, h := range header {
		i, ok := byName[NormalizeHeader(h)]
		if !ok {
			continue
		}
		if prev := l.Pos[i]; prev >= 0 {
			return l, &HeaderError{Col: pos + 1, Msg: fmt.Sprintf("column %q (column %d) and %q (column %d) both mean %s",
				header[prev], prev+1, h, pos+1, cols[i].Name)}
		}
		l.Pos[i] = pos
	}
	var missing []string
	for i, c := range cols {
		if c.Required && l.Pos[i] < 0 {
			missing = append(missing, describe(c))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return l, &HeaderError{Msg: "missing required column " + strings.Join(missing, ", ")}
	}
	return l, nil
}

func describe(c Column) string {
	if len(c.Aliases) == 0 {
		return c.Name
	}
	return fmt.Sprintf("%s (or %s)", c.Name, strings.Join(c.Aliases, ", "))
}

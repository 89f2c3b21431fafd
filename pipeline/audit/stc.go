package audit

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/marcboeker/go-duckdb"

	"stcrecon/configs"
	"stcrecon/pipeline/store"
)

// STCCalc is the STC arithmetic of data contract §2 for one system, step by step.
type STCCalc struct {
	Postcode       string
	KW             string
	Installed      time.Time
	Zone           int    // 0: the postcode is in no zone range
	Rating         string // MWh per kW per year
	InstallYear    int
	MaxYears       int
	AllowedYears   []int
	RequestedYears int // 0: none asked for
	YearsAllowed   bool
	YearsUsed      int
	MWh            string // kW × rating × years, exact
	STCs           int
}

var kwRE = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,3})?$`)

// ComputeSTC works out the STCs for a system with the same SQL the audit runs
// (sql/audit/stc.sql), on an in-memory DuckDB. years 0 means the maximum.
func ComputeSTC(ctx context.Context, cfg *configs.Config, postcode, kw string, installed time.Time, years int) (*STCCalc, error) {
	if len(postcode) == 3 {
		postcode = "0" + postcode
	}
	if !regexp.MustCompile(`^[0-9]{4}$`).MatchString(postcode) {
		return nil, fmt.Errorf("postcode %q: must be 4 digits", postcode)
	}
	if !kwRE.MatchString(kw) {
		return nil, fmt.Errorf("kW %q: must be a number with at most 3 decimals", kw)
	}
	st, err := store.Open(ctx, "", "")
	if err != nil {
		return nil, err
	}
	defer st.Close()
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := LoadConfigTables(ctx, conn, cfg); err != nil {
		return nil, err
	}
	var req any
	if years > 0 {
		req = years
	}
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE stc_input AS
		SELECT 'calc' AS key, ?::VARCHAR AS postcode, ?::DECIMAL(12, 3) AS rated_output_kw, ?::DATE AS installed_on, ?::INTEGER AS deeming_years`,
		postcode, kw, installed.Format(time.DateOnly), req); err != nil {
		return nil, err
	}
	if err := store.ExecFile(ctx, conn, "audit/stc.sql"); err != nil {
		return nil, err
	}
	c := &STCCalc{Postcode: postcode, KW: kw, Installed: installed, RequestedYears: years}
	var zone, stcs *int
	var rating, mwh *string
	var allowed duckdb.Composite[[]int]
	if err := conn.QueryRowContext(ctx, `SELECT zone, rating::VARCHAR, install_year, max_years, allowed_years,
			deeming_allowed, years_used, mwh_exact::VARCHAR, stcs_computed FROM stc_result`).
		Scan(&zone, &rating, &c.InstallYear, &c.MaxYears, &allowed, &c.YearsAllowed, &c.YearsUsed, &mwh, &stcs); err != nil {
		return nil, err
	}
	c.AllowedYears = allowed.Get()
	if zone != nil {
		c.Zone, c.Rating, c.MWh, c.STCs = *zone, *rating, strings.TrimRight(strings.TrimRight(*mwh, "0"), "."), *stcs
	}
	return c, nil
}

package reports

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"stcrecon/pipeline/names"
	queries "stcrecon/sql"
)

// complianceTables are the tables of the regulator's period report (data
// contract §6), in the order of the workbook's sheets (summary is the Summary
// sheet); each is one
// sql/reports/<name>.sql file. period: the query takes the period's dates.
var complianceTables = []struct {
	name   string
	period bool
	about  string
}{
	{"summary", true, "the period's totals"},
	{"by_rule", false, "findings by rule, every rule"},
	{"by_month", true, "verdicts, STCs, coverage by month"},
	{"by_state", false, "verdicts and STCs by state"},
	{"by_brand", false, "verdicts and STCs by panel brand"},
	{"by_supplier", false, "verdicts and STCs by supplier"},
	{"coverage", false, "ledger coverage by brand, supplier"},
	{"coverage_by_month", false, "ledger coverage by month"},
}

// ComplianceFiles are the paths WriteCompliance wrote.
type ComplianceFiles struct {
	Dir    string
	XLSX   string
	CSV    []string // summary.csv, by_rule.csv, ... in complianceTables order
	Claims int64    // claims of the period with a verdict
}

// WriteCompliance writes the compliance report of the claims submitted from
// from to to (both days included) into dir: compliance.xlsx (a summary sheet
// with charts, then a sheet per table) and each table as CSV. Each claim
// counts with its current verdict (claim_results_current). now is the time
// the report names as its creation.
func WriteCompliance(ctx context.Context, db *sql.DB, keys *names.Keyer, from, to, now time.Time, dir string) (*ComplianceFiles, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("compliance report: the period ends (%s) before it starts (%s)", to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	conn, err := reportConn(ctx, db, keys)
	if err != nil {
		return nil, fmt.Errorf("compliance report: %w", err)
	}
	defer conn.Close()
	f0, t0 := from.Format(time.DateOnly), to.Format(time.DateOnly)
	if err := execReportFile(ctx, conn, "scope_period.sql", f0, t0); err != nil {
		return nil, fmt.Errorf("compliance report: %w", err)
	}
	for _, file := range []string{"matches.sql", "panel_suppliers.sql", "compliance_claims.sql", "brand_names.sql"} {
		if err := execReportFile(ctx, conn, file); err != nil {
			return nil, fmt.Errorf("compliance report: %w", err)
		}
	}
	if err := loadRules(ctx, conn); err != nil {
		return nil, fmt.Errorf("compliance report: %w", err)
	}
	tables := map[string]*Table{}
	defer func() {
		for _, t := range tables {
			t.Release()
		}
	}()
	for _, ct := range complianceTables {
		var args []any
		if ct.period {
			args = []any{f0, t0}
		}
		t, err := queryTable(ctx, conn, ct.name, ct.name+".sql", args...)
		if err != nil {
			return nil, fmt.Errorf("compliance report: %w", err)
		}
		tables[ct.name] = t
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("compliance report: %w", err)
	}
	out := &ComplianceFiles{Dir: dir, XLSX: filepath.Join(dir, "compliance.xlsx")}
	for _, ct := range complianceTables {
		p := filepath.Join(dir, ct.name+".csv")
		if err := writeTableCSV(p, tables[ct.name]); err != nil {
			return nil, fmt.Errorf("compliance report %s: %w", filepath.Base(p), err)
		}
		out.CSV = append(out.CSV, p)
	}
	if claims, err := tables["summary"].Column("claims"); err == nil && len(claims) == 1 {
		out.Claims, _ = claims[0].(int64)
	}
	if err := writeComplianceXLSX(tables, from, to, now, out.XLSX); err != nil {
		return nil, fmt.Errorf("compliance report compliance.xlsx: %w", err)
	}
	return out, nil
}

// loadRules puts every rule of sql/checks with its severity into the temp
// table report_rules, so tables by rule list the rules that found nothing.
func loadRules(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE report_rules (rule VARCHAR, severity VARCHAR)`); err != nil {
		return err
	}
	for _, r := range queries.Checks() {
		if _, err := conn.ExecContext(ctx, `INSERT INTO report_rules VALUES (?, ?)`, r, queries.Severity(r)); err != nil {
			return err
		}
	}
	return nil
}

// writeTableCSV writes a report table as CSV, through the shared writer.
func writeTableCSV(path string, t *Table) error {
	return WriteFileAtomic(path, func(f *os.File) error {
		w := newCSVWriter(f)
		if err := w.Write(t.Header()); err != nil {
			return err
		}
		cells := make([]string, t.Schema.NumFields())
		if err := t.Each(func(row []any) error {
			for i, v := range row {
				cells[i] = text(v)
			}
			return w.Write(cells)
		}); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		return f.Chmod(0o644)
	})
}

func writeComplianceXLSX(tables map[string]*Table, from, to, now time.Time, path string) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	const sh = "Summary"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return err
	}
	// The workbook opens on the summary; set while it is the only sheet (see
	// startAuditXLSX: later, excelize would read every streamed sheet back).
	f.SetActiveSheet(0)
	for _, ct := range complianceTables {
		if ct.name == "summary" {
			continue // the Summary sheet shows it (sheet names ignore case)
		}
		if err := writeTableSheet(f, st, ct.name, tables[ct.name]); err != nil {
			return fmt.Errorf("sheet %s: %w", ct.name, err)
		}
	}
	sum := map[string]any{}
	s := tables["summary"]
	if err := s.Each(func(row []any) error {
		for i, h := range s.Header() {
			sum[h] = row[i]
		}
		return nil
	}); err != nil {
		return err
	}
	set := func(cell string, v any, style int) error {
		if style == 0 {
			return setTyped(f, st, sh, cell, v)
		}
		if err := f.SetCellValue(sh, cell, v); err != nil {
			return err
		}
		return f.SetCellStyle(sh, cell, cell, style)
	}
	share := func(k string) any {
		c, _ := sum["claims"].(int64)
		n, _ := sum[k].(int64)
		if c == 0 {
			return 0.0
		}
		return float64(n) / float64(c)
	}
	type kv struct {
		cell  string
		v     any
		style int
	}
	cells := []kv{
		{"A1", fmt.Sprintf("Compliance report: claims submitted %s to %s", from.Format(time.DateOnly), to.Format(time.DateOnly)), st.title},
		{"A3", "Period from", st.bold}, {"B3", date(from), 0},
		{"A4", "Period to", st.bold}, {"B4", date(to), 0},
		{"A5", "Generated (UTC)", st.bold}, {"B5", now.UTC(), st.datetime},
		{"A6", "stcrecon version", st.bold}, {"B6", Version, 0},
		{"A8", "Figure", st.header}, {"B8", "Value", st.header}, {"C8", "Share", st.header},
		{"A9", "claims with a verdict", st.bold}, {"B9", sum["claims"], 0},
		{"A10", "pass", 0}, {"B10", sum["pass"], 0}, {"C10", share("pass"), st.percent},
		{"A11", "review", 0}, {"B11", sum["review"], 0}, {"C11", share("review"), st.percent},
		{"A12", "fail", 0}, {"B12", sum["fail"], 0}, {"C12", share("fail"), st.percent},
		{"A13", "STCs claimed", st.bold}, {"B13", sum["stcs_claimed"], 0},
		{"A14", "STCs computed", st.bold}, {"B14", sum["stcs_computed"], 0},
		{"A15", "STCs at risk", st.bold}, {"B15", sum["stcs_at_risk"], 0},
		{"A16", "findings", st.bold}, {"B16", sum["findings"], 0},
		{"A17", "panel serials claimed", st.bold}, {"B17", sum["claimed_serials"], 0},
		{"A18", "found in the ledger", st.bold}, {"B18", sum["found_in_ledger"], 0}, {"C18", sum["share"], st.percent},
		{"A19", "claims not audited yet", st.bold}, {"B19", sum["claims_not_audited"], 0},
		{"A21", "Sheet", st.header}, {"B21", "What it holds", st.header},
	}
	for i, ct := range complianceTables[1:] {
		r := strconv.Itoa(22 + i)
		cells = append(cells, kv{"A" + r, ct.name, 0}, kv{"B" + r, ct.about, 0})
	}
	for _, c := range cells {
		if err := set(c.cell, c.v, c.style); err != nil {
			return err
		}
	}
	for col, w := range map[string]float64{"A": 24, "B": 34, "C": 9, "D": 3} {
		if err := f.SetColWidth(sh, col, col, w); err != nil {
			return err
		}
	}
	if err := complianceCharts(f, int(tables["by_rule"].NumRows()), int(tables["by_month"].NumRows())); err != nil {
		return err
	}
	if err := onePage(f, sh); err != nil {
		return err
	}
	stamp := now.UTC().Format("2006-01-02T15:04:05Z")
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator: "stcrecon " + Version, LastModifiedBy: "stcrecon " + Version,
		Title:   fmt.Sprintf("Compliance report %s to %s", from.Format(time.DateOnly), to.Format(time.DateOnly)),
		Created: stamp, Modified: stamp,
	}); err != nil {
		return err
	}
	return WriteFileAtomic(path, func(out *os.File) error {
		if _, err := f.WriteTo(out); err != nil {
			return err
		}
		return out.Chmod(0o644)
	})
}

// complianceCharts: verdicts (doughnut), findings by rule (bars, most first),
// claims by month stacked by verdict, and ledger coverage by month (line),
// in a two-by-two grid right of the figures.
func complianceCharts(f *excelize.File, rules, months int) error {
	yes, no := true, false
	zero, one := 0.0, 1.0
	solid := func(c string) excelize.Fill { return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c}} }
	title := func(s string) excelize.ChartTitle {
		return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: s}}}
	}
	black := excelize.Font{Size: 9, Color: "#000000"}
	// Rows are 20 px (onePage fixes their height) and columns E.. 64 px:
	// the left charts are 600 px wide (E..N), the right ones start at P.
	size := excelize.ChartDimension{Width: 600, Height: 300}
	charts := []struct {
		cell  string
		chart *excelize.Chart
	}{
		{"E2", &excelize.Chart{
			Type: excelize.Doughnut, HoleSize: 45, Title: title("Claims by verdict"),
			Series: []excelize.ChartSeries{{Name: "Summary!$B$8", Categories: "Summary!$A$10:$A$12", Values: "Summary!$B$10:$B$12",
				DataPoint: []excelize.ChartDataPoint{{Index: 0, Fill: solid("#2E7D32")}, {Index: 1, Fill: solid("#F2A900")}, {Index: 2, Fill: solid("#C62828")}},
				DataLabel: excelize.ChartDataLabel{Font: excelize.Font{Bold: true, Size: 10}}}},
			VaryColors: &yes, Legend: excelize.ChartLegend{Position: "right"},
			PlotArea:  excelize.ChartPlotArea{ShowVal: true, ShowPercent: true, ShowLeaderLines: true},
			Dimension: size,
		}},
		{"P2", &excelize.Chart{
			Type: excelize.Bar, Title: title("Findings by rule"),
			Series: []excelize.ChartSeries{{Name: "by_rule!$C$1",
				Categories: fmt.Sprintf("by_rule!$A$2:$A$%d", rules+1), Values: fmt.Sprintf("by_rule!$C$2:$C$%d", rules+1),
				Fill: solid("#2F5597")}},
			VaryColors: &no, Legend: excelize.ChartLegend{Position: "none"},
			PlotArea:  excelize.ChartPlotArea{ShowVal: true},
			XAxis:     excelize.ChartAxis{ReverseOrder: true, Font: black, Title: title("Rule")},
			YAxis:     excelize.ChartAxis{MajorGridLines: true, Font: black, Title: title("Findings")},
			Dimension: excelize.ChartDimension{Width: 620, Height: 460},
		}},
		{"E20", &excelize.Chart{
			Type: excelize.ColStacked, Title: title("Claims by month of submission"),
			Series: []excelize.ChartSeries{
				{Name: "by_month!$C$1", Categories: fmt.Sprintf("by_month!$A$2:$A$%d", months+1), Values: fmt.Sprintf("by_month!$C$2:$C$%d", months+1), Fill: solid("#2E7D32")},
				{Name: "by_month!$D$1", Categories: fmt.Sprintf("by_month!$A$2:$A$%d", months+1), Values: fmt.Sprintf("by_month!$D$2:$D$%d", months+1), Fill: solid("#F2A900")},
				{Name: "by_month!$E$1", Categories: fmt.Sprintf("by_month!$A$2:$A$%d", months+1), Values: fmt.Sprintf("by_month!$E$2:$E$%d", months+1), Fill: solid("#C62828")},
			},
			Legend:    excelize.ChartLegend{Position: "bottom"},
			XAxis:     excelize.ChartAxis{Font: black, Title: title("Month submitted"), Alignment: excelize.Alignment{TextRotation: -90}},
			YAxis:     excelize.ChartAxis{MajorGridLines: true, Font: black, Title: title("Claims")},
			Dimension: excelize.ChartDimension{Width: 600, Height: 360},
		}},
		{"P31", &excelize.Chart{
			Type: excelize.Line, Title: title("Share of claimed panel serials found in the ledger"),
			Series: []excelize.ChartSeries{{Name: "by_month!$K$1", Categories: fmt.Sprintf("by_month!$A$2:$A$%d", months+1),
				Values: fmt.Sprintf("by_month!$K$2:$K$%d", months+1), Line: excelize.LineOptions{Width: 2.25},
				Marker: excelize.ChartMarker{Symbol: "circle", Size: 6}}},
			Legend: excelize.ChartLegend{Position: "none"},
			XAxis: excelize.ChartAxis{Font: black, Title: title("Month submitted"),
				Alignment: excelize.Alignment{TextRotation: -45}},
			YAxis: excelize.ChartAxis{MajorGridLines: true, Font: black, Title: title("Found in ledger"),
				Minimum: &zero, Maximum: &one, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
			Dimension: excelize.ChartDimension{Width: 620, Height: 320},
		}},
	}
	for _, c := range charts {
		if err := f.AddChart("Summary", c.cell, c.chart); err != nil {
			return err
		}
	}
	return nil
}

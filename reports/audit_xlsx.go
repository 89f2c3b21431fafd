package reports

import (
	"context"
	"database/sql"
	"os"
	"strconv"

	"github.com/xuri/excelize/v2"

	"stcrecon/pipeline/audit"
)

// writeAuditXLSX writes the workbook for people: a summary sheet with charts,
// then the three tables, each streamed.
func writeAuditXLSX(ctx context.Context, db *sql.DB, run *audit.Run, tables []table, path string) error {
	f := excelize.NewFile()
	defer f.Close()
	const summary = "Summary"
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	rows := [][]any{
		{"stcrecon audit run", run.ID},
		{"scope", run.Scope},
		{"started (UTC)", run.StartedAt.Format("2006-01-02 15:04:05")},
		{"finished (UTC)", run.FinishedAt.Format("2006-01-02 15:04:05")},
		{},
		{"claims audited", run.Claims},
		{"status", "claims"},
		{"pass", run.Passed},
		{"review", run.Review},
		{"fail", run.Failed},
		{},
		{"STCs claimed", run.StcsClaimed},
		{"STCs at risk", run.StcsAtRisk},
		{},
		{"rule", "findings"},
	}
	for _, r := range run.Rules() {
		rows = append(rows, []any{r, run.ByRule[r]})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(summary, cell, &r); err != nil {
			return err
		}
	}
	for _, c := range []string{"A1", "A7", "B7", "A15", "B15"} {
		if err := f.SetCellStyle(summary, c, c, bold); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(summary, "A", "A", 30); err != nil {
		return err
	}
	if err := f.AddChart(summary, "D2", &excelize.Chart{
		Type:   excelize.Pie,
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Claims by status"}}},
		Series: []excelize.ChartSeries{{Name: "Summary!$B$7", Categories: "Summary!$A$8:$A$10", Values: "Summary!$B$8:$B$10"}},
	}); err != nil {
		return err
	}
	if n := len(run.ByRule); n > 0 {
		last := strconv.Itoa(15 + n)
		if err := f.AddChart(summary, "D20", &excelize.Chart{
			Type:   excelize.Bar,
			Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Findings by rule"}}},
			Series: []excelize.ChartSeries{{Name: "Summary!$B$15", Categories: "Summary!$A$16:$A$" + last, Values: "Summary!$B$16:$B$" + last}},
			Legend: excelize.ChartLegend{Position: "none"},
		}); err != nil {
			return err
		}
	}
	for _, t := range tables {
		if err := streamSheet(ctx, db, f, t); err != nil {
			return err
		}
	}
	return writeAtomic(path, func(out *os.File) error {
		_, err := f.WriteTo(out)
		return err
	})
}

// streamSheet writes one table to its own sheet with excelize's StreamWriter.
// A table too long for a sheet stops at the limit, and the sheet says so.
func streamSheet(ctx context.Context, db *sql.DB, f *excelize.File, t table) error {
	if _, err := f.NewSheet(t.sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(t.sheet)
	if err != nil {
		return err
	}
	head := make([]any, len(t.header))
	for i, h := range t.header {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	row := 1
	vals := make([]any, len(t.header))
	err = eachRow(ctx, db, t, func(cells []string) error {
		row++
		if row == xlsxMaxRows {
			cell, _ := excelize.CoordinatesToCellName(1, row)
			return sw.SetRow(cell, []any{"more rows than a sheet holds: see " + t.file})
		}
		if row > xlsxMaxRows {
			return nil
		}
		for i, c := range cells {
			if n, err := strconv.ParseInt(c, 10, 64); err == nil && t.numbersFrom > 0 && i >= t.numbersFrom {
				vals[i] = n
			} else {
				vals[i] = c
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(cell, vals)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

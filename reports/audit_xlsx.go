package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/marcboeker/go-duckdb"
	"github.com/xuri/excelize/v2"

	"stcrecon/pipeline/audit"
	"stcrecon/pipeline/names"
	"stcrecon/pipeline/store"
	queries "stcrecon/sql"
)

// Version is the stcrecon version workbooks name as their creator; main may
// set it, else it comes from the build.
var Version = buildVersion()

func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// reportConn pins one connection of db, loads the keys names are compared by
// (the audit's own audit.LoadNameKeys under keys: the configuration's brand
// aliases and model suffixes, into temp tables) and creates the report helpers
// (sql/reports/setup.sql) on it; the temp tables of a report live there.
func reportConn(ctx context.Context, db *sql.DB, keys *names.Keyer) (*sql.Conn, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := audit.LoadNameKeys(ctx, conn, keys); err != nil {
		conn.Close()
		return nil, err
	}
	if err := execReportFile(ctx, conn, "setup.sql"); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// execReportFile runs every statement of sql/reports/<name>; args go to the
// statements that take parameters.
func execReportFile(ctx context.Context, conn *sql.Conn, name string, args ...any) error {
	return store.ExecFile(ctx, conn, "reports/"+name, args...)
}

// reportStep is one SQL file of a report and its arguments.
type reportStep struct {
	file string
	args []any
}

// execReportSteps runs steps in order.
func execReportSteps(ctx context.Context, conn *sql.Conn, steps []reportStep) error {
	for _, step := range steps {
		if err := execReportFile(ctx, conn, step.file, step.args...); err != nil {
			return err
		}
	}
	return nil
}

// auditScope creates, on conn, report_scope (the claims run audited),
// report_claims (their claim rows) and the report helpers
// (sql/reports/setup.sql), and returns the steps that put each claim down to
// a supplier (report_claim_supplier) and name the brands, which only the
// summary needs: the long sheets' tables (auditSheets, made by
// startAuditXLSX) do not wait for them. On the connection the run's
// transaction is open on (audit.Publish) the run's own claim rows, name keys
// and matches are still there, and the claim rows and suppliers come from
// them (run_claims.sql, run_matches.sql); on another connection (the files
// of a run recorded earlier) the claim rows are picked out of the claims
// table, the names keyed and the serials matched again
// (scope_run_claims.sql, matches.sql, panel_suppliers.sql), to the same
// result.
func auditScope(ctx context.Context, conn *sql.Conn, run *audit.Run) (summary []reportStep, err error) {
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE temporary AND table_name IN ('audit_claims', 'panel_matches', 'name_keys')`).Scan(&n); err != nil {
		return nil, fmt.Errorf("the run's matches: %w", err)
	}
	claims := reportStep{"run_claims.sql", nil}
	summary = []reportStep{{"run_matches.sql", nil}}
	if n < 3 {
		claims = reportStep{"scope_run_claims.sql", nil}
		summary = []reportStep{{"matches.sql", nil}, {"panel_suppliers.sql", nil}}
		if _, err := audit.LoadNameKeys(ctx, conn, run.Names); err != nil {
			return nil, err
		}
	}
	summary = append(summary, reportStep{"brand_names.sql", nil})
	if err := execReportSteps(ctx, conn, []reportStep{{"setup.sql", nil}, {"scope_run.sql", []any{run.ID}}, claims}); err != nil {
		return nil, err
	}
	return summary, nil
}

// auditWorkbook is the audit workbook while it is built: a summary sheet
// with charts, then Findings and Claims with the context of each claim, and
// Rejects. The rows of the long sheets are fetched from DuckDB first, then
// encoded into sheet XML by a goroutine each (startAuditXLSX), while the
// connection goes on with the CSV files and the summary's queries; finish
// waits for them and completes the workbook. The caller saves it (saveXLSX)
// and closes it (close, also after a failure).
type auditWorkbook struct {
	f    *excelize.File
	st   *styles
	long []*longSheet
	wg   sync.WaitGroup
	stop atomic.Bool // set when the run fails: the encoders stop early
}

// longSheet is one long sheet: its rows as Arrow records, and the sheet they
// are streamed into.
type longSheet struct {
	name, fullCopy string
	t              *Table
	s              *sheet
	err            error
	csv            *sheetCSV // the CSV file written from the same records, if any
}

// sheetCSV is a CSV file of the run written from a long sheet's records (its
// columns are some of the sheet's, by name, and its rows the same, in the
// same order), by a goroutine of its own, instead of being queried again.
type sheetCSV struct {
	t    table
	path string
	done chan struct{}
	rows int64
	err  error
}

// wait returns the file's data rows once it is written.
func (c *sheetCSV) wait() (int64, error) {
	<-c.done
	return c.rows, c.err
}

// write writes the file from t's records.
func (c *sheetCSV) write(t *Table, stop *atomic.Bool) (err error) {
	defer close(c.done)
	cols := make([]int, len(c.t.header))
	for i, name := range c.t.header {
		idx := t.Schema.FieldIndices(name)
		if len(idx) != 1 {
			return fmt.Errorf("%s: no column %s in %s", c.t.file, name, t.Name)
		}
		cols[i] = idx[0]
	}
	f, err := createFile(c.path)
	if err != nil {
		return err
	}
	defer func() {
		if err == nil {
			err = closeSynced(f)
		} else {
			f.Close()
		}
		c.err = err
	}()
	w := newCSVWriter(f)
	if err := w.Write(c.t.header); err != nil {
		return err
	}
	cells := make([]string, len(cols))
	for _, rec := range t.Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			if stop.Load() {
				return errStopped
			}
			for k, col := range cols {
				v, err := sheetCell(rec.Column(col), i)
				if err != nil {
					return err
				}
				cells[k] = text(v)
			}
			if err := w.Write(cells); err != nil {
				return err
			}
			c.rows++
		}
	}
	return w.Flush()
}

// startAuditXLSX makes the tables of the long sheets (auditSheets) after
// auditScope, fetches each one's rows and starts encoding them into a new
// workbook: one sheet is encoded while the next one's table is made.
// csvs are the CSV files that hold some columns of a long sheet (by its
// name): where the sheet's table has exactly the rows the file must have
// (want, from the run's counts) and all of them fit the sheet, the file is
// written from the records too (sheetCSV); else csvFor finds none and the
// caller queries it. encoding is called before the first goroutine starts
// (WriteAudit then puts DuckDB on one thread).
func startAuditXLSX(ctx context.Context, conn *sql.Conn, csvs []sheetCSVWant, encoding func() error) (*auditWorkbook, error) {
	w := &auditWorkbook{f: excelize.NewFile()}
	var err error
	if w.st, err = newStyles(w.f); err != nil {
		w.close()
		return nil, err
	}
	if err := w.f.SetSheetName("Sheet1", "Summary"); err != nil {
		w.close()
		return nil, err
	}
	// The workbook opens on the summary. Set now, while it is the only
	// sheet: SetActiveSheet reads every sheet, and once a streamed sheet is
	// flushed, excelize would read its whole XML back (then encode it again
	// on saving, and still save the streamed XML).
	w.f.SetActiveSheet(0)
	// Every part of the file shared by the sheets is made before an encoder
	// starts; each encoder then touches only its own sheet's stream writer,
	// and the rest of the file is changed only once they are done (finish).
	for _, spec := range auditSheets {
		s, err := openSheet(w.f, w.st, spec.sheet)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("%s sheet: %w", spec.sheet, err)
		}
		w.long = append(w.long, &longSheet{name: spec.sheet, fullCopy: spec.fullCopy, s: s})
	}
	// The last sheet's table first: Claims has a row per claim and the most
	// columns, so its encoder runs longest, and finish waits for it.
	for i := len(auditSheets) - 1; i >= 0; i-- {
		spec, ls := auditSheets[i], w.long[i]
		if err := execReportFile(ctx, conn, spec.file); err != nil {
			w.close()
			return nil, fmt.Errorf("%s sheet: %w", spec.sheet, err)
		}
		widths, err := measure(ctx, conn, spec.table)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("%s sheet: %s: %w", spec.sheet, spec.table, err)
		}
		// A sheet holds at most sheetRowLimit rows: the rest are never shown.
		if ls.t, err = queryArrow(ctx, conn, spec.table, "SELECT * FROM "+spec.table+" LIMIT ?", sheetRowLimit); err != nil {
			w.close()
			return nil, fmt.Errorf("%s sheet: %w", spec.sheet, err)
		}
		if err := encoding(); err != nil {
			w.close()
			return nil, err
		}
		numeric := make([]bool, ls.t.Schema.NumFields())
		for i, fd := range ls.t.Schema.Fields() {
			numeric[i] = arrow.IsInteger(fd.Type.ID()) || arrow.IsFloating(fd.Type.ID()) || arrow.IsDecimal(fd.Type.ID())
		}
		for _, c := range csvs {
			if n := ls.t.NumRows(); c.t.sheet == ls.name && n == c.want && n < int64(sheetRowLimit) {
				ls.csv = &sheetCSV{t: c.t, path: c.path, done: make(chan struct{})}
				w.wg.Add(1)
				go func() {
					defer w.wg.Done()
					ls.csv.write(ls.t, &w.stop)
				}()
			}
		}
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			if ls.err = ls.s.begin(ls.t.Header(), widths, numeric, true); ls.err == nil {
				ls.err = ls.encode(&w.stop)
			}
		}()
	}
	return w, nil
}

// sheetCSVWant is a CSV file that a long sheet's records may give: t, written
// to path, with want data rows.
type sheetCSVWant struct {
	t    table
	path string
	want int64
}

// csvFor is the CSV file of that name being written from a long sheet's
// records, or nil.
func (w *auditWorkbook) csvFor(file string) *sheetCSV {
	for _, ls := range w.long {
		if ls.csv != nil && ls.csv.t.file == file {
			return ls.csv
		}
	}
	return nil
}

// errStopped ends an encoder whose run has failed.
var errStopped = errors.New("stopped")

// encode streams the sheet's rows in order.
func (ls *longSheet) encode(stop *atomic.Bool) error {
	row := make([]any, ls.t.Schema.NumFields())
	for _, rec := range ls.t.Records {
		cols := rec.Columns()
		for i := 0; i < int(rec.NumRows()); i++ {
			if stop.Load() {
				return errStopped
			}
			for c, col := range cols {
				v, err := sheetCell(col, i)
				if err != nil {
					return fmt.Errorf("%s.%s: %w", ls.t.Name, ls.t.Schema.Field(c).Name, err)
				}
				row[c] = v
			}
			if err := ls.s.add(row, ls.fullCopy); err != nil {
				return err
			}
		}
	}
	return nil
}

// sheetCell is cellOf for a long sheet: text is not copied (the stream
// writer copies it into the sheet at once, while the records are held), and
// a DECIMAL becomes the float64 database/sql's duckdb.Decimal gives, exactly
// (Arrow's own conversion multiplies by 10^-scale, which can be one unit in
// the last place off).
func sheetCell(col arrow.Array, i int) (any, error) {
	switch a := col.(type) {
	case *array.String:
		if a.IsNull(i) {
			return nil, nil
		}
		return a.Value(i), nil
	case *array.Decimal128:
		if a.IsNull(i) {
			return nil, nil
		}
		n := a.Value(i)
		d := duckdb.Decimal{Scale: uint8(a.DataType().(*arrow.Decimal128Type).Scale), Value: n.BigInt()}
		return d.Float64(), nil
	}
	return cellOf(col, i)
}

// auditSummaryData is what the Summary sheet shows beyond the run itself,
// read on the connection while the long sheets are encoded.
func auditSummaryData(ctx context.Context, conn *sql.Conn, run *audit.Run, sum *auditSummary) error {
	var err error
	if sum.triage, err = triageCounts(ctx, conn, run.ID); err != nil {
		return err
	}
	for _, t := range []struct {
		name string
		dst  **Table
	}{{"top_brands", &sum.brands}, {"top_suppliers", &sum.suppliers}, {"top_installers", &sum.installers}} {
		tb, err := queryTable(ctx, conn, t.name, t.name+".sql")
		if err != nil {
			return err
		}
		*t.dst = tb
	}
	return nil
}

// finish waits for the long sheets, then writes the Rejects sheet (rejects:
// the rows of rejects.csv), the Summary sheet and the document properties.
func (w *auditWorkbook) finish(run *audit.Run, rejects table, rejectRows [][]string, sum *auditSummary) (*excelize.File, error) {
	w.wg.Wait()
	for _, ls := range w.long {
		if ls.err != nil {
			return nil, fmt.Errorf("%s sheet: %w", ls.name, ls.err)
		}
		if err := ls.s.close(); err != nil {
			return nil, fmt.Errorf("%s sheet: %w", ls.name, err)
		}
		ls.t.Release()
		ls.t = nil
	}
	f, st := w.f, w.st
	var err error
	if sum.rowsRejected, sum.filesRejected, err = rejectsSheet(f, st, rejects, rejectRows); err != nil {
		return nil, fmt.Errorf("Rejects sheet: %w", err)
	}
	sum.run = run
	if err := sum.write(f, st); err != nil {
		return nil, fmt.Errorf("Summary sheet: %w", err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator: "stcrecon " + Version, LastModifiedBy: "stcrecon " + Version,
		Title:   fmt.Sprintf("stcrecon audit run %d", run.ID),
		Created: run.FinishedAt.UTC().Format("2006-01-02T15:04:05Z"), Modified: run.FinishedAt.UTC().Format("2006-01-02T15:04:05Z"),
	}); err != nil {
		return nil, err
	}
	if err := f.SetAppProps(&excelize.AppProperties{Application: "stcrecon " + Version}); err != nil {
		return nil, err
	}
	return f, nil
}

// close stops and waits for the encoders, and frees the records and the
// workbook (its temporary files).
func (w *auditWorkbook) close() {
	w.stop.Store(true)
	w.wg.Wait()
	for _, ls := range w.long {
		if ls.t != nil {
			ls.t.Release()
		}
	}
	w.f.Close()
}

// xlsxDeflateLevel is how hard the workbook's parts are compressed. Measured
// on the 66 MB of sheet XML of a 50,000-claim run: level 2 takes about a
// quarter of the time of the default level (6), for a file about a fifth
// larger (8.1 instead of 6.7 MB).
const xlsxDeflateLevel = 2

// saveXLSX writes f into a new file at path, its parts deflated on every core
// (parallelZip).
func saveXLSX(f *excelize.File, path string) error {
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return newParallelZip(w, xlsxDeflateLevel) })
	out, err := createFile(path)
	if err != nil {
		return err
	}
	if _, err := f.WriteTo(out); err != nil {
		out.Close()
		return err
	}
	return closeSynced(out)
}

// auditSheets are the long sheets of the audit workbook, each with the temp
// table auditScope makes from sql/reports/<file>, which the sheet and its
// Parquet file (writeAuditParquet) read.
var auditSheets = []struct{ sheet, file, table, parquet, fullCopy string }{
	{"Findings", "audit_findings.sql", "report_audit_findings", "findings.parquet", "findings.csv / findings.parquet"},
	{"Claims", "audit_claims.sql", "report_audit_claims", "claims.parquet", "claims.csv / claims.parquet"},
}

// measure returns the widest text of each column of table.
func measure(ctx context.Context, conn *sql.Conn, table string) ([]int, error) {
	rows, err := conn.QueryContext(ctx, "SELECT max(length(COLUMNS(*)::VARCHAR)) FROM "+table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := make([]int, len(cols))
	vals := make([]sql.NullInt64, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			out[i] = int(v.Int64)
		}
	}
	return out, rows.Err()
}

// rejectsSheet writes the Rejects sheet from the rows of rejects.csv (t) and
// counts the rows rejected and the files rejected whole (those have no line).
func rejectsSheet(f *excelize.File, st *styles, t table, cells [][]string) (rowsRejected, filesRejected int64, err error) {
	var all [][]any
	widths := make([]int, len(t.header))
	for _, cells := range cells {
		row := make([]any, len(cells))
		for i, c := range cells {
			row[i] = c
			if i == 1 {
				if n, err := strconv.ParseInt(c, 10, 64); err == nil {
					row[i] = n
				} else {
					row[i] = nil
				}
			}
			if w := width(row[i]); w > widths[i] {
				widths[i] = w
			}
		}
		if row[1] == nil {
			filesRejected++
		} else {
			rowsRejected++
		}
		if len(all) < sheetRowLimit {
			all = append(all, row)
		}
	}
	s, err := newSheet(f, st, t.sheet, t.header, widths, []bool{false, true}, false)
	if err != nil {
		return 0, 0, err
	}
	for _, r := range all {
		if err := s.add(r, t.file); err != nil {
			return 0, 0, err
		}
	}
	return rowsRejected, filesRejected, s.close()
}

// auditSummary is what the Summary sheet shows.
type auditSummary struct {
	run                           *audit.Run
	rowsRejected, filesRejected   int64
	triage                        map[string]int64 // not_in_ledger findings per triage class
	brands, suppliers, installers *Table
}

// release frees the top tens' records.
func (a *auditSummary) release() {
	for _, t := range []*Table{a.brands, a.suppliers, a.installers} {
		if t != nil {
			t.Release()
		}
	}
}

func (a *auditSummary) write(f *excelize.File, st *styles) error {
	const sh = "Summary"
	run := a.run
	set := func(cell string, v any, style int) error {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sh, cell, cell, style)
		}
		return nil
	}
	type kv struct {
		cell  string
		v     any
		style int
	}
	share := func(n int64) float64 {
		if run.Claims == 0 {
			return 0
		}
		return float64(n) / float64(run.Claims)
	}
	// B19: the run's claims whose verdict differs from the one their
	// previous audit gave (audit.Run.VerdictChanged, counted from the run's
	// claim_changes; a claim audited for the first time has none).
	cells := []kv{
		{"A1", fmt.Sprintf("stcrecon audit run %d", run.ID), st.title},
		{"A3", "Run", st.bold}, {"B3", run.ID, 0},
		{"A4", "Scope", st.bold}, {"B4", scopeText(run.Scope), 0},
		{"A5", "Started (UTC)", st.bold}, {"B5", run.StartedAt.UTC(), st.datetime},
		{"A6", "Finished (UTC)", st.bold}, {"B6", run.FinishedAt.UTC(), st.datetime},
		{"A7", "stcrecon version", st.bold}, {"B7", Version, 0},
		{"A9", "Verdict", st.header}, {"B9", "Claims", st.header}, {"C9", "Share", st.header},
		{"A10", "pass", 0}, {"B10", run.Passed, st.integer}, {"C10", share(run.Passed), st.percent},
		{"A11", "review", 0}, {"B11", run.Review, st.integer}, {"C11", share(run.Review), st.percent},
		{"A12", "fail", 0}, {"B12", run.Failed, st.integer}, {"C12", share(run.Failed), st.percent},
		{"A13", "claims audited", st.bold}, {"B13", run.Claims, st.integer},
		{"A15", "STCs claimed", st.bold}, {"B15", run.StcsClaimed, st.integer},
		{"A16", "STCs at risk", st.bold}, {"B16", run.StcsAtRisk, st.integer},
		{"A17", "Rows rejected at ingest", st.bold}, {"B17", a.rowsRejected, st.integer},
		{"A18", "Files rejected whole", st.bold}, {"B18", a.filesRejected, st.integer},
		{"A19", "Verdict changed since last audit", st.bold}, {"B19", run.VerdictChanged, st.integer},
		{"A21", "Rule", st.header}, {"B21", "Severity", st.header}, {"C21", "Findings", st.header},
	}
	for _, c := range cells {
		if err := set(c.cell, c.v, c.style); err != nil {
			return err
		}
	}
	// Every rule of the contract, zeros too, most findings first.
	rules := queries.Checks()
	sort.SliceStable(rules, func(i, j int) bool { return run.ByRule[rules[i]] > run.ByRule[rules[j]] })
	row := 22
	for _, r := range rules {
		for _, c := range []kv{{"A", r, 0}, {"B", queries.Severity(r), 0}, {"C", run.ByRule[r], st.integer}} {
			if err := set(c.cell+strconv.Itoa(row), c.v, c.style); err != nil {
				return err
			}
		}
		row++
	}
	lastRule := row - 1
	if err := set("A"+strconv.Itoa(row), "all rules", st.bold); err != nil {
		return err
	}
	if err := set("C"+strconv.Itoa(row), run.Findings, st.integer); err != nil {
		return err
	}
	// What the serials in no ledger entry most likely are (contract §3).
	row += 2
	if err := set("A"+strconv.Itoa(row), "Serials in no ledger entry, most likely", st.header); err != nil {
		return err
	}
	if err := set("C"+strconv.Itoa(row), "Findings", st.header); err != nil {
		return err
	}
	for i, class := range triageClasses {
		if err := set("A"+strconv.Itoa(row+1+i), class, 0); err != nil {
			return err
		}
		if err := set("C"+strconv.Itoa(row+1+i), a.triage[class], st.integer); err != nil {
			return err
		}
	}
	// The top tens side by side under the charts.
	topRow := 47
	for k, top := range []struct {
		title string
		t     *Table
	}{{"Top panel brands by STCs at risk", a.brands}, {"Top suppliers by STCs at risk", a.suppliers},
		{"Top installers by STCs at risk", a.installers}} {
		col := 1 + 4*k
		at := func(c, r int) string { name, _ := excelize.CoordinatesToCellName(col+c, r); return name }
		row := topRow
		if err := set(at(0, row), top.title, st.bold); err != nil {
			return err
		}
		row++
		for i, h := range []string{top.t.Header()[0], "Failed claims", "STCs at risk"} {
			if err := set(at(i, row), h, st.header); err != nil {
				return err
			}
		}
		row++
		if top.t.NumRows() == 0 {
			if err := set(at(0, row), "none: no STCs at risk", st.note); err != nil {
				return err
			}
		}
		if err := top.t.Each(func(vals []any) error {
			for i, v := range vals {
				if err := setTyped(f, st, sh, at(i, row), v); err != nil {
					return err
				}
			}
			row++
			return nil
		}); err != nil {
			return err
		}
	}
	for col, w := range map[string]float64{"A": 36, "B": 21, "C": 14, "D": 3,
		"E": 40, "F": 14, "G": 14, "H": 3, "I": 16, "J": 14, "K": 14} {
		if err := f.SetColWidth(sh, col, col, w); err != nil {
			return err
		}
	}
	if err := a.charts(f, lastRule); err != nil {
		return err
	}
	return onePage(f, sh)
}

// onePage sets a summary sheet to print on one landscape page, and fixes its
// rows at 15 pt (20 px) so charts anchored to cells land where they were
// placed in every spreadsheet program.
func onePage(f *excelize.File, sh string) error {
	landscape, a4, one := "landscape", 9, 1
	if err := f.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &one}); err != nil {
		return err
	}
	fit, custom, height := true, true, 15.0
	if err := f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit, DefaultRowHeight: &height, CustomHeight: &custom}); err != nil {
		return err
	}
	for r := 1; r <= 70; r++ {
		if err := f.SetRowHeight(sh, r, height); err != nil {
			return err
		}
	}
	return nil
}

// setTyped sets a cell of a sheet written cell by cell to v, typed and styled
// as styles.cell does for streamed rows.
func setTyped(f *excelize.File, st *styles, sh, cell string, v any) error {
	c, ok := st.cell(v, false).(excelize.Cell)
	if !ok {
		return f.SetCellValue(sh, cell, v)
	}
	if err := f.SetCellValue(sh, cell, c.Value); err != nil {
		return err
	}
	if c.StyleID == 0 {
		return nil
	}
	return f.SetCellStyle(sh, cell, cell, c.StyleID)
}

func scopeText(scope string) string {
	if scope == "all" {
		return "all: every current claim"
	}
	return scope + ": claims not audited before"
}

// charts: the verdicts as a doughnut with values and shares (pass green,
// review amber, fail red) beside the verdict table, and the findings of every
// rule as one-colour bars, most first, beside the rule table.
func (a *auditSummary) charts(f *excelize.File, lastRule int) error {
	yes := true
	solid := func(c string) excelize.Fill {
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c}}
	}
	if err := f.AddChart("Summary", "E3", &excelize.Chart{
		Type:     excelize.Doughnut,
		HoleSize: 45,
		Title:    excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Claims by verdict"}}},
		Series: []excelize.ChartSeries{{
			Name: "Summary!$B$9", Categories: "Summary!$A$10:$A$12", Values: "Summary!$B$10:$B$12",
			DataPoint: []excelize.ChartDataPoint{
				{Index: 0, Fill: solid("#2E7D32")}, {Index: 1, Fill: solid("#F2A900")}, {Index: 2, Fill: solid("#C62828")}},
			DataLabel: excelize.ChartDataLabel{Font: excelize.Font{Bold: true, Size: 10}},
		}},
		VaryColors: &yes,
		Legend:     excelize.ChartLegend{Position: "right"},
		PlotArea:   excelize.ChartPlotArea{ShowVal: true, ShowPercent: true, ShowLeaderLines: true},
		Dimension:  excelize.ChartDimension{Width: 480, Height: 300},
		Format:     excelize.GraphicOptions{OffsetX: 5, OffsetY: 0},
	}); err != nil {
		return err
	}
	last := strconv.Itoa(lastRule)
	no := false
	return f.AddChart("Summary", "E21", &excelize.Chart{
		Type:  excelize.Bar,
		Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Findings by rule"}}},
		Series: []excelize.ChartSeries{{
			Name: "Summary!$C$21", Categories: "Summary!$A$22:$A$" + last, Values: "Summary!$C$22:$C$" + last,
			Fill: solid("#2F5597"),
		}},
		VaryColors: &no,
		Legend:     excelize.ChartLegend{Position: "none"},
		PlotArea:   excelize.ChartPlotArea{ShowVal: true},
		XAxis: excelize.ChartAxis{ReverseOrder: true, Font: excelize.Font{Size: 9, Color: "#000000"},
			Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Rule"}}}},
		YAxis: excelize.ChartAxis{MajorGridLines: true, Font: excelize.Font{Size: 9, Color: "#000000"},
			Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Findings"}}}},
		Dimension: excelize.ChartDimension{Width: 720, Height: 460},
		Format:    excelize.GraphicOptions{OffsetX: 5},
	})
}

// triageClasses are the classes of sql/reports/setup.sql's finding_triage, in
// the order the contract tries them.
var triageClasses = []string{"likely typo", "inside uploaded range", "no similar serial"}

// triageCounts counts the run's not_in_ledger findings per triage class.
func triageCounts(ctx context.Context, conn *sql.Conn, runID int64) (map[string]int64, error) {
	rows, err := conn.QueryContext(ctx, `SELECT finding_triage(rule, detail) AS class, count(*)
		FROM findings WHERE run_id = ? AND finding_triage(rule, detail) IS NOT NULL GROUP BY class`, runID)
	if err != nil {
		return nil, fmt.Errorf("triage counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var class string
		var n int64
		if err := rows.Scan(&class, &n); err != nil {
			return nil, err
		}
		out[class] = n
	}
	return out, rows.Err()
}

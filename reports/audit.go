package reports

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"stcrecon/pipeline/audit"
	"stcrecon/pipeline/store"
)

// xlsxMaxRows is the most rows a sheet holds; larger tables are left to the CSV files.
const xlsxMaxRows = 1_048_576

// table is one output table: its header and the query that yields its rows in order.
type table struct {
	file   string
	sheet  string
	header []string
	query  string
	args   []any
	// numbersFrom is the first column that holds whole numbers (0: none), so the
	// workbook stores them as numbers.
	numbersFrom int
}

func auditTables(run *audit.Run, allRejects bool) []table {
	since := run.PrevFileID
	if allRejects {
		since = 0
	}
	return []table{
		{"findings.csv", "Findings", []string{"claim_id", "component", "serial_number", "rule", "severity", "detail"},
			`SELECT claim_id, component, serial_number, rule, severity, detail
			 FROM findings WHERE run_id = ? ORDER BY claim_id, rule, serial_number`, []any{run.ID}, 0},
		{"claims.csv", "Claims", []string{"claim_id", "status", "errors", "warnings", "stcs_claimed", "stcs_computed", "stcs_at_risk"},
			`SELECT claim_id, status, errors::VARCHAR, warnings::VARCHAR, stcs_claimed::VARCHAR,
				coalesce(stcs_computed::VARCHAR, ''), stcs_at_risk::VARCHAR
			 FROM claim_results WHERE run_id = ? ORDER BY claim_id`, []any{run.ID}, 2},
		{"rejects.csv", "Rejects", []string{"file", "line", "column", "value", "reason"},
			`SELECT f.name, coalesce(r.line::VARCHAR, ''), coalesce(r.column_name, ''), coalesce(r.value, ''), r.reason
			 FROM rejects r JOIN files f USING (file_id)
			 WHERE r.file_id > ? AND r.file_id <= ?
			 ORDER BY r.file_id, r.line NULLS FIRST, r.column_name`, []any{since, run.LastFileID}, 0},
		{"changes.csv", "Changes", []string{"claim_id", "previous_status", "status", "findings_added", "findings_resolved"},
			`SELECT claim_id, previous_status, status, findings_added, findings_resolved
			 FROM claim_changes WHERE run_id = ? ORDER BY claim_id`, []any{run.ID}, 0},
	}
}

// AuditFiles are the paths an audit run wrote.
type AuditFiles struct {
	Dir                             string
	Findings, Claims, Rejects, XLSX string
	Changes, Manifest               string
	Parquet                         []string // findings.parquet, claims.parquet
	// KeptAt is where the folder that was at Dir before is kept ("" when Dir
	// did not exist or was empty).
	KeptAt string
}

// WriteAudit writes the files of data contract §4 for one audit run into dir:
// findings.csv, claims.csv, rejects.csv (the rejects of the files loaded since
// the previous audit, or all of them with allRejects), changes.csv,
// audit.xlsx, findings.parquet, claims.parquet, and manifest.json last. conn
// is the connection the run's transaction is open on (audit.Publish), so the
// files show the run before it is recorded.
//
// The files are written into a fresh folder beside dir and renamed to dir in
// one step once complete (see outputDir), so dir never holds part of a run or
// the files of two runs. When writing fails, the partial folder is removed and
// the error returned: the run must then not be recorded.
func WriteAudit(ctx context.Context, conn *sql.Conn, run *audit.Run, allRejects bool, dir string) (out AuditFiles, err error) {
	out = AuditFiles{Dir: dir}
	o, err := newOutputDir(dir)
	if err != nil {
		return out, fmt.Errorf("report: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			o.discard()
		}
	}()
	tables := auditTables(run, allRejects)
	// DuckDB on one thread once goroutines encode the workbook's long sheets:
	// a second DuckDB thread would mostly spin beside them
	// (store.WithThreads). Measured at SF=1, 5 pairs at load 1.4-1.7: the
	// files step's median 1.45 s against 1.59 s, 0.3 s less CPU. Until the
	// first encoder starts, nothing else runs: the store's threads make the
	// run's scope and the first sheet's table.
	var restoreThreads func() error
	oneThread := func() (err error) {
		if restoreThreads == nil {
			restoreThreads, err = store.WithThreads(ctx, conn, 1)
		}
		return err
	}
	defer func() {
		if restoreThreads == nil {
			return
		}
		if rerr := restoreThreads(); rerr != nil && err == nil {
			err = fmt.Errorf("report: %w", rerr)
		}
	}()
	// The tables of the workbook's long sheets and the Parquet files first;
	// their rows are encoded into the workbook (and findings.csv and
	// claims.csv written from them) by goroutines of their own while this
	// connection writes the other CSV files and reads the summary.
	summarySteps, err := auditScope(ctx, conn, run)
	if err != nil {
		return out, fmt.Errorf("report audit.xlsx: %w", err)
	}
	var fromSheets []sheetCSVWant
	for _, t := range tables {
		switch t.sheet {
		case "Findings":
			fromSheets = append(fromSheets, sheetCSVWant{t, o.path(t.file), run.Findings})
		case "Claims":
			fromSheets = append(fromSheets, sheetCSVWant{t, o.path(t.file), run.Claims})
		}
	}
	wb, err := startAuditXLSX(ctx, conn, fromSheets, oneThread)
	if err != nil {
		return out, fmt.Errorf("report audit.xlsx: %w", err)
	}
	if err := oneThread(); err != nil {
		return out, fmt.Errorf("report: %w", err)
	}
	defer wb.close()
	var rejects table
	var rejectRows [][]string
	for _, t := range tables {
		var keep func([]string)
		if t.sheet == "Rejects" {
			rejects = t
			keep = func(cells []string) { rejectRows = append(rejectRows, slices.Clone(cells)) }
		}
		var n int64
		if c := wb.csvFor(t.file); c != nil {
			n, err = c.wait()
		} else {
			n, err = writeCSV(ctx, conn, o.path(t.file), t, keep)
		}
		if err != nil {
			return out, fmt.Errorf("report %s: %w", t.file, err)
		}
		o.counted(t.file, n)
		if err := o.done(t.file); err != nil {
			return out, err
		}
	}
	var sum auditSummary
	defer sum.release()
	if err := execReportSteps(ctx, conn, summarySteps); err != nil {
		return out, fmt.Errorf("report audit.xlsx: %w", err)
	}
	if err := auditSummaryData(ctx, conn, run, &sum); err != nil {
		return out, fmt.Errorf("report audit.xlsx: %w", err)
	}
	// DuckDB writes the Parquet files (from the tables the workbook's sheets
	// were read from) while the sheets' encoders finish, before finish waits
	// for them.
	pq, err := writeAuditParquet(ctx, conn, o.tmp)
	if err != nil {
		return out, fmt.Errorf("report: %w", err)
	}
	for _, p := range pq {
		if err := o.done(filepath.Base(p)); err != nil {
			return out, err
		}
		out.Parquet = append(out.Parquet, filepath.Join(dir, filepath.Base(p)))
	}
	f, err := wb.finish(run, rejects, rejectRows, &sum)
	if err != nil {
		return out, fmt.Errorf("report audit.xlsx: %w", err)
	}
	if err := saveXLSX(f, o.path("audit.xlsx")); err != nil {
		return out, fmt.Errorf("report audit.xlsx: %w", err)
	}
	if err := o.done("audit.xlsx"); err != nil {
		return out, err
	}
	if err := execReportFile(ctx, conn, "audit_cleanup.sql"); err != nil {
		return out, fmt.Errorf("report: %w", err)
	}
	if _, err := o.finish(ctx, conn, run, time.Now()); err != nil {
		return out, fmt.Errorf("report: %w", err)
	}
	if out.KeptAt, err = o.publish(time.Now()); err != nil {
		return out, fmt.Errorf("report: %w", err)
	}
	ok = true
	out.Findings = filepath.Join(dir, "findings.csv")
	out.Claims = filepath.Join(dir, "claims.csv")
	out.Rejects = filepath.Join(dir, "rejects.csv")
	out.Changes = filepath.Join(dir, "changes.csv")
	out.XLSX = filepath.Join(dir, "audit.xlsx")
	out.Manifest = filepath.Join(dir, ManifestFile)
	return out, nil
}

// eachRow runs t's query and calls fn with every row's cells as text.
func eachRow(ctx context.Context, conn *sql.Conn, t table, fn func([]string) error) error {
	rows, err := conn.QueryContext(ctx, t.query, t.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cells := make([]string, len(t.header))
	ptrs := make([]any, len(cells))
	for i := range cells {
		ptrs[i] = &cells[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := fn(cells); err != nil {
			return err
		}
	}
	return rows.Err()
}

// writeCSV writes t into a new file at path and returns its data rows; keep,
// when not nil, sees every row (its cells are reused after it returns).
func writeCSV(ctx context.Context, conn *sql.Conn, path string, t table, keep func([]string)) (int64, error) {
	f, err := createFile(path)
	if err != nil {
		return 0, err
	}
	w := newCSVWriter(f)
	if err := w.Write(t.header); err != nil {
		f.Close()
		return 0, err
	}
	var n int64
	err = eachRow(ctx, conn, t, func(cells []string) error {
		n++
		if keep != nil {
			keep(cells)
		}
		return w.Write(cells)
	})
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		f.Close()
		return 0, err
	}
	return n, closeSynced(f)
}

// WriteFileAtomic writes path through a temporary file renamed into place, with
// the mode 0644 of an ordinary output file (os.CreateTemp makes 0600, which
// other analysts' accounts could not read).
func WriteFileAtomic(path string, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

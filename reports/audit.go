package reports

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"stcrecon/pipeline/audit"
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
	}
}

// AuditFiles are the paths an audit run wrote.
type AuditFiles struct {
	Dir                             string
	Findings, Claims, Rejects, XLSX string
	Parquet                         []string // findings.parquet, claims.parquet
}

// WriteAudit writes the files of data contract §4 for one audit run into dir:
// findings.csv, claims.csv, rejects.csv (the rejects of the files loaded since
// the previous audit, or all of them with allRejects), audit.xlsx,
// findings.parquet and claims.parquet. Each file
// is written beside its final name and renamed into place, so a crash never
// leaves half a file.
func WriteAudit(ctx context.Context, db *sql.DB, run *audit.Run, allRejects bool, dir string) (AuditFiles, error) {
	out := AuditFiles{Dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return out, fmt.Errorf("report: %w", err)
	}
	tables := auditTables(run, allRejects)
	for _, t := range tables {
		if err := writeCSV(ctx, db, filepath.Join(dir, t.file), t); err != nil {
			return out, fmt.Errorf("report %s: %w", t.file, err)
		}
	}
	out.Findings = filepath.Join(dir, "findings.csv")
	out.Claims = filepath.Join(dir, "claims.csv")
	out.Rejects = filepath.Join(dir, "rejects.csv")
	out.XLSX = filepath.Join(dir, "audit.xlsx")
	if err := writeAuditXLSX(ctx, db, run, tables, out.XLSX); err != nil {
		return out, fmt.Errorf("report audit.xlsx: %w", err)
	}
	pq, err := writeAuditParquet(ctx, db, run, dir)
	if err != nil {
		return out, fmt.Errorf("report: %w", err)
	}
	out.Parquet = pq
	return out, nil
}

// eachRow runs t's query and calls fn with every row's cells as text.
func eachRow(ctx context.Context, db *sql.DB, t table, fn func([]string) error) error {
	rows, err := db.QueryContext(ctx, t.query, t.args...)
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

func writeCSV(ctx context.Context, db *sql.DB, path string, t table) error {
	return writeAtomic(path, func(f *os.File) error {
		w := newCSVWriter(f)
		if err := w.Write(t.header); err != nil {
			return err
		}
		if err := eachRow(ctx, db, t, w.Write); err != nil {
			return err
		}
		return w.Flush()
	})
}

// writeAtomic writes path through a temporary file renamed into place, with
// the mode 0644 of an ordinary output file (os.CreateTemp makes 0600, which
// other analysts' accounts could not read).
func writeAtomic(path string, write func(*os.File) error) error {
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

package reports

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"stcrecon/pipeline/audit"
	"stcrecon/pipeline/store"
	queries "stcrecon/sql"
)

// writeAuditParquet writes findings.parquet and claims.parquet for analysis
// tools: the rows of findings.csv and claims.csv with the context the
// workbook shows (sql/reports/audit_findings.sql, audit_claims.sql), typed:
// dates are DATE, counts integers, kW DECIMAL(12,3). DuckDB writes them with
// COPY, streaming, so a million findings cost no Go memory. dir is the fresh
// output folder (WriteAudit renames it into place once complete); conn has
// report_scope (auditScope).
func writeAuditParquet(ctx context.Context, conn *sql.Conn, run *audit.Run, dir string) ([]string, error) {
	var out []string
	for _, p := range []struct{ file, sql string }{
		{"findings.parquet", "audit_findings.sql"},
		{"claims.parquet", "audit_claims.sql"},
	} {
		path := filepath.Join(dir, p.file)
		tmp := filepath.Join(dir, "."+p.file+".tmp")
		body := strings.TrimSuffix(queries.Statements(queries.MustGet("reports/" + p.sql))[0], ";")
		if _, err := conn.ExecContext(ctx, "COPY ("+body+") TO "+store.QuoteLiteral(tmp)+" (FORMAT parquet)"); err != nil {
			os.Remove(tmp)
			return out, fmt.Errorf("%s: sql/reports/%s: %w", p.file, p.sql, err)
		}
		if err := os.Chmod(tmp, 0o644); err != nil {
			return out, err
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return out, fmt.Errorf("%s: %w", p.file, err)
		}
		out = append(out, path)
	}
	return out, nil
}

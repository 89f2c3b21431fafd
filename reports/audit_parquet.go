package reports

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"stcrecon/pipeline/store"
)

// writeAuditParquet writes findings.parquet and claims.parquet for analysis
// tools: the rows of findings.csv and claims.csv with the context the
// workbook shows (auditSheets: sql/reports/audit_findings.sql,
// audit_claims.sql, kept as temp tables by auditScope), typed: dates are DATE,
// counts integers, kW DECIMAL(12,3). DuckDB writes them with COPY, streaming,
// so a million findings cost no Go memory. dir is the fresh output folder
// (WriteAudit renames it into place once complete).
func writeAuditParquet(ctx context.Context, conn *sql.Conn, dir string) ([]string, error) {
	var out []string
	for _, p := range auditSheets {
		path := filepath.Join(dir, p.parquet)
		tmp := filepath.Join(dir, "."+p.parquet+".tmp")
		if _, err := conn.ExecContext(ctx, "COPY "+p.table+" TO "+store.QuoteLiteral(tmp)+" (FORMAT parquet)"); err != nil {
			os.Remove(tmp)
			return out, fmt.Errorf("%s: sql/reports/%s: %w", p.parquet, p.file, err)
		}
		if err := os.Chmod(tmp, 0o644); err != nil {
			return out, err
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return out, fmt.Errorf("%s: %w", p.parquet, err)
		}
		out = append(out, path)
	}
	return out, nil
}

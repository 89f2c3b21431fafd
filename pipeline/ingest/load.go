package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"stcrecon/pipeline/store"
	queries "stcrecon/sql"
)

// load validates the staged rows with load/<kind>.sql and writes the good rows,
// the rejects (the nBad in scan_rejects, and those of its SQL) and the file's
// record in one transaction: b's, which a claims file may leave open for the
// next (claimsBatch). The caller rolls b back when load fails.
func (in *Ingester) load(ctx context.Context, conn *sql.Conn, path string, fileID int64, kind Kind, format, sum string, size int64,
	layout Layout, nBad int64, gate *checkpointGate, b *claimsBatch, res *FileResult) error {
	name := filepath.Base(path)
	if err := stageColumns(ctx, conn, layout); err != nil {
		return err
	}
	if !b.open() {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		b.tx = tx
	}
	tx := b.tx
	if _, err := tx.ExecContext(ctx, `INSERT INTO files (file_id, name, path, kind, format, sha256, size_bytes, status, ingested_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'loaded', ?)`,
		fileID, name, path, string(kind), format, sum, size, in.now()); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE stage_file AS SELECT ?::BIGINT AS file_id, ?::TIMESTAMP AS ingested_at`,
		fileID, in.now()); err != nil {
		return err
	}
	// QuarantineRejects (sql/load/rejects.sql) writes these rejects with
	// the SQL's own: one append to rejects a file (see laneShare)
	if err := rejectsTable(ctx, conn); err != nil {
		return err
	}
	for _, stmt := range loadStatements(kind) {
		t0 := time.Now()
		stmtName := queries.StatementName(stmt)
		if when, ok := whenOf(stmt); ok {
			var run sql.NullBool
			if err := tx.QueryRowContext(ctx, when).Scan(&run); err != nil {
				return fmt.Errorf("sql/load/%s.sql: %s: when: %w", kind, firstLine(stmt), err)
			}
			if !run.Bool {
				in.log().Debug("ingest: statement skipped", "file", name, "sql", firstLine(stmt))
				continue
			}
		}
		// a statement that runs in batches says how far it is (a claims file
		// of millions of claims is checked for a minute and more)
		n, err := runBatches(ctx, tx, stmt, func(done, total int) {
			in.log().Info("ingest: batch", "file", name, "sql", stmtName,
				"batch", done, "of", total, "seconds", time.Since(t0).Seconds())
		})
		if err != nil {
			return fmt.Errorf("sql/load/%s.sql: %s: %w", kind, firstLine(stmt), err)
		}
		if stmtName == "LoadClaimSerials" {
			b.listings += n
		}
		in.log().Debug("ingest: statement", "file", name, "sql", firstLine(stmt), "seconds", time.Since(t0).Seconds())
	}
	if in.afterLoad != nil {
		if err := in.afterLoad(ctx, tx); err != nil {
			return err
		}
	}
	// every staged row is either loaded or in bad (or rejected before it
	// was staged): the rows stored are counted, not assumed, so a load
	// statement that writes fewer rows stops the run instead of losing them
	var stored, staged, checkBad int64
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM `+string(kind)+` WHERE file_id = ?),
		(SELECT count(*) FROM stage), (SELECT count(*) FROM bad)`, fileID).Scan(&stored, &staged, &checkBad); err != nil {
		return err
	}
	if passed := staged - checkBad; stored != passed {
		return fmt.Errorf("sql/load/%s.sql stored %d rows of %s where %d passed the checks: nothing of it is recorded", kind, stored, name, passed)
	}
	res.Rows, res.Rejected = stored, checkBad+nBad
	if _, err := tx.ExecContext(ctx, `UPDATE files SET rows_loaded = ?, rows_rejected = ? WHERE file_id = ?`,
		res.Rows, res.Rejected, fileID); err != nil {
		return err
	}
	if res.Rejected > 0 {
		if err := listRejects(ctx, tx, name, fileID, res); err != nil {
			return err
		}
	}
	res.Status = Loaded
	if err := dropTemp(ctx, conn, tempNames...); err != nil {
		return err
	}
	if b.keep(kind) {
		return nil
	}
	t0 := time.Now()
	if err := in.commitBatch(ctx, conn, b, res.Rows, gate); err != nil {
		return err
	}
	in.timed(name, "commit", t0)
	return nil
}

// commitBatch commits b's transaction (commitLoad), rows the rows of the
// file that ends it. (A batch's listings need no checkpoint: they are
// written to the store file already.)
func (in *Ingester) commitBatch(ctx context.Context, conn *sql.Conn, b *claimsBatch, rows int64, gate *checkpointGate) error {
	tx := b.tx
	b.tx, b.listings = nil, 0
	if err := commitLoad(ctx, conn, tx, rows, gate, walSize(in.Store)); err != nil {
		tx.Rollback()
		return err
	}
	return nil
}

// listRejects puts the file's first rejects (MaxListedRejects) in res.
func listRejects(ctx context.Context, tx *sql.Tx, name string, fileID int64, res *FileResult) error {
	rows, err := tx.QueryContext(ctx, `SELECT r.line, coalesce(c.position, 0), coalesce(r.column_name, ''), coalesce(r.value, ''), r.reason
		FROM rejects r LEFT JOIN stage_columns c ON c.header = r.column_name
		WHERE r.file_id = ? ORDER BY r.line, c.position LIMIT ?`, fileID, MaxListedRejects)
	if err != nil {
		return err
	}
	for rows.Next() {
		r := Reject{File: name}
		if err := rows.Scan(&r.Line, &r.Col, &r.Column, &r.Value, &r.Reason); err != nil {
			rows.Close()
			return err
		}
		res.Rejects = append(res.Rejects, r)
	}
	return rows.Close()
}

// tempNames are the temp tables and views a file's load makes.
var tempNames = []string{"stage", "stage_read", "stage_raw", "stage_shifts", "check_batch", "check_rows", "checked", "bad", "lookup", "stage_file", "names", "scan_rejects", "listing_batch", "repeated"}

// loadStatements are the statements of load/<kind>.sql, with load/rejects.sql
// after the last statement named Check...: the Check statements leave the
// rows that have a problem in the temp table bad, the rejects are written
// from it, and the statements after them load the other rows.
func loadStatements(kind Kind) []string {
	stmts := queries.Statements(queries.MustGet("load/" + string(kind) + ".sql"))
	at := 0
	for i, st := range stmts {
		if strings.HasPrefix(firstLine(st), "-- name: Check") {
			at = i + 1
		}
	}
	rejects := queries.Statements(queries.MustGet("load/rejects.sql"))
	return append(stmts[:at:at], append(rejects, stmts[at:]...)...)
}

// runBatches runs stmt, and returns the rows it wrote. A statement with a
// "-- batches: " comment line runs once a batch: the query there returns a
// row per batch, and each of its columns is set as the DuckDB variable of
// its name before the batch runs (a filter on getvariable('first_line') is
// a constant to DuckDB, so it skips the row groups outside it).
// progress is called after each batch of a statement that runs in more than
// one.
func runBatches(ctx context.Context, tx *sql.Tx, stmt string, progress func(done, total int)) (int64, error) {
	q, batched := commentOf(stmt, "batches")
	if !batched {
		return execRows(ctx, tx, stmt)
	}
	names, batches, err := store.QueryRows(ctx, tx, q)
	if err != nil {
		return 0, fmt.Errorf("batches: %w", err)
	}
	var rows int64
	for b, vals := range batches {
		for i, name := range names {
			if _, err := tx.ExecContext(ctx, `SET VARIABLE `+name+` = ?`, vals[i]); err != nil {
				return 0, fmt.Errorf("batches: %s: %w", name, err)
			}
		}
		k, err := execRows(ctx, tx, stmt)
		if err != nil {
			return 0, err
		}
		rows += k
		if len(batches) > 1 {
			progress(b+1, len(batches))
		}
	}
	return rows, nil
}

// execRows runs stmt and returns the rows it wrote.
func execRows(ctx context.Context, tx *sql.Tx, stmt string) (int64, error) {
	r, err := tx.ExecContext(ctx, stmt)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// whenOf is the query of a statement's "-- when: " comment line, if it has
// one: the statement runs only if the query returns true (a file that does
// not need it skips it).
func whenOf(stmt string) (string, bool) {
	return commentOf(stmt, "when")
}

// commentOf is what follows "-- key: " in a statement's leading comment lines.
func commentOf(stmt, key string) (string, bool) {
	for _, l := range strings.Split(stmt, "\n") {
		if !strings.HasPrefix(l, "--") {
			break
		}
		if q, ok := strings.CutPrefix(l, "-- "+key+": "); ok {
			return q, true
		}
	}
	return "", false
}

// dropTemp drops the temp tables and views named that exist, in one round
// trip: a claims file is small, and a statement per name per file added up.
// duckdb_tables() says which names are tables; any other is dropped as a view
// if there is one (asking duckdb_views() costs more than that: it writes out
// the SQL of every system view).
func dropTemp(ctx context.Context, conn *sql.Conn, names ...string) error {
	rows, err := conn.QueryContext(ctx, `SELECT table_name FROM duckdb_tables() WHERE temporary`)
	if err != nil {
		return err
	}
	tables := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		tables[name] = true
	}
	if err := rows.Close(); err != nil {
		return err
	}
	var drops []string
	for _, n := range names {
		// n is one of the names in the code, never file text
		if tables[n] {
			drops = append(drops, "DROP TABLE "+n)
		} else {
			drops = append(drops, "DROP VIEW IF EXISTS "+n)
		}
	}
	return dropAll(ctx, conn, drops)
}

// dropTables drops the temp tables named, those that exist, in one round trip.
func dropTables(ctx context.Context, conn *sql.Conn, names ...string) error {
	var drops []string
	for _, n := range names {
		// n is one of the names in the code, never file text
		drops = append(drops, "DROP TABLE IF EXISTS "+n)
	}
	return dropAll(ctx, conn, drops)
}

func dropAll(ctx context.Context, conn *sql.Conn, drops []string) error {
	if len(drops) == 0 {
		return nil
	}
	_, err := conn.ExecContext(ctx, strings.Join(drops, "; "))
	return err
}

// stageColumns records which header cell holds which column, so rejects name
// the column as the file writes it.
func stageColumns(ctx context.Context, conn *sql.Conn, l Layout) error {
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE stage_columns (name VARCHAR, header VARCHAR, position INTEGER)`); err != nil {
		return err
	}
	// one INSERT for all the columns, every value bound
	var rows []string
	var args []any
	for i, c := range l.Columns {
		if l.Pos[i] < 0 {
			continue
		}
		rows = append(rows, "(?, ?, ?)")
		args = append(args, c.Name, l.Header[l.Pos[i]], l.Pos[i]+1)
	}
	if len(rows) == 0 {
		return nil
	}
	_, err := conn.ExecContext(ctx, `INSERT INTO stage_columns VALUES `+strings.Join(rows, ", "), args...)
	return err
}

// firstLine is a statement's name line, for logs.
func firstLine(stmt string) string {
	if i := strings.IndexByte(stmt, '\n'); i >= 0 {
		return stmt[:i]
	}
	return stmt
}

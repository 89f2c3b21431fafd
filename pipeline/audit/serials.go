package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"stcrecon/pipeline/store"
	queries "stcrecon/sql"
)

// lookupRowsPerVersion is how many claim_serials rows one lookup of
// sql/audit/older_serials.sql costs about as much as, when a join reads them
// all: measured at SF=50 (65M rows), 530 lookups took 1.7 s and the one join
// 8.9 s, on the loaded 2-core machine (0.14 µs a row; 3.2 ms a lookup, each
// its own statement then: lookUp batches them now, so the threshold is on the
// safe side). A variable so that tests can make every nightly run look up
// (0).
var lookupRowsPerVersion int64 = 25_000

// lookupRowsPerHit is the same for the older listings of changed serials
// (sql/audit/older_listing.sql, one lookup per hit, which scans the serial
// keys of its file): measured, each its own statement then, at SF=50 (62M
// rows, load 6-10), 388 lookups took about 4.5 ms CPU each and the one pass
// reading the text of every older listing 5.2 s CPU (0.084 µs a row).
var lookupRowsPerHit int64 = 50_000

// claimsInScope runs sql/audit/claims.sql: audit_claims and audit_serials.
// A nightly run re-audits a few older claim versions besides the night's new
// ones; finding their listings by a join would read the claim ids of every
// listing ever loaded. When the older versions are few for the size of
// claim_serials, the join reads only the files loaded since the previous run
// and each older version is looked up on its own (sql/audit/older_serials.sql),
// reading a row group or two. Otherwise (and in a run auditing every claim)
// the one join reads every listing.
func (a *Auditor) claimsInScope(ctx context.Context, tx *sql.Tx, run *Run) error {
	older, err := a.olderVersions(ctx, tx, run)
	if err != nil {
		return err
	}
	above := int64(0)
	if older != nil {
		above = run.PrevFileID
	}
	if _, err := tx.ExecContext(ctx, `SET VARIABLE audit_serials_above = ?::BIGINT`, above); err != nil {
		return fmt.Errorf("audit_serials_above: %w", err)
	}
	if err := a.execStatements(ctx, tx, "audit/claims.sql"); err != nil {
		return err
	}
	if err := lookUp(ctx, tx, "audit_serials", "audit/older_serials.sql", older); err != nil {
		return err
	}
	if older != nil {
		a.log().Info("audit: older claim versions' serials looked up", "versions", len(older))
	}
	return nil
}

// olderVersions lists the claim versions (claim_id, file_id) of a nightly
// run's scope loaded up to the previous run's mark, when looking each up costs less than one join
// over claim_serials; nil (the join) otherwise, and for a run auditing every
// claim. An empty, non-nil list: nothing to look up, the join reads only the
// new files.
func (a *Auditor) olderVersions(ctx context.Context, tx *sql.Tx, run *Run) ([][]any, error) {
	if run.AllReason != "" {
		return nil, nil
	}
	listings, err := listingRows(ctx, tx)
	if err != nil {
		return nil, err
	}
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit_scope WHERE file_id <= ?`, run.PrevFileID).Scan(&n); err != nil {
		return nil, err
	}
	if n*lookupRowsPerVersion >= listings {
		return nil, nil
	}
	return queryRows(ctx, tx, `SELECT file_id, claim_id FROM audit_scope WHERE file_id <= ? ORDER BY file_id, claim_id`, run.PrevFileID)
}

// changedListings runs sql/audit/changed_listings.sql and
// changed_listing_rows.sql: the claims whose current version lists a serial
// that changed since the previous run. The listings of the night's files are
// read directly; the older ones are found on their integer serial keys, and
// the few (file, key) hits are fetched one lookup each
// (sql/audit/older_listing.sql, batched by lookUp), which scans the serial
// keys of its file, rather than the text of every listing ever loaded. When the hits are many for the size
// of claim_serials, one pass reads every older listing instead
// (older_listings.sql).
func (a *Auditor) changedListings(ctx context.Context, tx *sql.Tx) error {
	if err := a.execStatements(ctx, tx, "audit/changed_listings.sql"); err != nil {
		return err
	}
	listings, err := listingRows(ctx, tx)
	if err != nil {
		return err
	}
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM older_listing_hits`).Scan(&n); err != nil {
		return err
	}
	if n*lookupRowsPerHit >= listings {
		if err := a.execStatements(ctx, tx, "audit/older_listings.sql"); err != nil {
			return err
		}
		return a.execStatements(ctx, tx, "audit/changed_listing_rows.sql")
	}
	// The keys travel as text: database/sql takes no uint64 with the high bit set.
	hits, err := queryRows(ctx, tx, `SELECT file_id, serial_key::VARCHAR FROM older_listing_hits ORDER BY file_id, serial_key`)
	if err != nil {
		return err
	}
	if err := lookUp(ctx, tx, "changed_listings_found", "audit/older_listing.sql", hits); err != nil {
		return err
	}
	a.log().Info("audit: older listings of changed serials looked up", "hits", len(hits))
	return a.execStatements(ctx, tx, "audit/changed_listing_rows.sql")
}

// listingRows is DuckDB's estimate of the rows of claim_serials.
func listingRows(ctx context.Context, tx *sql.Tx) (int64, error) {
	var listings int64
	if err := tx.QueryRowContext(ctx, `SELECT estimated_size FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'claim_serials'`).Scan(&listings); err != nil {
		return 0, fmt.Errorf("claim_serials size: %w", err)
	}
	return listings, nil
}

// queryRows reads every row of query (store.QueryRows): read whole before
// lookUp runs statements on the same transaction.
func queryRows(ctx context.Context, tx *sql.Tx, query string, args ...any) ([][]any, error) {
	_, rows, err := store.QueryRows(ctx, tx, query, args...)
	return rows, err
}

// lookupBatch is how many lookups one statement makes (lookUp). A lookup was
// three statements (two SET VARIABLE and the INSERT). At SF=50 the 530
// older claim versions took 0.85-1.03 s as statements of their own and
// 0.63-0.79 s batched; the 388 older listings cost the same either way, each
// scanning the serial keys of its file. A variable so that tests can make
// batches of a few.
var lookupBatch = 100

// lookUp inserts into table the rows of the SELECT in file for each row of
// rows, the row's values bound to the SELECT's parameters in order: the
// SELECTs of up to lookupBatch rows are joined with UNION ALL into one
// statement. DuckDB binds parameters before it plans, so each SELECT's
// filters reach its scan as constants and it reads only the row groups they
// allow (DuckDB 1.1 pushes no join filter into a scan, so a join with a table
// of the rows would read the whole column).
//
// The lookups keep both DuckDB threads: each SELECT reads a few row groups,
// a task or two each. (Tried: one thread for the loop. Under load it looked
// faster, 5.2 against 6.0 ms a lookup; on a quiet machine the SF=50 night's
// changed_listings took 2.45 s against 1.80 s.)
func lookUp(ctx context.Context, tx *sql.Tx, table, file string, rows [][]any) error {
	text, err := queries.Get(file)
	if err != nil {
		return err
	}
	// the SELECT without its comment lines, which would otherwise be parsed
	// once per row
	var one strings.Builder
	for line := range strings.Lines(strings.TrimRight(strings.TrimSpace(text), ";")) {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			one.WriteString(line)
		}
	}
	for len(rows) > 0 {
		batch := rows[:min(len(rows), lookupBatch)]
		rows = rows[len(batch):]
		var stmt strings.Builder
		stmt.WriteString("INSERT INTO " + table + "\n")
		var args []any
		for i, row := range batch {
			if i > 0 {
				stmt.WriteString("\nUNION ALL\n")
			}
			stmt.WriteString(one.String())
			args = append(args, row...)
		}
		if _, err := tx.ExecContext(ctx, stmt.String(), args...); err != nil {
			return fmt.Errorf("sql/%s: %w", file, err)
		}
	}
	return nil
}

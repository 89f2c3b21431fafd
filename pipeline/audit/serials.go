package audit

import (
	"context"
	"database/sql"
	"fmt"

	"stcrecon/pipeline/store"
)

// lookupRowsPerVersion is how many claim_serials rows one statement of
// sql/audit/older_serials.sql costs about as much as, when a join reads them
// all: measured at SF=50 (65M rows), 530 lookups took 1.7 s and the one join
// 8.9 s, on the loaded 2-core machine (0.14 µs a row; 3.2 ms a lookup). A
// variable so that tests can make every nightly run look up (0).
var lookupRowsPerVersion int64 = 25_000

// lookupRowsPerHit is the same for the older listings of changed serials
// (sql/audit/older_listing.sql, one statement per hit, which scans the
// serial keys of its file): measured at SF=50 (62M rows, load 6-10), 388
// lookups took about 4.5 ms CPU each and the one pass reading the text of
// every older listing 5.2 s CPU (0.084 µs a row).
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
	if err := store.ExecFile(ctx, tx, "audit/claims.sql"); err != nil {
		return err
	}
	for _, v := range older {
		if _, err := tx.ExecContext(ctx, `SET VARIABLE audit_older_claim = ?::VARCHAR`, v.claimID); err != nil {
			return fmt.Errorf("audit_older_claim: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `SET VARIABLE audit_older_file = ?::BIGINT`, v.fileID); err != nil {
			return fmt.Errorf("audit_older_file: %w", err)
		}
		if err := store.ExecFile(ctx, tx, "audit/older_serials.sql"); err != nil {
			return err
		}
	}
	if older != nil {
		a.log().Info("audit: older claim versions' serials looked up one by one", "versions", len(older))
	}
	return nil
}

type claimVersion struct {
	claimID string
	fileID  int64
}

// olderVersions lists the claim versions of a nightly run's scope loaded up
// to the previous run's mark, when looking each up costs less than one join
// over claim_serials; nil (the join) otherwise, and for a run auditing every
// claim. An empty, non-nil list: nothing to look up, the join reads only the
// new files.
func (a *Auditor) olderVersions(ctx context.Context, tx *sql.Tx, run *Run) ([]claimVersion, error) {
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
	rows, err := tx.QueryContext(ctx, `SELECT claim_id, file_id FROM audit_scope WHERE file_id <= ? ORDER BY file_id, claim_id`, run.PrevFileID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	older := []claimVersion{}
	for rows.Next() {
		var v claimVersion
		if err := rows.Scan(&v.claimID, &v.fileID); err != nil {
			return nil, err
		}
		older = append(older, v)
	}
	return older, rows.Err()
}

// changedListings runs sql/audit/changed_listings.sql and
// changed_listing_rows.sql: the claims whose current version lists a serial
// that changed since the previous run. The listings of the night's files are
// read directly; the older ones are found on their integer serial keys, and
// the few (file, key) hits are fetched one statement each
// (sql/audit/older_listing.sql), which reads a row group or two, rather than
// the text of every listing ever loaded. When the hits are many for the size
// of claim_serials, one pass reads every older listing instead
// (older_listings.sql).
func (a *Auditor) changedListings(ctx context.Context, tx *sql.Tx) error {
	if err := store.ExecFile(ctx, tx, "audit/changed_listings.sql"); err != nil {
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
		if err := store.ExecFile(ctx, tx, "audit/older_listings.sql"); err != nil {
			return err
		}
		return store.ExecFile(ctx, tx, "audit/changed_listing_rows.sql")
	}
	// The keys travel as text: database/sql takes no uint64 with the high bit set.
	rows, err := tx.QueryContext(ctx, `SELECT file_id, serial_key::VARCHAR FROM older_listing_hits ORDER BY file_id, serial_key`)
	if err != nil {
		return err
	}
	type hit struct {
		fileID int64
		key    string
	}
	var hits []hit
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.fileID, &h.key); err != nil {
			rows.Close()
			return err
		}
		hits = append(hits, h)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, h := range hits {
		if _, err := tx.ExecContext(ctx, `SET VARIABLE audit_hit_file = ?::BIGINT`, h.fileID); err != nil {
			return fmt.Errorf("audit_hit_file: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `SET VARIABLE audit_hit_key = ?::VARCHAR::UBIGINT`, h.key); err != nil {
			return fmt.Errorf("audit_hit_key: %w", err)
		}
		if err := store.ExecFile(ctx, tx, "audit/older_listing.sql"); err != nil {
			return err
		}
	}
	a.log().Info("audit: older listings of changed serials looked up one by one", "hits", len(hits))
	return store.ExecFile(ctx, tx, "audit/changed_listing_rows.sql")
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

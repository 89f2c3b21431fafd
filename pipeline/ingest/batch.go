package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// claimsBatch is the transaction a lane's small claims files share. A claims
// file lists its serials in claim_serials; DuckDB writes the rows of a
// transaction that adds fewer than a row group (rowGroupRows) to a table
// through the write-ahead log: copied into the table at commit, written to
// the log, and compressed at the next checkpoint, which no other transaction
// may overlap. A transaction that adds a row group or more writes each full
// row group to the store file as it fills and merges them at commit. At SF=1
// a claims file of 2,300 claims lists about 50,000 serials, so the lane keeps
// the transaction of one claims file open for the next claims file in the
// lane until it holds a row group of listings (three files) or
// maxBatchFiles files, then commits.
//
// Each file is still loaded whole or not at all: a batch commits or rolls
// back as one. A file rejected whole (which happens before it writes) first
// commits the files before it (settle); when they are not all recorded after
// that commit (a statement of the rejected file's staging failed, and DuckDB
// ended the transaction there, without a word at COMMIT), the lane loads them
// again one by one. A failure of the store stops the run, as for any file,
// and none of the batch is recorded: the next run loads it.
type claimsBatch struct {
	tx       *sql.Tx
	listings int64 // rows written to claim_serials in tx so far
	// mayKeep: the lane's next file is a claims file, so the file being
	// loaded may leave tx open for it (load)
	mayKeep bool
	// lost: the files loaded in tx were not recorded (the commit before a
	// rejected file failed or recorded nothing, or a file rejected after it
	// wrote rolled tx back): they must be loaded again
	lost    bool
	pending []pendingFile // the files loaded in tx, reported once it commits
}

// pendingFile is a file loaded in an open batch.
type pendingFile struct {
	index int   // in the run's files
	id    int64 // its file_id
	res   FileResult
	took  time.Duration
}

// open reports whether files are loaded in tx and not committed yet.
func (b *claimsBatch) open() bool { return b != nil && b.tx != nil }

// keep reports whether a claims file just loaded in tx leaves it open.
func (b *claimsBatch) keep(kind Kind) bool {
	return b != nil && b.mayKeep && kind == Claims && b.listings < rowGroupRows && len(b.pending)+1 < maxBatchFiles
}

// maxBatchFiles is the most files a batch holds: a folder of many tiny claims
// files commits (and logs them as loaded) every so often, not after thousands
// of them; so few listings gain nothing from sharing a transaction anyway.
const maxBatchFiles = 32

// settle commits tx before a file is rejected, and marks the batch lost
// unless every file loaded in it is recorded afterwards. (DuckDB ends a
// transaction at a statement that fails, and a COMMIT after that reports
// nothing: measured with go-duckdb v1.8.2, DuckDB 1.1.2.)
func (b *claimsBatch) settle(ctx context.Context, conn *sql.Conn) error {
	if !b.open() {
		return nil
	}
	tx := b.tx
	b.tx, b.listings = nil, 0
	if err := tx.Commit(); err != nil {
		tx.Rollback()
		b.lost = true
		return nil
	}
	var ids []string
	for _, p := range b.pending {
		if p.res.Status == Loaded {
			ids = append(ids, fmt.Sprint(p.id))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE status = 'loaded' AND file_id IN (`+strings.Join(ids, ", ")+`)`).Scan(&n); err != nil {
		return err
	}
	b.lost = n != len(ids)
	return nil
}

// abandon rolls tx back after a file that wrote in it was rejected: the
// files loaded in it before must be loaded again.
func (b *claimsBatch) abandon() {
	if !b.open() {
		return
	}
	b.tx.Rollback()
	b.tx, b.listings = nil, 0
	b.lost = true
}

// rollback ends an open tx without recording its files.
func (b *claimsBatch) rollback() {
	if b.open() {
		b.tx.Rollback()
	}
	b.tx, b.listings, b.pending = nil, 0, nil
}

// isClaimsFile reports whether path names a claims file.
func isClaimsFile(path string) bool {
	k, ok := KindOf(filepath.Base(path))
	return ok && k == Claims
}

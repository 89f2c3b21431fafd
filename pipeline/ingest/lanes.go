package ingest

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"stcrecon/pipeline/store"
)

// splitLanes shares the files between two lanes, each lane in the order of
// the files. Files of the same size go in one lane together, so a file that
// is the same as another (its SHA-256) loads after it and is skipped; the
// groups go largest first (by their bytes), each to the lane with fewer bytes
// so far, so the lanes finish close together: at SF=1 the panel ledger file
// of 2024 shares one lane with ten claims files, and the other two panel
// ledger files the second with the inverter ledger, the other claims files
// and the lists. There is one lane when all the files are of one size.
//
// A later file of a kind may commit before an earlier one in the other lane:
// every file's id is taken before either lane starts (reserveFileIDs), the
// ledgers' ranking and claim amendments go by file id, not by the order of
// commits, and no other stcrecon writer opens the store while ingest runs
// (the lock file).
func splitLanes(files []string) [][]int {
	type group struct {
		files []int
		bytes int64
	}
	var order []int64
	groups := map[int64]*group{}
	for i, path := range files {
		size := int64(-1) // a file that cannot be read: rejected on its own
		if fi, err := os.Stat(path); err == nil {
			size = fi.Size()
		}
		g := groups[size]
		if g == nil {
			g = &group{}
			groups[size] = g
			order = append(order, size)
		}
		g.files = append(g.files, i)
		g.bytes += max(size, 0)
	}
	// largest first; equal bytes in the order the sizes were met
	slices.SortStableFunc(order, func(a, b int64) int { return cmp.Compare(groups[b].bytes, groups[a].bytes) })
	var lanes [2][]int
	var bytes [2]int64
	for _, size := range order {
		g := groups[size]
		l := 0
		if bytes[1] < bytes[0] {
			l = 1
		}
		lanes[l] = append(lanes[l], g.files...)
		bytes[l] += g.bytes
	}
	var out [][]int
	for _, l := range lanes {
		if len(l) > 0 {
			slices.Sort(l) // each lane in the order of the files
			out = append(out, l)
		}
	}
	return out
}

// reserveFileIDs takes n file ids from the store's sequence, in increasing
// order.
func reserveFileIDs(ctx context.Context, conn *sql.Conn, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	// n is written into the statement: DuckDB 1.1 takes a prepared statement
	// that calls nextval for read-only, and then refuses to commit it.
	rows, err := conn.QueryContext(ctx, `SELECT nextval('file_seq') AS id FROM range(`+strconv.Itoa(n)+`) ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) != n {
		return nil, fmt.Errorf("reserved %d file ids of %d", len(ids), n)
	}
	return ids, nil
}

// runLane loads the files at the positions lane, one after another, on a
// connection of its own, and puts each result at its position in results.
// Each file's first read (open, hash, CSV byte scan: Go, no DuckDB) runs
// while the file before it loads, so it overlaps DuckDB's work (a commit's
// checkpoint, for one, runs on one core) instead of adding to it. A file's
// seconds run from the end of the file before it in its lane.
func (in *Ingester) runLane(ctx context.Context, lane []int, files []string, ids []int64, results []*FileResult, gate *checkpointGate, share *laneShare) error {
	conn, err := in.Store.DB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	defer conn.Close()
	// what an earlier run on this connection may have left
	if err := dropTemp(ctx, conn, tempNames...); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	var ahead chan *firstRead
	defer func() {
		if ahead != nil {
			(<-ahead).close()
		}
	}()
	b := &claimsBatch{}
	defer b.rollback() // a run stopped with files in an open batch records none of them
	held := false      // share.hold: this lane loads claims files
	defer func() {
		if held {
			share.release(context.WithoutCancel(ctx), conn)
		}
	}()
	for n, i := range lane {
		if err := ctx.Err(); err != nil {
			if b.open() {
				b.rollback()
				gate.leave()
			}
			return nil // the caller reports it
		}
		t0 := time.Now()
		var first *firstRead
		if ahead != nil {
			first, ahead = <-ahead, nil
		} else {
			first = readFirst(ctx, files[i])
		}
		if n+1 < len(lane) {
			ahead = make(chan *firstRead, 1)
			go func(path string, ch chan<- *firstRead) { ch <- readFirst(ctx, path) }(files[lane[n+1]], ahead)
		}
		// a claims batch holds only claims files: when the next file is of
		// another kind, the lane's claims have committed
		claims := isClaimsFile(files[i])
		var err error
		switch {
		case claims && !held:
			err = share.hold(ctx, conn)
		case !claims && held:
			err = share.release(ctx, conn)
		default:
			err = share.raise(ctx, conn)
		}
		if err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
		held = claims
		// A lane in an open batch stays inside the gate between its files.
		if !b.open() {
			gate.enter()
		}
		b.mayKeep = claims && n+1 < len(lane) && isClaimsFile(files[lane[n+1]])
		res, err := in.loadFile(ctx, conn, files[i], ids[i], first, gate, b)
		if err == nil && b.open() && !b.mayKeep {
			// a file skipped in an open batch, the last claims file of its run
			err = in.commitBatch(ctx, conn, b, 0, gate)
		}
		if err != nil {
			b.rollback()
			gate.leave()
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("ingest %s: %w", files[i], err)
		}
		b.pending = append(b.pending, pendingFile{index: i, id: ids[i], res: res, took: time.Since(t0)})
		if b.open() {
			continue
		}
		gate.leave()
		if err := in.report(ctx, conn, files, ids, results, gate, b); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
	return nil
}

// report sets the results of the files a batch held once it has committed
// (and of a file loaded on its own), and logs them. When the commit before a
// rejected file failed (claimsBatch.lost), the files it held are loaded
// again, each in a transaction of its own, and the rejected file (the last
// held) keeps its result.
func (in *Ingester) report(ctx context.Context, conn *sql.Conn, files []string, ids []int64, results []*FileResult, gate *checkpointGate, b *claimsBatch) error {
	done := b.pending
	b.pending = nil
	if b.lost {
		b.lost = false
		last := len(done) - 1
		for k, p := range done[:last] {
			t0 := time.Now()
			gate.enter()
			single := &claimsBatch{}
			res, err := in.loadFile(ctx, conn, files[p.index], ids[p.index], readFirst(ctx, files[p.index]), gate, single)
			if err != nil {
				single.rollback()
			}
			gate.leave()
			if err != nil {
				return fmt.Errorf("ingest %s: %w", files[p.index], err)
			}
			done[k] = pendingFile{index: p.index, id: p.id, res: res, took: time.Since(t0)}
		}
	}
	for _, p := range done {
		in.logResult(p.res, p.took)
		results[p.index] = &p.res
	}
	return nil
}

// laneShare sets DuckDB's threads (the database's, not a connection's) for
// the lanes: while two lanes load, each runs DuckDB on one thread (its
// calling thread), and when one lane has finished, DuckDB's threads go up to
// the store's own count at once, for the other lane's next statement; a run of
// one lane (files all of one size) has them from its first file. A ledger
// INSERT runs 1.7x as fast on two threads: the SF=1 ledger files alone loaded
// in 3.1 s instead of 4.6 s with this and the lanes of the seventh session.
//
// A lane loading claims files holds DuckDB to one thread (hold, until
// release), whatever the other lane does. DuckDB 1.1.2 can lose the values
// of rows appended to a table by a later statement of a transaction in
// which a parallel INSERT has already appended to it: a claims file of
// 3.0M listings, inserted in four batches in one transaction, stored 15,815
// listings of its last batch with serial_key 0 and an empty serial_number in
// about one run in five on two threads, and in none of 16 on one (issue 13's
// notes). A claims file's transaction appends to claims, claim_serials and
// rejects more than once (its listing batches; the claims files a batch
// holds); every other kind appends once to each table (the rejects of a
// file go in with one statement, sql/load/rejects.sql).
type laneShare struct {
	mu      sync.Mutex
	running int // lanes still loading
	held    int // lanes loading claims files, on one thread
	shared  int // DuckDB's threads while two lanes load (Ingester.Threads, at least 1)
	alone   int // DuckDB threads for a lane loading alone: the store's
	threads int // DuckDB's threads now
}

// finished tells that a lane has loaded its last file, and gives the lane
// left the store's threads. It sets them through conn, the run's own
// connection, while the other lane may be running a statement: that
// statement goes on as it was planned, and its next one has the threads.
// (Raised only before the lane's next file, the SF=10 panel ledger of 2024,
// 6.3M rows, loaded on one thread for its 16.6 s because the other lane's
// last two small files were still loading when it began.)
func (s *laneShare) finished(ctx context.Context, conn *sql.Conn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	return s.set(ctx, conn)
}

// hold sets DuckDB to one thread until release: the lane is about to load
// a claims file.
func (s *laneShare) hold(ctx context.Context, conn *sql.Conn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held++
	return s.set(ctx, conn)
}

// release ends a hold, once the lane's claims files have committed.
func (s *laneShare) release(ctx context.Context, conn *sql.Conn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held--
	return s.set(ctx, conn)
}

// raise gives a lane left loading alone the store's threads if it has not
// got them yet (and no lane holds one thread).
func (s *laneShare) raise(ctx context.Context, conn *sql.Conn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.set(ctx, conn)
}

// set sets DuckDB's threads to what the lanes need now, if they differ.
// Called with mu held.
func (s *laneShare) set(ctx context.Context, conn *sql.Conn) error {
	want := max(s.alone, s.shared)
	switch {
	case s.held > 0:
		want = 1
	case s.running > 1:
		want = s.shared
	}
	if want == s.threads {
		return nil
	}
	if _, err := store.WithThreads(ctx, conn, want); err != nil {
		return err
	}
	s.threads = want
	return nil
}

// checkpointGate lets a lane's commit checkpoint the store while the other
// lane loads. DuckDB checkpoints at a commit only when no other transaction
// is open, so a lane holds the gate shared while it works on a file, and a
// commit that checkpoints (commitLoad) holds it alone: at once if the other
// lane is between files (tryAlone), or once the other lane has finished its
// file (alone).
type checkpointGate struct{ mu sync.RWMutex }

func (g *checkpointGate) enter() { g.mu.RLock() }

func (g *checkpointGate) leave() { g.mu.RUnlock() }

// alone runs f while no other lane is working on a file, waiting for the
// other lane to finish the one it is on. The caller is inside the gate
// (enter) and stays inside it.
func (g *checkpointGate) alone(f func() error) error {
	g.mu.RUnlock()
	g.mu.Lock()
	defer func() {
		g.mu.Unlock()
		g.mu.RLock()
	}()
	return f()
}

// tryAlone is alone when no other lane is working on a file now, and does
// nothing otherwise; it reports whether f ran.
func (g *checkpointGate) tryAlone(f func() error) (bool, error) {
	g.mu.RUnlock()
	defer g.mu.RLock()
	if !g.mu.TryLock() {
		return false, nil
	}
	defer g.mu.Unlock()
	return true, f()
}

// deferCheckpoints raises DuckDB's checkpoint_threshold for the run, so the
// store is checkpointed once at the end instead of every few files: with the
// default (16 MB of write-ahead log) a run of claims files checkpointed every
// fourth file, each time longer. Every file's commit is still durable in the
// log. (The store keeps DuckDB's vacuum off, store.OpenWith: otherwise each
// ledger file's checkpointing commit merged the part-full row groups the file
// before it left with its own, rewriting about as many rows as it added: 0.31
// s instead of 0.08 s for a 625k-row file's commit at SF=1.)
//
// restore checkpoints and puts the setting back.
func deferCheckpoints(ctx context.Context, conn *sql.Conn) (restore func() error, err error) {
	var was string
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('checkpoint_threshold')`).Scan(&was); err != nil {
		return nil, err
	}
	// SET takes no bound parameters: the old value is written as a literal.
	put := func(value string) error {
		_, err := conn.ExecContext(context.WithoutCancel(ctx), "SET checkpoint_threshold = "+store.QuoteLiteral(value))
		return err
	}
	if err := put(runCheckpointThreshold); err != nil {
		return nil, err
	}
	return func() error {
		var err error
		if ctx.Err() == nil {
			_, err = conn.ExecContext(ctx, `CHECKPOINT`)
		}
		return errors.Join(err, put(was))
	}, nil
}

// runCheckpointThreshold is the checkpoint_threshold of an ingest run.
const runCheckpointThreshold = "1GB"

// rowGroupRows is DuckDB's row group size: an INSERT writes each row group it
// fills to the store file as it goes (compressed, as a checkpoint would).
const rowGroupRows = 122880

// walCheckpointBytes is how large the write-ahead log may grow before a
// commit waits for the other lane, to checkpoint (commitLoad).
const walCheckpointBytes = 256 << 20

// commitLoad commits a file's transaction. A file that loaded a row group or
// more (a ledger) checkpoints at its commit when it can do so at once, the
// other lane being between files: the checkpoint writes what the file's
// INSERT has not (its last, part-full row group) and whatever earlier commits
// left in the write-ahead log (the claims files' rows). Otherwise it commits
// through the log, which for such a file holds only where its row groups
// are: DuckDB 1.1 writes each full row group of a large INSERT to the store
// file as it goes (625k ledger rows: 6.6 KB of log). A later checkpoint, at
// the latest the run's closing one, does the rest; after a crash, opening the
// store replays the log (a copy of the store file and its log, taken after
// such a commit, opened with all 625k rows). Waiting for the other lane
// instead, a lane sat idle while the other loaded a ledger file of its own
// (SF=10: an inverter ledger file of 242k rows took 9.1 s, 0.8 s of it
// loading). Only once the log has grown past walCheckpointBytes (claims files
// commit through it) does a commit, any file's, wait for the other lane to
// checkpoint: the rows in the log are also held in memory until then. The
// checkpoint_threshold is lowered for a checkpointing commit only (it is a
// setting of the database).
func commitLoad(ctx context.Context, conn *sql.Conn, tx *sql.Tx, rows int64, gate *checkpointGate, walBytes int64) error {
	checkpoint := func() (err error) {
		if _, err := conn.ExecContext(ctx, `SET checkpoint_threshold = '0B'`); err != nil {
			return err
		}
		defer func() {
			_, rerr := conn.ExecContext(context.WithoutCancel(ctx), `SET checkpoint_threshold = '`+runCheckpointThreshold+`'`)
			if err == nil {
				err = rerr
			}
		}()
		return tx.Commit()
	}
	switch {
	case walBytes >= walCheckpointBytes:
		return gate.alone(checkpoint)
	case rows >= rowGroupRows:
		if ran, err := gate.tryAlone(checkpoint); ran {
			return err
		}
	}
	return tx.Commit()
}

// walSize is the size of the store's write-ahead log, 0 when there is none
// (an in-memory store, or none written since the last checkpoint).
func walSize(st *store.Store) int64 {
	if st.Path == "" {
		return 0
	}
	fi, err := os.Stat(st.Path + ".wal")
	if err != nil {
		return 0
	}
	return fi.Size()
}

package ingest

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"stcrecon/pipeline/store"
	queries "stcrecon/sql"
)

// Reject is a row quarantined at ingest, or (Line 0) a whole file.
type Reject struct {
	File   string
	Line   int64
	Col    int // 1-based position in the header; 0 when unknown
	Column string
	Value  string
	Reason string
}

func (r Reject) String() string {
	loc := r.File
	if r.Line > 0 {
		loc += fmt.Sprintf(":%d", r.Line)
		if r.Col > 0 {
			loc += fmt.Sprintf(":%d", r.Col)
		}
	}
	msg := r.Reason
	if r.Column != "" {
		msg = r.Column + ": " + msg
	}
	if r.Value != "" {
		msg += fmt.Sprintf(" (value %q)", r.Value)
	}
	return loc + ": " + msg
}

// FileError rejects a whole file. It prints as file:line:col: message.
type FileError struct {
	File string
	Line int64
	Col  int
	Msg  string
}

func (e *FileError) Error() string {
	r := Reject{File: e.File, Line: e.Line, Col: e.Col, Reason: e.Msg}
	return r.String()
}

// FileStatus is what ingest did with one file.
type FileStatus string

// What can become of a file.
const (
	Loaded   FileStatus = "loaded"
	Skipped  FileStatus = "skipped"  // same content loaded before
	Rejected FileStatus = "rejected" // nothing loaded
	Ignored  FileStatus = "ignored"  // in a folder, not a .csv or .xlsx file: not read
)

// FileResult reports one file.
type FileResult struct {
	Path     string
	Kind     Kind
	Status   FileStatus
	SHA256   string
	Rows     int64    // rows loaded
	Rejects  []Reject // rows quarantined (at most MaxListedRejects listed)
	Rejected int64    // rows quarantined in all
	Err      error    // why the file was rejected whole, or which earlier file it repeats
}

// MaxListedRejects bounds the rejects a FileResult carries; all of them are in the store.
const MaxListedRejects = 100

// Ingester loads files into the store.
type Ingester struct {
	Store *store.Store
	Log   *slog.Logger
	// Now gives the ingest time (the default uploaded_at); time.Now if nil.
	Now func() time.Time
	// ProgressEvery is how many rows of a large file pass between progress lines.
	ProgressEvery int
	// Threads is DuckDB's thread count while two lanes load; 0 means 1. A
	// lane left loading alone raises it to the store's own (laneShare).
	Threads int
	// MemoryLimit is DuckDB's memory_limit while ingest runs (config
	// ingest.memory_limit); "" keeps the store's. Store.WithMemoryLimit says why.
	MemoryLimit string
	// afterLoad, if set, runs inside the file's transaction between loading its
	// rows and recording it: tests use it to fail a file half way.
	afterLoad func(ctx context.Context, tx *sql.Tx) error
	// beforeStage, if set, runs on the lane's connection just before a CSV
	// file is staged; an error rejects the file as a failed staging would:
	// tests use it to fail a statement inside a batch.
	beforeStage func(ctx context.Context, conn *sql.Conn, name string) error
}

// Ingest loads the files named, and every recognised file in the folders
// named, folder files in name (byte) order, in two lanes side by side
// (splitLanes), each file in its own transaction, but for small claims files
// one after another in a lane, which share one (claimsBatch). A file that fails is
// reported in its FileResult and does not stop the others; the error is for
// failures of the program or the store, after which nothing more is tried:
// the other lane's file in progress is interrupted and rolled back, as on a
// cancelled ctx. The results come in the order of the files.
func (in *Ingester) Ingest(ctx context.Context, paths []string) (out []FileResult, err error) {
	files, ignored, err := Expand(paths)
	if err != nil {
		return nil, err
	}
	if n := sweepTempDirs(); n > 0 {
		in.log().Info("ingest: removed the temp dirs of runs that were killed", "dirs", n, "in", os.TempDir())
	}
	conn, err := in.Store.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	defer conn.Close()
	restore, err := deferCheckpoints(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	defer func() {
		t0 := time.Now()
		if rerr := restore(); rerr != nil && err == nil {
			err = fmt.Errorf("ingest: %w", rerr)
		}
		in.log().Info("ingest: checkpoint", "seconds", time.Since(t0).Seconds())
	}()
	// One DuckDB thread by default: each lane runs on its own calling thread,
	// and the two lanes keep two cores busy with work rather than one
	// working and one spinning (store.WithThreads). Measured at SF=1 (all 46
	// files, 2 cores): 15.0 s of CPU before lanes, 10.4-11.2 s with lanes on
	// one thread, at no cost in wall time.
	lanes := splitLanes(files)
	share := &laneShare{running: len(lanes)}
	if share.alone, err = store.Threads(ctx, conn); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	share.shared = max(in.Threads, 1)
	share.threads = share.shared
	restoreThreads, err := store.WithThreads(ctx, conn, share.threads)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	defer func() {
		if rerr := restoreThreads(); rerr != nil && err == nil {
			err = fmt.Errorf("ingest: %w", rerr)
		}
	}()
	if err := textFunctions(ctx, conn); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	restoreMemory, err := in.Store.WithMemoryLimit(ctx, conn, in.MemoryLimit)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	defer func() {
		if rerr := restoreMemory(); rerr != nil && err == nil {
			err = fmt.Errorf("ingest: %w", rerr)
		}
	}()
	// The file ids are taken now, in the order of the files, so a file's id
	// does not depend on which lane commits first (the ledgers' ranking and
	// claim amendments go by file id). A file skipped as loaded before leaves
	// its id unused.
	ids, err := reserveFileIDs(ctx, conn, len(files))
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	results := make([]*FileResult, len(files))
	g, gctx := errgroup.WithContext(ctx)
	var gate checkpointGate
	for _, lane := range lanes {
		g.Go(func() error {
			err := in.runLane(gctx, lane, files, ids, results, &gate, share)
			if ferr := share.finished(gctx, conn); ferr != nil && err == nil && gctx.Err() == nil {
				err = fmt.Errorf("ingest: %w", ferr)
			}
			return err
		})
	}
	err = g.Wait()
	out = ignored
	for _, r := range results {
		if r != nil {
			out = append(out, *r)
		}
	}
	if err == nil {
		// a lane stops quietly when the other failed or ctx ended
		err = ctx.Err()
	}
	return out, err
}

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

// loadFile is ingestFile, then the drop of what a file rejected half way may
// have left (a loaded file drops its own).
func (in *Ingester) loadFile(ctx context.Context, conn *sql.Conn, path string, fileID int64, first *firstRead, gate *checkpointGate, b *claimsBatch) (FileResult, error) {
	res, err := in.ingestFile(ctx, conn, path, fileID, first, gate, b)
	if err == nil && res.Status == Rejected {
		err = dropTemp(ctx, conn, tempNames...)
	}
	return res, err
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

// Expand lists what Ingest reads for paths, in order. Folders become their
// files, sorted by name: every .csv and .xlsx file is ingested (one whose name
// matches no kind is then rejected by name); any other entry is returned as
// ignored.
func Expand(paths []string) ([]string, []FileResult, error) {
	var out []string
	var ignored []FileResult
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil || !st.IsDir() {
			// a missing or odd path is reported per file, so the others still load
			out = append(out, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, nil, fmt.Errorf("ingest %s: %w", p, err)
		}
		var names []string
		for _, e := range entries {
			switch {
			case e.IsDir():
				ignored = append(ignored, FileResult{Path: filepath.Join(p, e.Name()), Status: Ignored, Err: errors.New("a folder: folders are not read inside a folder")})
			case formatOf(e.Name()) == "":
				ignored = append(ignored, FileResult{Path: filepath.Join(p, e.Name()), Status: Ignored, Err: errors.New("not a .csv or .xlsx file")})
			default:
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, filepath.Join(p, n))
		}
	}
	return out, ignored, nil
}

func formatOf(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return "csv"
	case ".xlsx":
		return "xlsx"
	}
	return ""
}

func (in *Ingester) now() time.Time {
	if in.Now != nil {
		return in.Now().UTC()
	}
	return time.Now().UTC()
}

func (in *Ingester) log() *slog.Logger {
	if in.Log != nil {
		return in.Log
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// firstRead is a file's first read, before DuckDB reads it: the file opened
// and hashed and, for a CSV file of a known kind, scanned (scanCSV).
type firstRead struct {
	file *input
	scan *csvScan
	err  error // the file could not be read
	took time.Duration
}

// readFirst reads path for ingestFile. It touches no store, so it can run
// while another file loads.
func readFirst(ctx context.Context, path string) *firstRead {
	t0 := time.Now()
	name := filepath.Base(path)
	_, ok := KindOf(name)
	r := &firstRead{}
	// A CSV file of a known kind is scanned as it is hashed: one read for both.
	var pass func(io.Reader) error
	if ok && formatOf(name) == "csv" {
		pass = func(f io.Reader) (err error) {
			r.scan, err = scanCSV(f)
			return err
		}
	}
	r.file, r.err = openInputWith(ctx, path, pass)
	r.took = time.Since(t0)
	return r
}

// close closes the file, if it was opened, and removes the scan's temp files.
func (r *firstRead) close() {
	if r.file != nil {
		r.file.Close()
	}
	if r.scan != nil {
		r.scan.close()
	}
}

// ingestFile loads one file in b's transaction (claimsBatch), or rejects it whole, from its
// first read. The returned error is kept for failures of the store itself.
func (in *Ingester) ingestFile(ctx context.Context, conn *sql.Conn, path string, fileID int64, first *firstRead, gate *checkpointGate, b *claimsBatch) (FileResult, error) {
	defer first.close()
	name := filepath.Base(path)
	res := FileResult{Path: path}
	kind, ok := KindOf(name)
	res.Kind = kind
	format := formatOf(name)
	var size int64
	var sum string
	reject := func(e error) (FileResult, error) {
		if err := ctx.Err(); err != nil {
			// the run was stopped (what failed may be that): nothing is
			// rejected, and the caller rolls back an open batch
			return res, err
		}
		var fe *FileError
		if !errors.As(e, &fe) {
			fe = &FileError{Msg: e.Error()}
		}
		fe.File = name
		res.Status, res.Err = Rejected, fe
		// The files of an open batch are committed first: this file has
		// written nothing in it.
		if err := b.settle(ctx, conn); err != nil {
			return res, err
		}
		return res, in.recordRejectedFile(ctx, conn, path, fileID, kind, format, sum, size, fe)
	}
	file, scan, err := first.file, first.scan, first.err
	if err != nil {
		return reject(&FileError{Msg: "cannot read the file: " + unwrapPath(err)})
	}
	size, sum = file.size, file.sum
	res.SHA256 = sum
	in.log().Debug("ingest: step", "file", name, "step", "read", "seconds", first.took.Seconds())
	switch {
	case !ok:
		return reject(&FileError{Msg: "unknown kind: the name must start with one of " + kindList() + " (in any case)"})
	case format == "":
		return reject(&FileError{Msg: "not a CSV or XLSX file (the name must end in .csv or .xlsx)"})
	case size == 0:
		return reject(&FileError{Msg: "the file is empty: no header row"})
	}
	var prev string
	var prevAt time.Time
	err = conn.QueryRowContext(ctx, `SELECT name, ingested_at FROM files WHERE sha256 = ? AND status = 'loaded' LIMIT 1`, sum).Scan(&prev, &prevAt)
	if err == nil {
		res.Status = Skipped
		res.Err = fmt.Errorf("same content as %s, loaded %s UTC: nothing to do", prev, prevAt.Format(time.DateTime))
		return res, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return res, err
	}

	start := time.Now()
	var layout Layout
	var nBad int64 // rejects staged in scan_rejects
	switch format {
	case "csv":
		if file.passErr != nil {
			return reject(file.passErr)
		}
		var err error
		if layout, err = ResolveHeader(kind, scan.header); err != nil {
			return reject(headerError(err))
		}
		if scan.records >= int64(in.ProgressEvery) && in.ProgressEvery > 0 {
			in.log().Info("ingest: reading", "file", name, "rows", scan.records)
		}
		var link string
		if scan.bad.len() > 0 {
			link, err = file.copyWithout(ctx, ".csv", &scan.bad)
		} else {
			link, err = file.safePath(path, ".csv")
		}
		if err != nil {
			return res, err
		}
		t0 := time.Now()
		if in.beforeStage != nil {
			if err := in.beforeStage(ctx, conn, name); err != nil {
				return reject(err)
			}
		}
		// a file with a byte other than printable ASCII is staged as
		// stage_read, then normalised into stage
		view := "stage"
		if scan.odd {
			view = "stage_read"
		}
		if err := stageCSV(ctx, conn, link, scan, layout, view); err != nil {
			return reject(err)
		}
		in.timed(name, "stage", t0)
		if nBad, err = stageScanRejects(ctx, conn, scan); err != nil {
			return res, err
		}
		if scan.odd {
			n, copied, err := normaliseStage(ctx, conn, layout, view)
			if err != nil {
				return res, err
			}
			nBad += n
			if copied {
				if _, err := conn.ExecContext(ctx, `DROP VIEW stage_read; DROP TABLE stage_raw; DROP TABLE IF EXISTS stage_shifts`); err != nil {
					return res, err
				}
			}
		}
	case "xlsx":
		link, err := file.safePath(path, ".xlsx")
		if err != nil {
			return res, err
		}
		var bad []Reject
		if layout, bad, err = in.stageXLSX(ctx, conn, link, kind, name); err != nil {
			return reject(err)
		}
		if nBad, err = stageRejectList(ctx, conn, bad); err != nil {
			return res, err
		}
		n, copied, err := normaliseStage(ctx, conn, layout, "stage_read")
		if err != nil {
			return res, err
		}
		nBad += n
		if copied {
			if err := dropTables(ctx, conn, "stage_read"); err != nil {
				return res, err
			}
		}
	}
	if err := in.load(ctx, conn, path, fileID, kind, format, sum, size, layout, nBad, gate, b, &res); err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			// what the file wrote goes, and with it the batch's files
			b.abandon()
			return reject(err)
		}
		return res, err
	}
	if res.Rows >= int64(in.ProgressEvery) && in.ProgressEvery > 0 {
		in.log().Info("ingest: loaded", "file", name, "rows", res.Rows, "seconds", time.Since(start).Seconds())
	}
	return res, nil
}

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
		n, err := runBatches(ctx, tx, stmt)
		if err != nil {
			return fmt.Errorf("sql/load/%s.sql: %s: %w", kind, firstLine(stmt), err)
		}
		if firstLine(stmt) == "-- name: LoadClaimSerials" {
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
func runBatches(ctx context.Context, tx *sql.Tx, stmt string) (int64, error) {
	q, batched := commentOf(stmt, "batches")
	if !batched {
		return execRows(ctx, tx, stmt)
	}
	names, batches, err := store.QueryRows(ctx, tx, q)
	if err != nil {
		return 0, fmt.Errorf("batches: %w", err)
	}
	var rows int64
	for _, vals := range batches {
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

// timed logs at debug level how long a step of a file took.
func (in *Ingester) timed(file, step string, t0 time.Time) {
	in.log().Debug("ingest: step", "file", file, "step", step, "seconds", time.Since(t0).Seconds())
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

// recordRejectedFile notes a file rejected whole, so it shows in rejects.csv.
func (in *Ingester) recordRejectedFile(ctx context.Context, conn *sql.Conn, path string, fileID int64, kind Kind, format, sum string, size int64, fe *FileError) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var k, f any
	if kind != "" {
		k = string(kind)
	}
	if format != "" {
		f = format
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO files (file_id, name, path, kind, format, sha256, size_bytes, status, error, ingested_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'rejected', ?, ?)`,
		fileID, filepath.Base(path), path, k, f, sum, size, fe.Msg, in.now()); err != nil {
		return err
	}
	var line any
	if fe.Line > 0 {
		line = fe.Line
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO rejects VALUES (?, ?, NULL, NULL, ?)`, fileID, line, "file rejected: "+fe.Msg); err != nil {
		return err
	}
	return tx.Commit()
}

func headerError(err error) error {
	var he *HeaderError
	if errors.As(err, &he) {
		return &FileError{Line: 1, Col: he.Col, Msg: he.Msg}
	}
	return err
}

// firstLine is a statement's name line, for logs.
func firstLine(stmt string) string {
	if i := strings.IndexByte(stmt, '\n'); i >= 0 {
		return stmt[:i]
	}
	return stmt
}

func unwrapPath(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func kindList() string {
	var s []string
	for _, k := range Kinds {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

func (in *Ingester) logResult(r FileResult, took time.Duration) {
	switch r.Status {
	case Loaded:
		in.log().Info("ingest: file loaded", "file", filepath.Base(r.Path), "kind", r.Kind, "rows", r.Rows, "rejected", r.Rejected,
			"seconds", took.Seconds())
	case Skipped:
		in.log().Info("ingest: file skipped", "file", filepath.Base(r.Path), "why", r.Err)
	case Rejected:
		// Info, not Warn: a rejected file is a result the caller reports, not a
		// fault of the program, and it would otherwise be printed twice.
		in.log().Info("ingest: file rejected", "file", filepath.Base(r.Path), "error", r.Err)
	}
}

package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"stcrecon/configs"
	"stcrecon/pipeline/store"
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

// New is the Ingester of a store with the ingest settings of the
// configuration (ingest: in configs/stcrecon.yaml).
func New(st *store.Store, log *slog.Logger, cfg configs.Ingest) *Ingester {
	return &Ingester{Store: st, Log: log, ProgressEvery: cfg.ProgressEveryRows, Threads: cfg.DuckDBThreads,
		MemoryLimit: cfg.MemoryLimit}
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

// loadFile is ingestFile, then the drop of what a file rejected half way may
// have left (a loaded file drops its own).
func (in *Ingester) loadFile(ctx context.Context, conn *sql.Conn, path string, fileID int64, first *firstRead, gate *checkpointGate, b *claimsBatch) (FileResult, error) {
	res, err := in.ingestFile(ctx, conn, path, fileID, first, gate, b)
	if err == nil && res.Status == Rejected {
		err = dropTemp(ctx, conn, tempNames...)
	}
	return res, err
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

// timed logs at debug level how long a step of a file took.
func (in *Ingester) timed(file, step string, t0 time.Time) {
	in.log().Debug("ingest: step", "file", file, "step", step, "seconds", time.Since(t0).Seconds())
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

package reports

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"stcrecon/pipeline/audit"
	"stcrecon/pipeline/store"
)

// ManifestFile is the name of the file written last into an output folder.
const ManifestFile = "manifest.json"

// outputDir is a fresh, hidden folder beside the target folder that a run's
// files are written into. Once every file and the manifest are written, it is
// renamed to the target in one step, so the target never holds a half-written
// run or the files of two runs: after a crash it holds the previous complete
// folder or the new complete one, and an abandoned partial folder keeps its
// hidden name.
type outputDir struct {
	target string // the folder asked for
	tmp    string // .NAME.partial-XXXX beside it
	rows   map[string]int64
}

// ErrOutIsFile is returned when the output folder asked for is an existing
// file (or anything else that is not a folder).
var ErrOutIsFile = errors.New("is not a folder")

// CheckOutputDir says whether dir can become an output folder: it must not be
// an existing file. Callers check before the work, so the error comes early.
func CheckOutputDir(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output folder %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("output folder %s: %w (it is a file; name a folder to write into)", dir, ErrOutIsFile)
	}
	return nil
}

func newOutputDir(target string) (*outputDir, error) {
	if err := CheckOutputDir(target); err != nil {
		return nil, err
	}
	target = filepath.Clean(target)
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("output folder %s: %w", target, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(target)+".partial-")
	if err != nil {
		return nil, fmt.Errorf("output folder %s: %w", target, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("output folder %s: %w", target, err)
	}
	return &outputDir{target: target, tmp: tmp, rows: map[string]int64{}}, nil
}

// path is where a file of the run is written before the rename.
func (o *outputDir) path(name string) string { return filepath.Join(o.tmp, name) }

// counted records the data rows of a file, for the manifest.
func (o *outputDir) counted(name string, rows int64) { o.rows[name] = rows }

// discard removes the partial folder (after a failure).
func (o *outputDir) discard() { os.RemoveAll(o.tmp) }

// afterFile is a test hook, called after each file of the folder is written
// (with its name) and once more with ManifestFile before the manifest is.
var afterFile func(name string) error

func (o *outputDir) done(name string) error {
	if afterFile != nil {
		return afterFile(name)
	}
	return nil
}

// Manifest is manifest.json: which run wrote the folder, and every file in it
// with its size, SHA-256 and data rows (the header not counted; absent for
// the workbook, whose sheets hold several tables).
type Manifest struct {
	RunID          int64               `json:"run_id"`
	Scope          string              `json:"scope"`
	AllBecause     string              `json:"all_because,omitempty"`
	StartedAt      time.Time           `json:"started_at"`
	FinishedAt     time.Time           `json:"finished_at"`
	WrittenAt      time.Time           `json:"written_at"`
	LastFileID     int64               `json:"last_file_id"`
	PreviousRunID  int64               `json:"previous_run_id"`
	PreviousFileID int64               `json:"previous_file_id"`
	Claims         ManifestClaims      `json:"claims"`
	Files          []ManifestFileEntry `json:"files"`
}

// ManifestClaims counts the claims of the run: why they were audited, their
// verdicts, and how many changed since their previous audit.
type ManifestClaims struct {
	Audited        int64 `json:"audited"`
	New            int64 `json:"new"`
	Amended        int64 `json:"amended"`
	Reaudited      int64 `json:"reaudited"`
	Pass           int64 `json:"pass"`
	Review         int64 `json:"review"`
	Fail           int64 `json:"fail"`
	Changed        int64 `json:"changed"`
	VerdictChanged int64 `json:"verdict_changed"`
	NowFail        int64 `json:"now_fail"`
	NowReview      int64 `json:"now_review"`
	NowPass        int64 `json:"now_pass"`
}

// ManifestFileEntry is one file of the folder.
type ManifestFileEntry struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	Rows   *int64 `json:"rows,omitempty"`
}

// finish lists every file the folder holds (whatever wrote it) in the
// manifest, writes the manifest last, and syncs the folder.
func (o *outputDir) finish(ctx context.Context, conn *sql.Conn, run *audit.Run, now time.Time) (*Manifest, error) {
	m := &Manifest{
		RunID: run.ID, Scope: run.Scope, AllBecause: run.AllReason,
		StartedAt: run.StartedAt, FinishedAt: run.FinishedAt, WrittenAt: now.UTC(),
		LastFileID: run.LastFileID, PreviousRunID: run.PrevRunID, PreviousFileID: run.PrevFileID,
		Claims: ManifestClaims{
			Audited: run.Claims, New: run.New, Amended: run.Amended, Reaudited: run.Reaudited,
			Pass: run.Passed, Review: run.Review, Fail: run.Failed,
			Changed: run.Changed, VerdictChanged: run.VerdictChanged,
			NowFail: run.NowFail, NowReview: run.NowReview, NowPass: run.NowPass,
		},
	}
	err := filepath.WalkDir(o.tmp, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(o.tmp, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		e := ManifestFileEntry{Name: rel}
		if e.Bytes, e.SHA256, err = hashFile(p); err != nil {
			return err
		}
		if n, ok := o.rows[rel]; ok {
			e.Rows = &n
		} else if n, ok, err := countRows(ctx, conn, p); err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		} else if ok {
			e.Rows = &n
		}
		m.Files = append(m.Files, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Name < m.Files[j].Name })
	if err := o.done(ManifestFile); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeSynced(o.path(ManifestFile), append(b, '\n')); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return m, syncDir(o.tmp)
}

// publish renames the finished folder to the target. A target that exists is
// never mixed with the new files: an empty folder is replaced; a folder with
// files is kept under NAME.replaced-TIME beside it (nothing is deleted), and
// its new name is returned.
func (o *outputDir) publish(now time.Time) (keptAt string, err error) {
	entries, err := os.ReadDir(o.target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return "", fmt.Errorf("output folder %s: %w", o.target, err)
	case len(entries) == 0:
		if err := os.Remove(o.target); err != nil {
			return "", fmt.Errorf("output folder %s: %w", o.target, err)
		}
	default:
		keptAt = o.target + ".replaced-" + now.UTC().Format("20060102T150405Z")
		for n := 2; ; n++ {
			if _, err := os.Lstat(keptAt); errors.Is(err, fs.ErrNotExist) {
				break
			}
			keptAt = fmt.Sprintf("%s.replaced-%s-%d", o.target, now.UTC().Format("20060102T150405Z"), n)
		}
		if err := os.Rename(o.target, keptAt); err != nil {
			return "", fmt.Errorf("output folder %s: keep the earlier folder: %w", o.target, err)
		}
	}
	if err := os.Rename(o.tmp, o.target); err != nil {
		return keptAt, fmt.Errorf("output folder %s: %w", o.target, err)
	}
	return keptAt, syncDir(filepath.Dir(o.target))
}

func hashFile(p string) (int64, string, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// countRows counts the data rows of a file no writer counted: CSV records
// after the header, Parquet rows (DuckDB reads the footer). Other kinds: ok
// is false.
func countRows(ctx context.Context, conn *sql.Conn, p string) (n int64, ok bool, err error) {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".csv":
		f, err := os.Open(p)
		if err != nil {
			return 0, false, err
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return 0, false, err
			}
			n++
		}
		return max(n-1, 0), true, nil
	case ".parquet":
		err := conn.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet("+store.QuoteLiteral(p)+")").Scan(&n)
		return n, err == nil, err
	}
	return 0, false, nil
}

// createFile creates a file of the run (0644 under a 022 umask).
func createFile(p string) (*os.File, error) {
	return os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
}

// closeSynced flushes a written file to disk and closes it.
func closeSynced(f *os.File) error {
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeSynced(p string, b []byte) error {
	f, err := createFile(p)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return closeSynced(f)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

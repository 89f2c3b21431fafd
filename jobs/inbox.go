package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"stcrecon/pipeline/ingest"
	"stcrecon/reports"
)

// ingestJob loads the inbox.
func ingestJob(ctx context.Context, run *runEnv) error { return run.ingestInbox(ctx) }

// ingestInbox loads every settled file of the inbox, in name order, one at a
// time, and moves each where it belongs once the store has it:
//   - loaded, or skipped as loaded before (same content): archive/DATE/NAME;
//     when some of its rows were rejected, archive/DATE/NAME.rejects.txt lists
//     them (they are in the store too, and in the next audit's rejects.csv);
//   - rejected whole: quarantine/NAME, with quarantine/NAME.error.txt saying why.
//
// A file moves only after the store committed what ingest did with it, so a
// crash in between leaves it in the inbox, and the next run skips it as
// already loaded and archives it: no file is lost, none loaded twice.
// A name already taken in the archive or quarantine gets a suffix (NAME.2.csv).
// Left for the next run: files modified less than settle_seconds ago, named
// *.part, or hidden (.NAME: editors' and rsync's files in progress), and
// folders.
func (run *runEnv) ingestInbox(ctx context.Context) error {
	cfg := run.r.Config
	inbox := cfg.Folders.Inbox
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	entries, err := os.ReadDir(inbox) // sorted by name
	if err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	date := run.start.Format(time.DateOnly)
	settle := cfg.Settle()
	in := ingest.New(run.store, run.log, cfg.Ingest)
	in.Now = run.r.Now
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(inbox, name)
		if strings.HasPrefix(name, ".") {
			continue
		}
		info, err := os.Stat(path) // follows a symlink: a link to a file is fine
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue // gone since the listing (a broken link is reported by ingest)
			}
			return fmt.Errorf("inbox: %w", err)
		}
		if info.IsDir() {
			continue
		}
		if strings.HasSuffix(name, ".part") || run.start.Sub(info.ModTime()) < settle {
			run.res.FilesWaiting++
			run.log.Info("inbox: left for the next run: may still be being written", "file", name)
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		results, err := in.Ingest(ctx, []string{path})
		if err != nil {
			return err // the store failed: the file stays in the inbox
		}
		if len(results) != 1 {
			return fmt.Errorf("inbox %s: ingest reported %d results", name, len(results))
		}
		if err := run.place(ctx, results[0], date); err != nil {
			return err
		}
	}
	return nil
}

// place moves one ingested file to the archive or the quarantine.
func (run *runEnv) place(ctx context.Context, fr ingest.FileResult, date string) error {
	f := run.r.Config.Folders
	name := filepath.Base(fr.Path)
	switch fr.Status {
	case ingest.Loaded, ingest.Skipped:
		dest, err := moveFile(fr.Path, filepath.Join(f.Archive, date))
		if err != nil {
			return fmt.Errorf("archive %s: %w", name, err)
		}
		if fr.Status == ingest.Skipped {
			run.res.FilesSkipped++
			run.log.Info("inbox: already loaded, archived", "file", name, "to", dest, "why", fmt.Sprint(fr.Err))
			return nil
		}
		run.res.FilesLoaded++
		run.res.RowsLoaded += fr.Rows
		run.res.RowsRejected += fr.Rejected
		if fr.Rejected > 0 {
			if err := run.writeRejects(ctx, fr, dest+".rejects.txt"); err != nil {
				return fmt.Errorf("archive %s: %w", name, err)
			}
		}
		run.log.Info("inbox: loaded, archived", "file", name, "to", dest, "rows", fr.Rows, "rows_rejected", fr.Rejected)
	case ingest.Rejected:
		dest, err := moveFile(fr.Path, f.Quarantine)
		if err != nil {
			return fmt.Errorf("quarantine %s: %w", name, err)
		}
		run.res.FilesQuarantined++
		if err := writeText(dest+".error.txt", errorText(fr, dest, run)); err != nil {
			return fmt.Errorf("quarantine %s: %w", name, err)
		}
		run.log.Warn("inbox: rejected whole, quarantined", "file", name, "to", dest, "reason", fmt.Sprint(fr.Err))
	default:
		return fmt.Errorf("inbox %s: unexpected ingest status %q", name, fr.Status)
	}
	return nil
}

// errorText is what NAME.error.txt says about a file rejected whole.
func errorText(fr ingest.FileResult, dest string, run *runEnv) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s was rejected whole by stcrecon's %s job at %s; nothing from it was loaded.\n\n",
		filepath.Base(fr.Path), run.res.Job, run.start.Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(&b, "Reason:\n  %v\n", fr.Err)
	if len(fr.Rejects) > 0 {
		b.WriteString("\nRejected rows:\n")
		for _, rj := range fr.Rejects {
			b.WriteString("  " + rj.String() + "\n")
		}
	}
	fmt.Fprintf(&b, "\nTo load it, fix the file and put it back into the inbox; then delete %s and this note.\n", filepath.Base(dest))
	return b.String()
}

// writeRejects lists every rejected row of a loaded file (the store has them
// all; the FileResult carries only the first hundred).
func (run *runEnv) writeRejects(ctx context.Context, fr ingest.FileResult, path string) error {
	rows, err := run.store.DB.QueryContext(ctx, `SELECT coalesce(r.line, 0), coalesce(r.column_name, ''), coalesce(r.value, ''), r.reason
		FROM rejects r WHERE r.file_id = (SELECT max(file_id) FROM files WHERE sha256 = ? AND status = 'loaded')
		ORDER BY r.line NULLS FIRST, r.column_name`, fr.SHA256)
	if err != nil {
		return err
	}
	defer rows.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "%s was loaded by stcrecon's %s job at %s: %d rows loaded, %d rejected. The rejected rows:\n",
		filepath.Base(fr.Path), run.res.Job, run.start.Format("2006-01-02 15:04:05 MST"), fr.Rows, fr.Rejected)
	for rows.Next() {
		rj := ingest.Reject{File: filepath.Base(fr.Path)}
		if err := rows.Scan(&rj.Line, &rj.Column, &rj.Value, &rj.Reason); err != nil {
			return err
		}
		b.WriteString(rj.String() + "\n")
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return writeText(path, b.String())
}

// moveFile moves src into folder dir under its own name, or with a suffix
// (NAME.2.ext, NAME.3.ext...) when that name is taken, and returns where it
// went. It never overwrites: within a file system it links the new name (which
// fails if it exists) and then removes the old one; across file systems it
// copies to a temporary name, syncs, links into place, then removes the
// source. At every step at least one complete copy exists.
func moveFile(src, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	base := filepath.Base(src)
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for n := 1; n < 10000; n++ {
		dest := filepath.Join(dir, base)
		if n > 1 {
			dest = filepath.Join(dir, stem+"."+strconv.Itoa(n)+ext)
		}
		err := os.Link(src, dest)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil && isCrossDevice(err) {
			err = copyInto(src, dest)
			if errors.Is(err, os.ErrExist) {
				continue
			}
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			// No hard links here (some network file systems): rename, after
			// checking the name is free (nothing else writes these folders).
			if _, serr := os.Lstat(dest); serr == nil {
				continue
			}
			if err := os.Rename(src, dest); err != nil {
				return "", err
			}
			return dest, syncDir(dir)
		}
		if err != nil {
			return "", err
		}
		if err := syncDir(dir); err != nil {
			return "", err
		}
		if err := os.Remove(src); err != nil {
			return "", err
		}
		return dest, syncDir(filepath.Dir(src))
	}
	return "", fmt.Errorf("%s: no free name in %s", base, dir)
}

func isCrossDevice(err error) bool {
	var le *os.LinkError
	return errors.As(err, &le) && errors.Is(le.Err, syscall.EXDEV)
}

// copyInto copies src to dest (which must not exist) through a synced
// temporary file in dest's folder.
func copyInto(src, dest string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Link(tmp.Name(), dest)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

// writeText writes text to path as the reports write their files: through a
// temporary file renamed into place, mode 0644.
func writeText(path, text string) error {
	return reports.WriteFileAtomic(path, func(f *os.File) error {
		_, err := f.WriteString(text)
		return err
	})
}

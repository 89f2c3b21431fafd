package ingest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// input is one file opened for ingest: checked to be a regular file (a
// symlink to one is fine), held open so that every later read is of the same
// file, and hashed.
type input struct {
	f    *os.File
	size int64
	sum  string
	dir  string // private temp dir of the safe link, if made
	// copied is copyWithout's copy, held open and already unlinked where
	// the system has /proc/self/fd.
	copied *os.File
	// passErr is what the pass of openInputWith found wrong with the content.
	passErr error
}

// openInputWith opens path for reading only if it is a regular file, and
// hashes it. A FIFO, device or socket is refused before it is opened (opening
// a FIFO blocks until a writer comes; /dev/zero never ends); the open itself
// is non-blocking and the opened file is checked again, so a file swapped
// between the two checks is refused too. When pass is not nil, the bytes
// hashed are handed to pass on the way, so the file is read once for both:
// pass (the CSV byte scan) reads from r as it likes, and what it leaves
// unread is still hashed. pass's own error (about the content) is kept in
// passErr; the error returned is a failure to read the file.
func openInputWith(ctx context.Context, path string, pass func(r io.Reader) error) (*input, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := regular(st); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	in := &input{f: f}
	if st, err = f.Stat(); err != nil {
		in.Close()
		return nil, err
	}
	if err := regular(st); err != nil {
		in.Close()
		return nil, err
	}
	h := sha256.New()
	tee := &hashReader{r: ctxReader{ctx, f}, h: h}
	if pass != nil {
		in.passErr = pass(tee)
	}
	if tee.err == nil {
		// what pass left unread (all of it without pass), to the hash only
		_, tee.err = io.Copy(io.Discard, tee)
	}
	if tee.err != nil {
		in.Close()
		return nil, tee.err
	}
	in.size, in.sum = tee.n, hex.EncodeToString(h.Sum(nil))
	return in, nil
}

// hashReader hashes and counts every byte read through it, and keeps the
// first read error (end of file aside), which is then the file's fault, not
// its content's.
type hashReader struct {
	r   io.Reader
	h   hash.Hash
	n   int64
	err error
}

func (t *hashReader) Read(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	n, err := t.r.Read(p)
	t.h.Write(p[:n])
	t.n += int64(n)
	if err != nil && err != io.EOF {
		t.err = err
	}
	return n, err
}

// notRegular is why a file that is not a regular file is refused.
type notRegular struct{ what string }

func (e notRegular) Error() string {
	return "not a regular file (" + e.what + "): only regular files are read"
}

func regular(st os.FileInfo) error {
	m := st.Mode()
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return notRegular{"a folder"}
	case m&os.ModeNamedPipe != 0:
		return notRegular{"a FIFO"}
	case m&os.ModeSocket != 0:
		return notRegular{"a socket"}
	case m&os.ModeDevice != 0:
		return notRegular{"a device"}
	}
	return notRegular{m.Type().String()}
}

// reader reads the file from its start, stopping when ctx is done.
func (in *input) reader(ctx context.Context) (io.Reader, error) {
	if _, err := in.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return ctxReader{ctx, in.f}, nil
}

// safePath is a path to the same open file that a reader taking a path
// (DuckDB's read_csv, excelize) reads literally: a link with a plain name in
// a private temp dir. read_csv takes `[`, `*` and `?` in a path as a glob, so
// `claims_[a].csv` would read `claims_a.csv`; the link has no such character.
// Where the system has /proc/self/fd, the link points at the open file
// itself, so what is read is the file that was checked and hashed.
func (in *input) safePath(orig, ext string) (string, error) {
	dir, err := in.privateDir()
	if err != nil {
		return "", err
	}
	target := "/proc/self/fd/" + strconv.Itoa(int(in.f.Fd()))
	if _, err := os.Stat(target); err != nil {
		if target, err = filepath.Abs(orig); err != nil {
			return "", err
		}
	}
	link := filepath.Join(dir, "input"+ext)
	if err := os.Symlink(target, link); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("link to the file: %w", err)
	}
	return link, nil
}

// copyWithout writes a copy of the file without a BOM and without the bad
// rows' bytes (offsets after any BOM, in order), in the private temp dir, and
// returns a path to it. Where the system has /proc/self/fd, the copy is
// unlinked before it is written and the path is a link to it held open, so a
// run killed part way, even while copying, leaves no copy of a large file
// behind.
func (in *input) copyWithout(ctx context.Context, ext string, bad *spill[badRow]) (string, error) {
	dir, err := in.privateDir()
	if err != nil {
		return "", err
	}
	r, err := in.reader(ctx)
	if err != nil {
		return "", err
	}
	br := bufio.NewReaderSize(r, 1<<20)
	if head, err := br.Peek(3); err == nil && bytes.Equal(head, bom) {
		br.Discard(3)
	}
	p := filepath.Join(dir, "copy"+ext)
	if in.copied, err = os.Create(p); err != nil {
		return "", err
	}
	if target := "/proc/self/fd/" + strconv.Itoa(int(in.copied.Fd())); exists(target) {
		link := filepath.Join(dir, "copied"+ext)
		if err := os.Symlink(target, link); err != nil {
			return "", fmt.Errorf("link to the copy: %w", err)
		}
		if err := os.Remove(p); err != nil {
			return "", err
		}
		p = link
	}
	w := bufio.NewWriterSize(in.copied, 1<<20)
	var at int64
	err = bad.each(func(c badRow) error {
		if _, err := io.CopyN(w, br, c.From-at); err != nil {
			return err
		}
		if _, err := br.Discard(int(c.To - c.From)); err != nil {
			return err
		}
		at = c.To
		return nil
	})
	if err == nil {
		_, err = io.Copy(w, br)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return "", fmt.Errorf("copy of the file: %w", err)
	}
	return p, nil
}

// exists says whether path names something (following links).
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// tempDirPrefix begins the name of an input's private temp dir:
// stcrecon-ingest-<pid>-<random>, so that a later run can tell the dirs of
// processes that are gone (sweepTempDirs).
const tempDirPrefix = "stcrecon-ingest-"

// privateDir makes the input's private temp dir, once.
func (in *input) privateDir() (string, error) {
	if in.dir == "" {
		dir, err := os.MkdirTemp("", tempDirPrefix+strconv.Itoa(os.Getpid())+"-")
		if err != nil {
			return "", fmt.Errorf("temp dir: %w", err)
		}
		in.dir = dir
	}
	return in.dir, nil
}

// staleAfter is how long a dead process's private temp dir is left before
// sweepTempDirs removes it: a temp dir shared with another PID namespace (a
// container's /tmp mounted from the host) may hold the dir of a live process
// this one cannot see, and a dir that young could be in use.
const staleAfter = time.Hour

// sweepTempDirs removes the private temp dirs (privateDir) of ingest runs
// whose process is gone and that have not changed for staleAfter: a run
// killed part way leaves its dir, holding only links (the copies are
// unlinked as they are made). It returns how many it removed; a dir it cannot
// read or remove is left, as is anything named otherwise.
func sweepTempDirs() int {
	tmp := os.TempDir()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return 0
	}
	removed := 0
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), tempDirPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		digits, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(digits)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			continue // alive, or not ours to ask about
		}
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < staleAfter {
			continue
		}
		if os.RemoveAll(filepath.Join(tmp, e.Name())) == nil {
			removed++
		}
	}
	return removed
}

// Close closes the file and removes the safe link.
func (in *input) Close() error {
	if in.dir != "" {
		os.RemoveAll(in.dir)
	}
	if in.copied != nil {
		in.copied.Close()
	}
	return in.f.Close()
}

// ctxReader stops reading when its context is done, so a long byte scan
// answers SIGTERM.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

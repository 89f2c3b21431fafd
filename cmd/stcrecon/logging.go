package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// defaultLogLevel is the annotation by which a command sets its own default
// --log-level.
const defaultLogLevel = "default-log-level"

// logFlags are the global flags that decide what is logged on stderr.
type logFlags struct {
	verbose bool
	level   string
	format  string
}

func (f *logFlags) register(root *cobra.Command) {
	pf := root.PersistentFlags()
	pf.BoolVarP(&f.verbose, "verbose", "v", false, "log each step on stderr (the same as --log-level info)")
	pf.StringVar(&f.level, "log-level", "warn", "show log lines at `LEVEL` and above: debug, info, warn or error")
	pf.StringVar(&f.format, "log-format", "text", "write log lines as `FORMAT`: text or json")
}

func (f *logFlags) slogLevel(cmd *cobra.Command) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(f.level)); err != nil || strings.ContainsAny(f.level, "+-") {
		return 0, usagef("--log-level %q: use debug, info, warn or error", f.level)
	}
	if f.verbose && !cmd.Flags().Changed("log-level") {
		l = slog.LevelInfo
	}
	// A command may log more by default (serve: a daemon's log is its record).
	if def, ok := cmd.Annotations[defaultLogLevel]; ok && !f.verbose && !cmd.Flags().Changed("log-level") {
		if err := l.UnmarshalText([]byte(def)); err != nil {
			return 0, err
		}
	}
	return l, nil
}

// setUp checks the global flags and builds the logger and stderr of the run.
func (a *app) setUp(cmd *cobra.Command) error {
	level, err := a.logs.slogLevel(cmd)
	if err != nil {
		return err
	}
	a.out = newOutput(a.stderr, level > slog.LevelInfo && isTerminal(a.stderr))
	var h slog.Handler
	opts := &slog.HandlerOptions{Level: level}
	switch a.logs.format {
	case "text":
		h = slog.NewTextHandler(a.out, opts)
	case "json":
		h = slog.NewJSONHandler(a.out, opts)
	default:
		return usagef("--log-format %q: use text or json", a.logs.format)
	}
	a.out.log = slog.New(&progressHandler{next: h, out: a.out})
	return nil
}

// log is the logger commands hand to the pipeline.
func (a *app) log() *slog.Logger { return a.out.log }

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// output is stderr for people. On a terminal it also keeps a one-line progress
// indicator (files, rows, step), rewritten in place with a carriage return and
// wiped before anything else is written, so a message is never mixed with it.
// When stderr is not a terminal, or logs are on, there is no indicator.
type output struct {
	w        io.Writer
	log      *slog.Logger
	progress bool

	mu    sync.Mutex
	shown bool
	last  time.Time
	files int64
	total int64 // files to do, when known
	rows  int64
	steps int
}

func newOutput(w io.Writer, progress bool) *output {
	return &output{w: w, progress: progress}
}

// Write writes to stderr, first wiping the progress line.
func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.wipe()
	return o.w.Write(p)
}

func (o *output) wipe() {
	if o.shown {
		fmt.Fprint(o.w, "\r\033[K")
		o.shown = false
	}
}

// clear removes the progress line for good.
func (o *output) clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.wipe()
}

// status shows line as the progress line, on a terminal.
func (o *output) status(line string) {
	if !o.progress {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	fmt.Fprint(o.w, "\r\033[K"+line)
	o.shown = true
}

// note turns a pipeline log record into the progress line.
func (o *output) note(r slog.Record) {
	if !o.progress {
		return
	}
	attrs := map[string]slog.Value{}
	r.Attrs(func(at slog.Attr) bool {
		attrs[at.Key] = at.Value.Resolve()
		return true
	})
	o.mu.Lock()
	defer o.mu.Unlock()
	var what string
	switch r.Message {
	case "ingest: file loaded", "ingest: file skipped", "ingest: file rejected":
		o.files++
		if v, ok := attrs["rows"]; ok && v.Kind() == slog.KindInt64 {
			o.rows += v.Int64()
		}
		what = "done " + attrs["file"].String()
	case "ingest: reading":
		what = fmt.Sprintf("reading %s (%s rows)", attrs["file"], thousands(attrs["rows"].Int64()))
	case "ingest: batch":
		what = fmt.Sprintf("%s: %s, batch %d of %d", attrs["file"], attrs["sql"], attrs["batch"].Int64(), attrs["of"].Int64())
	case "audit: step":
		o.steps++
		what = "step " + attrs["sql"].String() + " done"
	case "audit: check":
		o.steps++
		what = "check " + attrs["rule"].String() + " done"
	case "audit: claims in scope":
		what = fmt.Sprintf("%s claims in scope", thousands(attrs["claims"].Int64()))
	default:
		return
	}
	if time.Since(o.last) < 100*time.Millisecond && o.shown {
		return
	}
	o.last = time.Now()
	var line string
	if strings.HasPrefix(r.Message, "ingest") {
		files := plural(o.files, "file", "files")
		if o.total > 0 {
			files = fmt.Sprintf("%s of %s files", thousands(o.files), thousands(o.total))
		}
		line = fmt.Sprintf("ingest: %s, %s loaded · %s", files, plural(o.rows, "row", "rows"), what)
	} else {
		line = fmt.Sprintf("audit: %s · %s", plural(int64(o.steps), "step", "steps"), what)
	}
	fmt.Fprint(o.w, "\r\033[K"+line)
	o.shown = true
}

// progressHandler passes records at the chosen level on to the log, and shows
// the pipeline's progress records on the progress line whatever the level.
type progressHandler struct {
	next slog.Handler
	out  *output
}

func (h *progressHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l) || (h.out.progress && l >= slog.LevelInfo)
}

func (h *progressHandler) Handle(ctx context.Context, r slog.Record) error {
	h.out.note(r)
	if h.next.Enabled(ctx, r.Level) {
		return h.next.Handle(ctx, r)
	}
	return nil
}

func (h *progressHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &progressHandler{next: h.next.WithAttrs(as), out: h.out}
}

func (h *progressHandler) WithGroup(name string) slog.Handler {
	return &progressHandler{next: h.next.WithGroup(name), out: h.out}
}

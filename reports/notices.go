package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"stcrecon/configs"
	"stcrecon/pipeline/names"
)

// noticeItems are the three things a supplier answers for (data contract
// §6), in the order a letter lists them.
var noticeItems = []struct{ item, title, what string }{
	{"unauthorised_upload", "Unauthorised upload",
		"serial numbers you uploaded for a brand you were not authorised to supply on the upload date, which were then claimed"},
	{"missing_from_ledger", "Missing from the ledger",
		"claimed serial numbers of a brand you were authorised to supply on the installation date that are in no ledger entry"},
	{"late_upload", "Late upload",
		"claimed serial numbers you uploaded after the installation date, so the ledger did not hold them when the system was installed"},
}

// lettersShow is how many evidence rows a letter shows; the rest are in
// evidence.csv and evidence.xlsx.
const lettersShow = 25

// NoticeFiles are what WriteNotices wrote.
type NoticeFiles struct {
	Dir     string
	Index   string   // DIR/index.csv
	Folders []string // one per notice, in index order
}

// notice is what the letter template sees.
type notice struct {
	Sender, Date, RespondBy, Reference string
	ResponseDays                       int
	Supplier, ABN                      string
	Items, Claims, Serials, StcsAtRisk int64
	Counts                             []noticeCount
	Evidence                           []evidenceRow
	More                               int
	ClaimIDs                           []string
}

type noticeCount struct {
	Item, Title, What string
	Count             int64
}

type evidenceRow struct {
	Item, Title, ClaimID, Serial, Brand, Model, InstalledOn, UploadedAt, Detail string
}

// WriteNotices writes one notice per supplier with something to answer for
// (every claim's current verdict) into a new folder dir: per supplier a
// folder holding notice.html (the letter, from the configured template),
// evidence.csv and evidence.xlsx; and dir/index.csv. Everything is written
// into a fresh folder beside dir and renamed into place, so dir never mixes
// the notices of two runs; dir must not exist or be empty.
func WriteNotices(ctx context.Context, db *sql.DB, keys *names.Keyer, cfg configs.Notices, now time.Time, dir string) (*NoticeFiles, error) {
	tmpl, err := template.New("notice").Option("missingkey=error").Funcs(template.FuncMap{"num": num}).Parse(cfg.TemplateText)
	if err != nil {
		return nil, fmt.Errorf("notices: template %s: %w", cfg.TemplateName, err)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("notices: %s is not empty: write notices into a new folder", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("notices: %w", err)
	}
	conn, err := reportConn(ctx, db, keys)
	if err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	defer conn.Close()
	for _, file := range []string{"scope_current.sql", "matches.sql", "panel_suppliers.sql", "notice_items.sql"} {
		if err := execReportFile(ctx, conn, file); err != nil {
			return nil, fmt.Errorf("notices: %w", err)
		}
	}
	index, err := queryTable(ctx, conn, "index", "notice_index.sql")
	if err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	defer index.Release()

	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	work, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".*")
	if err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	defer os.RemoveAll(work)
	if err := os.Chmod(work, 0o755); err != nil {
		return nil, err
	}

	out := &NoticeFiles{Dir: dir, Index: filepath.Join(dir, "index.csv")}
	slugs := newSlugger()
	var indexRows [][]string
	seq := 0
	err = index.Each(func(row []any) error {
		seq++
		supplier, _ := row[0].(string)
		abn, _ := row[1].(string)
		key, _ := row[6].(string)
		folder := slugs.next(supplier)
		n := notice{
			Sender: cfg.Sender, ResponseDays: cfg.ResponseDays,
			Date:      now.Format("2 January 2006"),
			RespondBy: now.AddDate(0, 0, cfg.ResponseDays).Format("2 January 2006"),
			Reference: fmt.Sprintf("STCR-%s-%03d", now.Format("20060102"), seq),
			Supplier:  supplier, ABN: formatABN(abn),
			Items: row[2].(int64), Claims: row[3].(int64), Serials: row[4].(int64), StcsAtRisk: row[5].(int64),
		}
		if err := writeNotice(ctx, conn, tmpl, &n, key, filepath.Join(work, folder)); err != nil {
			return fmt.Errorf("notice to %s: %w", supplier, err)
		}
		cells := make([]string, 0, 7)
		for _, v := range row[:6] {
			cells = append(cells, text(v))
		}
		indexRows = append(indexRows, append(cells, folder))
		out.Folders = append(out.Folders, filepath.Join(dir, folder))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	if err := WriteFileAtomic(filepath.Join(work, "index.csv"), func(f *os.File) error {
		w := newCSVWriter(f)
		if err := w.Write([]string{"supplier", "abn", "items", "claims", "serials", "stcs_at_risk", "folder"}); err != nil {
			return err
		}
		for _, r := range indexRows {
			if err := w.Write(r); err != nil {
				return err
			}
		}
		if err := w.Flush(); err != nil {
			return err
		}
		return f.Chmod(0o644)
	}); err != nil {
		return nil, fmt.Errorf("notices: index.csv: %w", err)
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("notices: %w", err)
	}
	if err := os.Rename(work, dir); err != nil {
		return nil, fmt.Errorf("notices: %w", err)
	}
	return out, nil
}

// writeNotice writes one supplier's folder: evidence.csv, evidence.xlsx and
// the letter.
func writeNotice(ctx context.Context, conn *sql.Conn, tmpl *template.Template, n *notice, key, folder string) error {
	ev, err := queryTable(ctx, conn, "evidence", "notice_evidence.sql", key)
	if err != nil {
		return err
	}
	defer ev.Release()
	if err := os.Mkdir(folder, 0o755); err != nil {
		return err
	}
	if err := writeTableCSV(filepath.Join(folder, "evidence.csv"), ev); err != nil {
		return fmt.Errorf("evidence.csv: %w", err)
	}
	if err := writeEvidenceXLSX(ev, n, filepath.Join(folder, "evidence.xlsx")); err != nil {
		return fmt.Errorf("evidence.xlsx: %w", err)
	}
	counts := map[string]int64{}
	claims := map[string]bool{}
	if err := ev.Each(func(row []any) error {
		item, _ := row[0].(string)
		counts[item]++
		id, _ := row[1].(string)
		if !claims[id] {
			claims[id] = true
			n.ClaimIDs = append(n.ClaimIDs, id)
		}
		if len(n.Evidence) < lettersShow {
			n.Evidence = append(n.Evidence, evidenceRow{Item: item, Title: itemTitle(item), ClaimID: id, Serial: text(row[2]), Brand: text(row[3]),
				Model: text(row[4]), InstalledOn: text(row[5]), UploadedAt: dayOf(row[6]), Detail: text(row[7])})
		} else {
			n.More++
		}
		return nil
	}); err != nil {
		return err
	}
	for _, it := range noticeItems {
		if c := counts[it.item]; c > 0 {
			n.Counts = append(n.Counts, noticeCount{Item: it.item, Title: it.title, What: it.what, Count: c})
		}
	}
	return WriteFileAtomic(filepath.Join(folder, "notice.html"), func(f *os.File) error {
		if err := tmpl.Execute(f, n); err != nil {
			return err
		}
		return f.Chmod(0o644)
	})
}

func itemTitle(item string) string {
	for _, it := range noticeItems {
		if it.item == item {
			return it.title
		}
	}
	return item
}

// num writes a whole number with thousands separators: 4,501.
func num(v any) string {
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case int:
		n = int64(x)
	default:
		return fmt.Sprint(v)
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// dayOf shows a timestamp as its date in a letter.
func dayOf(v any) string {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(time.DateOnly)
	}
	return text(v)
}

func writeEvidenceXLSX(ev *Table, n *notice, path string) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := writeTableSheet(f, st, "evidence", ev); err != nil {
		return err
	}
	if err := f.DeleteSheet("Sheet1"); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "stcrecon " + Version,
		Title: "Evidence for notice " + n.Reference + " to " + n.Supplier}); err != nil {
		return err
	}
	return WriteFileAtomic(path, func(out *os.File) error {
		if _, err := f.WriteTo(out); err != nil {
			return err
		}
		return out.Chmod(0o644)
	})
}

// formatABN writes an 11-digit ABN in its usual groups: 51 824 753 556.
func formatABN(abn string) string {
	if len(abn) != 11 {
		return abn
	}
	return abn[:2] + " " + abn[2:5] + " " + abn[5:8] + " " + abn[8:]
}

// slugger turns supplier names (hostile input: slashes, dots, any Unicode)
// into folder names that are safe on every file system and unique.
type slugger struct{ used map[string]bool }

func newSlugger() *slugger { return &slugger{used: map[string]bool{}} }

// next returns name's slug: accents dropped, lower-case ASCII letters and
// digits, every other run of characters one '-', at most 48 characters,
// "supplier" when nothing is left; a repeat gets -2, -3, ...
func (s *slugger) next(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	slug := b.String()
	if len(slug) > 48 {
		slug = strings.TrimRight(slug[:48], "-")
	}
	if slug == "" {
		slug = "supplier"
	}
	switch slug {
	case "con", "prn", "aux", "nul", "com1", "lpt1", "index":
		slug += "-supplier"
	}
	base := slug
	for i := 2; s.used[slug]; i++ {
		slug = fmt.Sprintf("%s-%d", base, i)
	}
	s.used[slug] = true
	return slug
}

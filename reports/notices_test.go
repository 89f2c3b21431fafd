package reports

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"stcrecon/configs"
	"stcrecon/pipeline/storetest"
)

func mustNoticeConfig(t *testing.T) configs.Notices {
	t.Helper()
	cfg, err := configs.Default()
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Notices
}

// Notices of the fixture: Acme Imports answers for J999 (missing from the
// ledger, Jinko, which it was authorised to supply on PVD4's installation
// date) and J007 (uploaded after PVD5's installation); Shady Traders for J050
// (uploaded without authorisation, claimed in PVD2); the supplier with the
// hostile name for T002 (uploaded after PVD3's installation). Clean Co, on
// the supplier list with nothing to answer for, gets no notice. Every file is
// golden; evidence.xlsx holds evidence.csv's rows; nothing else gets a notice.
func TestNotices(t *testing.T) {
	ctx := context.Background()
	fx := mustFixture(t)
	dir := filepath.Join(t.TempDir(), "notices")
	out, err := WriteNotices(ctx, fx.st.DB, fx.run1.Names, mustNoticeConfig(t), storetest.Now, dir)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, out.Index, "notices/index.csv")
	var folders []string
	for _, f := range out.Folders {
		folders = append(folders, filepath.Base(f))
	}
	if got := strings.Join(folders, " "); got != "acme-imports shady-traders sol-ar-eclair-pty-ltd" {
		t.Errorf("folders %s", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("%d entries in the notices folder, want 3 folders and index.csv", len(entries))
	}
	for _, f := range folders {
		golden(t, filepath.Join(dir, f, "evidence.csv"), "notices/"+f+"/evidence.csv")
		golden(t, filepath.Join(dir, f, "notice.html"), "notices/"+f+"/notice.html")
		x, err := excelize.OpenFile(filepath.Join(dir, f, "evidence.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		rows := sheetRows(t, x, "evidence")
		x.Close()
		_, csvRows := readCSV(t, filepath.Join(dir, f, "evidence.csv"))
		if len(rows)-1 != len(csvRows) || strings.Join(rows[0], ",") != "item,claim_id,serial_number,brand,model,installed_on,uploaded_at,detail" {
			t.Errorf("%s/evidence.xlsx: %d rows, header %v; evidence.csv %d rows", f, len(rows)-1, rows[0], len(csvRows))
		}
	}
	letter, _ := os.ReadFile(filepath.Join(dir, "sol-ar-eclair-pty-ltd", "notice.html"))
	for _, want := range []string{"Sol/ar ../Éclair Pty Ltd", "53 004 085 616", "29 October 2025", "PVD3", "T002"} {
		if !strings.Contains(string(letter), want) {
			t.Errorf("the letter does not say %q", want)
		}
	}

	// Notices go to a new folder only, never over earlier ones.
	if _, err := WriteNotices(ctx, fx.st.DB, fx.run1.Names, mustNoticeConfig(t), storetest.Now, dir); err == nil {
		t.Error("notices were written into a folder that holds notices")
	}

	// The letter comes from the configured template; values are escaped.
	cfg := mustNoticeConfig(t)
	cfg.TemplateText = `{{.Supplier}} owes a reply by {{.RespondBy}} on {{.Items}} items`
	dir2 := filepath.Join(t.TempDir(), "n")
	if _, err := WriteNotices(ctx, fx.st.DB, fx.run1.Names, cfg, storetest.Now, dir2); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir2, "sol-ar-eclair-pty-ltd", "notice.html"))
	if string(b) != "Sol/ar ../Éclair Pty Ltd owes a reply by 29 October 2025 on 1 items" {
		t.Errorf("custom template gave %q", b)
	}
	cfg.TemplateText = `{{.NoSuchField}}`
	if _, err := WriteNotices(ctx, fx.st.DB, fx.run1.Names, cfg, storetest.Now, filepath.Join(t.TempDir(), "n")); err == nil {
		t.Error("a template naming a missing field was accepted")
	}
}

// Supplier names are hostile input: every folder name is a plain, unique
// slug of ASCII letters, digits and '-'.
func TestSlugs(t *testing.T) {
	s := newSlugger()
	for _, c := range []struct{ in, want string }{
		{"Acme Imports Pty Ltd", "acme-imports-pty-ltd"},
		{"ACME IMPORTS PTY. LTD.", "acme-imports-pty-ltd-2"},
		{"../../etc/passwd", "etc-passwd"},
		{"..", "supplier"},
		{"/", "supplier-2"},
		{"Éclair Énergie", "eclair-energie"},
		{"株式会社", "supplier-3"},
		{"ＡＢ１ Solar", "ab1-solar"},
		{"CON", "con-supplier"},
		{"index", "index-supplier"},
		{"a\x00b\nc", "a-b-c"},
		{strings.Repeat("long name ", 20), "long-name-long-name-long-name-long-name-long-nam"},
	} {
		got := s.next(c.in)
		if got != c.want {
			t.Errorf("slug(%q) = %q, want %q", c.in, got, c.want)
		}
		if strings.ContainsAny(got, `/\.`) || got == "" {
			t.Errorf("slug(%q) = %q is not a safe folder name", c.in, got)
		}
	}
}

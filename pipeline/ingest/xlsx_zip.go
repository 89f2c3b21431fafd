package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The memory budget of one workbook (contract §1: a workbook that would take
// more than about 1 GB to read is rejected whole; no file may drive ingest
// past 1.5 GB peak RSS). Sizes are the uncompressed sizes the zip declares;
// Go's zip reader fails a part that inflates past its declared size, so a
// lying header cannot get round them.
const (
	xlsxMaxTotal = 1 << 30 // all parts together
	// xlsxMaxSheet bounds one worksheet. A worksheet is streamed from a temp
	// file, but one cell is held whole while it is parsed.
	xlsxMaxSheet = 512 << 20
	// xlsxMaxInMemory bounds the parts excelize holds in memory: everything
	// but the large worksheets and a large shared-string table.
	xlsxMaxInMemory = 256 << 20
	// xlsxMaxParsedXML bounds the XML parts other than worksheets that are
	// held in memory (styles, workbook, drawings...): excelize parses them
	// into structures many times their size. Real workbooks have a few MB;
	// a 300 KB zip bomb can declare hundreds.
	xlsxMaxParsedXML = 32 << 20
	// xlsxMaxSharedStrings bounds the shared-string table, whose index is
	// kept in memory (two offsets per string).
	xlsxMaxSharedStrings = 256 << 20
	// xlsxSpillXML is the size from which excelize streams a worksheet or
	// the shared strings from a temp file instead of memory.
	xlsxSpillXML = 16 << 20
)

// workbookZip is a workbook's zip directory, read before excelize opens it.
type workbookZip struct {
	zr     *zip.ReadCloser
	sheets map[string]string // sheet name -> part path (xl/worksheets/sheet1.xml)
}

// openWorkbookZip reads the zip directory and checks the declared sizes
// against the budget; it names the part that breaks it.
func openWorkbookZip(p string) (*workbookZip, error) {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, &FileError{Msg: "not a readable XLSX workbook: " + err.Error()}
	}
	w := &workbookZip{zr: zr}
	var total, inMemory, parsedXML uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		name := strings.ToLower(f.Name)
		too := func(what string, limit uint64) error {
			zr.Close()
			return &FileError{Msg: fmt.Sprintf("the workbook would take too much memory to read (%s: %s uncompressed, more than %s): rejected whole",
				what, mib(size), mib(limit))}
		}
		switch {
		case strings.HasPrefix(name, "xl/worksheets/sheet"):
			if size > xlsxMaxSheet {
				return nil, too("worksheet "+f.Name, xlsxMaxSheet)
			}
			if size <= xlsxSpillXML {
				inMemory += size
			}
		case name == "xl/sharedstrings.xml":
			if size > xlsxMaxSharedStrings {
				return nil, too("shared strings", xlsxMaxSharedStrings)
			}
			if size <= xlsxSpillXML {
				inMemory += size
				parsedXML += size
			}
		default:
			inMemory += size
			if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
				parsedXML += size
				if parsedXML > xlsxMaxParsedXML {
					return nil, too("part "+f.Name, xlsxMaxParsedXML)
				}
			}
		}
	}
	if total > xlsxMaxTotal {
		zr.Close()
		return nil, &FileError{Msg: fmt.Sprintf("the workbook would take too much memory to read (%s uncompressed, more than %s): rejected whole", mib(total), mib(xlsxMaxTotal))}
	}
	if inMemory > xlsxMaxInMemory {
		zr.Close()
		return nil, &FileError{Msg: fmt.Sprintf("the workbook would take too much memory to read (%s of parts held in memory, more than %s): rejected whole", mib(inMemory), mib(xlsxMaxInMemory))}
	}
	if w.sheets, err = w.sheetParts(); err != nil {
		zr.Close()
		return nil, &FileError{Msg: "not a readable XLSX workbook: " + err.Error()}
	}
	return w, nil
}

func (w *workbookZip) Close() error { return w.zr.Close() }

func mib(n uint64) string { return fmt.Sprintf("%d MiB", (n+(1<<20)-1)>>20) }

// excelizeOptions opens a workbook within the budget.
func excelizeOptions() excelize.Options {
	return excelize.Options{RawCellValue: true, UnzipSizeLimit: xlsxMaxTotal, UnzipXMLSizeLimit: xlsxSpillXML}
}

func (w *workbookZip) part(name string) *zip.File {
	for _, f := range w.zr.File {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

// sheetParts maps each sheet's name to its part, from xl/workbook.xml and its
// relationships.
func (w *workbookZip) sheetParts() (map[string]string, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := w.decode("xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	if err := w.decode("xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
	}
	out := map[string]string{}
	for _, s := range wb.Sheets {
		out[s.Name] = targets[s.RID]
	}
	return out, nil
}

func (w *workbookZip) decode(name string, v any) error {
	f := w.part(name)
	if f == nil {
		return fmt.Errorf("no %s", name)
	}
	if f.UncompressedSize64 > xlsxSpillXML {
		return fmt.Errorf("%s is too large", name)
	}
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	if err := xml.NewDecoder(r).Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// uncachedFormulas lists the cells of a sheet that hold a formula but no
// cached value (a workbook saved by a program that does not calculate): their
// value is unknown. Most sheets have no formula at all, so the part is first
// searched for a formula element as bytes, and parsed only when one is there.
func (w *workbookZip) uncachedFormulas(ctx context.Context, sheet string) (map[string]bool, error) {
	f := w.part(w.sheets[sheet])
	if f == nil {
		return nil, nil // excelize reports a missing part
	}
	has, err := w.hasFormula(ctx, f)
	if err != nil || !has {
		return nil, err
	}
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := map[string]bool{}
	d := xml.NewDecoder(ctxReader{ctx, r})
	var cell string
	var formula, value, inV bool
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				cell, formula, value = "", false, false
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						cell = a.Value
					}
				}
			case "f":
				formula = true
			case "v":
				inV = true
			case "is":
				value = true
			}
		case xml.CharData:
			// an empty <v></v> is no value
			if inV && len(bytes.TrimSpace(t)) > 0 {
				value = true
			}
		case xml.EndElement:
			if t.Name.Local == "v" {
				inV = false
			}
			if t.Name.Local == "c" && formula && !value && cell != "" {
				out[cell] = true
			}
		}
	}
}

// hasFormula searches a part's bytes for a formula element (<f> or <x:f>).
func (w *workbookZip) hasFormula(ctx context.Context, f *zip.File) (bool, error) {
	r, err := f.Open()
	if err != nil {
		return false, err
	}
	defer r.Close()
	buf := make([]byte, 1<<20)
	var tail []byte
	for {
		n, err := io.ReadFull(ctxReader{ctx, r}, buf)
		chunk := append(tail, buf[:n]...)
		if formulaElement(chunk) {
			return true, nil
		}
		if len(chunk) > 8 {
			tail = append(tail[:0], chunk[len(chunk)-8:]...)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
}

func formulaElement(b []byte) bool {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("f"))
		if j < 0 {
			return false
		}
		k := i + j
		if k > 0 && (b[k-1] == '<' || b[k-1] == ':') && k+1 < len(b) && (b[k+1] == '>' || b[k+1] == ' ' || b[k+1] == '/') {
			if b[k-1] == '<' || (k > 1 && isNameByte(b[k-2])) {
				return true
			}
		}
		i = k + 1
	}
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '<'
}

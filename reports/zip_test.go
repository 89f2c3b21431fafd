package reports

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// Parts of every size around the block and dictionary sizes come back from
// the archive as they were written, whichever way they were written (one
// Write, or many small ones), and a part of repetitive text deflates about as
// well as one compressor does.
func TestParallelZipRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	text := func(n int) []byte {
		var b bytes.Buffer
		for b.Len() < n {
			fmt.Fprintf(&b, `<c r="A%d" s="10" t="inlineStr"><is><t>PVD%07d</t></is></c>`, rng.IntN(50000), rng.IntN(9999999))
		}
		return b.Bytes()[:n]
	}
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	parts := map[string][]byte{
		"empty":           nil,
		"small":           text(100),
		"dict-1":          text(zipDict - 1),
		"block":           text(zipBlock),
		"block+1":         text(zipBlock + 1),
		"blocks":          text(5*zipBlock + 12345),
		"random":          random(2*zipBlock + 7),
		"xl/worksheets/a": text(3 * zipBlock),
	}
	order := []string{"empty", "small", "dict-1", "block", "block+1", "blocks", "random", "xl/worksheets/a"}
	for _, chunked := range []bool{false, true} {
		var buf bytes.Buffer
		z := newParallelZip(&buf, xlsxDeflateLevel)
		for _, name := range order {
			w, err := z.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			data := parts[name]
			for len(data) > 0 {
				n := len(data)
				if chunked {
					n = min(n, 1+rng.IntN(70000))
				}
				if _, err := w.Write(data[:n]); err != nil {
					t.Fatal(err)
				}
				data = data[n:]
			}
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if len(r.File) != len(order) {
			t.Fatalf("%d parts, want %d", len(r.File), len(order))
		}
		for i, f := range r.File {
			if f.Name != order[i] {
				t.Errorf("part %d is %s, want %s", i, f.Name, order[i])
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc) // checks the CRC too
			rc.Close()
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			if !bytes.Equal(got, parts[f.Name]) {
				t.Errorf("%s: %d bytes back, %d written", f.Name, len(got), len(parts[f.Name]))
			}
			if f.Name == "blocks" {
				var one bytes.Buffer
				fw, _ := flate.NewWriter(&one, xlsxDeflateLevel)
				fw.Write(parts["blocks"])
				fw.Close()
				if parallel, single := f.CompressedSize64, uint64(one.Len()); float64(parallel) > 1.02*float64(single) {
					t.Errorf("blocks: %d bytes deflated in parallel, %d in one stream", parallel, single)
				}
			}
		}
	}
}

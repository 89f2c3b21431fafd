package reports

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"io/fs"
	"runtime"
	"sync"
)

// parallelZip is the zip writer workbooks are saved through (an
// excelize.ZipWriter): each part is cut into blocks deflated on every core at
// once, instead of one deflate stream on one core. A block is deflated with
// the 32 KiB before it as its dictionary and ends on a sync flush, so the
// blocks joined make one ordinary deflate stream (as pigz does), about as
// small as one compressor makes. The parts are written into the archive, in
// the order they were created, on Close.
type parallelZip struct {
	zw    *zip.Writer
	level int
	sem   chan struct{} // one token per block being deflated
	parts []*zipPart
}

// zipBlock is how much of a part one goroutine deflates.
const zipBlock = 1 << 20

// zipDict is the window deflate may refer back into.
const zipDict = 32 << 10

func newParallelZip(w io.Writer, level int) *parallelZip {
	return &parallelZip{zw: zip.NewWriter(w), level: level, sem: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// zipPart is one file of the archive: its blocks, each deflated by a
// goroutine of its own.
type zipPart struct {
	z      *parallelZip
	name   string
	crc    uint32
	size   uint64
	buf    []byte         // the block being filled
	dict   []byte         // the last zipDict bytes before buf
	blocks []*zipOut      // in order
	wg     sync.WaitGroup // the blocks being deflated
}

type zipOut struct {
	b   bytes.Buffer
	err error
}

// Create starts the next part; the one before is finished in the background.
func (z *parallelZip) Create(name string) (io.Writer, error) {
	if n := len(z.parts); n > 0 {
		z.parts[n-1].flush(true)
	}
	p := &zipPart{z: z, name: name, buf: make([]byte, 0, zipBlock)}
	z.parts = append(z.parts, p)
	return p, nil
}

// Write adds p to the part, deflating each block once it is full.
func (p *zipPart) Write(b []byte) (int, error) {
	n := len(b)
	p.crc = crc32.Update(p.crc, crc32.IEEETable, b)
	p.size += uint64(n)
	for len(b) > 0 {
		k := min(len(b), zipBlock-len(p.buf))
		p.buf = append(p.buf, b[:k]...)
		b = b[k:]
		if len(p.buf) == zipBlock {
			p.flush(false)
		}
	}
	return n, nil
}

// flush hands the filled block to a goroutine; last ends the deflate stream.
func (p *zipPart) flush(last bool) {
	if len(p.buf) == 0 && !last {
		return
	}
	in, dict, out := p.buf, p.dict, &zipOut{}
	p.blocks = append(p.blocks, out)
	if len(in) >= zipDict {
		p.dict = in[len(in)-zipDict:]
	} else {
		p.dict = append(append([]byte(nil), p.dict...), in...)
		if len(p.dict) > zipDict {
			p.dict = p.dict[len(p.dict)-zipDict:]
		}
	}
	p.buf = make([]byte, 0, zipBlock)
	p.z.sem <- struct{}{}
	p.wg.Add(1)
	go func() {
		defer func() { <-p.z.sem; p.wg.Done() }()
		fw, err := flate.NewWriterDict(&out.b, p.z.level, dict)
		if err == nil {
			_, err = fw.Write(in)
		}
		if err == nil && last {
			err = fw.Close()
		} else if err == nil {
			err = fw.Flush()
		}
		out.err = err
	}()
}

// AddFS is not used by workbooks.
func (z *parallelZip) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }

// Close waits for every block and writes the parts into the archive.
func (z *parallelZip) Close() error {
	if n := len(z.parts); n > 0 {
		z.parts[n-1].flush(true)
	}
	var err error
	for _, p := range z.parts {
		p.wg.Wait()
		if err != nil {
			continue
		}
		var compressed uint64
		for _, b := range p.blocks {
			if b.err != nil {
				err = b.err
			}
			compressed += uint64(b.b.Len())
		}
		if err != nil {
			continue
		}
		var w io.Writer
		// The versions zip.Writer.Create sets (2.0: deflate).
		w, err = z.zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate,
			CreatorVersion: 20, ReaderVersion: 20,
			CRC32: p.crc, CompressedSize64: compressed, UncompressedSize64: p.size})
		for _, b := range p.blocks {
			if err == nil {
				_, err = w.Write(b.b.Bytes())
			}
		}
		p.blocks = nil
	}
	if err != nil {
		z.zw.Close()
		return err
	}
	return z.zw.Close()
}

package traffic

import (
	"io"
	"runtime"
	"testing"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestHARStreamsInBoundedMemory reads a HAR file of 200,000 entries (300 MiB) made on the fly,
// never held whole, and checks that the heap stays small all along: the reader holds one entry
// at a time.
func TestHARStreamsInBoundedMemory(t *testing.T) {
	n := 200_000
	if raceEnabled || testing.Short() {
		n = 20_000
	}
	src := &countingReader{r: newHARGenerator(n)}
	r := NewHARReader(src, "large.har")
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak, peakLive uint64
	read := 0
	for ; ; read++ {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("entry %d: %v", read, err)
		}
		if read%5000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		if read%(n/8) == n/16 { // what is live, now and then
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peakLive = max(peakLive, ms.HeapAlloc)
		}
	}
	if read != n {
		t.Fatalf("read %d entries of %d", read, n)
	}
	const bound = 16 << 20
	t.Logf("%d entries, %d MB read: heap %.1f MiB at most (%.1f MiB live at most; %.1f MiB before)",
		read, src.n>>20, float64(peak)/(1<<20), float64(peakLive)/(1<<20), float64(base)/(1<<20))
	if peak > bound || peakLive > base+1<<20 {
		t.Errorf("the heap grew to %d bytes (%d live) reading a %d-byte file: the reader holds more than an entry", peak, peakLive, src.n)
	}
}

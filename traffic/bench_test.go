package traffic

import (
	"bytes"
	"io"
	"runtime"
	"testing"

	"github.com/apiconform/apiconform/runner"
)

// BenchmarkHARDecode reads typical small entries (a Confluent 204 and a small JSON error body,
// as Chrome exports them: about 1.6 KB each) streamed from a HAR file of b.N entries made on the
// fly, and reports entries/s and the peak heap (sampled every 4096 entries).
func BenchmarkHARDecode(b *testing.B) {
	b.ReportAllocs()
	src := &countingReader{r: newHARGenerator(b.N)}
	r := NewHARReader(src, "bench.har")
	var ms runtime.MemStats
	var peak uint64
	b.ResetTimer()
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
		if n%4096 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	b.StopTimer()
	if n != b.N {
		b.Fatalf("read %d entries of %d", n, b.N)
	}
	b.SetBytes(src.n / int64(n))
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "entries/s")
	if peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	}
}

// BenchmarkJSONLDecode reads the proxy's recordings of the same exchanges, and reports
// exchanges/s.
func BenchmarkJSONLDecode(b *testing.B) {
	b.ReportAllocs()
	var one bytes.Buffer
	w := NewJSONLWriter(&one)
	h := NewHARReader(newHARGenerator(len(typicalEntries)), "x.har")
	for {
		obs, err := h.Next()
		if err != nil {
			break
		}
		if err := w.Write(runner.Record(obs, nil)); err != nil {
			b.Fatal(err)
		}
	}
	data := bytes.Repeat(one.Bytes(), b.N/len(typicalEntries)+1)
	b.SetBytes(int64(one.Len() / len(typicalEntries)))
	b.ResetTimer()
	r := NewJSONLReader(bytes.NewReader(data), "bench.jsonl")
	for range b.N {
		if _, err := r.Next(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "exchanges/s")
}

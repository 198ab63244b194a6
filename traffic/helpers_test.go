package traffic

import (
	"errors"
	"io"
	"os"
	"testing"

	"github.com/apiconform/apiconform/runner"
)

// harRead is what reading a HAR file gave: the observations, the entry errors that were
// skipped, and the final error (nil at io.EOF).
type harRead struct {
	obs     []runner.Observation
	skipped []*FormatError
	err     error
}

// readHAR reads r to its end or to a final error, failing the test when Next does not stop.
func readHAR(t testing.TB, r io.Reader, name string) harRead {
	t.Helper()
	h := NewHARReader(r, name)
	var out harRead
	for calls := 0; ; calls++ {
		if calls > 1_000_000 {
			t.Fatalf("%s: Next never stops", name)
		}
		obs, err := h.Next()
		var fe *FormatError
		switch {
		case err == nil:
			out.obs = append(out.obs, obs)
			continue
		case err == io.EOF:
		case errors.As(err, &fe) && fe.Skipped:
			out.skipped = append(out.skipped, fe)
			continue
		default:
			out.err = err
			if _, again := h.Next(); again != err {
				t.Errorf("%s: after the final error %v, Next returned %v", name, err, again)
			}
		}
		return out
	}
}

// readHARFile reads the HAR file at path.
func readHARFile(t testing.TB, path string) harRead {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return readHAR(t, f, path)
}

// formatError returns err as a *FormatError, failing the test when it is not one.
func formatError(t testing.TB, err error) *FormatError {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FormatError", err, err)
	}
	return fe
}

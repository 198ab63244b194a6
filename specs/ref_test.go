package specs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestExternalRefsReadOnlyBoundedRegularFiles: a $ref to a pipe or an oversized file is refused
// at once (os.ReadFile on a FIFO without a writer blocks forever; on a device such as /dev/zero
// it never ends, which the same regular-file rule refuses).
func TestExternalRefsReadOnlyBoundedRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxRefBytes+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	tests := []struct{ what, target, says string }{
		{"a FIFO", fifo, "not a regular file"},
		{"an oversized file", big, "limit"},
	}
	for _, tt := range tests {
		what, target := tt.what, tt.target
		t.Run(what, func(t *testing.T) {
			doc := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    $ref: '" + target + "#/paths/~1x'\n"
			done := make(chan error, 1)
			go func() {
				_, err := LoadBytes([]byte(doc), filepath.Join(dir, "spec.yaml"))
				done <- err
			}()
			select {
			case err := <-done:
				var le *LoadError
				if !errors.As(err, &le) || !strings.Contains(err.Error(), filepath.Base(target)) || !strings.Contains(err.Error(), tt.says) {
					t.Errorf("want a LoadError naming %s and saying %q, got %v", target, tt.says, err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("loading a spec with a $ref to %s did not return", what)
			}
		})
	}
}

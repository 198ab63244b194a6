package cli

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mattn/go-shellwords"
)

// example is a ```console block of the documentation: a command and the output quoted for it.
type example struct {
	file string
	line int
	args []string
	want []string
	// exit is the exit code the block shows with `$ echo $?` (-1: none).
	exit     int
	wantExit bool
}

// documentedExamples returns every ```console block of README.md and docs/*.md whose first line
// is `$ apiconform ...`.
func documentedExamples(t *testing.T) []example {
	t.Helper()
	files, _ := filepath.Glob("../../docs/*.md")
	files = append([]string{"../../README.md"}, files...)
	var out []example
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		var cur *example
		n := 0
		for sc.Scan() {
			n++
			line := sc.Text()
			switch {
			case cur == nil && strings.TrimSpace(line) == "```console":
				cur = &example{file: filepath.Base(f), line: n, exit: -1}
			case cur != nil && strings.TrimSpace(line) == "```":
				if cur.args != nil {
					out = append(out, *cur)
				}
				cur = nil
			case cur != nil && cur.args == nil && len(cur.want) == 0:
				cmdline, ok := strings.CutPrefix(line, "$ apiconform ")
				if !ok {
					t.Errorf("%s:%d: a console block starts with `$ apiconform ...`, not %q", cur.file, n, line)
					cur = nil
					continue
				}
				args, err := shellwords.Parse(cmdline)
				if err != nil {
					t.Fatalf("%s:%d: %v", cur.file, n, err)
				}
				cur.args = args
			case cur != nil && line == "$ echo $?":
				cur.wantExit = true
			case cur != nil && cur.wantExit:
				code, err := strconv.Atoi(strings.TrimSpace(line))
				if err != nil {
					t.Fatalf("%s:%d: `$ echo $?` is followed by %q, not an exit code", cur.file, n, line)
				}
				cur.exit, cur.wantExit = code, false
			case cur != nil:
				cur.want = append(cur.want, line)
			}
		}
	}
	return out
}

var (
	normPort     = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	normDuration = regexp.MustCompile(`\((\d+(\.\d+)?(ns|µs|ms|s|m|h))+\)`)
	normReqID    = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
)

// normalize replaces what changes from run to run with the placeholders the documentation uses.
func normalize(s, dir string) string {
	s = strings.ReplaceAll(s, dir, "DIR")
	s = normPort.ReplaceAllString(s, "127.0.0.1:PORT")
	s = normDuration.ReplaceAllString(s, "(DURATION)")
	return normReqID.ReplaceAllString(s, "REQUEST-ID")
}

// matchQuoted reports where the quoted lines stop matching got: quoted lines appear in order and
// back to back, except that a line "..." skips any number of lines. It returns -1 on a match.
func matchQuoted(want, got []string) int {
	g := 0
	skip := false
	for i, w := range want {
		w = strings.TrimRight(w, " ")
		if w == "..." {
			skip = true
			continue
		}
		found := false
		for g < len(got) {
			line := strings.TrimRight(got[g], " ")
			g++
			if line == w {
				found = true
				break
			}
			if !skip {
				break
			}
		}
		if !found {
			return i
		}
		skip = false
	}
	return -1
}

// TestDocumentedExamples runs every `console` example of README.md and docs/ and compares its
// quoted output with the real one, so that no quoted output goes stale.
func TestDocumentedExamples(t *testing.T) {
	examples := documentedExamples(t)
	if len(examples) == 0 {
		t.Fatal("README.md quotes no console example: the test checks nothing")
	}
	for _, ex := range examples {
		t.Run(ex.file+":"+strings.Join(ex.args, " "), func(t *testing.T) {
			cleanEnv(t)
			dir := t.TempDir()
			t.Chdir("../..") // examples run from the module root, as the documentation shows them
			for _, a := range ex.args {
				if strings.HasPrefix(a, "../shared/") {
					if _, err := os.Stat("../shared/vendor-specs"); err != nil {
						t.Skipf("the example reads %s, and ../shared/vendor-specs is absent (a newcomer's clone)", a)
					}
				}
			}
			args := ex.args
			if args[0] == "run" && !strings.Contains(strings.Join(args, " "), "--report-dir") {
				args = append([]string{"run", "--report-dir", dir}, args[1:]...)
			}
			code, out, errOut := cmd(args...)
			got := strings.Split(normalize(out+errOut, dir), "\n")
			if ex.exit >= 0 && code != ex.exit {
				t.Errorf("%s:%d: exit %d, the documentation says %d", ex.file, ex.line, code, ex.exit)
			}
			if i := matchQuoted(ex.want, got); i >= 0 {
				t.Errorf("%s:%d: the quoted line %q is not in the output, in order:\n%s", ex.file, ex.line+2+i, ex.want[i], strings.Join(got, "\n"))
			}
		})
	}
}

// TestMatchQuoted: the comparison can fail.
func TestMatchQuoted(t *testing.T) {
	got := []string{"a", "b", "c", "d"}
	for _, tt := range []struct {
		want []string
		fail int
	}{
		{[]string{"a", "b"}, -1},
		{[]string{"a", "...", "d"}, -1},
		{[]string{"...", "c", "d"}, -1},
		{[]string{"a", "c"}, 1},
		{[]string{"a", "...", "x"}, 2},
		{[]string{"b", "a"}, 0},
	} {
		if i := matchQuoted(tt.want, got); i != tt.fail {
			t.Errorf("matchQuoted(%v) = %d, want %d", tt.want, i, tt.fail)
		}
	}
}

package probe

import (
	"testing"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/scenario"
)

// knownForTest reads the values of the embedded scenario files.
func knownForTest(t testing.TB) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	for _, api := range []string{"confluent", "apinizer"} {
		data, path, err := fixtures.Read(api + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		f, err := scenario.Parse(data, path)
		if err != nil {
			t.Fatal(err)
		}
		out[api] = KnownValues(f, nil)
	}
	return out
}

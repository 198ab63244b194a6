package conformance_test

import (
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/apiconform/apiconform/suites/conform"
)

func TestMain(m *testing.M) { os.Exit(conform.Main(m)) }

func TestConformance(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "apiconform conformance")
}

var _ = conform.Describe()

package apinizer_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/apiconform/apiconform/specs"
	"github.com/apiconform/apiconform/suites/conform"
)

func TestApinizer(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Apinizer APIOps conformance")
}

var _ = conform.Describe(specs.Apinizer)

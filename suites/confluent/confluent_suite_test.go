package confluent_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/apiconform/apiconform/specs"
	"github.com/apiconform/apiconform/suites/conform"
)

func TestConfluent(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Confluent Cloud conformance")
}

var _ = conform.Describe(specs.Confluent)

// Package faults holds the fault matrix test: for every fault the mock can inject, the
// conformance scenarios run against a mock with that fault must fail with the check the fault
// table maps it to; with no fault they must pass with zero violations.
package faults

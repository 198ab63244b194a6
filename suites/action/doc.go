// Package action holds the test of the GitHub Action at the repository root (action.yml): its
// metadata checked against the rules that can be checked offline, and its shell steps run here
// against the embedded mock.
package action

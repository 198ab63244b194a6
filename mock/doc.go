// Package mock is apiconform's reference mock: an http.Handler that behaves like the two vendor
// APIs the project holds servers to, so that the suites (and anyone's own client or wrapper) have
// a target that runs anywhere, in-process or on loopback, with no network.
//
// It serves
//   - Confluent Cloud org/v2: DELETE /org/v2/environments/{id} (the recursive delete), and the
//     companions POST /org/v2/environments and GET /org/v2/environments/{id};
//   - Apinizer APIOps: DELETE (undeploy) and POST (deploy) on
//     /apiops/projects/{projectName}/apiProxies/{apiProxyName}/environments/{environmentName}/;
//   - the inspection endpoints GET /_mock/info, GET /_mock/state and POST /_mock/reset.
//
// The starting state (credentials, environments, clusters, projects, proxies) is data: a YAML
// file, by default fixtures/mock-state.yaml (see DefaultState and LoadState). New copies it; Reset
// restores it.
//
// A fault (Options.Faults) makes the mock break its contract in exactly one way, so that the
// runner's checks can be shown to catch it. Faults lists every fault ID with the runner check
// that must catch it and the request that shows it.
//
// The handler never panics on any input, is safe for concurrent use (one mutex guards the
// state; a snapshot holds it only to copy what is small and take the immutable list of
// environments), and does no per-request work that can be done once. Nothing in it grows with
// traffic without a bound: environments stop at each organization's quota (a create beyond it
// answers the documented 402), created IDs are a permutation of a counter (nothing remembered),
// histories stop at MaxHistoryRecords, nothing of a request is kept.
//
// The code is laid out by API (docs/mock.md, "Code layout"): the shared core in
// mock/internal/core (state store, router, faults, request IDs, rate limiter, request log,
// error writing), one package per vendor API, mock/confluent and mock/apinizer, each
// registering its routes as http.ServeMux patterns and its part of the state on the core, and
// this package assembling them, with the fault table, the state file and the inspection
// endpoints.
package mock

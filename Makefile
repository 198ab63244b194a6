# apiconform: a newcomer needs only Go. Every tool runs through the module (go run), pinned in go.mod.
GO ?= go

.PHONY: test lint vet

## test: vet, then every test with the race detector
test: vet
	$(GO) test -race -count=1 ./...

vet:
	$(GO) vet ./...

## lint: fail when a file is not gofmt-formatted
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

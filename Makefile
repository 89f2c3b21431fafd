# stcrecon — every target here works; `make help` lists them.
GO      ?= go
BIN     := bin/stcrecon
DEMO    := var/demo
CLAIMS  ?= 5000
SEED    ?= 1
SF      ?= 1

.PHONY: help build test demo bench lint clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

build: ## build bin/stcrecon
	$(GO) build -o $(BIN) ./cmd/stcrecon

test: ## run every test against real DuckDB
	$(GO) test -count=1 ./...

demo: build ## generate sample data, ingest it, audit it (output in var/demo/out)
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN) gen --out $(DEMO)/inbox --claims $(CLAIMS) --seed $(SEED)
	$(BIN) ingest --db $(DEMO)/stcrecon.duckdb $(DEMO)/inbox; test $$? -le 3
	$(BIN) audit --db $(DEMO)/stcrecon.duckdb --out $(DEMO)/out --all; test $$? -le 3

bench: build ## make bench SF=N: ingest, full and nightly audit vs a plain DuckDB script (scenario cached in var/bench)
	$(GO) build -o bin/stcbench ./cmd/stcbench
	bin/stcbench -sf $(SF)

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt: $$out"; exit 1; fi
	$(GO) vet ./...

clean: ## remove build output and demo data
	rm -rf bin var

# stcrecon — every target here works; `make help` lists them.
GO      ?= go
BIN     := bin/stcrecon
DEMO    := var/demo
CLAIMS  ?= 5000
SEED    ?= 1
SF      ?= 1
RUNS    ?= 1
# the version --version prints: git describe when this is a git clone
VERSION ?= $(shell git describe --always --dirty 2>/dev/null)

.PHONY: help build test race demo bench lint clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

build: ## build bin/stcrecon
	$(GO) build $(if $(VERSION),-ldflags "-X main.buildVersion=$(VERSION)") -o $(BIN) ./cmd/stcrecon

test: ## run every test against real DuckDB
	$(GO) test -count=1 ./...

race: ## the tests of the packages that run goroutines, under the race detector
	$(GO) test -race -count=1 ./pipeline/ingest ./reports ./jobs ./cmd/stcrecon

demo: build ## sample data, ingest, audit (var/demo/out), compliance report and notices (var/demo/compliance, notices)
	@rm -rf $(DEMO) && mkdir -p $(DEMO); \
	step() { echo "\$$ $$*"; "$$@"; code=$$?; }; \
	step $(BIN) gen --out $(DEMO)/inbox --claims $(CLAIMS) --seed $(SEED); \
	echo "gen: exit $$code"; [ $$code -eq 0 ] || exit 1; echo; \
	step $(BIN) ingest --db $(DEMO)/stcrecon.duckdb $(DEMO)/inbox; \
	case $$code in \
	  3) echo "ingest: exit 3 (rows rejected, as planned: the sample data has faults; the truth is $(DEMO)/inbox/truth/expected_rejects.csv)";; \
	  0) echo "ingest: exit 0 (nothing rejected)";; \
	  *) echo "ingest: exit $$code (failed)"; exit 1;; \
	esac; echo; \
	step $(BIN) audit --db $(DEMO)/stcrecon.duckdb --out $(DEMO)/out --all; \
	echo "audit: exit $$code"; [ $$code -eq 0 ] || exit 1; echo; \
	step $(BIN) report compliance --db $(DEMO)/stcrecon.duckdb --from 2024-01-01 --to 2025-12-31 --out $(DEMO)/compliance; \
	echo "report compliance: exit $$code"; [ $$code -eq 0 ] || exit 1; echo; \
	step $(BIN) report notices --db $(DEMO)/stcrecon.duckdb --out $(DEMO)/notices; \
	echo "report notices: exit $$code"; [ $$code -eq 0 ] || exit 1; \
	echo; echo "The audit's files are in $(DEMO)/out (open audit.xlsx), the compliance report in $(DEMO)/compliance, the notices in $(DEMO)/notices; the store is $(DEMO)/stcrecon.duckdb."

bench: build ## make bench SF=N [RUNS=K]: ingest, full and nightly audit vs a plain DuckDB script (scenario cached in var/bench; K runs: medians)
	$(GO) build -o bin/stcbench ./cmd/stcbench
	bin/stcbench -sf $(SF) -runs $(RUNS)

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt: $$out"; exit 1; fi
	$(GO) vet ./...

clean: ## remove build output and demo data
	rm -rf bin var

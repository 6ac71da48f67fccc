# Engage: `make run` runs it, `make test` passes the tests. Both set up what they need
# (a private PostgreSQL cluster under .engage/) on their own.

GO ?= go
export ENGAGE_DIR ?= $(CURDIR)/.engage

.PHONY: run test browser lint openapi build load clean

## run: start Postgres, migrate, seed the demo brands and serve API, console and workers on :8080
run:
	$(GO) run ./cmd/engage dev

## test: formatting and vet checks, then every test (race detector on), OpenAPI drift included
test: lint browser
	$(GO) run ./cmd/engage devdb up
	$(GO) test -race -count=1 ./...

## browser: Debian's Chromium (and CJK fonts) for the console's browser tests, when missing
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk; \
		else echo "install Chromium for the console tests (Debian: apt-get install chromium fonts-noto-cjk)"; exit 1; fi; }

## lint: gofmt and go vet
lint:
	@unformatted="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

## openapi: regenerate the committed OpenAPI document from the code
openapi:
	$(GO) run ./cmd/engage openapi

## build: the engage binary
build:
	$(GO) build -o engage ./cmd/engage

## load: the API-versus-pgbench load benchmark of the README's performance section
load:
	$(GO) run ./cmd/engage load

## clean: stop and delete the private Postgres cluster
clean:
	$(GO) run ./cmd/engage devdb destroy
	rm -f engage

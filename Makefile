# Engage: `make run` runs it, `make test` passes the tests. Both set up what they need
# (a private PostgreSQL cluster under .engage/) on their own.

GO ?= go
export ENGAGE_DIR ?= $(CURDIR)/.engage

.PHONY: run test browser ocr tools lint openapi build load clean

## run: start Postgres, migrate, seed the demo brands and serve API, console and workers on :8080
run: ocr
	$(GO) run ./cmd/engage dev

## test: formatting and vet checks, then every test (race detector on), OpenAPI drift and lint included
test: lint browser ocr tools
	$(GO) run ./cmd/engage devdb up
	$(GO) test -race -count=1 ./...

## browser: Debian's Chromium and CJK fonts (screenshots, receipt images) for the tests, when missing
CJK_FONT = /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
browser:
	@{ command -v chromium >/dev/null 2>&1 && [ -f $(CJK_FONT) ]; } || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk; \
		else echo "install Chromium for the console tests (Debian: apt-get install chromium fonts-noto-cjk)"; exit 1; fi; }

## ocr: Debian's Tesseract with its Simplified Chinese data, for reading receipt photos, when missing
ocr:
	@{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx chi_sim; } || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends tesseract-ocr tesseract-ocr-chi-sim; \
		else echo "install Tesseract for receipt scanning (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)"; exit 1; fi; }

## tools: Redocly CLI (npm) for the OpenAPI document's lint test, where node is installed
REDOCLY = $(ENGAGE_DIR)/tools/redocly/node_modules/.bin/redocly
tools:
	@if [ -x "$(REDOCLY)" ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
		mkdir -p $(ENGAGE_DIR)/tools/redocly && npm install --prefix $(ENGAGE_DIR)/tools/redocly --no-audit --no-fund --loglevel=error @redocly/cli@2.77.0; \
	else echo "node is not installed: the OpenAPI lint test will be skipped (install Node.js 20.19+ or 22.12+)"; fi

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

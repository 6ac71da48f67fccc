package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/engagehq/engage/adapters/localpg"
)

// earningLoad is engage load --earning: tills report purchases to POST /v1/points/purchases
// while pgbench runs its TPC-B-like script with as many clients against the same PostgreSQL.
type earningLoad struct {
	clients   int
	customers int
	duration  time.Duration
	// mode is pgbench's query mode.
	mode string
	// workers runs the reaction jobs alongside (the points subscriber among them), as engage
	// serve does.
	workers bool
}

// runEarningLoad serves the API in-process as engage serve does and, for the same duration and
// at the same time, drives the till's earning call from l.clients clients (each waits for its
// answer: the purchase stored in the activity stream and its points credited) and pgbench's
// tpcb-like script from as many clients. It prints both rates, their ratio and the earning
// call's latencies.
func runEarningLoad(ctx context.Context, cfg config, l earningLoad) error {
	if err := localpg.EnsureTool(ctx, "pgbench", "postgresql-client"); err != nil {
		return err
	}
	if err := migrateUp(ctx, cfg); err != nil {
		return err
	}
	pgbenchURL, err := pgbenchDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	_, token, customers, err := loadStaffBrand(ctx, a, l.customers)
	if err != nil {
		return err
	}
	addr, stop, err := startLoadServer(ctx, cfg, l.workers)
	if err != nil {
		return err
	}
	defer stop()

	fmt.Printf("together for %s: POST /v1/points/purchases from %d clients (reaction workers %s) and pgbench tpcb-like -M %s, %d clients\n",
		l.duration, l.clients, map[bool]string{true: "running", false: "off"}[l.workers], l.mode, l.clients)
	type pgbenchResult struct {
		tps     float64
		latency time.Duration
		err     error
	}
	pgbenchDone := make(chan pgbenchResult, 1)
	go func() {
		tps, latency, err := pgbenchTPCB(ctx, pgbenchURL, l.clients, l.duration, l.mode)
		pgbenchDone <- pgbenchResult{tps, latency, err}
	}()

	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	url := "http://" + addr + "/v1/points/purchases"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: l.clients}}
	latencies := make([][]time.Duration, l.clients)
	var (
		wg       sync.WaitGroup
		firstErr error
		errOnce  sync.Once
	)
	start := time.Now()
	deadline := start.Add(l.duration)
	for c := range l.clients {
		wg.Go(func() {
			for seq := 0; time.Now().Before(deadline); seq++ {
				amount := 100 + rand.IntN(50_000)
				body := `{"purchase_id":"earn-` + run + "-" + strconv.Itoa(c) + "-" + strconv.Itoa(seq) + `","customer_id":"` +
					customers[rand.IntN(len(customers))] + `","amount_fen":` + strconv.Itoa(amount) +
					`,"store":"上海南京西路店","items":[{"sku":"tea-oolong","category":"tea","quantity":1,"price_fen":` + strconv.Itoa(amount) + `}]}`
				began := time.Now()
				if err := postPurchase(ctx, client, url, token, body); err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				latencies[c] = append(latencies[c], time.Since(began))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	pg := <-pgbenchDone
	if firstErr != nil {
		return firstErr
	}
	if pg.err != nil {
		return pg.err
	}
	var all []time.Duration
	for _, ls := range latencies {
		all = append(all, ls...)
	}
	rate := float64(len(all)) / elapsed.Seconds()
	fmt.Printf("  earning: %d purchases stored and credited, %.0f/s, p50 %.1f ms, p99 %.1f ms\n",
		len(all), rate, ms(percentile(all, 0.50)), ms(percentile(all, 0.99)))
	fmt.Printf("  pgbench tpcb-like: %.0f transactions/s, average latency %.1f ms\n", pg.tps, ms(pg.latency))
	fmt.Printf("ratio earning/pgbench: %.1f%% (target: at least 40%% with p99 under 50 ms)\n", 100*rate/pg.tps)
	return nil
}

// postPurchase reports one purchase at the till and checks it was credited.
func postPurchase(ctx context.Context, client *http.Client, url, token, body string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(raw, []byte(`"operation_id"`)) {
		return fmt.Errorf("POST /v1/points/purchases: %s: %.500s", resp.Status, raw)
	}
	return nil
}

var latencyLine = regexp.MustCompile(`latency average = ([0-9.]+) ms`)

// pgbenchTPCB runs pgbench's default (TPC-B-like) script and returns its rate and average
// latency.
func pgbenchTPCB(ctx context.Context, url string, clients int, d time.Duration, mode string) (float64, time.Duration, error) {
	cmd := exec.CommandContext(ctx, "pgbench", "-n", "-M", mode, "-c", strconv.Itoa(clients), "-j", "2",
		"-T", strconv.Itoa(int(d.Seconds())), url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("pgbench: %w\n%s", err, out)
	}
	match := tpsLine.FindSubmatch(out)
	if match == nil {
		return 0, 0, fmt.Errorf("no tps in pgbench output:\n%s", out)
	}
	tps, err := strconv.ParseFloat(string(match[1]), 64)
	var latency time.Duration
	if m := latencyLine.FindSubmatch(out); m != nil {
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		latency = time.Duration(v * float64(time.Millisecond))
	}
	return tps, latency, err
}

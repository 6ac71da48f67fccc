package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/tenants"
)

// ingestLoad is engage load --ingest: clients POST batches of purchases to /v1/events for a
// while, then it counts what the database holds.
type ingestLoad struct {
	clients   int
	batch     int
	customers int
	duration  time.Duration
	// workers runs the reaction jobs alongside, as engage serve does.
	workers bool
}

// runIngestLoad serves the API in-process as engage serve does, drives POST /v1/events with
// batches of purchases from several clients, and prints the events per second accepted, those
// found committed in the database afterwards, and how long the reaction jobs took to catch up.
func runIngestLoad(ctx context.Context, cfg config, l ingestLoad) error {
	if err := migrateUp(ctx, cfg); err != nil {
		return err
	}
	a, err := newApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	t, token, customers, err := loadStaffBrand(ctx, a, l.customers)
	if err != nil {
		return err
	}
	addr, stop, err := startLoadServer(ctx, cfg, l.workers)
	if err != nil {
		return err
	}
	defer stop()

	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	fmt.Printf("API: POST /v1/events, %d clients, batches of %d purchases, %s, reaction workers %s\n",
		l.clients, l.batch, l.duration, map[bool]string{true: "running", false: "off"}[l.workers])
	url := "http://" + addr + "/v1/events"
	var (
		accepted, requests atomic.Int64
		latencies          = make([][]time.Duration, l.clients)
		wg                 sync.WaitGroup
		firstErr           error
		errOnce            sync.Once
	)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: l.clients}}
	deadline := time.Now().Add(l.duration)
	start := time.Now()
	for c := range l.clients {
		wg.Go(func() {
			for seq := 0; time.Now().Before(deadline); seq++ {
				body := purchaseBatch(run+"-"+strconv.Itoa(c)+"-"+strconv.Itoa(seq), customers, l.batch)
				began := time.Now()
				n, err := postBatch(ctx, client, url, token, body)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				latencies[c] = append(latencies[c], time.Since(began))
				accepted.Add(int64(n))
				requests.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return firstErr
	}
	var all []time.Duration
	for _, ls := range latencies {
		all = append(all, ls...)
	}
	p50, p99 := percentile(all, 0.50), percentile(all, 0.99)
	fmt.Printf("  %d requests, %d events accepted in %s: %.0f events/s accepted, %.0f requests/s, p50 %.1f ms, p99 %.1f ms\n",
		requests.Load(), accepted.Load(), elapsed.Round(time.Millisecond), float64(accepted.Load())/elapsed.Seconds(),
		float64(requests.Load())/elapsed.Seconds(), ms(p50), ms(p99))

	stored, err := countStored(ctx, a, t, "load-"+run+"-")
	if err != nil {
		return err
	}
	fmt.Printf("  %d of them found committed in customer_events afterwards: %.0f events/s durable\n", stored, float64(stored)/elapsed.Seconds())
	if stored != accepted.Load() {
		return fmt.Errorf("%d events were accepted but %d are stored", accepted.Load(), stored)
	}
	if !l.workers {
		return nil
	}
	drained, each, err := waitForReactions(ctx, a, start)
	if err != nil {
		return err
	}
	fmt.Printf("  reaction jobs caught up %s after the last batch (%.0f events/s reacted to over the whole run)\n",
		drained.Round(time.Millisecond), float64(stored)/(elapsed+drained).Seconds())
	names := slices.Sorted(maps.Keys(each))
	for i, name := range names {
		names[i] = fmt.Sprintf("%s %s", name, each[name].Round(100*time.Millisecond))
	}
	fmt.Printf("  each subscriber's last job done after: %s\n", strings.Join(names, ", "))
	return nil
}

// loadCustomers makes sure the load tenant has n customers (load-0 ... load-<n-1>) and

// loadStaffBrand makes the load test's brand with a store staff key (returning its bearer
// token) and n customers, whose IDs it returns.
func loadStaffBrand(ctx context.Context, a *app, n int) (tenants.Tenant, string, []string, error) {
	t, key, err := loadTenant(ctx, a, access.RoleStoreStaff)
	if err != nil {
		return t, "", nil, err
	}
	_, token, _ := strings.Cut(key, ":")
	fmt.Printf("preparing %d customers of load-test...\n", n)
	customers, err := loadCustomers(ctx, a, t, n)
	return t, token, customers, err
}

// startLoadServer serves the API (and, with workers, the reaction workers) in-process as
// engage serve does, and returns its address and stop, which ends it and waits until it has.
func startLoadServer(ctx context.Context, cfg config, workers bool) (string, func(), error) {
	serveCtx, cancel := context.WithCancel(ctx)
	addrCh := make(chan string, 1)
	serveErr := make(chan error, 1)
	go func() { serveErr <- serve(serveCtx, cfg, true, workers, func(addr string) { addrCh <- addr }) }()
	select {
	case addr := <-addrCh:
		return addr, func() { cancel(); <-serveErr }, nil
	case err := <-serveErr:
		cancel()
		return "", nil, err
	}
}

// returns their IDs, importing the missing ones.
func loadCustomers(ctx context.Context, a *app, t tenants.Tenant, n int) ([]string, error) {
	out := make([]string, 0, n)
	for start := 0; start < n; start += 1000 {
		batch := make([]customer.Customer, 0, 1000)
		for i := start; i < min(start+1000, n); i++ {
			c := customer.Customer{ID: uuid.New(), ExternalID: "load-" + strconv.Itoa(i), Name: "Load " + strconv.Itoa(i)}
			if err := c.Normalise(time.Now()); err != nil {
				return nil, err
			}
			batch = append(batch, c)
		}
		ids, err := a.Demo.ImportCustomers(ctx, t.ID, batch)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out = append(out, id.String())
		}
	}
	return out, nil
}

// purchaseBatch encodes a batch of n purchases with IDs load-<prefix>-<i>, by random customers.
func purchaseBatch(prefix string, customers []string, n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 300)
	at := time.Now().Add(-time.Minute).Format(time.RFC3339)
	b.WriteString(`{"events":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		amount := strconv.Itoa(100 + rand.IntN(50000))
		b.WriteString(`{"id":"load-` + prefix + "-" + strconv.Itoa(i) + `","customer_id":"` + customers[rand.IntN(len(customers))] +
			`","type":"purchase","channel":"pos","store":"上海南京西路店","occurred_at":"` + at + `","amount_fen":` + amount +
			`,"items":[{"sku":"tea-oolong","category":"tea","quantity":` + strconv.Itoa(1+rand.IntN(3)) + `,"price_fen":` + amount + `}]}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// postBatch sends one batch and returns how many events were accepted.
func postBatch(ctx context.Context, client *http.Client, url, token string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("POST /v1/events: %s: %s", resp.Status, raw)
	}
	var out struct {
		Accepted, Rejected int
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return 0, err
	}
	if out.Rejected > 0 {
		return 0, fmt.Errorf("%d events rejected: %.500s", out.Rejected, raw)
	}
	return out.Accepted, nil
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sorted := append([]time.Duration(nil), ds...)
	slices.Sort(sorted)
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

// countStored counts the load tenant's events whose IDs start with prefix.
func countStored(ctx context.Context, a *app, t tenants.Tenant, prefix string) (int64, error) {
	var n int64
	err := a.DB.ReadInTenant(ctx, t.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		return q.QueryRow(ctx, `SELECT count(*) FROM customer_events WHERE id LIKE $1 || '%'`, prefix).Scan(&n)
	})
	return n, err
}

// waitForReactions waits until no subscriber job is left to work and says how long it took,
// in all and for each subscriber with jobs made since the run began. River's job
// table is platform-level: it is read on the pool, outside any tenant.
func waitForReactions(ctx context.Context, a *app, since time.Time) (time.Duration, map[string]time.Duration, error) {
	start := time.Now()
	each := map[string]time.Duration{}
	for {
		rows, err := a.DB.Pool().Query(ctx, `SELECT kind, count(*) FILTER (WHERE state NOT IN ('completed', 'discarded', 'cancelled'))
			FROM river_job WHERE kind LIKE $1 || '%' AND created_at >= $2 GROUP BY kind`, eventbus.KindOf(""), since)
		if err != nil {
			return 0, nil, err
		}
		left := 0
		for rows.Next() {
			var kind string
			var n int
			if err := rows.Scan(&kind, &n); err != nil {
				rows.Close()
				return 0, nil, err
			}
			name := strings.TrimPrefix(kind, eventbus.KindOf(""))
			if _, done := each[name]; n == 0 && !done {
				each[name] = time.Since(start)
			}
			left += n
		}
		if err := rows.Err(); err != nil {
			return 0, nil, err
		}
		if left == 0 {
			return time.Since(start), each, nil
		}
		if time.Since(start) > 10*time.Minute {
			return 0, nil, errors.New("the reaction jobs did not catch up within 10 minutes")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is the process's Prometheus registry: HTTP latency per operation, River job counts by
// state and queue, and pgx pool statistics.
type Metrics struct {
	registry *prometheus.Registry
	latency  *prometheus.HistogramVec
}

// NewMetrics registers the collectors; pool may be nil (no database metrics).
func NewMetrics(pool *pgxpool.Pool) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		registry: reg,
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "engage_http_request_duration_seconds",
			Help:    "HTTP request latency by API operation, method and status.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"operation", "method", "status"}),
	}
	reg.MustRegister(m.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if pool != nil {
		reg.MustRegister(&poolCollector{pool: pool}, &jobCollector{pool: pool})
	}
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

func (m *Metrics) observeHTTP(operation, method string, status int, elapsed time.Duration) {
	if operation == "" {
		operation = "unmatched"
	}
	m.latency.WithLabelValues(operation, method, strconv.Itoa(status)).Observe(elapsed.Seconds())
}

var (
	poolAcquired = prometheus.NewDesc("engage_pgx_pool_acquired_conns", "Connections in use.", nil, nil)
	poolIdle     = prometheus.NewDesc("engage_pgx_pool_idle_conns", "Idle connections.", nil, nil)
	poolTotal    = prometheus.NewDesc("engage_pgx_pool_total_conns", "Open connections.", nil, nil)
	poolMax      = prometheus.NewDesc("engage_pgx_pool_max_conns", "Pool size limit.", nil, nil)
	poolAcquires = prometheus.NewDesc("engage_pgx_pool_acquires_total", "Successful acquires.", nil, nil)
	poolWaits    = prometheus.NewDesc("engage_pgx_pool_empty_acquires_total", "Acquires that waited for a connection.", nil, nil)
	poolWait     = prometheus.NewDesc("engage_pgx_pool_acquire_wait_seconds_total", "Time spent waiting for a connection.", nil, nil)
	jobsByState  = prometheus.NewDesc("engage_river_jobs", "River jobs by state and queue.", []string{"state", "queue"}, nil)
)

type poolCollector struct{ pool *pgxpool.Pool }

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolAcquired, poolIdle, poolTotal, poolMax, poolAcquires, poolWaits, poolWait} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolAcquired, prometheus.GaugeValue, float64(s.AcquiredConns()))
	ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.IdleConns()))
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(s.TotalConns()))
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(s.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(s.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWait, prometheus.CounterValue, s.AcquireDuration().Seconds())
}

// jobCollector counts River jobs at scrape time. Platform-level by design: River's job table
// spans tenants and holds no tenant-owned data beyond job arguments, which it does not read.
type jobCollector struct{ pool *pgxpool.Pool }

func (c *jobCollector) Describe(ch chan<- *prometheus.Desc) { ch <- jobsByState }

func (c *jobCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, err := c.pool.Query(ctx, `SELECT state::text, queue, count(*) FROM river_job GROUP BY 1, 2`)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(jobsByState, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var (
			state, queue string
			n            int64
		)
		if err := rows.Scan(&state, &queue, &n); err != nil {
			ch <- prometheus.NewInvalidMetric(jobsByState, err)
			return
		}
		ch <- prometheus.MustNewConstMetric(jobsByState, prometheus.GaugeValue, float64(n), state, queue)
	}
}

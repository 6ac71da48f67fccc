// Package ports declares what the application needs from the outside world: transactions,
// repositories, the job scheduler and the clock. Adapters implement them.
//
// The files without a prefix hold the kernel every module uses: transactions, jobs, the clock,
// pages, domain events, change notices and providers' refusals. A module's ports are in the
// files named after it and the part they serve (platform_audit.go, customers_segments.go).
package ports

// Package cdnow is the CDNOW purchase history the demo brands are seeded with, shipped with
// the source and embedded in the binary so that a clone alone has the demo (see README.md for
// its source and licence).
package cdnow

import _ "embed"

// Master is CDNOW_master.txt as shipped: the layout demodata.ParseCDNOW reads.
//
//go:embed CDNOW_master.txt
var Master []byte

// Package temporal stands in for go.temporal.io/sdk/temporal (not packaged in
// Debian): the one type the Go runner's claimcheck package names.
package temporal

// RetryPolicy carries the options the package sets; in-process activities
// run once, so they are not used.
type RetryPolicy struct {
	MaximumAttempts int32
}

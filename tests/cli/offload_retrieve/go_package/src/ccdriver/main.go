// ccdriver calls the Go runner's claimcheck package the way the runner does,
// so tests can put its real code on the other side of claimcheck:
//
//	ccdriver [-filesystem DIR] offload|retrieve|offload-state|retrieve-state IN OUT
//
// offload: MaybeOffload(IN's bytes); OUT is the reference's JSON, or the bytes
// themselves below the threshold. retrieve: MaybeRetrieve(IN as a reference,
// else IN's bytes). offload-state / retrieve-state: a workflow state document
// {"data": {...}, "context": {...}, ...} whose data and context go through
// MaybeOffloadStateData / MaybeRetrieveStateData, as the runner does between
// steps. Settings come from the worker's environment variables with its
// defaults (worker/config/config.go): CLAIMCHECK_THRESHOLD_BYTES,
// CLAIMCHECK_COMPRESSION_ENABLED, CLAIMCHECK_TTL_DAYS, R2_*. -filesystem
// selects the package's filesystem store instead of R2.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"

	"go.temporal.io/sdk/workflow"
	"stigmer/claimcheck"
)

func env(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return fallback
}

func config(filesystem string) (claimcheck.Config, error) {
	threshold, err := strconv.ParseInt(env("CLAIMCHECK_THRESHOLD_BYTES", "51200"), 10, 64)
	if err != nil {
		return claimcheck.Config{}, err
	}
	compression, err := strconv.ParseBool(env("CLAIMCHECK_COMPRESSION_ENABLED", "true"))
	if err != nil {
		return claimcheck.Config{}, err
	}
	ttl, err := strconv.Atoi(env("CLAIMCHECK_TTL_DAYS", "30"))
	if err != nil {
		return claimcheck.Config{}, err
	}
	cfg := claimcheck.Config{
		ThresholdBytes: threshold, TTLDays: ttl, CompressionEnabled: compression,
		R2Bucket: env("R2_BUCKET", ""), R2Endpoint: env("R2_ENDPOINT", ""),
		R2AccessKeyID: env("R2_ACCESS_KEY_ID", ""), R2SecretAccessKey: env("R2_SECRET_ACCESS_KEY", ""),
		R2Region: env("R2_REGION", "auto"),
	}
	if filesystem != "" {
		cfg.StorageType, cfg.FilesystemBasePath = "filesystem", filesystem
	}
	return cfg, nil
}

// state applies fn to the document's data and context maps.
func state(in []byte, fn func(workflow.Context, map[string]any) (map[string]any, error)) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(in, &doc); err != nil {
		return nil, err
	}
	for _, field := range []string{"data", "context"} {
		section, _ := doc[field].(map[string]any)
		out, err := fn(workflow.Background(), section)
		if err != nil {
			return nil, err
		}
		if section != nil {
			doc[field] = out
		}
	}
	return json.Marshal(doc)
}

func run(m *claimcheck.Manager, command string, in []byte) ([]byte, error) {
	switch command {
	case "offload":
		out, err := m.MaybeOffload(workflow.Background(), in)
		if err != nil {
			return nil, err
		}
		if ref, ok := out.(claimcheck.ClaimCheckRef); ok {
			return json.Marshal(ref)
		}
		return out.([]byte), nil
	case "retrieve":
		var input interface{} = in
		var decoded map[string]interface{}
		if json.Unmarshal(in, &decoded) == nil && claimcheck.IsClaimCheckRef(decoded) {
			input = decoded
		}
		return m.MaybeRetrieve(workflow.Background(), input)
	case "offload-state":
		return state(in, m.MaybeOffloadStateData)
	case "retrieve-state":
		return state(in, m.MaybeRetrieveStateData)
	}
	return nil, fmt.Errorf("unknown command %q", command)
}

func main() {
	filesystem := flag.String("filesystem", "", "directory of the package's filesystem store (default: R2)")
	flag.Parse()
	if flag.NArg() != 3 {
		fmt.Fprintln(os.Stderr, "usage: ccdriver [-filesystem DIR] offload|retrieve|offload-state|retrieve-state IN OUT")
		os.Exit(2)
	}
	in, err := os.ReadFile(flag.Arg(1))
	if err == nil {
		var cfg claimcheck.Config
		if cfg, err = config(*filesystem); err == nil {
			var m *claimcheck.Manager
			if m, err = claimcheck.NewManager(cfg); err == nil {
				var out []byte
				if out, err = run(m, flag.Arg(0), in); err == nil {
					err = os.WriteFile(flag.Arg(2), out, 0o644)
				}
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ccdriver:", err)
		os.Exit(1)
	}
}

// go_gunzip: reads exactly one gzip member from stdin with Go's standard
// compress/gzip (what the Go workflow runner uses) and writes the payload to
// stdout. Exit 1 when the input is not gzip, is corrupt or truncated, or has
// anything after the one member. Test code for claimcheck's interop tests.
package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	reader, err := gzip.NewReader(in)
	if err != nil {
		fail(err)
	}
	reader.Multistream(false)
	if _, err := io.Copy(os.Stdout, reader); err != nil {
		fail(err)
	}
	if err := reader.Close(); err != nil {
		fail(err)
	}
	if _, err := in.ReadByte(); err != io.EOF {
		fail(fmt.Errorf("data after the gzip member"))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "go_gunzip:", err)
	os.Exit(1)
}

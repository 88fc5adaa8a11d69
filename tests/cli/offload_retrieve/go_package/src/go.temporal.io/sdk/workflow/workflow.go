// Package workflow stands in for go.temporal.io/sdk/workflow (not packaged in
// Debian) with the part the Go runner's claimcheck package uses. An activity
// runs in-process at once, but its arguments and its result still go through
// JSON, as Temporal's default data converter sends them, so the package sees
// values of the same types it sees under a real worker ([]byte as base64,
// ClaimCheckRef as an object).
package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"time"

	"go.temporal.io/sdk/temporal"
)

// Context is the workflow context; here it carries nothing.
type Context interface{}

// Background is the context a driver passes to the package.
func Background() Context { return struct{}{} }

type ActivityOptions struct {
	StartToCloseTimeout time.Duration
	RetryPolicy         *temporal.RetryPolicy
}

func WithActivityOptions(ctx Context, _ ActivityOptions) Context { return ctx }

// Logger writes the package's log lines to stderr, as a worker's log would.
type Logger struct{}

func (Logger) line(level, msg string, keyvals ...interface{}) {
	fmt.Fprintln(os.Stderr, append([]interface{}{level, msg}, keyvals...)...)
}
func (l Logger) Debug(msg string, keyvals ...interface{}) { l.line("DEBUG", msg, keyvals...) }
func (l Logger) Info(msg string, keyvals ...interface{})  { l.line("INFO", msg, keyvals...) }
func (l Logger) Warn(msg string, keyvals ...interface{})  { l.line("WARN", msg, keyvals...) }
func (l Logger) Error(msg string, keyvals ...interface{}) { l.line("ERROR", msg, keyvals...) }

func GetLogger(Context) Logger { return Logger{} }

// Future holds an activity's JSON-encoded result or its error.
type Future struct {
	result []byte
	err    error
}

// Get decodes the result into valuePtr, as a real Future does.
func (f Future) Get(_ Context, valuePtr interface{}) error {
	if f.err != nil {
		return f.err
	}
	return json.Unmarshal(f.result, valuePtr)
}

// ExecuteActivity calls activity(ctx, args...) with each argument passed
// through JSON into the parameter's type; the activity returns (T, error).
func ExecuteActivity(_ Context, activity interface{}, args ...interface{}) Future {
	fn := reflect.ValueOf(activity)
	in := []reflect.Value{reflect.ValueOf(context.Background())}
	for i, arg := range args {
		encoded, err := json.Marshal(arg)
		if err != nil {
			return Future{err: err}
		}
		param := reflect.New(fn.Type().In(i + 1))
		if err := json.Unmarshal(encoded, param.Interface()); err != nil {
			return Future{err: err}
		}
		in = append(in, param.Elem())
	}
	out := fn.Call(in)
	if err, _ := out[1].Interface().(error); err != nil {
		return Future{err: err}
	}
	result, err := json.Marshal(out[0].Interface())
	return Future{result: result, err: err}
}

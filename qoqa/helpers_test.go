package qoqa_test

import "fmt"

// fmtAll prints v every way a log line might.
func fmtAll(v any) string { return fmt.Sprintf("%v %+v %#v %s", v, v, v, v) }

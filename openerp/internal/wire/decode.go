package wire

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The value decoder is this package's own: kolo/xmlrpc reads <string></string>
// and <value/> as nil, which makes OpenERP's "" look like no value at all.
// XML-RPC says a value without a type is a string, so both are "".

// MaxDepth is how deep arrays and structs may nest in a decoded value.
// OpenERP's answers and calls nest a few levels (a many2one pair in a
// record in a list, a domain, x2many commands); without a bound, a
// document of opening tags alone grows the decoder's stack by some 340
// bytes a level, and the 64 MiB that the client accepts would exhaust
// Go's 1 GB stack: a fatal error that no recover catches.
const MaxDepth = 100

// ErrTooDeep is wrapped by the error of a value nested past MaxDepth.
var ErrTooDeep = errors.New("value nested too deep")

// decoder reads XML-RPC values from a stream of XML tokens.
type decoder struct {
	x *xml.Decoder
	// depth is how many arrays and structs hold the value being read.
	depth int
}

func newDecoder(body []byte) *decoder {
	return &decoder{x: xml.NewDecoder(bytes.NewReader(body))}
}

// next returns the next start or end element, skipping the whitespace, comments
// and processing instructions between elements.
func (d *decoder) next() (xml.Token, error) {
	for {
		tok, err := d.x.RawToken()
		if err != nil {
			if err == io.EOF {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement, xml.EndElement:
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("unexpected text %q", head(t))
			}
		}
	}
}

// start reads the start element name.
func (d *decoder) start(name string) error {
	tok, err := d.next()
	if err != nil {
		return err
	}
	if s, ok := tok.(xml.StartElement); !ok || s.Name.Local != name {
		return fmt.Errorf("want <%s>, got %s", name, describe(tok))
	}
	return nil
}

// end reads the end element name.
func (d *decoder) end(name string) error {
	tok, err := d.next()
	if err != nil {
		return err
	}
	if e, ok := tok.(xml.EndElement); !ok || e.Name.Local != name {
		return fmt.Errorf("want </%s>, got %s", name, describe(tok))
	}
	return nil
}

// text reads the text up to the end element name.
func (d *decoder) text(name string) (string, error) {
	var b strings.Builder
	for {
		tok, err := d.x.RawToken()
		if err != nil {
			if err == io.EOF {
				return "", io.ErrUnexpectedEOF
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.EndElement:
			if t.Name.Local != name {
				return "", fmt.Errorf("want </%s>, got </%s>", name, t.Name.Local)
			}
			return b.String(), nil
		case xml.StartElement:
			return "", fmt.Errorf("unexpected <%s> in <%s>", t.Name.Local, name)
		}
	}
}

// value reads a value whose <value> was just read, through its </value>.
func (d *decoder) value() (any, error) {
	var untyped strings.Builder
	for {
		tok, err := d.x.RawToken()
		if err != nil {
			if err == io.EOF {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			untyped.Write(t)
		case xml.EndElement:
			if t.Name.Local != "value" {
				return nil, fmt.Errorf("want </value>, got </%s>", t.Name.Local)
			}
			return untyped.String(), nil
		case xml.StartElement:
			if strings.TrimSpace(untyped.String()) != "" {
				return nil, fmt.Errorf("text before <%s> in a value", t.Name.Local)
			}
			v, err := d.typed(t.Name.Local)
			if err != nil {
				return nil, err
			}
			return v, d.end("value")
		}
	}
}

// typed reads the content of a typed value through the type's end element.
func (d *decoder) typed(typ string) (any, error) {
	switch typ {
	case "struct", "array":
		if d.depth >= MaxDepth {
			return nil, fmt.Errorf("<%s>: %w (over %d levels)", typ, ErrTooDeep, MaxDepth)
		}
		d.depth++
		defer func() { d.depth-- }()
		if typ == "struct" {
			return d.structValue()
		}
		return d.arrayValue()
	case "nil":
		return nil, d.end("nil")
	}
	s, err := d.text(typ)
	if err != nil {
		return nil, err
	}
	switch typ {
	case "string", "base64": // base64 stays the text as sent
		return s, nil
	case "int", "i4", "i8":
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("<%s>: %w", typ, err)
		}
		return n, nil
	case "boolean":
		switch strings.TrimSpace(s) {
		case "1":
			return true, nil
		case "0":
			return false, nil
		}
		return nil, fmt.Errorf("<boolean>: %q is neither 0 nor 1", s)
	case "double":
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("<double>: %w", err)
		}
		return f, nil
	case "dateTime.iso8601":
		for _, layout := range []string{"20060102T15:04:05", "20060102T15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04:05Z07:00"} {
			if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
				return t, nil
			}
		}
		return nil, fmt.Errorf("<dateTime.iso8601>: %q is no date", s)
	}
	return nil, fmt.Errorf("unknown value type <%s>", typ)
}

func (d *decoder) structValue() (map[string]any, error) {
	out := map[string]any{}
	for {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local != "struct" {
				return nil, fmt.Errorf("want </struct>, got </%s>", t.Name.Local)
			}
			return out, nil
		case xml.StartElement:
			if t.Name.Local != "member" {
				return nil, fmt.Errorf("want <member>, got <%s>", t.Name.Local)
			}
			if err := d.member(out); err != nil {
				return nil, err
			}
		}
	}
}

// member reads one struct member, name and value in either order.
func (d *decoder) member(out map[string]any) error {
	var name string
	var val any
	var hasName, hasValue bool
	for {
		tok, err := d.next()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local != "member" || !hasName || !hasValue {
				return fmt.Errorf("incomplete struct member %q", name)
			}
			out[name] = val
			return nil
		case xml.StartElement:
			switch t.Name.Local {
			case "name":
				if name, err = d.text("name"); err != nil {
					return err
				}
				hasName = true
			case "value":
				if val, err = d.value(); err != nil {
					return err
				}
				hasValue = true
			default:
				return fmt.Errorf("unexpected <%s> in a struct member", t.Name.Local)
			}
		}
	}
}

func (d *decoder) arrayValue() ([]any, error) {
	if err := d.start("data"); err != nil {
		return nil, err
	}
	out := []any{}
	for {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local != "data" {
				return nil, fmt.Errorf("want </data>, got </%s>", t.Name.Local)
			}
			return out, d.end("array")
		case xml.StartElement:
			if t.Name.Local != "value" {
				return nil, fmt.Errorf("want <value>, got <%s>", t.Name.Local)
			}
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
}

// root reads the document's root element, past the XML declaration.
func (d *decoder) root() (string, error) {
	tok, err := d.next()
	if err != nil {
		return "", err
	}
	s, ok := tok.(xml.StartElement)
	if !ok {
		return "", errors.New("no root element")
	}
	return s.Name.Local, nil
}

// DecodeResponse decodes a methodResponse: its value, or its fault.
func DecodeResponse(body []byte) (any, *Fault, error) {
	d := newDecoder(body)
	if root, err := d.root(); err != nil || root != "methodResponse" {
		return nil, nil, fmt.Errorf("not an XML-RPC response: %q", head(body))
	}
	tok, err := d.next()
	if err != nil {
		return nil, nil, fmt.Errorf("decode response: %w", err)
	}
	s, ok := tok.(xml.StartElement)
	switch {
	case ok && s.Name.Local == "fault":
		f, err := d.fault()
		if err != nil {
			return nil, nil, fmt.Errorf("decode fault: %w", err)
		}
		return nil, f, nil
	case ok && s.Name.Local == "params":
		v, err := d.param()
		if err != nil {
			return nil, nil, fmt.Errorf("decode response: %w", err)
		}
		return v, nil, nil
	}
	return nil, nil, fmt.Errorf("decode response: want <params> or <fault>, got %s", describe(tok))
}

// param reads the one <param><value>…</value></param> of a response.
func (d *decoder) param() (any, error) {
	if err := d.start("param"); err != nil {
		return nil, err
	}
	if err := d.start("value"); err != nil {
		return nil, err
	}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	return v, d.end("param")
}

func (d *decoder) fault() (*Fault, error) {
	if err := d.start("value"); err != nil {
		return nil, err
	}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a fault is a struct, got %T", v)
	}
	s, _ := m["faultString"].(string)
	return &Fault{Code: m["faultCode"], String: s}, nil
}

// DecodeCall decodes a methodCall into its name and parameters.
func DecodeCall(body []byte) (string, []any, error) {
	d := newDecoder(body)
	if root, err := d.root(); err != nil || root != "methodCall" {
		return "", nil, fmt.Errorf("decode call: not an XML-RPC call: %q", head(body))
	}
	if err := d.start("methodName"); err != nil {
		return "", nil, fmt.Errorf("decode call: %w", err)
	}
	method, err := d.text("methodName")
	if err != nil {
		return "", nil, fmt.Errorf("decode call: %w", err)
	}
	method = strings.TrimSpace(method)
	params := []any{}
	tok, err := d.next()
	if err != nil {
		return "", nil, fmt.Errorf("decode call %s: %w", method, err)
	}
	if s, ok := tok.(xml.StartElement); !ok || s.Name.Local != "params" {
		return method, params, nil // no parameters
	}
	for {
		tok, err := d.next()
		if err != nil {
			return "", nil, fmt.Errorf("decode call %s: %w", method, err)
		}
		if e, ok := tok.(xml.EndElement); ok && e.Name.Local == "params" {
			return method, params, nil
		}
		if s, ok := tok.(xml.StartElement); !ok || s.Name.Local != "param" {
			return "", nil, fmt.Errorf("decode call %s: want <param>, got %s", method, describe(tok))
		}
		if err := d.start("value"); err != nil {
			return "", nil, fmt.Errorf("decode call %s: param %d: %w", method, len(params), err)
		}
		v, err := d.value()
		if err == nil {
			err = d.end("param")
		}
		if err != nil {
			return "", nil, fmt.Errorf("decode call %s: param %d: %w", method, len(params), err)
		}
		params = append(params, v)
	}
}

func describe(tok xml.Token) string {
	switch t := tok.(type) {
	case xml.StartElement:
		return "<" + t.Name.Local + ">"
	case xml.EndElement:
		return "</" + t.Name.Local + ">"
	}
	return fmt.Sprintf("%T", tok)
}

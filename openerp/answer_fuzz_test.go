package openerp_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/openerp"
)

// fuzzPassword is the password the fuzzed client logs in with: no error
// may quote it, whatever the server answers.
const fuzzPassword = "pw-sentinel-7f3a"

// answers is a transport that answers login with uid 1 (or with body, when
// asked) and every other call with status and body, so that a fuzzer drives
// the client's reading of answers without a network.
type answers struct {
	status int
	date   string
	body   []byte
	login  bool
}

func (a answers) RoundTrip(r *http.Request) (*http.Response, error) {
	call, _ := io.ReadAll(r.Body)
	r.Body.Close()
	status, body := a.status, a.body
	if !a.login && bytes.Contains(call, []byte("<methodName>login</methodName>")) {
		status, body = http.StatusOK, []byte(`<methodResponse><params><param><value><int>1</int></value></param></params></methodResponse>`)
	}
	return &http.Response{
		StatusCode: status, Status: http.StatusText(status), Header: http.Header{"Date": {a.date}},
		Body: io.NopCloser(bytes.NewReader(body)), Request: r,
	}, nil
}

// fuzzResponse wraps v in a methodResponse.
func fuzzResponse(v string) []byte {
	return []byte(`<?xml version="1.0"?><methodResponse><params><param><value>` + v + `</value></param></params></methodResponse>`)
}

// The client reads any answer to any call without a panic, returns records
// whose fields every accessor reads without a panic, and never quotes the
// password in an error.
func FuzzClientAnswers(f *testing.F) {
	rec := `<struct><member><name>id</name><value><int>7</int></value></member>` +
		`<member><name>partner_id</name><value><array><data><value><int>2</int></value><value>Acme</value></data></array></value></member>` +
		`<member><name>line_ids</name><value><array><data><value><int>3</int></value><value><string>4</string></value></data></array></value></member>` +
		`<member><name>write_date</name><value><string>2026-01-02 03:04:05</string></value></member>` +
		`<member><name>date</name><value><string>2026-01-02</string></value></member>` +
		`<member><name>amount</name><value><double>29.5</double></value></member>` +
		`<member><name>name</name><value><boolean>0</boolean></value></member></struct>`
	for _, v := range []string{
		`<array><data><value>` + rec + `</value></data></array>`,
		`<array><data><value><int>7</int></value><value><int>8</int></value></data></array>`,
		`<int>3</int>`, `<boolean>1</boolean>`, `<boolean>0</boolean>`, `<string>x</string>`,
		`<struct><member><name>server_version</name><value>7.0-20130101</value></member><member><name>server_version_info</name><value><array><data><value><string>saas~11</string></value></data></array></value></member></struct>`,
		`<struct><member><name>name</name><value><struct><member><name>type</name><value>char</value></member><member><name>translate</name><value><boolean>1</boolean></value></member></struct></value></member></struct>`,
		`<array><data><value><struct><member><name>id</name><value><string>7</string></value></member></struct></value></data></array>`,
	} {
		f.Add(uint16(200), false, fuzzResponse(v))
	}
	f.Add(uint16(200), false, []byte(`<methodResponse><fault><value><struct><member><name>faultCode</name><value><string>warning -- AccessError</string></value></member><member><name>faultString</name><value><string>Traceback pw-sentinel-7f3</string></value></member></struct></value></fault></methodResponse>`))
	f.Add(uint16(200), true, []byte(`<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>3</int></value></member><member><name>faultString</name><value><string>Access Denied</string></value></member></struct></value></fault></methodResponse>`))
	f.Add(uint16(200), true, fuzzResponse(`<boolean>0</boolean>`))
	f.Add(uint16(500), false, []byte(`Internal Server Error`))
	f.Add(uint16(200), false, []byte(`<html>maintenance</html>`))
	f.Fuzz(func(t *testing.T, status uint16, fuzzLogin bool, body []byte) {
		code := 200 + int(status)%400
		ctx := context.Background()
		for _, path := range []string{openerp.PathV7, openerp.PathV8, ""} {
			c, err := openerp.New(openerp.Config{
				URL: "http://erp.test", Database: "db", User: "admin", Password: fuzzPassword, Path: path,
				HTTPClient:       &http.Client{Transport: answers{code, "Mon, 07 Dec 2026 12:00:00 GMT", body, fuzzLogin}},
				MaxResponseBytes: 1 << 16, ReadBatchSize: 2,
			})
			require.NoError(t, err)
			check := func(err error) {
				t.Helper()
				if err == nil {
					return
				}
				if !bytes.Contains(body, []byte(fuzzPassword)) { // else the server quoted it
					require.NotContains(t, err.Error(), fuzzPassword, "an error quotes the password")
				}
				var f *openerp.Fault
				if errors.As(err, &f) {
					_ = f.Temporary()
				}
			}
			readAll := func(rows []openerp.Values) {
				for _, r := range rows {
					_ = r.ID()
					for k := range r {
						_, _ = r.String(k)
						_, _ = r.Int(k)
						_, _ = r.Float(k)
						_ = r.Bool(k)
						_, _, _ = r.Many2One(k)
						_ = r.IDs(k)
						_, _ = r.Time(k)
						_, _ = r.Date(k)
					}
				}
			}
			v, err := c.Version(ctx)
			check(err)
			if err == nil {
				require.NotNil(t, v)
			}
			_, err = c.MajorVersion(ctx)
			check(err)
			_, err = c.ServerTime(ctx)
			check(err)
			_, err = c.Login(ctx)
			check(err)
			_, err = c.Search(ctx, "res.partner", openerp.Domain{}, openerp.SearchOptions{})
			check(err)
			_, err = c.SearchCount(ctx, "res.partner", nil, nil)
			check(err)
			rows, err := c.Read(ctx, "res.partner", []int64{7, 8, 7}, []string{"name"}, nil)
			check(err)
			readAll(rows)
			rows, err = c.SearchRead(ctx, "res.partner", nil, nil, openerp.SearchOptions{})
			check(err)
			readAll(rows)
			_, err = c.Create(ctx, "res.partner", openerp.Values{"name": "x"}, nil)
			check(err)
			check(c.Write(ctx, "res.partner", []int64{7}, openerp.Values{"name": "y"}, nil))
			check(c.Unlink(ctx, "res.partner", []int64{7}))
			fields, err := c.FieldsGet(ctx, "res.partner", nil, nil)
			check(err)
			if err == nil {
				require.NotNil(t, fields)
			}
			byLang, err := c.ReadTranslations(ctx, "res.partner", []int64{7}, []string{"name"}, []string{"fr_FR"})
			check(err)
			for _, rows := range byLang {
				readAll(rows)
			}
			if code != http.StatusOK && !strings.Contains(string(body), fuzzPassword) {
				_, err = c.Create(ctx, "res.partner", openerp.Values{}, nil)
				require.Error(t, err, "a %d answer must fail", code)
			}
		}
	})
}

// An answer nested past the decoder's bound is a bad response, not a
// stack the size of the answer: the shape the fuzzers feared, opening
// tags alone, at a depth a real answer never has.
func TestDeepAnswerIsBadResponse(t *testing.T) {
	t.Parallel()
	body := []byte(`<methodResponse><params><param><value>` + strings.Repeat(`<array><data><value>`, 100_000))
	c, err := openerp.New(openerp.Config{
		URL: "http://erp.test", Database: "db", User: "admin", Password: fuzzPassword, Path: openerp.PathV7,
		HTTPClient: &http.Client{Transport: answers{http.StatusOK, "", body, false}},
	})
	require.NoError(t, err)
	_, err = c.Search(context.Background(), "res.partner", nil, openerp.SearchOptions{})
	require.ErrorIs(t, err, openerp.ErrBadResponse)
	require.ErrorContains(t, err, "nested too deep")
}

package runner

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Defaults of ClientOptions.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBodyBytes = 10 << 20
)

// MaxHeaderBytes caps the status line and headers of a response (informational 1xx responses
// included); a target that sends more is reported as not answering valid HTTP.
const MaxHeaderBytes = 1 << 20

// ClientOptions configure a Client. The zero value means the defaults.
type ClientOptions struct {
	// Timeout bounds each request, from dialling to the last byte of the body (default 30 s).
	Timeout time.Duration
	// MaxBodyBytes caps how much of a response body is read (default 10 MiB); a larger body is
	// recorded as truncated and reported by the body-within-cap check.
	MaxBodyBytes int64
	// CACertFile names a PEM file of extra certificate authorities to trust (a private CA).
	CACertFile string
	// Insecure skips TLS certificate verification. Only when the user asks for it.
	Insecure bool
	// Redactor scrubs credentials from recorded requests; nil redacts only well-known headers.
	Redactor *Redactor
	// Transport replaces the HTTP transport (tests); TLS options are then ignored. The
	// destructive Guard is installed under it all the same.
	Transport http.RoundTripper
	// AllowDestructive lets mutating requests (every method but GET, HEAD and OPTIONS) leave for
	// a target that is not loopback. Off by default: such a request fails with *RefusedError
	// and nothing is sent.
	AllowDestructive bool
}

// Client fires requests at a target and records the exchanges. It never follows redirects, never
// reads more than MaxBodyBytes of a body (after gzip decoding) nor more than MaxHeaderBytes of
// headers, never waits longer than the timeout, and never sends a mutating request to a host
// that is not loopback unless told to (see Guard). A Client is safe for concurrent use.
type Client struct {
	http     *http.Client
	guard    *Guard
	maxBody  int64
	redactor *Redactor
}

// NewClient returns a Client, or an error when the TLS options cannot be honoured (an unreadable
// or empty CA file).
func NewClient(o ClientOptions) (*Client, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	rt := o.Transport
	if rt == nil {
		tr, err := NewTransport(o.CACertFile, o.Insecure)
		if err != nil {
			return nil, err
		}
		rt = tr
	}
	guard := &Guard{Next: rt, AllowDestructive: o.AllowDestructive}
	return &Client{
		guard: guard,
		http: &http.Client{
			Transport: guard,
			Timeout:   o.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		maxBody:  o.MaxBodyBytes,
		redactor: o.Redactor,
	}, nil
}

// NewTransport returns the HTTP transport apiconform talks to targets with: no proxy from the
// environment, TLS 1.2 or later verified against the system roots and caCertFile's (a private
// CA), or not at all when insecure; at most MaxHeaderBytes of headers. It fails when the CA
// file cannot be read or holds no certificate. It installs no Guard: NewClient does, and so
// must any other sender.
func NewTransport(caCertFile string, insecure bool) (*http.Transport, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // a conformance run talks to the target it is given, not to a proxy
	tr.MaxIdleConnsPerHost = 64
	tr.MaxResponseHeaderBytes = MaxHeaderBytes
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // only when asked
	if caCertFile != "" {
		pem, err := os.ReadFile(caCertFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-cert %s: %w", caCertFile, err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-cert %s: no PEM certificate found in the file", caCertFile)
		}
		tlsConf.RootCAs = pool
	}
	tr.TLSClientConfig = tlsConf
	return tr, nil
}

// Request is what to send for one operation.
type Request struct {
	Op *Operation
	// PathParams fill the operation's path template; values are escaped here.
	PathParams map[string]string
	Query      url.Values
	Header     http.Header
	// Body is sent as is when not nil; ContentType defaults to application/json.
	Body        []byte
	ContentType string
	// Credential authenticates the request; nil sends none.
	Credential *Credential
}

// BuildURL joins the target base URL and the operation's path with the parameters filled in.
// The base URL's own path is kept as a prefix.
func BuildURL(base *url.URL, op *Operation, params map[string]string, query url.Values) (*url.URL, error) {
	path, err := expandPath(op.Path, params)
	if err != nil {
		return nil, err
	}
	u := *base
	u.Path = strings.TrimSuffix(base.Path, "/") + path
	u.RawPath = strings.TrimSuffix(base.EscapedPath(), "/") + escapedPath(op.Path, params)
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	return &u, nil
}

func expandPath(template string, params map[string]string) (string, error) {
	var missing []string
	out := replaceParams(template, func(name string) string {
		v, ok := params[name]
		if !ok {
			missing = append(missing, name)
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("path %s: no value for parameter(s) %s", template, strings.Join(missing, ", "))
	}
	return out, nil
}

func escapedPath(template string, params map[string]string) string {
	return replaceParams(template, func(name string) string { return url.PathEscape(params[name]) })
}

func replaceParams(template string, value func(string) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(template, '{')
		j := strings.IndexByte(template, '}')
		if i < 0 || j < i {
			b.WriteString(template)
			return b.String()
		}
		b.WriteString(template[:i])
		b.WriteString(value(template[i+1 : j]))
		template = template[j+1:]
	}
}

// Do fires r at the target base URL and records the exchange. It returns an error only when the
// request cannot be built (a setup error: missing parameter, unknown security scheme) or may not
// be sent (*RefusedError: a mutating request to a host that is not loopback); anything the
// target does, including not answering, is recorded in the Exchange.
func (c *Client) Do(ctx context.Context, base *url.URL, r Request) (*Exchange, error) {
	req, rec, redactor, err := c.build(ctx, base, r)
	if err != nil {
		return nil, err
	}
	ex := &Exchange{OperationID: r.Op.ID, Request: rec, Started: time.Now()}
	resp, err := c.http.Do(req)
	if refused := (*RefusedError)(nil); errors.As(err, &refused) {
		return nil, refused
	}
	if err != nil {
		ex.Duration = time.Since(ex.Started)
		ex.Err = classify(err, redactor)
		return ex, nil
	}
	defer resp.Body.Close()
	// A hostile server may echo the credential. The response is recorded with every secret
	// replaced, so that no check can quote it, cut or escaped beyond what output redaction
	// recognises, and no report can hold it.
	echoes := echoForms(redactor)
	out := &RecordedResponse{Status: resp.StatusCode, Proto: resp.Proto, Header: echoes.Header(resp.Header)}
	if resp.StatusCode == http.StatusSwitchingProtocols {
		// The client asks for no upgrade. After a 101 the connection speaks another protocol and
		// is no longer bound by the client's timeout: read nothing, close it (status-documented
		// reports the status).
		ex.Response = out
		ex.Duration = time.Since(ex.Started)
		return ex, nil
	}
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if int64(len(data)) > c.maxBody {
		data = data[:c.maxBody]
		out.Truncated = true
		out.Cap = c.maxBody
	}
	out.Body = redactBody(data, echoes, out.Truncated)
	if readErr != nil {
		out.ReadErr = classifyBody(readErr, resp.Uncompressed, redactor).Error()
	}
	ex.Response = out
	ex.Duration = time.Since(ex.Started)
	return ex, nil
}

// Refuses returns the *RefusedError Do would return for a request with this method to base, or
// nil when such a request may leave: the one rule, for planning before anything is sent.
func (c *Client) Refuses(method string, base *url.URL) error {
	return c.guard.Check(&http.Request{Method: method, URL: base})
}

// Prepare builds r as Do would send it and returns the redacted record, sending nothing (for
// dry runs).
func (c *Client) Prepare(base *url.URL, r Request) (RecordedRequest, error) {
	_, rec, _, err := c.build(context.Background(), base, r)
	return rec, err
}

func (c *Client) build(ctx context.Context, base *url.URL, r Request) (*http.Request, RecordedRequest, *Redactor, error) {
	if r.Op == nil {
		return nil, RecordedRequest{}, nil, errors.New("request has no operation")
	}
	u, err := BuildURL(base, r.Op, r.PathParams, r.Query)
	if err != nil {
		return nil, RecordedRequest{}, nil, fmt.Errorf("%s: %w", r.Op.ID, err)
	}
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Op.Method, u.String(), body)
	if err != nil {
		return nil, RecordedRequest{}, nil, fmt.Errorf("%s: cannot build the request: %w", r.Op.ID, err)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if r.Body != nil {
		ct := r.ContentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	req.Header.Set("User-Agent", "apiconform")
	if err := r.Credential.apply(r.Op.api.Doc, req); err != nil {
		return nil, RecordedRequest{}, nil, fmt.Errorf("%s: %w", r.Op.ID, err)
	}
	redactor := c.redactor.With(r.Credential.Secrets()...)
	rec := RecordedRequest{
		Method: req.Method,
		URL:    redactor.URL(req.URL),
		Path:   redactor.String(req.URL.EscapedPath()),
		Header: redactor.Header(req.Header),
		Body:   redactor.Bytes(r.Body),
	}
	return req, rec, redactor, nil
}

// echoForms returns a Redactor for r's secrets as they may appear in a response: as they are,
// and escaped inside a JSON or Go-quoted string.
func echoForms(r *Redactor) *Redactor {
	forms := append([]string(nil), r.secrets...)
	for _, s := range r.secrets {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if enc.Encode(s) == nil {
			forms = append(forms, strings.TrimSuffix(strings.TrimSpace(b.String()), `"`)[1:])
		}
		forms = append(forms, strings.TrimSuffix(strconv.Quote(s), `"`)[1:])
	}
	return NewRedactor(forms...)
}

// redactBody replaces every secret form in body. A body cut at the cap may end with the start
// of a secret; that start is replaced too.
func redactBody(body []byte, r *Redactor, truncated bool) []byte {
	for _, s := range r.secrets {
		if bytes.Contains(body, []byte(s)) {
			body = bytes.ReplaceAll(body, []byte(s), []byte(Redacted))
		}
		if !truncated {
			continue
		}
		for n := len(s) - 1; n >= 4; n-- {
			if bytes.HasSuffix(body, []byte(s[:n])) {
				body = append(body[:len(body)-n:len(body)-n], Redacted...)
				break
			}
		}
	}
	return body
}

// classify turns a net/http error into a TransportError a user can act on. The kind is decided
// on the cause, never on the request URL the error text repeats.
func classify(err error, r *Redactor) *TransportError {
	msg := r.String(err.Error())
	cause := err
	var urlErr *url.Error
	if errors.As(err, &urlErr) && urlErr.Err != nil {
		cause = urlErr.Err
	}
	text := cause.Error()
	var netErr net.Error
	var tlsErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return &TransportError{Kind: TransportRefused, Message: "the target refused the connection (is it running, and is the URL right?): " + msg}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &TransportError{Kind: TransportReset, Message: "the connection was closed or reset before the response was complete: " + msg}
	case errors.As(err, &hostErr):
		return &TransportError{Kind: TransportTLS, Message: "the target's TLS certificate is not valid for the host in the target URL (use a host name the certificate lists, or --insecure to skip verification): " + msg}
	case errors.As(err, &tlsErr), errors.As(err, &unknownAuth):
		return &TransportError{Kind: TransportTLS, Message: "the target's TLS certificate is not trusted (use --ca-cert FILE for a private CA, or --insecure to skip verification): " + msg}
	case errors.As(err, &recErr), strings.Contains(text, "server gave HTTP response to HTTPS client"):
		return &TransportError{Kind: TransportTLS, Message: "TLS handshake failed (is the target plain HTTP? use http://): " + msg}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return &TransportError{Kind: TransportTimeout, Message: "no complete response within the request timeout (raise --request-timeout if the server is slow): " + msg}
	case strings.Contains(text, "response headers exceeded"):
		return &TransportError{Kind: TransportProtocol, Message: fmt.Sprintf("the target sent more than %d bytes of headers: %s", MaxHeaderBytes, msg)}
	case strings.Contains(text, "malformed HTTP") || strings.Contains(text, "malformed MIME") || strings.Contains(text, "invalid header") ||
		strings.Contains(text, "HTTP/1.x transport connection broken") || strings.Contains(text, "chunk"):
		return &TransportError{Kind: TransportProtocol, Message: "the target did not answer valid HTTP: " + msg}
	default:
		return &TransportError{Kind: TransportOther, Message: msg}
	}
}

// classifyBody classifies an error met while reading a body; gzipped says the transport was
// decoding a gzip-encoded body.
func classifyBody(err error, gzipped bool, r *Redactor) *TransportError {
	var corrupt flate.CorruptInputError
	if gzipped && (errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.As(err, &corrupt)) {
		return &TransportError{Kind: TransportProtocol, Message: "the gzip-encoded body is corrupt: " + r.String(err.Error())}
	}
	return classify(err, r)
}

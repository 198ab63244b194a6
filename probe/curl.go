package probe

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/scenario"
)

// CurlRequest is a request to render as a curl command.
type CurlRequest struct {
	Method string
	// URL is the full URL, path parameters escaped.
	URL string
	// Header are literal headers, in order (never a credential of the user's).
	Header [][2]string
	// Body is sent with --data-binary when HasBody.
	Body    []byte
	HasBody bool
	Auth    Auth
}

// Auth is how a curl command authenticates. A credential of the user's is written as the
// environment variables that hold it (Vars), inside double quotes, so that the shell fills it
// in and the command itself holds no secret; a made-up credential is written as it is.
type Auth struct {
	// User and Password are the -u value (HTTP basic).
	User, Password string
	// HeaderName and HeaderValue are an -H header (bearer tokens, API keys in a header).
	HeaderName, HeaderValue string
	// QueryName and QueryValue are an API key in the query string.
	QueryName, QueryValue string
	// CookieName and CookieValue are an API key in a cookie.
	CookieName, CookieValue string
	// Vars says the values are $VARIABLE references.
	Vars bool
}

// CurlCommand renders r as one curl command line a POSIX shell runs as it is: -i to show the
// status and headers, every value single-quoted (a credential variable double-quoted), the URL
// with --path-as-is when curl would otherwise resolve dot segments and -g when it holds
// brackets or braces.
func CurlCommand(r CurlRequest) string {
	words := []string{"curl", "-i"}
	switch r.Method {
	case "", "GET":
	case "HEAD":
		words = append(words, "--head")
	default:
		words = append(words, "-X", r.Method)
	}
	url := r.URL
	quotedURL := sq(url)
	if r.Auth.QueryName != "" {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		quotedURL = `"` + dqEscape(url+sep+r.Auth.QueryName+"=") + r.Auth.value(r.Auth.QueryValue) + `"`
	}
	if needsPathAsIs(url) {
		words = append(words, "--path-as-is")
	}
	if strings.ContainsAny(url, "[]{}") {
		words = append(words, "-g")
	}
	words = append(words, quotedURL)
	a := r.Auth
	if a.User != "" || a.Password != "" {
		words = append(words, "-u", a.quoted(a.User+":"+a.Password))
	}
	if a.HeaderName != "" {
		words = append(words, "-H", a.quoted(a.HeaderName+": "+a.HeaderValue))
	}
	if a.CookieName != "" {
		words = append(words, "-b", a.quoted(a.CookieName+"="+a.CookieValue))
	}
	for _, h := range r.Header {
		words = append(words, "-H", sq(h[0]+": "+h[1]))
	}
	if r.HasBody {
		words = append(words, "--data-binary", sq(string(r.Body)))
	}
	return strings.Join(words, " ")
}

// quoted renders a value of the credential: double-quoted when it holds variables, single-
// quoted otherwise.
func (a Auth) quoted(s string) string {
	if a.Vars {
		return dq(s, true)
	}
	return sq(s)
}

// value is quoted's inside of a double-quoted word.
func (a Auth) value(s string) string {
	if a.Vars {
		return s
	}
	return dqEscape(s)
}

// shellWord returns s as one word for a POSIX shell: as it is when it holds nothing a shell
// reads specially, else single-quoted.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	return sq(s)
}

// sq single-quotes s for a POSIX shell: nothing inside is expanded; a ' is written '\”.
func sq(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// dq double-quotes s; with vars, $NAME references stay live, else every $ is escaped too.
func dq(s string, vars bool) string {
	if vars {
		r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`")
		return `"` + r.Replace(s) + `"`
	}
	return `"` + dqEscape(s) + `"`
}

func dqEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", "$", `\$`).Replace(s)
}

// needsPathAsIs says whether curl would squash a dot segment of the URL's path.
func needsPathAsIs(u string) bool {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	for _, seg := range strings.Split(u, "/")[1:] {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// curlAuth renders a credential for curl: a valid one (the user's) as the environment variables
// its profile reads it from, a made-up one as it is.
func curlAuth(s *openapi3.SecurityScheme, c *runner.Credential, p *scenario.Profile, valid bool) Auth {
	user, pass, token := c.Username, c.Password, c.Token
	a := Auth{}
	if valid {
		a.Vars = true
		prefix := strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(c.Scheme))
		user, pass, token = "$"+prefix+"_USERNAME", "$"+prefix+"_PASSWORD", "$"+prefix+"_TOKEN"
		if p != nil {
			if p.Username.Env != "" {
				user = "$" + p.Username.Env
			}
			if p.Password.Env != "" {
				pass = "$" + p.Password.Env
			}
			if p.Token.Env != "" {
				token = "$" + p.Token.Env
			}
		}
	}
	if s == nil {
		return a
	}
	switch {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
		a.User, a.Password = user, pass
	case s.Type == "apiKey" && s.In == "query":
		a.QueryName, a.QueryValue = s.Name, token
	case s.Type == "apiKey" && s.In == "cookie":
		a.CookieName, a.CookieValue = s.Name, token
	case s.Type == "apiKey":
		a.HeaderName, a.HeaderValue = s.Name, token
	default:
		a.HeaderName, a.HeaderValue = "Authorization", "Bearer "+token
	}
	return a
}

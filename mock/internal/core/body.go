package core

import (
	"encoding/json"
	"errors"
	"mime"
	"strconv"
	"strings"
)

// BodyProblem is why a request body is not the JSON object a route wants (see JSONObject).
type BodyProblem int

const (
	// NotJSONMediaType: the Content-Type is set and is neither application/json nor +json.
	NotJSONMediaType BodyProblem = iota + 1
	// NotJSON: the body is not valid JSON.
	NotJSON
	// NotObject: the body is JSON, but no object (null included).
	NotObject
)

// JSONObject decodes a request body that must be a JSON object sent as JSON (a Content-Type,
// when set, of application/json or a +json type). On a problem, fields is nil and detail
// completes the API's own sentence: for NotJSONMediaType "Content-Type (…) is not supported:
// send the body as application/json", for NotJSON "not valid JSON (at byte N: …)".
func JSONObject(body []byte, contentType string) (fields map[string]json.RawMessage, problem BodyProblem, detail string) {
	if contentType != "" {
		if mt, _, err := mime.ParseMediaType(contentType); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, NotJSONMediaType, "Content-Type (" + Truncate(contentType, 64) + ") is not supported: send the body as application/json"
		}
	}
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, NotJSON, "not valid JSON (at byte " + strconv.FormatInt(syn.Offset, 10) + ": " + syn.Error() + ")"
		}
		return nil, NotObject, ""
	}
	return fields, 0, ""
}

// Authorization splits an Authorization header into its scheme and its credentials (white space
// around them trimmed): "Bearer tok" is ("Bearer", "tok").
func Authorization(header string) (scheme, credentials string) {
	scheme, credentials, _ = strings.Cut(header, " ")
	return scheme, strings.TrimSpace(credentials)
}

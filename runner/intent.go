package runner

// Intent says what a request the probe generated was meant to be, for the probe checks.
type Intent struct {
	// Invalid says how the request breaks the spec ("the body's display_name is a number"), or
	// "" when it is valid as far as the probe knows.
	Invalid string `json:"invalid,omitempty"`
	// Credentials is what the request carries: CredentialsValid, or one of the other kinds.
	Credentials string `json:"credentials"`
	// UnsupportedMethod says the method is not one the path documents; Allowed lists those that
	// are, for the Allow header a 405 should carry.
	UnsupportedMethod bool     `json:"unsupported_method,omitempty"`
	Allowed           []string `json:"allowed,omitempty"`
}

// Kinds of credentials a generated request carries.
const (
	CredentialsValid       = "valid"        // a configured credential of an accepted scheme
	CredentialsNone        = "none"         // no credential at all
	CredentialsMalformed   = "malformed"    // an Authorization header that is not "SCHEME VALUE"
	CredentialsWrongScheme = "wrong-scheme" // a scheme the operation does not accept
	CredentialsUnknown     = "unknown"      // an accepted scheme, a value no server knows
)

// withoutValidCredentials says whether the request carries no valid credential.
func (i *Intent) withoutValidCredentials() bool {
	return i != nil && i.Credentials != "" && i.Credentials != CredentialsValid
}

package runner

// checkAuthEnforced reports a 2xx answer of a secured operation to a request the probe sent
// without valid credentials (none, a malformed Authorization header, a scheme the operation does
// not accept, an unknown credential).
func checkAuthEnforced(in *Input) []Violation {
	if !in.Intent.withoutValidCredentials() || len(in.Op.SecuritySchemes()) == 0 ||
		in.Response.Status < 200 || in.Response.Status > 299 {
		return nil
	}
	return []Violation{{
		Message:  "a secured operation answered a request with " + credentialsPhrase(in.Intent.Credentials),
		Expected: "401 or 403",
		Actual:   statusText(in.Response.Status),
		SpecRef:  in.Op.SpecRef + "/security",
	}}
}

func credentialsPhrase(kind string) string {
	switch kind {
	case CredentialsNone:
		return "no credentials"
	case CredentialsMalformed:
		return "a malformed Authorization header"
	case CredentialsWrongScheme:
		return "credentials of a scheme it does not accept"
	case CredentialsUnknown:
		return "a credential no server knows"
	}
	return kind + " credentials"
}

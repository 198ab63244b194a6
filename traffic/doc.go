// Package traffic reads and writes recordings of HTTP exchanges, for checking them offline
// (apiconform validate FILE...) and for recording what passes through apiconform proxy
// --record FILE.
//
// Two formats are read:
//
//   - HAR 1.2 files, as Chrome, Firefox, Safari, Charles, Insomnia and mitmproxy export them.
//     HARReader streams them: it walks the JSON tokens down to log.entries and decodes one entry
//     at a time, so a file of any size is read in the memory of its largest entry. Each entry
//     becomes a runner.Observation (nothing redacted yet): the request's method, URL, headers
//     (repeats kept, HTTP/2 pseudo-headers left out) and body (postData.text, or its params
//     rendered as a form), the response's status, httpVersion, headers and body
//     (content.text, base64-decoded when content.encoding says so, taken as recorded even when
//     the headers still say Content-Encoding: gzip), startedDateTime and time. An entry with
//     status 0 (blocked, aborted, failed) has no response and says why; websocket entries
//     (101 Switching Protocols) come as they are, with their headers and no body.
//   - JSON Lines, the proxy's format: one runner.Exchange per line, exactly its JSON form,
//     already redacted. JSONLWriter writes them (safe for concurrent use) and JSONLReader reads
//     them, a line at a time, each line bounded by MaxLineBytes.
//
// Open (and NewSource for any reader) tells the format from the content and returns a Source
// of redacted *runner.Exchange: the observations of a HAR file go through runner.Record.
//
// A file that is not well formed gives a *FormatError that names the file, the byte offset,
// and the entry (HAR) or line (JSON Lines) concerned, so that a caller can tell a broken
// recording from an I/O error; every exchange before it has been returned already. An error
// that concerns one entry or line only (Skipped) lets the reading go on.
package traffic

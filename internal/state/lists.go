package state

// TypeListAdopt adopts a sanctions-list edition into the log.
const TypeListAdopt = "list.adopt"

// ListAdoptBody is the body of list.adopt: an edition, stored as a blob in
// the canonical JSON encoding of lists.Encode, named by its SHA-256.
type ListAdoptBody struct {
	// Source is "un" or "ofac".
	Source string `json:"source"`
	// Date is the edition's publication date, YYYY-MM-DD.
	Date string `json:"date"`
	// SHA256 is the hex SHA-256 of the blob.
	SHA256 string `json:"sha256"`
	// Entries is the number of entries, for readers of the log.
	Entries int `json:"entries"`
}

package agreement

import (
	"encoding/json"

	"github.com/invopop/jsonschema"
)

// Schema returns the JSON Schema of the spec, generated from the Go types,
// for editors to complete and check agreement files.
func Schema() ([]byte, error) {
	r := jsonschema.Reflector{
		DoNotReference:             false,
		RequiredFromJSONSchemaTags: true,
		AllowAdditionalProperties:  false,
	}
	s := r.Reflect(&Spec{})
	s.ID = "https://surety.local/schema/agreement-v1.json"
	s.Title = "Surety agreement (spec v1)"
	return json.MarshalIndent(s, "", "  ")
}

// JSONSchema describes a Duration as its text form.
func (Duration) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Type:        "string",
		Pattern:     `^[0-9]+(min|h|d|w|mo|y)$`,
		Description: `a whole number and a unit: min, h, d, w, mo or y (e.g. "90d", "8y")`,
	}
}

// JSONSchema describes a Date as YYYY-MM-DD.
func (Date) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Format: "date", Description: "a calendar day, YYYY-MM-DD"}
}

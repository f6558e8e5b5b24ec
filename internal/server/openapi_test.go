package server_test

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// The OpenAPI description of the API must list exactly the routes the
// server registers, so that neither can change without the other.

const openAPIPath = "../../docs/openapi.yaml"

var (
	// registration matches a route registered in the server's source:
	// s.handle("GET /v1/state", …) and s.mux.Handle("GET /metrics", …).
	registration = regexp.MustCompile(`s\.(?:handle|mux\.Handle)\("([A-Z]+) (/[^"]*)"`)
	// patternLiteral matches any string literal that looks like a ServeMux
	// pattern with a method, however it is registered.
	patternLiteral = regexp.MustCompile(`"(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|CONNECT|TRACE) /[^"]*"`)
	// wildcard matches a path wildcard, {name} or {name...} in a ServeMux
	// pattern or {name} in an OpenAPI path template.
	wildcard = regexp.MustCompile(`\{([^{}]*)\}`)
)

// subtrees says which documented paths each ServeMux subtree pattern (one
// ending in "/", which matches every path below it) serves, with wildcard
// names normalised to {}. "GET /log/{agreement}/tile/" is one route for
// all of tlog-tiles: getTile hands the rest of the path to
// ledger.ParseTilePath, which accepts a hash tile tile/<L>/<N>, an entry
// bundle tile/entries/<N>, and either with a partial width .p/<W>. The
// document gives these four as separate paths, since clients build them
// differently; {N} may span several segments (x001/x234/067), which the
// document's description of N says. A new subtree route fails the test
// until it is added here with the paths that document it.
var subtrees = map[string][]string{
	"/log/{}/tile/": {
		"/log/{}/tile/{}/{}",
		"/log/{}/tile/{}/{}.p/{}",
		"/log/{}/tile/entries/{}",
		"/log/{}/tile/entries/{}.p/{}",
	},
}

// normalise replaces every wildcard's name with nothing, so that the
// server's {sum} and a document's {sha256} are the same path: the
// comparison is of routes, and TestOpenAPIPathParameters checks that the
// document's names agree with its own parameters.
func normalise(path string) string { return wildcard.ReplaceAllString(path, "{}") }

// registeredRoutes reads the package's source and returns its routes as
// "METHOD /path", normalised, with subtree patterns expanded to their
// documented paths. server.go's New registers every route today; reading
// every non-test file of the package also catches a route registered
// elsewhere in it.
func registeredRoutes(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		found := registration.FindAllSubmatch(src, -1)
		// Every pattern-like literal must be a registration this test
		// understands; one registered some other way would escape it.
		if n := len(patternLiteral.FindAll(src, -1)); n != len(found) {
			t.Errorf("%s: %d route-like string literals but %d s.handle/s.mux.Handle registrations; teach registration in openapi_test.go the new form", f, n, len(found))
		}
		for _, m := range found {
			method, path := string(m[1]), normalise(string(m[2]))
			if strings.HasSuffix(path, "/") {
				paths, ok := subtrees[path]
				if !ok {
					t.Errorf("%s: subtree route %s %s: add to subtrees in openapi_test.go the documented paths it serves", f, method, m[2])
					continue
				}
				for _, p := range paths {
					routes[method+" "+p] = true
				}
				continue
			}
			routes[method+" "+path] = true
		}
	}
	if !routes["POST /v1/statements"] {
		t.Fatal("found no POST /v1/statements in the server's source; is the registration regexp stale?")
	}
	return routes
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// openAPIDoc is the part of the document the tests read.
type openAPIDoc struct {
	OpenAPI    string                    `yaml:"openapi"`
	Paths      map[string]map[string]any `yaml:"paths"`
	Components struct {
		Parameters map[string]map[string]any `yaml:"parameters"`
	} `yaml:"components"`
}

func readOpenAPI(t *testing.T) *openAPIDoc {
	t.Helper()
	b, err := os.ReadFile(openAPIPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", openAPIPath, err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("%s: openapi is %q, want 3.1.x", openAPIPath, doc.OpenAPI)
	}
	if len(doc.Paths) == 0 {
		t.Fatalf("%s: no paths", openAPIPath)
	}
	return &doc
}

func TestOpenAPIRoutes(t *testing.T) {
	registered := registeredRoutes(t)
	documented := map[string]bool{}
	for path, item := range readOpenAPI(t).Paths {
		for _, m := range methods {
			if _, ok := item[m]; ok {
				documented[strings.ToUpper(m)+" "+normalise(path)] = true
			}
		}
	}
	for _, r := range slices.Sorted(maps.Keys(registered)) {
		if !documented[r] {
			t.Errorf("route %s is registered in internal/server but not documented in docs/openapi.yaml", r)
		}
	}
	for _, r := range slices.Sorted(maps.Keys(documented)) {
		if !registered[r] {
			t.Errorf("route %s is documented in docs/openapi.yaml but not registered in internal/server", r)
		}
	}
}

// TestOpenAPIPathParameters checks that each documented operation declares
// exactly the path parameters its path template names.
func TestOpenAPIPathParameters(t *testing.T) {
	doc := readOpenAPI(t)
	pathParams := func(list any) []string {
		var out []string
		params, _ := list.([]any)
		for _, p := range params {
			pm, _ := p.(map[string]any)
			if ref, ok := pm["$ref"].(string); ok {
				name, ok := strings.CutPrefix(ref, "#/components/parameters/")
				if pm = doc.Components.Parameters[name]; !ok || pm == nil {
					t.Errorf("parameter $ref %q does not resolve", ref)
					continue
				}
			}
			if pm["in"] == "path" {
				name, _ := pm["name"].(string)
				out = append(out, name)
			}
		}
		return out
	}
	for path, item := range doc.Paths {
		var want []string
		for _, m := range wildcard.FindAllStringSubmatch(path, -1) {
			want = append(want, m[1])
		}
		slices.Sort(want)
		common := pathParams(item["parameters"])
		for _, m := range methods {
			op, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			got := append(slices.Clone(common), pathParams(op["parameters"])...)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: path parameters %v, want %v", strings.ToUpper(m), path, got, want)
			}
		}
	}
}

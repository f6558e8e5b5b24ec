package web_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/cli"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/inspection"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/screening"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/web"
)

// The demo's year, served once for every test here: its period 11 holds
// the Rodong violation.
var (
	demoOnce sync.Once
	demo     *cli.Demo
	demoErr  error
)

func served(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("the dashboard's tests serve the demo's simulated year")
	}
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "surety-web-")
		if err != nil {
			demoErr = err
			return
		}
		demo, demoErr = cli.RunDemo(context.Background(), cli.DemoConfig{Dir: dir, Addr: "127.0.0.1:0", Out: io.Discard,
			Until: time.Date(1994, 7, 31, 0, 0, 0, 0, time.UTC)})
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demo.Run.URL
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demo != nil {
		demo.Close()
	}
	os.Exit(code)
}

func get(t *testing.T, u string) (string, http.Header) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, res.StatusCode, b)
	}
	return string(b), res.Header
}

// TestPages: the overview shows each period's verdicts with their reasons
// and links to the statements behind them, the detection plot is an SVG
// with a text alternative beside it, and a statement's page shows its
// author, key and leaf hash. The API's unknown paths still answer with a
// problem.
func TestPages(t *testing.T) {
	base := served(t)
	page, _ := get(t, base+"/")
	for _, want := range []string{`id="period-11"`, "prohibited items found at kpnam", `href="/statements/`, `alt="A line of each closed period's detection`, `id="checkpoint-status"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the overview lacks %q", want)
		}
	}
	for plot, title := range map[string]string{"detection": "Detection per period", "tranches": "Tranches fallen due and paid",
		"traffic": "Consignments declared and inspected", "planner": "Inspectors needed against detection"} {
		svg, h := get(t, base+"/plots/"+plot+".svg")
		if h.Get("Content-Type") != "image/svg+xml" || !strings.Contains(svg, "<svg") || !strings.Contains(svg, title) || strings.Count(svg, "<path") < 20 {
			t.Errorf("the %s plot: %s, %d paths, %.80q", plot, h.Get("Content-Type"), strings.Count(svg, "<path"), svg)
		}
		if !strings.Contains(page, `src="/plots/`+plot+`.svg" alt="`) {
			t.Errorf("the overview lacks the %s plot with its text alternative", plot)
		}
	}
	for _, want := range []string{"What the detection figure assumes", `id="disputes"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the overview lacks %q", want)
		}
	}
	st, _ := get(t, base+"/statements/1")
	for _, want := range []string{"Statement 1:", "Author's key", `id="leaf-hash"`, `id="inclusion-status"`} {
		if !strings.Contains(st, want) {
			t.Errorf("statement 1's page lacks %q", want)
		}
	}
	res, err := http.Get(base + "/v1/nothing")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("an unknown API path: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// browser starts Debian's chromium, or skips without it unless
// SURETY_REQUIRE_BROWSER=1 requires it.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("SURETY_REQUIRE_BROWSER") == "1" {
			t.Fatal("SURETY_REQUIRE_BROWSER=1 but chromium is not installed: apt-get install -y chromium")
		}
		t.Skip("chromium is not installed (apt-get install -y chromium); the browser tests are skipped")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // start the browser outside any timeout
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(ctx, time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// reload clicks a button whose page reloads itself (signing in and out),
// and waits until the new page has loaded: a node found on it while it
// loads may be gone when it is read.
func reload(button string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`window.suretyOld = true`),
		chromedp.Click(button),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			// Asked of whichever page is there; the old one, going, may
			// answer with an error.
			loaded := chromedp.Evaluate[bool](`!window.suretyOld && document.readyState === "complete"`)
			for range 1000 {
				if done, err := loaded(ctx, t); err == nil && done {
					return nil
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(20 * time.Millisecond):
				}
			}
			return fmt.Errorf("the page did not reload within 20 s of clicking %s", button)
		}))
}

// status opens a page and waits for the browser's verdict on an element.
func status(t *testing.T, ctx context.Context, u, id string) (string, string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitNotPresent("#"+id+".pending")); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text("#"+id))
	if err != nil {
		t.Fatal(err)
	}
	class, err := chromedp.Run(ctx, chromedp.AttributeValue("#"+id, "class"))
	if err != nil {
		t.Fatal(err)
	}
	return text, class.Value
}

// TestBrowserVerifies: in a real browser, the overview shows period 11's
// verdict with its reason and the checkpoint verified; following the
// reason's statement link leads to its page, where the browser verifies
// the statement's inclusion in the signed tree.
func TestBrowserVerifies(t *testing.T) {
	base := served(t)
	ctx := browser(t)
	text, class := status(t, ctx, base+"/", "checkpoint-status")
	if class != "verified" || !strings.Contains(text, "cosigned by 2 witnesses") {
		t.Fatalf("the overview's checkpoint: %s %q", class, text)
	}
	verdict, err := chromedp.Run(ctx, chromedp.Text("#period-11"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(verdict, "dprk (undertaker): non compliant") || !strings.Contains(verdict, "prohibited items found at kpnam") {
		t.Errorf("period 11 reads %q", verdict)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#period-11 a[href^='/statements/']"), chromedp.WaitVisible("#inclusion-status"), chromedp.WaitNotPresent("#inclusion-status.pending")); err != nil {
		t.Fatal(err)
	}
	text, err = chromedp.Run(ctx, chromedp.Text("#inclusion-status"))
	if err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Text("h1"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, "Verified in your browser: statement") || !strings.Contains(title, "inspection.report") {
		t.Errorf("the statement behind period 11's reason: %q, %q", title, text)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text("h2#proof"))
	if err != nil || heading != "Inclusion in the signed log" {
		t.Errorf("the proof's heading reads %q (%v)", heading, err)
	}
	proof, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.querySelectorAll('#proof-hashes li').length"))
	if err != nil || proof < 10 {
		t.Errorf("the inclusion proof shows %d hashes (%v); a tree of thousands of entries has a dozen", proof, err)
	}
}

// tampered serves the demo's log through a proxy that changes what the
// browser fetches from one path.
func tampered(t *testing.T, base string, match func(path string) bool, change func([]byte) []byte) string {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	p := httputil.NewSingleHostReverseProxy(target)
	p.ModifyResponse = func(res *http.Response) error {
		if !match(res.Request.URL.Path) {
			return nil
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		b = change(b)
		res.Body = io.NopCloser(bytes.NewReader(b))
		res.ContentLength = int64(len(b))
		res.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return nil
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestBrowserShowsTampering: a checkpoint whose signature was changed, an
// entry bundle one of whose entries was changed, or a hash tile one of
// whose hashes was changed, makes the page say that the check failed, as
// an alert.
func TestBrowserShowsTampering(t *testing.T) {
	base := served(t)
	ctx := browser(t)
	badSig := tampered(t, base, func(p string) bool { return strings.HasSuffix(p, "/checkpoint") }, func(b []byte) []byte {
		// Change one character of the log's signature.
		i := bytes.Index(b, []byte("\n— surety.local/il-kp-1993 ")) + len("\n— surety.local/il-kp-1993 ") + 10
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return b
	})
	text, class := status(t, ctx, badSig+"/", "checkpoint-status")
	if class != "failed" || !strings.Contains(text, "FAILED") || !strings.Contains(text, "does not verify") {
		t.Errorf("a checkpoint with a changed signature: %s %q", class, text)
	}
	role, err := chromedp.Run(ctx, chromedp.AttributeValue("#checkpoint-status", "role"))
	if err != nil || role.Value != "alert" {
		t.Errorf("the failure's role: %q %v", role.Value, err)
	}

	badTile := tampered(t, base, func(p string) bool { return strings.Contains(p, "/tile/entries/") }, func(b []byte) []byte {
		// Change one byte of the first entry's statement.
		b[40] ^= 1
		return b
	})
	text, class = status(t, ctx, badTile+"/statements/0", "inclusion-status")
	if class != "failed" || !strings.Contains(text, "is not in the tree") {
		t.Errorf("a changed entry bundle: %s %q", class, text)
	}
	text, class = status(t, ctx, badTile+"/statements/0", "checkpoint-status")
	if class != "verified" {
		t.Errorf("the checkpoint beside the changed entry bundle: %s %q", class, text)
	}

	badHash := tampered(t, base, func(p string) bool { return strings.Contains(p, "/tile/0/") }, func(b []byte) []byte {
		// Change one byte of the hash tile of the first 256 leaves.
		b[100] ^= 1
		return b
	})
	text, class = status(t, ctx, badHash+"/statements/7", "inclusion-status")
	if class != "failed" || !strings.Contains(text, "is not in the tree") {
		t.Errorf("a changed hash tile: %s %q", class, text)
	}
}

// TestScreenshots writes the screenshots in docs/ when SURETY_SCREENSHOTS
// names a directory: the overview and a statement's page of the demo's
// log, each taken once the browser has verified what it shows.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("SURETY_SCREENSHOTS")
	if dir == "" {
		t.Skip("set SURETY_SCREENSHOTS=DIR to write the dashboard's screenshots")
	}
	base := served(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1100, 900)); err != nil {
		t.Fatal(err)
	}
	for name, page := range map[string][2]string{
		"dashboard.png":           {"/", "checkpoint-status"},
		"dashboard-statement.png": {"/statements/6243", "inclusion-status"},
	} {
		if text, class := status(t, ctx, base+page[0], page[1]); class != "verified" {
			t.Fatalf("%s: %s %q", page[0], class, text)
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir+"/"+name, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBrowserSignsIn: a principal signs in with its key file, the key
// staying in the browser; a key file of another principal signs a
// statement for no one; Israel's envoy raises a dispute signed in the
// browser, which the log accepts, and its page verifies it. A request in
// the session without its CSRF token, and a sign-in whose signature is
// not the principal's, are refused.
func TestBrowserSignsIn(t *testing.T) {
	base := served(t)
	ctx := browser(t)
	key := func(id string) string { return demo.KeyDir + "/" + id + ".key" }
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/work"),
		chromedp.SetUploadFiles("#signin-key", []string{key("il-insp-nam-1")}),
		reload("#signin-button"),
		chromedp.WaitVisible("#principal")); err != nil {
		t.Fatal(err)
	}
	who, err := chromedp.Run(ctx, chromedp.Text("#principal"))
	if err != nil || who != "il-insp-nam-1" {
		t.Fatalf("signed in as %q (%v)", who, err)
	}
	types, err := chromedp.Run(ctx, chromedp.Text("#statement-type"))
	// decision.vote is any body member's to make, the state decides;
	// agreement.adopt is the log key's alone.
	if err != nil || !strings.Contains(types, "inspection.report") || !strings.Contains(types, "decision.vote") ||
		strings.Contains(types, "payment.record") || strings.Contains(types, "agreement.adopt") {
		t.Errorf("an inspector may state %q (%v)", types, err)
	}
	if err := chromedp.Do(ctx, reload("#signout-button"), chromedp.WaitVisible("#signin-key")); err != nil {
		t.Fatal(err)
	}

	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles("#signin-key", []string{key("il-envoy")}),
		reload("#signin-button"),
		chromedp.WaitVisible("#statement-form"),
		chromedp.SetValue("#statement-type", "dispute.raise"),
		chromedp.SetValue("#statement-id", "dispute-from-the-dashboard"),
		chromedp.SetValue("#statement-body", `{"against": "dprk", "description": "raised from the dashboard"}`),
		chromedp.SetUploadFiles("#statement-key", []string{key("il-treasury")}),
		chromedp.Click("#statement-button"),
		chromedp.WaitVisible("#statement-status.failed")); err != nil {
		t.Fatal(err)
	}
	if text, _ := chromedp.Run(ctx, chromedp.Text("#statement-status")); !strings.Contains(text, "il-treasury's key; you are signed in as il-envoy") {
		t.Errorf("another principal's key: %q", text)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles("#statement-key", []string{key("il-envoy")}),
		chromedp.Click("#statement-button"),
		chromedp.WaitVisible("#statement-link"),
		chromedp.Click("#statement-link"),
		chromedp.WaitVisible("#inclusion-status"),
		chromedp.WaitNotPresent("#inclusion-status.pending")); err != nil {
		t.Fatal(err)
	}
	title, _ := chromedp.Run(ctx, chromedp.Text("h1"))
	text, _ := chromedp.Run(ctx, chromedp.Text("#inclusion-status"))
	if !strings.Contains(title, "dispute.raise dispute-from-the-dashboard") || !strings.HasPrefix(text, "Verified in your browser") {
		t.Errorf("the statement signed in the browser: %q, %q", title, text)
	}

	// Outside the browser: a session request without its CSRF token, and
	// a sign-in signed by another key.
	res, err := http.Post(base+"/signin/challenge", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	var ch struct{ Challenge string }
	if err := json.NewDecoder(res.Body).Decode(&ch); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	other, err := keys.Derive("demo", "il-treasury")
	if err != nil {
		t.Fatal(err)
	}
	sig := ed25519.Sign(other.Key, web.SignInMessage("surety.local/il-kp-1993", "il-envoy", ch.Challenge))
	in, _ := json.Marshal(map[string]string{"principal": "il-envoy", "challenge": ch.Challenge, "signature": base64.StdEncoding.EncodeToString(sig)})
	res, err = http.Post(base+"/signin", "application/json", bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden || len(res.Cookies()) != 0 {
		t.Errorf("a sign-in signed by another key: %d, cookies %v", res.StatusCode, res.Cookies())
	}
	res, err = http.Post(base+"/draft", "application/json", strings.NewReader(`{"type":"dispute.raise","id":"x","body":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a draft without a session: %d", res.StatusCode)
	}
}

// TestBrowserInspectorReports: a consignment of missile parts is declared
// at Nampo and selected, for certain, in a sealed selection; the
// inspector of Nampo signs in, sees it in the site's queue, prepares the
// report, corrects it to what the inspectors found, signs it in the
// browser, and the log holds it, with the verdict's fact: prohibited
// items found. An inspector of another site does not see the queue.
func TestBrowserInspectorReports(t *testing.T) {
	base := served(t)
	ctx := browser(t)
	signers := map[string]*keys.Signer{}
	for _, id := range []string{"kp-export-authority", "il-selector"} {
		k, err := keys.Derive("demo", id)
		if err != nil {
			t.Fatal(err)
		}
		signers[id] = k
	}
	as := func(id string) *app.Sender {
		return &app.Sender{Key: signers[id], Author: id, Agreement: "il-kp-1993", Client: client.New(base), Now: demo.Run.Log.Now}
	}
	now := demo.Run.Log.Now()
	body := screening.Declaration{Site: "kpnam", Departure: now.Add(72 * time.Hour), Mode: "sea",
		Carrier:     screening.Carrier{Vessel: "Chong Chon Gang", IMO: "7937317"},
		Consignor:   screening.Party{Name: "Korea Mining Development Trading Corporation", Country: "KP"},
		Consignee:   screening.Party{Name: "Shahid Hemmat Industrial Group", Country: "IR"},
		EndUser:     screening.Party{Name: "Shahid Hemmat Industrial Group", Country: "IR"},
		Destination: "IR",
		Items: []screening.Item{{Description: "mining equipment", HSCode: "843049", Quantity: 4, Unit: "pcs", WeightKg: 12000,
			Value: screening.Value{Amount: 900000, Currency: "USD"}}}}
	if _, err := as("kp-export-authority").Send(context.Background(), statement.TypeDeclare, "d-dashboard-1", body); err != nil {
		t.Fatal(err)
	}
	vrf, err := inspection.KeyFromSeed(inspection.DeriveSeed("demo", "il-selector"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := (&app.Selector{Sender: as("il-selector"), VRF: vrf}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	key := func(id string) string { return demo.KeyDir + "/" + id + ".key" }
	signIn := func(id string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/work"), chromedp.WaitVisible("#signin-key"),
			chromedp.SetUploadFiles("#signin-key", []string{key(id)}),
			reload("#signin-button"), chromedp.WaitVisible("#principal")); err != nil {
			t.Fatal(err)
		}
	}
	signIn("il-insp-fnj-1")
	if page, _ := chromedp.Run(ctx, chromedp.Text("main")); strings.Contains(page, "d-dashboard-1") {
		t.Error("an inspector of Sunan sees Nampo's sealed queue")
	}
	if err := chromedp.Do(ctx, reload("#signout-button"), chromedp.WaitVisible("#signin-key")); err != nil {
		t.Fatal(err)
	}
	signIn("il-insp-nam-1")
	queue, err := chromedp.Run(ctx, chromedp.Text("#queues ~ ul, .queue"))
	if err != nil || !strings.Contains(queue, "d-dashboard-1") {
		t.Fatalf("Nampo's queue: %q (%v); the mandatory selection is not there (is the item screened as a missile item?)", queue, err)
	}
	found := `"outcome": "prohibited", "findings": [{"item": 0, "finding": "Rodong engine sections, not mining equipment", "category": "mtcr-cat1"}]`
	if err := chromedp.Do(ctx, chromedp.Click(`button[data-declaration="d-dashboard-1"]`)); err != nil {
		t.Fatal(err)
	}
	draft, err := chromedp.Run(ctx, chromedp.Value("#statement-body"))
	if err != nil || !strings.Contains(draft, `"outcome": "cleared"`) || !strings.Contains(draft, `"reveal"`) {
		t.Fatalf("the prepared report: %q (%v)", draft, err)
	}
	report := strings.Replace(draft, `"outcome": "cleared"`, found, 1)
	photo := t.TempDir() + "/hold-3.txt"
	content := []byte("photograph of hold 3: four engine sections, turbopump housings visible")
	if err := os.WriteFile(photo, content, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue("#statement-body", report),
		chromedp.SetUploadFiles("#statement-evidence", []string{photo}),
		chromedp.SetUploadFiles("#statement-key", []string{key("il-insp-nam-1")}),
		chromedp.Click("#statement-button"),
		chromedp.WaitVisible("#statement-link")); err != nil {
		status, _ := chromedp.Run(ctx, chromedp.Text("#statement-status"))
		t.Fatalf("%v: %s", err, status)
	}
	href, err := chromedp.Run(ctx, chromedp.AttributeValue("#statement-link", "href"))
	if err != nil || !strings.HasPrefix(href.Value, "/statements/") {
		t.Fatalf("the link to the report: %q (%v)", href.Value, err)
	}
	var in struct {
		Outcome  statement.Outcome    `json:"outcome"`
		Evidence []statement.Evidence `json:"evidence"`
	}
	res, err := http.Get(base + "/v1" + href.Value)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var entry struct {
		Payload struct {
			Author string          `json:"author"`
			Body   json.RawMessage `json:"body"`
		} `json:"payload"`
	}
	if err := json.NewDecoder(res.Body).Decode(&entry); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(entry.Payload.Body, &in); err != nil || entry.Payload.Author != "il-insp-nam-1" || in.Outcome != statement.Prohibited {
		t.Errorf("the report in the log: by %s, %s (%v)", entry.Payload.Author, in.Outcome, err)
	}
	// The evidence was uploaded by a signed request and is cited by its hash.
	sum := sha256.Sum256(content)
	if len(in.Evidence) != 1 || in.Evidence[0].SHA256 != hex.EncodeToString(sum[:]) || in.Evidence[0].Name != "hold-3.txt" {
		t.Fatalf("the report's evidence: %+v", in.Evidence)
	}
	blob, _ := get(t, base+"/v1/blobs/"+in.Evidence[0].SHA256)
	if blob != string(content) {
		t.Errorf("the blob the report cites: %q", blob)
	}
}

// TestBrowserPartyWork: the DPRK's declarant, signed in, sees its party's
// obligations and whether each is in force, the tranches it is owed that
// are not settled, and its party's latest declarations with their risk
// and screening reasons, and not Israel's obligation to pay.
func TestBrowserPartyWork(t *testing.T) {
	base := served(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/work"), chromedp.WaitVisible("#signin-key"),
		chromedp.SetUploadFiles("#signin-key", []string{demo.KeyDir + "/kp-export-authority.key"}),
		reload("#signin-button"), chromedp.WaitVisible("#principal")); err != nil {
		t.Fatal(err)
	}
	obligations, err := chromedp.Run(ctx, chromedp.Text("section[aria-labelledby=obligations]"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"no-missile-transfers", "declare-exports", "in force", "t6", "suspended"} {
		if !strings.Contains(obligations, want) {
			t.Errorf("the DPRK's obligations lack %q:\n%s", want, obligations)
		}
	}
	if strings.Contains(obligations, "pay-investment") {
		t.Error("the DPRK is shown Israel's obligation to pay")
	}
	decls, err := chromedp.Run(ctx, chromedp.Text("#declarations ~ table"))
	if err != nil || !strings.Contains(decls, "kpnam") && !strings.Contains(decls, "fnj") {
		t.Errorf("the DPRK's declarations: %q (%v)", decls, err)
	}
}

// TestChallengeClock: a challenge inspection asked for shows on the
// overview with its clock: the time left to answer, at the log's time.
func TestChallengeClock(t *testing.T) {
	base := served(t)
	k, err := keys.Derive("demo", "il-inspection-office")
	if err != nil {
		t.Fatal(err)
	}
	s := &app.Sender{Key: k, Author: "il-inspection-office", Agreement: "il-kp-1993", Client: client.New(base), Now: demo.Run.Log.Now}
	if _, err := s.Send(context.Background(), statement.TypeChallenge, "ch-dashboard-1",
		statement.ChallengeBody{Site: "kpnam", Description: "the warehouse by berth 4, where crates were moved at night."}); err != nil {
		t.Fatal(err)
	}
	page, _ := get(t, base+"/")
	i := strings.Index(page, `id="challenge-ch-dashboard-1"`)
	if i < 0 {
		t.Fatal("the overview lacks the challenge")
	}
	article := page[i:min(len(page), i+800)]
	for _, want := range []string{"Challenge ch-dashboard-1 at kpnam: pending", "answer due by", " h left at the log's time"} {
		if !strings.Contains(article, want) {
			t.Errorf("the challenge lacks %q:\n%s", want, article)
		}
	}
}

// TestBrowserTreasurerPays: in the demo's year stopped on 10 November
// 1993, tranche t2 is due and unpaid (Israel pays it late); Israel's
// treasurer, signed in, finds it to record, prepares the payment, signs it
// in the browser, and the tranche is paid.
func TestBrowserTreasurerPays(t *testing.T) {
	if testing.Short() {
		t.Skip("the dashboard's tests serve the demo's simulated year")
	}
	ctx := browser(t)
	d, err := cli.RunDemo(context.Background(), cli.DemoConfig{Dir: t.TempDir(), Addr: "127.0.0.1:0", Out: io.Discard,
		Until: time.Date(1993, 11, 10, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := chromedp.Do(ctx, chromedp.Navigate(d.Run.URL+"/work"), chromedp.WaitVisible("#signin-key"),
		chromedp.SetUploadFiles("#signin-key", []string{d.KeyDir + "/il-treasury.key"}),
		reload("#signin-button"), chromedp.WaitVisible("#to-record")); err != nil {
		t.Fatal(err)
	}
	todo, err := chromedp.Run(ctx, chromedp.Text("section[aria-labelledby=to-record]"))
	if err != nil || !strings.Contains(todo, "pay tranche t2, due by") {
		t.Fatalf("Israel's treasurer has to record %q (%v)", todo, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(`button[data-id="pay-t2"]`),
		chromedp.SetUploadFiles("#statement-key", []string{d.KeyDir + "/il-treasury.key"}),
		chromedp.Click("#statement-button"),
		chromedp.WaitVisible("#statement-link")); err != nil {
		status, _ := chromedp.Run(ctx, chromedp.Text("#statement-status"))
		t.Fatalf("%v: %s", err, status)
	}
	page, _ := get(t, d.Run.URL+"/")
	if !strings.Contains(page, "tranche t2 (150000000 USD)</td><td>paid</td>") {
		i := strings.Index(page, "tranche t2")
		t.Errorf("after the payment signed in the browser, t2 reads %q", page[i:min(len(page), i+200)])
	}
}

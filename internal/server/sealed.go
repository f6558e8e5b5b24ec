package server

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/api"
	"github.com/surety/surety/internal/httpsig"
	"github.com/surety/surety/internal/ledger"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
	"github.com/surety/surety/internal/store"
)

// Sealed data is what the log must not show before its time: the
// inspectorate's decisions, to which selection.commit statements commit.
// The server keeps them beside the log (store.PutSealed) and serves them
// only to requests signed (RFC 9421) by the inspectorate's own principals.

// SignatureAge is how far a request's signature may be from the server's
// wall clock (not the log's, which may run from the agreement's own
// dates).
const SignatureAge = 5 * time.Minute

// errUnauthorized answers a request to sealed data that is not signed by a
// principal of the agreement.
var errUnauthorized = errors.New("unauthorized")

// signer returns the principal that signed the request, checking its
// signature against the principal's current keys and that allow admits
// it. An unsigned or wrongly signed request is unauthorized (401); a
// principal allow refuses is forbidden (403), with allow's reason.
func (s *Server) signer(r *http.Request, allow func(*state.Principal) error) (*state.Principal, error) {
	var pr *state.Principal
	_, err := httpsig.Verify(r, func(id string) ([]ed25519.PublicKey, error) {
		err := s.Log.View(r.Context(), func(kv state.KV) error {
			var err error
			pr, err = state.LoadPrincipal(kv, id)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", httpsig.ErrInvalid, err)
		}
		var keys []ed25519.PublicKey
		for _, k := range pr.Keys {
			if k.Revoked == nil {
				keys = append(keys, k.Public)
			}
		}
		return keys, nil
	}, time.Now(), SignatureAge)
	if err != nil {
		return nil, fmt.Errorf("%w: %v; sign the request with a principal's key (RFC 9421), e.g. surety get --key FILE", errUnauthorized, err)
	}
	if err := allow(pr); err != nil {
		return nil, err
	}
	return pr, s.byPrincipal.take("principal "+pr.ID, pr.ID, time.Now())
}

// bodyError is the error of a failed read of a request's body: too large
// for limit, not matching the digest its signature covers, or cut off.
func bodyError(err error, limit int64) error {
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return fmt.Errorf("%w: the body is more than %d bytes", errTooLarge, limit)
	case errors.Is(err, httpsig.ErrInvalid):
		return fmt.Errorf("%w: %v", errUnauthorized, err)
	}
	return badRequest("the body could not be read: %v", err)
}

// member admits any principal of the agreement.
func member(*state.Principal) error { return nil }

// operator admits the log's operator: the principal holding the log duty.
func operator(pr *state.Principal) error {
	if !slices.Contains(pr.Duties, agreement.LogKey) {
		return fmt.Errorf("%w: %s (%s of %s) is not the log's operator; only the principal with the log duty asks for a checkpoint", state.ErrForbidden, pr.ID, dutyList(pr.Duties), pr.Party)
	}
	return nil
}

func dutyList(ds []agreement.Duty) string {
	b, _ := json.Marshal(ds)
	return string(b)
}

// inspectorate admits the principals of the inspectorate: its selector,
// coordinators, and inspectors (at site, when it is given).
func inspectorate(site string) func(*state.Principal) error {
	return func(pr *state.Principal) error {
		switch {
		case pr.Role != agreement.Inspectorate:
			return fmt.Errorf("%w: %s is a principal of %s; only the inspectorate reads its sealed data", state.ErrForbidden, pr.ID, pr.Party)
		case slices.Contains(pr.Duties, agreement.Selector), slices.Contains(pr.Duties, agreement.Coordinator):
			return nil
		case !slices.Contains(pr.Duties, agreement.Inspector):
			return fmt.Errorf("%w: %s (%s) is not an inspector, coordinator or selector", state.ErrForbidden, pr.ID, dutyList(pr.Duties))
		case site != "" && !slices.Contains(pr.Sites, site):
			return fmt.Errorf("%w: %s inspects at %v, not at %s", state.ErrForbidden, pr.ID, pr.Sites, site)
		}
		return nil
	}
}

// selector admits the inspectorate's selectors.
func selector(pr *state.Principal) error {
	if pr.Role != agreement.Inspectorate || !slices.Contains(pr.Duties, agreement.Selector) {
		return fmt.Errorf("%w: %s (%s of %s) is not the inspectorate's selector", state.ErrForbidden, pr.ID, dutyList(pr.Duties), pr.Party)
	}
	return nil
}

// The sealed store holds every decision under "decision/<declaration>",
// and the selected ones also under "queue/<site>/<declaration>", the
// site's queue; the latter go once inspected or revealed.
func decisionKey(decl string) string    { return "decision/" + decl }
func queueKey(site, decl string) string { return "queue/" + site + "/" + decl }

// postSealed stores the selector's decisions, to which its
// selection.commit statements will commit: signed by the selector, each
// well formed, with the declaration's p, on a declaration still awaiting
// its commitment. (The VRF proof
// is verified when the decision is revealed.)
// The decisions that pass are stored in one transaction; the others are
// refused, each with its reason, and the selector tries them again.
func (s *Server) postSealed(w http.ResponseWriter, r *http.Request) error {
	if err := jsonBody(r); err != nil {
		return err
	}
	const limit = 4 << 20
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	pr, err := s.signer(r, selector)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyError(err, limit)
	}
	var batch []json.RawMessage
	if err := json.Unmarshal(raw, &batch); err != nil || len(batch) == 0 || len(batch) > api.MaxSealedBatch {
		return badRequest("the body must be a JSON array of 1 to %d decisions (selection.reveal bodies)", api.MaxSealedBatch)
	}
	answer := api.SealedAnswer{Stored: []string{}, Refused: []api.Refusal{}}
	var values []store.Sealed
	err = s.Log.View(r.Context(), func(kv state.KV) error {
		spec, err := s.spec(kv)
		if err != nil {
			return err
		}
		for _, one := range batch {
			var b statement.Decision
			if err := statement.DecodeBody(one, &b); err != nil {
				return fmt.Errorf("%w: decision %d: %v", state.ErrInvalid, len(values)+len(answer.Refused)+1, err)
			}
			d, err := state.CheckDecision(kv, spec, pr.ID, b)
			if err != nil {
				code, _ := classify(err)
				if code == http.StatusInternalServerError {
					return err
				}
				answer.Refused = append(answer.Refused, api.Refusal{Declaration: b.Declaration, Status: code, Detail: err.Error()})
				continue
			}
			values = append(values, store.Sealed{Key: decisionKey(d.ID), Value: one})
			if b.Selected {
				values = append(values, store.Sealed{Key: queueKey(d.Site, d.ID), Value: one})
			}
			answer.Stored = append(answer.Stored, d.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(values) > 0 {
		if err := s.Log.Store().PutSealed(r.Context(), s.Log.ID(), values); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, answer)
}

// queued lists the decisions in a site's sealed queue that open their
// commitment, with the declaration and selection they belong to. It drops
// from the queue those no longer waiting: inspected, or left.
func (s *Server) queued(ctx context.Context, site string, each func(kv state.KV, b statement.Decision, d *state.Declaration, sel state.Selection) error) error {
	var decisions []statement.Decision
	var keys []string
	err := s.Log.Store().ScanSealed(ctx, s.Log.ID(), queueKey(site, ""), func(k string, v []byte) error {
		var b statement.Decision
		if err := json.Unmarshal(v, &b); err != nil {
			return err
		}
		decisions, keys = append(decisions, b), append(keys, k)
		return nil
	})
	if err != nil {
		return err
	}
	var done []string
	now := s.Log.Now()
	err = s.Log.View(ctx, func(kv state.KV) error {
		spec, err := s.spec(kv)
		if err != nil {
			return err
		}
		for i, b := range decisions {
			d, err := state.LoadDeclaration(kv, b.Declaration)
			if err != nil {
				return err
			}
			sel, found, err := state.LoadSelection(kv, d.ID)
			if err != nil {
				return err
			}
			if !found {
				continue // not committed to yet
			}
			in, inspected, err := state.LoadInspection(kv, d.ID)
			if err != nil {
				return err
			}
			if inspected && in.Outcome != statement.AccessDenied || !now.Before(d.Body.Departure) || d.Status == state.Withdrawn {
				done = append(done, keys[i])
				continue
			}
			leaf, err := d.Leaf()
			if err != nil {
				return err
			}
			c, err := state.CommitmentOf(spec.ID, leaf, b)
			if err != nil || hex.EncodeToString(c[:]) != sel.Commitment {
				continue // a decision its selector did not commit to
			}
			if err := each(kv, b, d, sel); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || len(done) == 0 {
		return err
	}
	return s.Log.Store().DeleteSealed(ctx, s.Log.ID(), done)
}

// getQueue serves a site's sealed queue to the inspectorate: the
// consignments selected there, by deadline, that are still to be
// inspected before they leave.
func (s *Server) getQueue(w http.ResponseWriter, r *http.Request) error {
	site := r.PathValue("id")
	pr, err := s.signer(r, inspectorate(site))
	if err != nil {
		return err
	}
	q, err := s.Queue(r.Context(), pr.ID, site)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, q)
}

// Queue returns a site's sealed queue, by deadline, for a principal the
// inspectorate admits there: an inspector of the site, or its selector or
// coordinator. The caller has proved that it acts for the principal: a
// signed request, or the dashboard's session.
func (s *Server) Queue(ctx context.Context, principal, site string) ([]api.QueueItem, error) {
	err := s.Log.View(ctx, func(kv state.KV) error {
		pr, err := state.LoadPrincipal(kv, principal)
		if err != nil {
			return err
		}
		if err := inspectorate(site)(pr); err != nil {
			return err
		}
		spec, err := s.spec(kv)
		if err == nil && !hasSite(spec.Sites, site) {
			err = fmt.Errorf("%w: no site %q", ledger.ErrNotFound, site)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	q := []api.QueueItem{}
	err = s.queued(ctx, site, func(kv state.KV, b statement.Decision, d *state.Declaration, sel state.Selection) error {
		_, denied, err := state.LoadInspection(kv, d.ID)
		if err != nil {
			return err
		}
		it := api.QueueItem{Declaration: d.ID, Site: site, Deadline: d.Body.Departure, Denied: denied}
		if sel.Reveal == nil {
			it.Reveal = &b
		}
		q = append(q, it)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(q, func(a, b api.QueueItem) int { return a.Deadline.Compare(b.Deadline) })
	return q, nil
}

// getDue serves the selector the decisions it must now reveal: those
// committed to, not revealed, whose consignment has left or been
// withdrawn, in that order.
func (s *Server) getDue(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.signer(r, selector); err != nil {
		return err
	}
	limit, err := limitParam(r, 1000)
	if err != nil {
		return err
	}
	var ids []string
	err = s.Log.View(r.Context(), func(kv state.KV) error {
		var err error
		ids, err = state.Revealable(kv, s.Log.Now(), limit)
		return err
	})
	if err != nil {
		return err
	}
	due := []statement.Decision{}
	for _, id := range ids {
		v, err := s.Log.Store().Sealed(r.Context(), s.Log.ID(), decisionKey(id))
		if errors.Is(err, store.ErrNotFound) {
			continue // committed to without a decision stored: never revealable
		}
		if err != nil {
			return err
		}
		var b statement.Decision
		if err := json.Unmarshal(v, &b); err != nil {
			return err
		}
		due = append(due, b)
	}
	return writeJSON(w, http.StatusOK, due)
}

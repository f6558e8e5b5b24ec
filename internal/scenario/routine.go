package scenario

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/screening"
)

// routineDeclaration returns the n-th (from 0) ordinary declaration at a
// site, departing at dep, drawn from the agreement's traffic model: the
// same n draws the same consignment, and the site's modes take turns.
func (s *Script) routineDeclaration(site *agreement.Site, n int, dep time.Time) screening.Declaration {
	h := fnv.New64a()
	h.Write([]byte(site.ID))
	rng := rand.New(rand.NewPCG(uint64(n), h.Sum64()))
	modes := s.traffic.Modes(site.ID)
	return s.traffic.Site(site.ID).Declaration(rng, site.Country, modes[n%len(modes)], dep)
}

// routineID names the routine declaration made at a site at a time.
func routineID(site string, at time.Time) string {
	return fmt.Sprintf("%s-%s", site, at.UTC().Format("20060102T1504"))
}

package state

import (
	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/statement"
)

// handlers are the apply steps of the statement types, with who may make
// each: a principal holding one of the duties in a party of one of the
// roles. This table is the authorization matrix docs/api.md prints and
// TestMatrix tries cell by cell against a running server.
var handlers = map[string]Handler{
	statement.TypeAdopt:     {Apply: applyAdopt},
	statement.TypeKeyAdd:    {Apply: applyKeyAdd},
	statement.TypeKeyRevoke: {Apply: applyKeyRevoke},
	statement.TypeClockTick: {Duties: duties(agreement.LogKey), Roles: roles(agreement.Operator), Apply: applyClockTick},

	statement.TypeListAdopt: {Duties: duties(agreement.Coordinator, agreement.LogKey), Roles: roles(agreement.Inspectorate, agreement.Operator), Apply: applyListAdopt, Blobs: listBlobs},

	statement.TypeDeclare:  {Duties: duties(agreement.Declarant), Roles: roles(agreement.Undertaker), Apply: applyDeclare},
	statement.TypeAmend:    {Duties: duties(agreement.Declarant), Roles: roles(agreement.Undertaker), Apply: applyAmend},
	statement.TypeWithdraw: {Duties: duties(agreement.Declarant), Roles: roles(agreement.Undertaker), Apply: applyWithdraw},

	statement.TypeCommit:       {Duties: duties(agreement.Selector), Roles: roles(agreement.Inspectorate), Apply: applyCommit},
	statement.TypeReveal:       {Duties: duties(agreement.Selector), Roles: roles(agreement.Inspectorate), Apply: applyReveal},
	statement.TypeReport:       {Duties: duties(agreement.Inspector), Roles: roles(agreement.Inspectorate), Apply: applyReport, Blobs: reportBlobs},
	statement.TypeForceMajeure: {Duties: duties(agreement.Declarant, agreement.Envoy), Roles: roles(agreement.Undertaker), Apply: applyForceMajeure},
	statement.TypeAllegation:   {Duties: duties(agreement.Envoy, agreement.Coordinator), Roles: roles(agreement.Benefactor, agreement.Undertaker, agreement.Inspectorate, agreement.Observer), Apply: applyAllegation, Blobs: allegationBlobs},
	statement.TypeChallenge:    {Duties: duties(agreement.Coordinator), Roles: roles(agreement.Inspectorate), Apply: applyChallenge},
	statement.TypeResponse:     {Duties: duties(agreement.Declarant, agreement.Envoy), Roles: roles(agreement.Undertaker), Apply: applyResponse},

	statement.TypeLicenceRequest: {Duties: duties(agreement.Declarant, agreement.Envoy), Roles: roles(agreement.Undertaker, agreement.Benefactor, agreement.Observer), Apply: applyLicenceRequest, Blobs: licenceBlobs},

	statement.TypePayment:  {Duties: duties(agreement.Treasurer), Roles: roles(agreement.Benefactor), Apply: applyPayment},
	statement.TypeDelivery: {Duties: duties(agreement.Treasurer), Roles: roles(agreement.Benefactor), Apply: applyDelivery},
	statement.TypeReceipt:  {Duties: duties(agreement.Treasurer), Roles: roles(agreement.Undertaker), Apply: applyReceipt},

	statement.TypeVerified: {Duties: duties(agreement.Coordinator, agreement.Envoy), Roles: roles(agreement.Benefactor, agreement.Undertaker, agreement.Inspectorate, agreement.Observer), Apply: applyVerified},

	statement.TypeMeasure:    {Duties: duties(agreement.Inspector, agreement.Coordinator), Roles: roles(agreement.Inspectorate), Apply: applyMeasure, Blobs: measureBlobs},
	statement.TypeContinuity: {Duties: duties(agreement.Inspector, agreement.Coordinator), Roles: roles(agreement.Inspectorate), Apply: applyContinuity, Blobs: continuityBlobs},

	statement.TypeDisputeRaise: {Duties: duties(agreement.Envoy), Roles: roles(agreement.Benefactor, agreement.Undertaker), Apply: applyRaise},
	statement.TypeNotify:       {Duties: duties(agreement.Envoy), Roles: roles(agreement.Benefactor, agreement.Undertaker), Apply: applyNotify},
	statement.TypeDisputeStep:  {Duties: duties(agreement.Envoy), Roles: roles(agreement.Benefactor, agreement.Undertaker), Apply: applyStep},
	statement.TypeSnapback:     {Duties: duties(agreement.Envoy), Roles: roles(agreement.Benefactor, agreement.Undertaker), Apply: applySnapback},
	statement.TypeReimpose:     {Duties: duties(agreement.Envoy), Roles: roles(agreement.Benefactor), Apply: applyReimpose},
	statement.TypeCease:        {Duties: duties(agreement.Envoy), Roles: roles(agreement.Benefactor, agreement.Undertaker), Apply: applyCease},
	statement.TypeRemedy:       {Duties: duties(agreement.Envoy), Roles: roles(agreement.Benefactor, agreement.Undertaker), Apply: applyRemedy},

	// A body's members are principals of any party and any duty: the
	// apply step lets only the members of the body vote.
	statement.TypeVote: {Apply: applyVote},
	statement.TypeMove: {Apply: applyMove},
	// license.decision is an approver's of the procurement channel's
	// party, or, for the extended limit, a member's of the channel's body.
	statement.TypeLicenceDecision: {Apply: applyLicenceDecision},
}

func duties(ds ...agreement.Duty) []agreement.Duty { return ds }

func roles(rs ...agreement.Role) []agreement.Role { return rs }

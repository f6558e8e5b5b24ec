package state

import (
	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/statement"
)

// handlers are the apply steps of the statement types, with the duties
// that may make each.
var handlers = map[string]Handler{
	statement.TypeAdopt:     {Apply: applyAdopt},
	statement.TypeKeyAdd:    {Apply: applyKeyAdd},
	statement.TypeKeyRevoke: {Apply: applyKeyRevoke},
	statement.TypeClockTick: {Duties: duties(agreement.LogKey), Apply: applyClockTick},

	statement.TypeListAdopt: {Duties: duties(agreement.Coordinator, agreement.LogKey), Apply: applyListAdopt, Blobs: listBlobs},

	statement.TypeDeclare:  {Duties: duties(agreement.Declarant), Apply: applyDeclare},
	statement.TypeAmend:    {Duties: duties(agreement.Declarant), Apply: applyAmend},
	statement.TypeWithdraw: {Duties: duties(agreement.Declarant), Apply: applyWithdraw},

	statement.TypeCommit:       {Duties: duties(agreement.Selector), Apply: applyCommit},
	statement.TypeReveal:       {Duties: duties(agreement.Selector), Apply: applyReveal},
	statement.TypeReport:       {Duties: duties(agreement.Inspector), Apply: applyReport, Blobs: reportBlobs},
	statement.TypeForceMajeure: {Duties: duties(agreement.Declarant, agreement.Envoy), Apply: applyForceMajeure},
	statement.TypeAllegation:   {Duties: duties(agreement.Envoy, agreement.Coordinator), Apply: applyAllegation, Blobs: allegationBlobs},
	statement.TypeChallenge:    {Duties: duties(agreement.Coordinator), Apply: applyChallenge},
	statement.TypeResponse:     {Duties: duties(agreement.Declarant, agreement.Envoy), Apply: applyResponse},

	statement.TypeLicenceRequest:  {Duties: duties(agreement.Declarant, agreement.Envoy), Apply: applyLicenceRequest, Blobs: licenceBlobs},
	statement.TypeLicenceDecision: {Duties: duties(agreement.Approver), Apply: applyLicenceDecision},

	statement.TypePayment:  {Duties: duties(agreement.Treasurer), Apply: applyPayment},
	statement.TypeDelivery: {Duties: duties(agreement.Treasurer), Apply: applyDelivery},
	statement.TypeReceipt:  {Duties: duties(agreement.Treasurer), Apply: applyReceipt},

	statement.TypeVerified: {Duties: duties(agreement.Coordinator), Apply: applyVerified},

	statement.TypeDisputeRaise: {Duties: duties(agreement.Envoy), Apply: applyRaise},
	statement.TypeDisputeStep:  {Duties: duties(agreement.Envoy), Apply: applyStep},
	statement.TypeSnapback:     {Duties: duties(agreement.Envoy), Apply: applySnapback},
	statement.TypeRemedy:       {Duties: duties(agreement.Envoy), Apply: applyRemedy},
}

func duties(ds ...agreement.Duty) []agreement.Duty { return ds }

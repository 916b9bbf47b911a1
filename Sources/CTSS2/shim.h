#ifndef HOSTATTEST_CTSS2_SHIM_H
#define HOSTATTEST_CTSS2_SHIM_H
// The only place hostattest includes tpm2-tss headers. AttestTPM imports this module with
// `internal import CTSS2`, so no tpm2-tss type reaches a public API, and AttestCore never links it.
#include <tss2/tss2_common.h>
#include <tss2/tss2_tpm2_types.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>

// Macros and constants Swift cannot import as such.
static inline TSS2_RC CTSS2_RC_SUCCESS(void) { return TSS2_RC_SUCCESS; }
static inline ESYS_TR CTSS2_ESYS_TR_NONE(void) { return ESYS_TR_NONE; }
static inline ESYS_TR CTSS2_ESYS_TR_PASSWORD(void) { return ESYS_TR_PASSWORD; }
static inline ESYS_TR CTSS2_ESYS_TR_RH_OWNER(void) { return ESYS_TR_RH_OWNER; }
static inline ESYS_TR CTSS2_ESYS_TR_RH_ENDORSEMENT(void) { return ESYS_TR_RH_ENDORSEMENT; }
static inline ESYS_TR CTSS2_ESYS_TR_PCR(UINT32 index) { return ESYS_TR_PCR0 + index; }
static inline TSS2_RC CTSS2_TPM2_RC_RETRY(void) { return TPM2_RC_RETRY; }
static inline TSS2_RC CTSS2_TPM2_RC_YIELDED(void) { return TPM2_RC_YIELDED; }
static inline TSS2_RC CTSS2_TPM2_RC_TESTING(void) { return TPM2_RC_TESTING; }

#endif

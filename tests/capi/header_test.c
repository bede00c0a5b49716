/* custmgmt.h must compile alone, as the first and only include, as strict C11
 * (and C++) with every warning an error. The ctest entries capi_header_c11
 * and capi_header_cxx compile this file; nothing is linked. */
#include "custmgmt/custmgmt.h"

static const cm_store_options kDefaults = CM_STORE_OPTIONS_INIT;

typedef cm_status (*open_fn)(cm_store**, const char*, const cm_store_options*);

/* Taking the address checks the declaration's exact type. */
open_fn header_test_open(void);

open_fn header_test_open(void) {
  return kDefaults.version == CM_STORE_OPTIONS_VERSION ? cm_store_open : 0;
}

#ifndef ZONEPLANNER_CGEOS_SHIM_H
#define ZONEPLANNER_CGEOS_SHIM_H
// Only the re-entrant (_r) API: every call names its context, so a context per thread is enforceable.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#endif

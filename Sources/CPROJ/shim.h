#ifndef ZONEPLANNER_CPROJ_SHIM_H
#define ZONEPLANNER_CPROJ_SHIM_H
#include <proj.h>
#endif

#ifndef ZONEPLANNER_CSPATIALITE_SHIM_H
#define ZONEPLANNER_CSPATIALITE_SHIM_H
#include <sqlite3.h>
#include <spatialite.h>
#endif

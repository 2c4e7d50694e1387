#ifndef FAIRWAY_CSQLITE_SHIM_H
#define FAIRWAY_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif

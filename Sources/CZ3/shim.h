#ifndef FAIRWAY_CZ3_SHIM_H
#define FAIRWAY_CZ3_SHIM_H
#include <z3.h>
#endif

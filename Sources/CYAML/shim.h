#ifndef FAIRWAY_CYAML_SHIM_H
#define FAIRWAY_CYAML_SHIM_H
#include <yaml.h>
#endif

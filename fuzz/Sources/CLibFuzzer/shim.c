// The declaration in include/CLibFuzzer.h is the whole target; libFuzzer itself is linked by -sanitize=fuzzer.
#include "CLibFuzzer.h"

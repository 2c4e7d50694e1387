#ifndef FAIRWAY_CLIBFUZZER_H
#define FAIRWAY_CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, with -sanitize=fuzzer): runs the fuzzing loop on `callback`
/// with the command line's options.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif

#include "CBenchFloor.h"
int bench_floor_placeholder(void) { return 0; }

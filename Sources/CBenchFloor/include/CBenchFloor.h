// SPDX-License-Identifier: Apache-2.0
#include <stdint.h>
int bench_floor_placeholder(void);

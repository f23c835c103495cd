// SPDX-License-Identifier: Apache-2.0
// Tests for this target live beside this file.
import Testing

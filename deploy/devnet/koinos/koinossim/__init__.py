# SPDX-License-Identifier: Apache-2.0
"""Koinos chain simulator (a test double, not a Koinos node)."""

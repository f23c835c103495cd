# SPDX-License-Identifier: Apache-2.0
"""Simulated contracts: the bridge (v1/v2 profiles) and KOIN-like tokens."""

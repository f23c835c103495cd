// SPDX-License-Identifier: Apache-2.0

/// Action ids shared by both chains' bridge contracts (bridge-contracts.md §2.4).
///
/// Every signed digest starts with its action id, so a signature for one action can never be
/// replayed as another.
public enum BridgeAction: UInt64, Sendable, CaseIterable {
    case addValidator = 1
    case removeValidator = 2
    case addSupportedToken = 3
    case removeSupportedToken = 4
    case addSupportedWrappedToken = 5
    case removeSupportedWrappedToken = 6
    case setPause = 7
    case completeTransfer = 8
}

// SPDX-License-Identifier: Apache-2.0

extension KoinosBridgeContract {
    /// The quorum-signed admin methods (bridge-contracts.md §3.3): entry point ids by method name.
    public enum AdminMethod: String, Sendable, Hashable, CaseIterable {
        case addValidator = "add_validator"
        case removeValidator = "remove_validator"
        case addSupportedToken = "add_supported_token"
        case removeSupportedToken = "remove_supported_token"
        case addSupportedWrappedToken = "add_supported_wrapped_token"
        case removeSupportedWrappedToken = "remove_supported_wrapped_token"
        case setPause = "set_pause"

        public var entryPoint: UInt32 {
            switch self {
            case .addValidator: 0xfc15_f1be
            case .removeValidator: 0xff61_ff26
            case .addSupportedToken: 0xc5ce_0923
            case .removeSupportedToken: 0x2d3a_597e
            case .addSupportedWrappedToken: 0x5457_c617
            case .removeSupportedWrappedToken: 0x927c_7515
            case .setPause: 0x39a2_c4e4
            }
        }
    }

    /// `add/remove_validator_arguments` and `add/remove_supported_(wrapped_)token_arguments`:
    /// signatures(1) repeated bytes, validator or token(2) bytes, expiration(3) u64.
    public static func adminAddressArguments(signatures: [[UInt8]], address: [UInt8], expiration: UInt64) -> [UInt8] {
        var w = KoinosProtoWriter()
        w.repeatedBytes(1, signatures)
        w.bytes(2, address)
        w.uint64(3, expiration)
        return w.bytes
    }

    /// `set_pause_arguments`: signatures(1), pause(2) bool, expiration(3).
    public static func setPauseArguments(signatures: [[UInt8]], pause: Bool, expiration: UInt64) -> [UInt8] {
        var w = KoinosProtoWriter()
        w.repeatedBytes(1, signatures)
        w.bool(2, pause)
        w.uint64(3, expiration)
        return w.bytes
    }
}

// SPDX-License-Identifier: Apache-2.0
import Primitives

/// One `koinos.protocol.operation` (a oneof of four kinds, koinos.md §2.1).
///
/// The relay only sends `callContract`; the other three are encoded so the upstream
/// all-four-operations vector (koinos.md §8.3) can be reproduced byte for byte.
public enum KoinosOperation: Sendable, Hashable {
    case uploadContract(UploadContract)
    case callContract(CallContract)
    case setSystemCall(SetSystemCall)
    case setSystemContract(SetSystemContract)

    /// `call_contract_operation{1 contract_id, 2 entry_point, 3 args}`.
    public struct CallContract: Sendable, Hashable {
        public var contractID: [UInt8]
        public var entryPoint: UInt32
        public var args: [UInt8]

        public init(contractID: [UInt8], entryPoint: UInt32, args: [UInt8]) {
            self.contractID = contractID
            self.entryPoint = entryPoint
            self.args = args
        }
    }

    /// `upload_contract_operation{1 contract_id, 2 bytecode, 3 abi, 4–6 authorizes_* bools}`.
    public struct UploadContract: Sendable, Hashable {
        public var contractID: [UInt8]
        public var bytecode: [UInt8]
        public var abi: String = ""
        public var authorizesCallContract = false
        public var authorizesTransactionApplication = false
        public var authorizesUploadContract = false

        public init(contractID: [UInt8], bytecode: [UInt8]) {
            self.contractID = contractID
            self.bytecode = bytecode
        }
    }

    /// `set_system_call_operation{1 call_id, 2 target}`; the target is a thunk id or a contract call bundle.
    public struct SetSystemCall: Sendable, Hashable {
        public enum Target: Sendable, Hashable {
            case thunkID(UInt32)
            case bundle(contractID: [UInt8], entryPoint: UInt32)
        }

        public var callID: UInt32
        public var target: Target

        public init(callID: UInt32, target: Target) {
            self.callID = callID
            self.target = target
        }
    }

    /// `set_system_contract_operation{1 contract_id, 2 system_contract}`.
    public struct SetSystemContract: Sendable, Hashable {
        public var contractID: [UInt8]
        public var systemContract: Bool

        public init(contractID: [UInt8], systemContract: Bool) {
            self.contractID = contractID
            self.systemContract = systemContract
        }
    }

    /// Standard proto3 bytes of the operation (the oneof member is always written).
    public func encoded() -> [UInt8] {
        var w = ProtobufWriter(defaultValues: .omitted)
        switch self {
        case .uploadContract(let op):
            var inner = ProtobufWriter(defaultValues: .omitted)
            inner.bytes(1, op.contractID)
            inner.bytes(2, op.bytecode)
            inner.string(3, op.abi)
            inner.bool(4, op.authorizesCallContract)
            inner.bool(5, op.authorizesTransactionApplication)
            inner.bool(6, op.authorizesUploadContract)
            w.messageField(1, inner.bytes)
        case .callContract(let op):
            var inner = ProtobufWriter(defaultValues: .omitted)
            inner.bytes(1, op.contractID)
            inner.uint64(2, UInt64(op.entryPoint))
            inner.bytes(3, op.args)
            w.messageField(2, inner.bytes)
        case .setSystemCall(let op):
            var target = ProtobufWriter(defaultValues: .omitted)
            switch op.target {
            case .thunkID(let id):
                target.oneofVarint(1, UInt64(id))
            case .bundle(let contractID, let entryPoint):
                var bundle = ProtobufWriter(defaultValues: .omitted)
                bundle.bytes(1, contractID)
                bundle.uint64(2, UInt64(entryPoint))
                target.messageField(2, bundle.bytes)
            }
            var inner = ProtobufWriter(defaultValues: .omitted)
            inner.uint64(1, UInt64(op.callID))
            inner.messageField(2, target.bytes)
            w.messageField(3, inner.bytes)
        case .setSystemContract(let op):
            var inner = ProtobufWriter(defaultValues: .omitted)
            inner.bytes(1, op.contractID)
            inner.bool(2, op.systemContract)
            w.messageField(4, inner.bytes)
        }
        return w.bytes
    }
}

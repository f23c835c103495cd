// SPDX-License-Identifier: Apache-2.0
public import NIOCore

/// The proposing side of multistream-select: sends the header and the first proposal at once,
/// then walks its list on each `na`. Pure: bytes in, bytes out.
public struct MultistreamInitiator: Sendable {
    private enum State: Sendable {
        case idle
        case awaitingHeader(index: Int)
        case awaitingResponse(index: Int)
        case done(String)
    }

    public let protocols: [String]
    private var state: State = .idle

    public init(protocols: [String]) {
        precondition(!protocols.isEmpty, "at least one protocol to propose")
        self.protocols = protocols
    }

    /// The opening bytes: header ‖ first proposal (pipelined, as go does).
    public mutating func start() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeMultistreamMessage(Multistream.header)
        buffer.writeMultistreamMessage(protocols[0])
        state = .awaitingHeader(index: 0)
        return buffer
    }

    /// Consumes complete messages from `input`; stops right after the accepting echo.
    public mutating func receive(_ input: inout ByteBuffer) throws -> MultistreamStep {
        var step = MultistreamStep()
        while true {
            switch state {
            case .idle, .done:
                if case .done(let name) = state { step.selected = name; return step }
                throw Multistream.Error.alreadyFinished
            case .awaitingHeader(let index):
                guard let message = try input.readMultistreamMessage() else { return step }
                guard message == Multistream.header else { throw Multistream.Error.unexpectedHeader(message) }
                state = .awaitingResponse(index: index)
            case .awaitingResponse(let index):
                guard let message = try input.readMultistreamMessage() else { return step }
                if message == protocols[index] {
                    state = .done(message)
                    step.selected = message
                    return step
                }
                guard message == Multistream.notAvailable else { throw Multistream.Error.unexpectedResponse(message) }
                let next = index + 1
                guard next < protocols.count else { throw Multistream.Error.noProtocolAccepted(protocols) }
                var output = step.output ?? ByteBuffer()
                output.writeMultistreamMessage(protocols[next])
                step.output = output
                state = .awaitingResponse(index: next)
            }
        }
    }

    public var selected: String? {
        if case .done(let name) = state { name } else { nil }
    }
}

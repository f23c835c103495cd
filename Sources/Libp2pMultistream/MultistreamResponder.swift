// SPDX-License-Identifier: Apache-2.0
public import NIOCore

/// The answering side of multistream-select: answers the header, echoes a supported proposal,
/// answers `na` to anything else (the connection stays up). Pure: bytes in, bytes out.
public struct MultistreamResponder: Sendable {
    private enum State: Sendable {
        case awaitingHeader
        case awaitingProposal
        case done(String)
    }

    /// Refused proposals allowed before giving up on the peer.
    public static let maxRefusals = 64

    private let isSupported: @Sendable (String) -> Bool
    private var state: State = .awaitingHeader
    private var refusals = 0
    private var sentHeader = false

    public init(isSupported: @escaping @Sendable (String) -> Bool) {
        self.isSupported = isSupported
    }

    /// The header, sent without waiting (optional; `receive` sends it otherwise).
    public mutating func start() -> ByteBuffer {
        sentHeader = true
        var buffer = ByteBuffer()
        buffer.writeMultistreamMessage(Multistream.header)
        return buffer
    }

    /// Consumes complete messages from `input`; stops right after the accepted proposal, leaving
    /// any pipelined application bytes in `input`.
    public mutating func receive(_ input: inout ByteBuffer) throws -> MultistreamStep {
        var step = MultistreamStep()
        func send(_ text: String) {
            var output = step.output ?? ByteBuffer()
            output.writeMultistreamMessage(text)
            step.output = output
        }
        while true {
            switch state {
            case .done(let name):
                step.selected = name
                return step
            case .awaitingHeader:
                guard let message = try input.readMultistreamMessage() else { return step }
                guard message == Multistream.header else { throw Multistream.Error.unexpectedHeader(message) }
                if !sentHeader {
                    sentHeader = true
                    send(Multistream.header)
                }
                state = .awaitingProposal
            case .awaitingProposal:
                guard let message = try input.readMultistreamMessage() else { return step }
                if message != Multistream.notAvailable, message != "ls", !message.isEmpty, isSupported(message) {
                    send(message)
                    state = .done(message)
                    step.selected = message
                    return step
                }
                refusals += 1
                guard refusals <= MultistreamResponder.maxRefusals else { throw Multistream.Error.tooManyProposals }
                send(Multistream.notAvailable)
            }
        }
    }

    public var selected: String? {
        if case .done(let name) = state { name } else { nil }
    }
}

// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Dispatch
public import Ethereum
import JSONRPC

extension EthereumSendError {
    /// True for the node's verdict on a call or transaction (revert, nonce, fees, funds, already
    /// known): asking another endpoint would get the same answer, so it is no endpoint fault.
    /// `.other` (an unclassified error code) is treated as the endpoint's problem and fails over.
    public var isNodeVerdict: Bool {
        if case .other = self { return false }
        return true
    }
}

extension EndpointPool {
    /// Sends one signed transaction to every usable endpoint at once (those not quarantined, all
    /// of them when every one is; wrong-chain endpoints never) and returns each endpoint's answer,
    /// best-ranked first. The same signed bytes have the same hash everywhere, so a second copy is
    /// harmless and only spreads the transaction faster. Transport faults, garbage and a hash other
    /// than `expectedHash` count against the endpoint as any failed call does; a node's refusal
    /// (`EthereumSendError`) does not. `RawTransactionBroadcast.outcome` reads the answers.
    public func broadcast(_ raw: [UInt8], expectedHash: [UInt8]) async -> [RawTransactionBroadcast.Answer] {
        let now = clock.nowMilliseconds
        let ranked = EndpointFailover.order(health, current: nil, keepCurrent: false, nowMs: now, stallMs: stallMs)
        let usable = ranked.filter { !health[$0].isQuarantined(nowMs: now) }
        var targets: [Int] = []
        for i in usable.isEmpty ? ranked : usable {
            if health[i].chainVerified {
                targets.append(i)
            } else if await verifyChain(i) {
                targets.append(i)
            }
        }
        let clients = self.clients
        let results = await withTaskGroup(of: (Int, Result<[UInt8], any Error>, Double).self) { group in
            for i in targets {
                group.addTask {
                    let start = DispatchTime.now().uptimeNanoseconds
                    let r: Result<[UInt8], any Error>
                    do { r = .success(try await clients[i].sendRawTransaction(raw)) } catch { r = .failure(error) }
                    return (i, r, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                }
            }
            return await group.reduce(into: [Int: (Result<[UInt8], any Error>, Double)]()) { $0[$1.0] = ($1.1, $1.2) }
        }
        var answers: [RawTransactionBroadcast.Answer] = []
        for i in targets {
            guard let (result, ms) = results[i] else { continue }
            switch result {
            case .success(let hash) where hash == expectedHash:
                health[i].recordSuccess(latencyMs: ms)
                answers.append(.accepted(endpoint: i))
            case .success(let hash):
                let error = EthereumDecodingError.invalidField("eth_sendRawTransaction", "answered hash \(HexData.encode(hash)), not the transaction's")
                recordFailure(i, error: error, what: "eth_sendRawTransaction")
                answers.append(.faulty(endpoint: i, "\(error)"))
            case .failure(let error as EthereumSendError) where error.isNodeVerdict:
                health[i].recordSuccess(latencyMs: ms)
                answers.append(.refused(endpoint: i, error))
            case .failure(let error):
                recordFailure(i, error: error, what: "eth_sendRawTransaction")
                answers.append(.faulty(endpoint: i, "\(error)"))
            }
        }
        return answers
    }
}

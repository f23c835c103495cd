// SPDX-License-Identifier: Apache-2.0
import Ethereum

extension EthereumWatcher {
    /// Scans `range`, then reads the final block again (both through the pool, with its trust and
    /// failover: after the logs, so a failover during the scan is answered by the endpoint now in
    /// use), noting the pool's current endpoint before and after. Never throws: every failure is
    /// part of the answer, and the machine decides (`readAheadDiscard`).
    func readAhead(_ range: ClosedRange<UInt64>) async -> EthereumWatcherMachine.ReadAhead {
        let before = await pool.currentEndpoint
        let read: EthereumWatcherMachine.ReadAhead.Read
        do {
            read = .scanned(try await scanner.scan(range))
        } catch EthereumRPCError.logQueryTooLarge(let message, _) {
            read = .refused(message: message)
        } catch {
            read = .failed("\(error)")
        }
        let finalRead = await finalBlockResult()
        let after = await pool.currentEndpoint
        return EthereumWatcherMachine.ReadAhead(range: range, read: read, endpointBefore: before, endpointAfter: after, final: finalRead)
    }

    private func finalBlockResult() async -> Result<UInt64?, EthereumWatcherMachine.ReadAheadFailure> {
        do {
            return .success(try await finalBlock())
        } catch {
            return .failure(EthereumWatcherMachine.ReadAheadFailure("\(error)"))
        }
    }
}

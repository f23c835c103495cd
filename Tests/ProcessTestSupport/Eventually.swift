// SPDX-License-Identifier: Apache-2.0

/// Polls `condition` every `interval` until it holds or `timeout` has passed; true when it held.
/// The one polling helper of the test suites (for states that no event announces, e.g. another
/// process's connection table).
public func eventually(
    _ timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(100), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)  // the one polling pause of the suites
    }
    return try await condition()
}

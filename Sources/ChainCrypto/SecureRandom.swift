// SPDX-License-Identifier: Apache-2.0

/// Cryptographically secure random bytes from the operating system (libsodium `randombytes_buf`).
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        Sodium.randomBytes(count)
    }
}

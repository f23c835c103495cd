// SPDX-License-Identifier: Apache-2.0

extension StartupPageRelease {
    /// What one release did, step by step: `MADV_PAGEOUT` (evicts where the kernel allows it), then
    /// `MADV_DONTNEED` (unmaps the clean pages left), then, when asked, `malloc_trim(0)`.
    public struct Outcome: Sendable, Equatable {
        /// Mappings advised.
        public var mappings: Int
        /// Resident bytes of those mappings before the advice, after the first advice, and at the end.
        public var residentBefore: Int
        public var residentAfterPageOut: Int
        public var residentAfter: Int
        /// Mappings given `MADV_DONTNEED` (only file pages in them) and those refused it (copy-on-write pages).
        public var droppedMappings: Int = 0
        public var keptMappings: Int = 0
        /// The process's private dirty bytes before and after `malloc_trim(0)` (equal when not trimmed).
        public var privateDirtyBeforeTrim: Int = 0
        public var privateDirtyAfterTrim: Int = 0
        /// Calls the kernel refused (`advice path: errno`); the others still ran.
        public var failures: [String]

        /// Resident bytes given back by both advices.
        public var releasedBytes: Int { max(0, residentBefore - residentAfter) }
        /// By `MADV_PAGEOUT` (or `MADV_COLD`) alone: 0 for a file this user neither owns nor may write.
        public var releasedByPageOut: Int { max(0, residentBefore - residentAfterPageOut) }
        /// By `MADV_DONTNEED`, after it.
        public var releasedByDontNeed: Int { max(0, residentAfterPageOut - residentAfter) }
        /// Heap given back to the system by `malloc_trim(0)`.
        public var trimmedBytes: Int { max(0, privateDirtyBeforeTrim - privateDirtyAfterTrim) }
    }
}

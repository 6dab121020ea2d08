import FoundationEssentials
import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a copy of a ledger remembers the newest verified ledger head it has seen, so that an
/// older (or unrelated) state served later is recognised as a rollback, however well signed.
///
/// - In a ledger repository (a clone, the gate's mirror) the record is the ref
///   `refs/readiness/seen`, pointing at the commit itself.
/// - In a product repository, which has none of the ledger's objects, it is the ref
///   `refs/readiness/seen/<root>` pointing at a small blob naming the commit, so that it can be
///   pushed with a release and fetched by a CI runner that starts with no memory.
/// Records only move forward, except through an acceptance (`--accept-rollback COMMIT`), which is
/// logged in `<gitdir>/readiness/accepted-rollbacks` and shown by `readiness verify`.
public struct SeenRecord {
    /// The ref in a ledger repository.
    public static let ledgerReference = "refs/readiness/seen"
    /// The ref prefix in a product repository (one ref per pinned ledger root).
    public static let productReferencePrefix = "refs/readiness/seen/"

    /// Where this record lives.
    enum Place {
        /// In the ledger repository (or mirror) itself: the ref names the commit.
        case ledger(Repository)
        /// In a product repository: the ref names a blob holding the commit id.
        case product(Repository, root: ObjectID)
    }

    let place: Place

    /// The record in a ledger repository (a clone or a mirror).
    static func inLedger(_ store: LedgerStore) -> SeenRecord { SeenRecord(place: .ledger(store.repository)) }

    /// The record a product repository keeps for the ledger with `root`.
    static func inProduct(_ repository: Repository, root: ObjectID) -> SeenRecord {
        SeenRecord(place: .product(repository, root: root))
    }

    /// The commit recorded, if any.
    func read() throws -> ObjectID? {
        switch place {
        case let .ledger(repository):
            return try repository.referenceTarget(Self.ledgerReference)
        case let .product(repository, root):
            guard let blob = try repository.referenceTarget(Self.productReferencePrefix + root.hex) else { return nil }
            let text = String(decoding: try repository.blob(blob), as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix("commit ") {
                return ObjectID(hex: String(line.dropFirst("commit ".count)))
            }
            return nil
        }
    }

    /// Records `commit` (already judged acceptable against the old record).
    func write(_ commit: ObjectID, expecting old: ObjectID?, source: String) throws {
        switch place {
        case let .ledger(repository):
            // A clone whose gate judged its remote through a mirror lacks the commit: it keeps its record.
            guard commit != old, try repository.contains(commit) else { return }
            try? repository.compareAndSwapReference(Self.ledgerReference, to: commit, expecting: old,
                                                    message: "readiness: newest verified head seen from \(source)")
        case let .product(repository, root):
            let name = Self.productReferencePrefix + root.hex
            let current = try repository.referenceTarget(name)
            let record = Data("readiness ledger record\nroot \(root.hex)\ncommit \(commit.hex)\nsource \(source)\n".utf8)
            // The same record again (every gate of an unchanged ledger) is only hashed, not written.
            guard try Repository.blobID(of: record) != current else { return }
            let blob = try repository.writeBlob(record)
            try? repository.compareAndSwapReference(name, to: blob, expecting: current, message: "readiness: ledger commit judged")
        }
    }

    /// Where an acceptance is logged: the git dir of the repository holding the record.
    var gitDirectory: String {
        switch place {
        case let .ledger(repository), let .product(repository, _): return repository.gitDirectory
        }
    }
}

/// One deliberate rollback an admin accepted.
public struct AcceptedRollback: Codable, Equatable, Sendable {
    /// When (UTC, ISO 8601).
    public var at: String
    /// Who (`user.email`, or "unknown").
    public var by: String
    /// The newer head that was recorded before.
    public var from: String
    /// The older head accepted.
    public var to: String
    /// Where the older state came from.
    public var source: String
}

/// Judges a ledger head about to be trusted (fetched for the gate, pulled, judged in place)
/// against every record of what this machine has seen, and moves the records forward.
public struct RollbackGuard {
    /// How every rollback message starts, so callers can tell a rollback from other refusals.
    public static let messagePrefix = "rollback: "
    /// The ledger whose history holds the candidate (the mirror, the clone, the ledger).
    let store: LedgerStore
    /// Every record to judge against and to advance.
    let records: [SeenRecord]
    /// Where the candidate came from, for messages.
    let source: String
    /// A commit (hex, full or prefix) an admin accepts even though it is older than a record.
    let accepting: String?
    /// Who accepts (for the log).
    let person: String

    /// Throws `.verificationFailed` (exit 21) when `candidate` does not descend from (or equal)
    /// every recorded head, naming both commits and the events the candidate lacks; otherwise
    /// advances every record to `candidate`. An accepted rollback moves the records back and
    /// logs the acceptance instead.
    @discardableResult
    public func admit(_ candidate: ObjectID, clock: () -> Date = Date.init) throws -> Bool {
        // Each record read once: judged, then moved forward from what was read (a gate read
        // them three times, and the product record's blob twice).
        let seen = try records.map { try $0.read() }
        let findings = try check(candidate, seen: seen)
        if let finding = findings.first(where: { !$0.accepted }) { throw finding.error }
        return try advance(to: candidate, findings: findings, seen: seen, clock: clock)
    }

    /// What judging `candidate` against each record finds: nothing for a record it descends
    /// from, else the rollback (accepted or not).
    func check(_ candidate: ObjectID) throws -> [(record: SeenRecord, seen: ObjectID, error: LedgerError, accepted: Bool)] {
        try check(candidate, seen: records.map { try $0.read() })
    }

    /// `check` against `seen`, what each record (in `records` order) held when read.
    private func check(_ candidate: ObjectID, seen recorded: [ObjectID?]) throws
        -> [(record: SeenRecord, seen: ObjectID, error: LedgerError, accepted: Bool)] {
        var findings: [(record: SeenRecord, seen: ObjectID, error: LedgerError, accepted: Bool)] = []
        for (record, seen) in zip(records, recorded) {
            guard let seen, seen != candidate else { continue }
            if try store.repository.contains(seen), try store.repository.isDescendant(candidate, of: seen) { continue }
            let accepted = accepting.map { $0.count >= 7 && candidate.hex.hasPrefix($0.lowercased()) } ?? false
            findings.append((record, seen, try rollbackError(seen: seen, candidate: candidate), accepted))
        }
        return findings
    }

    /// Moves every record to `candidate`, logging each accepted rollback; true when one was.
    func advance(to candidate: ObjectID, clock: () -> Date = Date.init) throws -> Bool {
        let seen = try records.map { try $0.read() }
        return try advance(to: candidate, findings: check(candidate, seen: seen), seen: seen, clock: clock)
    }

    /// `advance` with the findings of `check` and what each record held when read.
    private func advance(to candidate: ObjectID, findings: [(record: SeenRecord, seen: ObjectID, error: LedgerError, accepted: Bool)],
                         seen recorded: [ObjectID?], clock: () -> Date) throws -> Bool {
        let accepted = findings.filter(\.accepted).map { ($0.record, $0.seen) }
        let stamp = CommitTime.iso8601(Int64(clock().timeIntervalSince1970))
        for (record, seen) in accepted {
            let entry = AcceptedRollback(at: stamp, by: person, from: seen.hex, to: candidate.hex, source: source)
            try Self.log(entry, in: record.gitDirectory)
        }
        for (record, seen) in zip(records, recorded) {
            // The record moves from what was read: a newer one written meanwhile by another
            // gate makes the swap fail and stays.
            try record.write(candidate, expecting: seen, source: source)
        }
        return !accepted.isEmpty
    }

    /// The error for a rollback: both commits, and what the older state lacks.
    private func rollbackError(seen: ObjectID, candidate: ObjectID) throws -> LedgerError {
        let repository = store.repository
        guard try repository.contains(seen) else {
            return LedgerError(.verificationFailed,
                               "\(Self.messagePrefix)\(source) is at \(candidate.abbreviated()), but this copy has seen \(seen.abbreviated()), which that history does not contain: the ledger went back or was replaced",
                               hint: "if an admin rolled it back on purpose, accept it with --accept-rollback \(candidate.abbreviated())")
        }
        let lacking = try RevisionWalk(repository: repository, from: [seen], hiding: [candidate], order: .time).collect()
        let subjects = try lacking.prefix(5).map { id -> String in
            let subject = try repository.commit(id).message.split(separator: "\n").first.map(String.init) ?? ""
            return "\(id.abbreviated()) \(subject)"
        }
        let more = lacking.count > 5 ? "; and \(lacking.count - 5) more" : ""
        let kind = try repository.isDescendant(seen, of: candidate) ? "went back" : "was replaced by a history that drops commits"
        return LedgerError(.verificationFailed,
                           "\(Self.messagePrefix)\(source) \(kind): it is at \(candidate.abbreviated()), but this copy has seen \(seen.abbreviated()); it lacks \(lacking.count) event(s): \(subjects.joined(separator: "; "))\(more)",
                           hint: "if an admin rolled it back on purpose, accept it with --accept-rollback \(candidate.abbreviated())")
    }

    /// The acceptances logged in `gitDirectory`, oldest first.
    public static func acceptedRollbacks(in gitDirectory: String) -> [AcceptedRollback] {
        let url = URL(fileURLWithPath: gitDirectory).appendingPathComponent(LedgerLayout.cacheFolder).appendingPathComponent("accepted-rollbacks")
        guard let data = try? Data(contentsOf: url) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONDecoder().decode(AcceptedRollback.self, from: Data($0)) }
    }

    private static func log(_ entry: AcceptedRollback, in gitDirectory: String) throws {
        let folder = URL(fileURLWithPath: gitDirectory).appendingPathComponent(LedgerLayout.cacheFolder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("accepted-rollbacks")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = try encoder.encode(entry) + Data("\n".utf8)
        let descriptor = open(url.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        if descriptor >= 0 {
            defer { close(descriptor) }
            let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == line.count else {
                throw LedgerError(.storage, "cannot write \(url.path): \(String(cString: strerror(errno)))")
            }
        } else {
            try line.write(to: url)
        }
    }
}

import FoundationEssentials
import Git

/// The newest commit known to verify with its whole history, and the root commits below it,
/// kept in `<gitdir>/readiness/verified-head` (one id per line: the commit, then its roots).
/// Verification starts from it, and a branch that no longer descends from it has been
/// rewritten. Like every file there it is local, derived state, never trusted over history:
/// a missing, unreadable or unreachable entry only makes the next check a full one.
enum VerifiedHead {
    static let fileName = "verified-head"

    static func read(_ store: LedgerStore) -> (head: ObjectID, roots: [ObjectID])? {
        // A head and a few roots; anything longer is not this file.
        guard let path = try? store.cacheFile(fileName), let data = DerivedFile.load(path, limit: 4096) else { return nil }
        var ids: [ObjectID] = []
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard let id = ObjectID(hex: String(line)) else { return nil }
            ids.append(id)
        }
        guard let head = ids.first else { return nil }
        return (head, Array(ids.dropFirst()))
    }

    static func write(_ head: ObjectID, roots: [ObjectID], to store: LedgerStore) throws {
        let lines = ([head] + roots).map { $0.hex + "\n" }.joined()
        try store.save(Data(lines.utf8), to: store.cacheFile(fileName))
    }
}

/// The verified state of a head whose history does NOT verify, kept in
/// `<gitdir>/readiness/unverified-state` so that every command on a broken ledger does not
/// walk all the history from the last verified commit again. It is only ever used for the very
/// head it was computed for (commits do not change), never when a problem depends on the clock
/// (`futureDated`), and it can only keep a ledger refused, never let one pass.
enum UnverifiedState {
    static let fileName = "unverified-state"

    private struct Stored: Codable {
        var head: String
        var verified: String?
        var roots: [String]
        var problems: [VerificationProblem]
        var unverified: [String]
        var rewritten: Bool
    }

    static func read(_ store: LedgerStore, head: ObjectID) -> VerifiedState? {
        guard let path = try? store.cacheFile(fileName), let data = DerivedFile.load(path, limit: 1 << 26),
              let stored = try? JSONDecoder().decode(Stored.self, from: Data(data)), stored.head == head.hex else { return nil }
        let roots = stored.roots.compactMap(ObjectID.init(hex:))
        let unverified = stored.unverified.compactMap(ObjectID.init(hex:))
        guard roots.count == stored.roots.count, unverified.count == stored.unverified.count, !stored.problems.isEmpty else { return nil }
        return VerifiedState(head: head, verified: stored.verified.flatMap(ObjectID.init(hex:)), roots: roots, problems: stored.problems,
                             unverified: Set(unverified), rewritten: stored.rewritten)
    }

    static func write(_ state: VerifiedState, to store: LedgerStore) {
        guard !state.isVerified, !state.problems.contains(where: { $0.kind == .futureDated }) else { return }
        let stored = Stored(head: state.head.hex, verified: state.verified?.hex, roots: state.roots.map(\.hex), problems: state.problems,
                            unverified: state.unverified.map(\.hex).sorted(), rewritten: state.rewritten)
        guard let data = try? JSONEncoder().encode(stored), let path = try? store.cacheFile(fileName) else { return }
        store.save(data, to: path)
    }
}

/// The verified state of a ledger, as every deciding path sees it: what the branch points at
/// and how much of it can be trusted.
public struct VerifiedState: Sendable {
    /// The branch head.
    public let head: ObjectID
    /// The newest commit on the head's first-parent line whose whole history verifies; nil when
    /// not even the root commit does.
    public let verified: ObjectID?
    /// The root commits of the history: a ledger's identity (one, for a ledger made by `init`).
    public let roots: [ObjectID]
    /// The problems of the commits checked this time, parents first.
    public let problems: [VerificationProblem]
    /// The commits above `verified` that cannot be trusted: each has a problem or builds on one.
    public let unverified: Set<ObjectID>
    /// True when the branch no longer descends from the commit verified last time.
    public let rewritten: Bool

    /// True when the whole history up to the head verifies.
    public var isVerified: Bool { verified == head && problems.isEmpty }

    /// The first problem (parents first), when there is one.
    public var firstProblem: VerificationProblem? { problems.first }

    /// Throws `.verificationFailed` (exit 21) unless the whole history up to the head verifies,
    /// naming the first failing commit, its problem, and `action` refused because of it. With
    /// `rewriteToo`, a branch rewritten since the last verification is refused as well (writers:
    /// building on it would make `verify` forget the rewrite).
    public func requireVerified(before action: String, ledger: String, rewriteToo: Bool = false) throws {
        if isVerified, rewriteToo, rewritten {
            throw LedgerError(.verificationFailed, "refusing to \(action): \(ledger)'s branch was rewritten since the commit verified last time",
                              hint: "run `readiness verify` to see it, and `readiness verify --accept-rewrite` if the rewrite was intended")
        }
        guard !isVerified else { return }
        let first = firstProblem
        let what = first.map { "commit \($0.commit.prefix(12)) \($0.kind.rawValue): \($0.reason)" } ?? "the ledger has no verified state"
        let back = verified.map { "the newest verified commit is \($0.abbreviated())" } ?? "no commit of it verifies"
        throw LedgerError(.verificationFailed, "refusing to \(action): the history of \(ledger) up to \(head.abbreviated()) does not verify (\(problems.count) problem(s); first: \(what)); \(back)",
                          hint: verified == nil ? "this is not a ledger you can trust; clone a good copy"
                              : "run `readiness verify` to see every problem, and `readiness recover` to move the branch back to \(verified!.abbreviated()), keeping the refused commits under \(Quarantine.refPrefix)")
    }
}

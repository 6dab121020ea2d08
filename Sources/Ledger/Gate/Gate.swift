import FoundationEssentials
import Git

/// The gate's answer for one ledger state: which required items are not done.
public struct GateVerdict: Codable, Sendable {
    /// One required item that does not count as complete.
    public struct Missing: Codable, Sendable {
        public var number: String
        /// The item's full id.
        public var item: String
        public var title: String
        public var section: String
        /// `open`, `waived` (only when the waiver expired) — the state the ledger records.
        public var state: ItemState
        /// For an expired waiver: the last day it held.
        public var waivedUntil: String?
        /// For a pending sign-off: how many distinct signers have signed so far.
        public var signoffs: Int?
        /// For a pending sign-off: how many distinct signers the policy requires.
        public var requiredSignoffs: Int?
        /// For a pending waiver: true (it waits for another owner's approval).
        public var awaitingApproval: Bool?
        /// For a sign-off due for re-certification: the last day it held.
        public var expired: String?

        /// The state as shown to a person: `open`, `waiver expired 2026-01-31`,
        /// `pending: 1 of 2 sign-offs`, `pending: waiver awaiting approval`, `sign-off expired 2026-01-31`.
        public var stateDescription: String {
            if let expired { return "sign-off expired \(expired), re-certify" }
            if let signoffs, let requiredSignoffs { return "pending: \(signoffs) of \(requiredSignoffs) sign-offs" }
            if awaitingApproval == true { return "pending: waiver awaiting approval" }
            guard state == .waived, let waivedUntil else { return state.rawValue }
            return "waiver expired \(waivedUntil)"
        }
    }

    /// True when every required item is done or validly waived.
    public var passed: Bool
    /// The ledger's name.
    public var ledger: String
    /// The commit judged (full hex id).
    public var head: String
    /// Where that state came from: the ledger path, or the URL it was fetched from.
    public var source: String
    /// True when the state was fetched from a remote just before judging.
    public var fetched: Bool
    /// The day waivers were judged against (UTC, `YYYY-MM-DD`; a waiver holds through its until-day).
    public var today: String
    /// The ids of the required sections, in checklist order.
    public var required: [String]
    /// How many items the required sections hold.
    public var requiredItems: Int
    /// The items that block, in checklist order.
    public var missing: [Missing]
}

/// Judges one ledger state against a requirement. Nothing is read from a ledger whose whole
/// history does not verify, or whose root is not the pinned one; then one tree is read
/// (settings, definition and the required items' files), so with a warm verification cache its
/// cost does not grow with history.
public struct Gate {
    /// Today's date, UTC, `YYYY-MM-DD`.
    public var today: String
    /// The root commit the ledger must have (hex, full or an unambiguous prefix); nil: not pinned.
    public var pinnedRoot: String?
    /// The older ledger head an admin accepts although this machine has seen a newer one.
    public var acceptRollback: String?
    /// Freeze protection: the newest ledger commit may be at most this many days old.
    public var maxAgeDays: Double?
    /// The clock waivers and freshness are judged against.
    public var now: Date

    /// Creates a gate judging waivers against `today` (default: the current UTC day).
    public init(today: String? = nil, pinnedRoot: String? = nil, acceptRollback: String? = nil, maxAgeDays: Double? = nil,
                now: Date = Date()) {
        self.today = today ?? Gate.currentDay(now)
        self.pinnedRoot = pinnedRoot
        self.acceptRollback = acceptRollback
        self.maxAgeDays = maxAgeDays
        self.now = now
    }

    /// Reads a maximum age in days (`--max-age`, `readiness.maxAge`): a number above zero.
    public static func maxAge(_ text: String, source: String) throws -> Double {
        guard let days = Double(text.trimming(.whitespaces)), days.isFinite, days > 0 else {
            throw LedgerError(.invalidInput, "\(source) '\(text)' is not a number of days above zero", hint: "give days, e.g. 30")
        }
        return days
    }

    /// The current UTC day as `YYYY-MM-DD`.
    public static func currentDay(_ date: Date = Date()) -> String {
        String(CommitTime.iso8601(Int64(date.timeIntervalSince1970)).prefix(10))
    }

    /// Judges the ledger of `session` at its head once the one judge has accepted it: throws
    /// `.verificationFailed` (exit 21) for a history that does not verify or a ledger that is not
    /// the pinned one, and `.unknownItem` for an unknown section; a blocked gate is not an
    /// error but a verdict with `passed == false`.
    public func judge(_ session: LedgerSession, requirement: GateRequirement, source: String, fetched: Bool) throws -> GateVerdict {
        try judge(GateLedger(store: session.store, source: source, fetched: fetched), session: session, requirement: requirement)
    }

    /// Judges the ledger `opened` found, in this order: the whole history verifies, the root is
    /// the pinned one, the head is not older than anything this machine has seen of the ledger
    /// (a rollback; exit 21 unless accepted), and not older than `maxAgeDays` (a freeze); then
    /// the required items.
    public func judge(_ opened: GateLedger, session: LedgerSession, requirement: GateRequirement) throws -> GateVerdict {
        let state = try session.verifiedState()
        try LedgerPin.check(roots: state.roots, pinned: pinnedRoot, source: opened.source)
        try state.requireVerified(before: "judge the gate", ledger: opened.source)
        try opened.rollbackGuard(root: state.roots.count == 1 ? state.roots[0] : nil, accepting: acceptRollback).admit(state.head)
        // Only now, with the head verified and admitted, may the verdict of that very head be
        // answered from the cache (`GateVerdictCache`).
        let key = GateVerdictCache.Key(head: state.head, today: today, requirement: requirement)
        if let cached = GateVerdictCache.read(session.store, key: key, source: opened.source, fetched: opened.fetched) {
            if let maxAgeDays { try requireFresh(committed: session.store.repository.commit(state.head, includingSignature: false).committer.time, head: state.head, maxAgeDays: maxAgeDays) }
            return cached
        }
        let snapshot = try session.store.snapshot(at: state.head)
        if let maxAgeDays { try requireFresh(committed: snapshot.commit.committer.time, head: state.head, maxAgeDays: maxAgeDays) }
        let verdict = try judge(snapshot, requirement: requirement, source: opened.source, fetched: opened.fetched)
        GateVerdictCache.write(verdict, key: key, to: session.store)
        return verdict
    }

    /// Freeze protection: throws `.verificationFailed` when `head`, committed at `committed`
    /// (seconds since 1970), is older than `maxAgeDays`.
    private func requireFresh(committed: Int64, head: ObjectID, maxAgeDays: Double) throws {
        let age = now.timeIntervalSince1970 - TimeInterval(committed)
        if age > maxAgeDays * 86_400 {
            throw LedgerError(.verificationFailed,
                              "stale ledger: its newest commit \(head.abbreviated()) is \(Int(age / 86_400)) days old, more than the allowed \(Self.days(maxAgeDays)) (readiness.maxAge / --max-age)",
                              hint: "a ledger that stopped moving may be frozen by its server; re-sign what still holds, or check the server")
        }
    }

    private static func days(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) days" : "\(value) days"
    }

    /// Judges `snapshot` without verifying it.
    public func judge(_ snapshot: LedgerSnapshot, requirement: GateRequirement, source: String, fetched: Bool) throws -> GateVerdict {
        let sections = try requirement.resolve(in: snapshot.checklist)
        // The policy in force at the judged state decides four-eyes and re-certification.
        let policy = try snapshot.policy() ?? PolicyJudge.legacy
        let wanted = Set(sections.map(\.id))
        var missing: [GateVerdict.Missing] = []
        var count = 0
        for item in snapshot.checklist.allItems where wanted.contains(item.section.id) {
            count += 1
            let record = try snapshot.record(of: item)
            if policy.counts(record, today: today) { continue }
            var entry = GateVerdict.Missing(number: item.item.number, item: item.fullID, title: item.item.title,
                                            section: item.section.id, state: record.state,
                                            waivedUntil: record.state == .waived ? record.waivedUntil : nil)
            if record.isPendingSignoff {
                entry.signoffs = record.signoffs?.count ?? 1
                entry.requiredSignoffs = policy.requiredSignoffs(ofItem: item.fullID)
            }
            if record.isWaiverRequest { entry.awaitingApproval = true }
            if record.state == .done { entry.expired = policy.lastValidDay(of: record) }
            missing.append(entry)
        }
        return GateVerdict(passed: missing.isEmpty, ledger: snapshot.settings.name, head: snapshot.commit.id.hex,
                           source: source, fetched: fetched, today: today, required: sections.map(\.id),
                           requiredItems: count, missing: missing)
    }
}

extension GateVerdict: JSONConvertible {
    /// Written by hand like its missing items: reflecting a verdict that lists 10,000 of them
    /// cost three times the rest of the gate.
    public var json: JSONWriter.Value {
        .object((fieldsBesideMissing + [("missing", .array(missing.map(\.json)))]).sorted { $0.0 < $1.0 })
    }

    /// Every field of `json` but `missing`, keys sorted: a long verdict streams its missing
    /// items (`JSONWritable`) after these instead of building a value for each.
    public var fieldsBesideMissing: [(String, JSONWriter.Value)] {
        [
            ("fetched", .bool(fetched)),
            ("head", .string(head)),
            ("ledger", .string(ledger)),
            ("passed", .bool(passed)),
            ("required", .array(required.map { .string($0) })),
            ("requiredItems", .int(Int64(requiredItems))),
            ("source", .string(source)),
            ("today", .string(today)),
        ]
    }
}

extension GateVerdict.Missing: JSONConvertible, JSONWritable {
    /// Written straight into the writer (`write(to:level:)`).
    public var json: JSONWriter.Value { .written(self) }

    /// Appends the JSON object of the stored properties, keys sorted, every key present (null
    /// when absent), field by field.
    public func write(to writer: inout JSONWriter, level: Int) {
        writer.field("awaitingApproval", first: true, level: level)
        writer.write(awaitingApproval.map { .bool($0) } ?? .null)
        writer.field("expired", level: level)
        writer.write(optional: expired)
        writer.field("item", level: level)
        writer.write(string: item)
        writer.field("number", level: level)
        writer.write(string: number)
        writer.field("requiredSignoffs", level: level)
        writer.write(requiredSignoffs.map { .int(Int64($0)) } ?? .null)
        writer.field("section", level: level)
        writer.write(string: section)
        writer.field("signoffs", level: level)
        writer.write(signoffs.map { .int(Int64($0)) } ?? .null)
        writer.field("state", level: level)
        writer.write(string: state.rawValue)
        writer.field("title", level: level)
        writer.write(string: title)
        writer.field("waivedUntil", level: level)
        writer.write(optional: waivedUntil)
        writer.endObject(level: level)
    }
}

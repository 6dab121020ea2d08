import FoundationEssentials

/// A requested change to one item, validated against its current state before it is written.
public enum ItemChange: Equatable, Sendable {
    /// Sign off as done, with an optional note and evidence.
    case check(note: String?, evidence: [Evidence])
    /// Withdraw a sign-off or waiver, with a reason.
    case uncheck(reason: String)
    /// Waive until a day (`YYYY-MM-DD`, inclusive), with a reason.
    case waive(reason: String, until: String)
    /// Approve another owner's waiver request, where the policy requires approval.
    case approve

    /// Refuses text and dates no ledger should hold, whoever the caller: a note, reason or
    /// evidence with control or invisible format characters, forged trailers, an empty reason,
    /// a waiver day that is not YYYY-MM-DD.
    public func validate() throws {
        switch self {
        case let .check(note, evidence):
            if let note { _ = try FreeText.validateNote(note, field: "note") }
            for piece in evidence {
                if let url = piece.url { _ = try FreeText.validateLine(url, field: "evidence link") }
                if let file = piece.file { _ = try FreeText.validateLine(file, field: "evidence file name") }
            }
        case let .uncheck(reason):
            try Self.validateReason(reason)
        case let .waive(reason, until):
            try Self.validateReason(reason)
            guard DateParsing.day(until) != nil else {
                throw LedgerError(.invalidInput, "--until '\(until)' is not a date", hint: "give the last day as YYYY-MM-DD")
            }
        case .approve:
            break
        }
    }

    private static func validateReason(_ reason: String) throws {
        _ = try FreeText.validateNote(reason, field: "reason")
        guard !reason.trimming(.whitespacesAndNewlines).isEmpty else {
            throw LedgerError(.invalidInput, "the reason is empty", hint: "say why, with --reason \"…\"")
        }
    }

    /// The free texts the change carries (a note or reason, evidence links and file names),
    /// which a pseudonymous ledger seals.
    var texts: [String] {
        switch self {
        case let .check(note, evidence): return (note.map { [$0] } ?? []) + evidence.flatMap(\.labels)
        case let .uncheck(reason), let .waive(reason, _): return [reason]
        case .approve: return []
        }
    }

    /// The same change with each of its texts replaced by `stored(text)` (its sealed commitment).
    func replacingTexts(_ stored: (String) -> String) -> ItemChange {
        switch self {
        case let .check(note, evidence): return .check(note: note.map(stored), evidence: evidence.map { $0.replacingLabels(stored) })
        case let .uncheck(reason): return .uncheck(reason: stored(reason))
        case let .waive(reason, until): return .waive(reason: stored(reason), until: until)
        case .approve: return self
        }
    }

    /// The action recorded for this change.
    public var action: ItemAction {
        switch self {
        case .check: return .check
        case .uncheck: return .uncheck
        case .waive: return .waive
        case .approve: return .approve
        }
    }

    /// The new record, or a `.conflict` error when the change makes no sense from `current`.
    /// `previous` is the commit that last changed the item: the back-link. `policy` (the
    /// parent's) decides whether a sign-off completes or stays pending and whether a waiver
    /// needs approval; whether the change is allowed at all is `PolicyJudge`'s to say.
    func apply(to current: ItemRecord, by person: Person, at time: String, previous: [String], policy: LedgerPolicy?) throws -> ItemRecord {
        try validate()
        var next = ItemRecord(item: current.item, state: current.state, action: action, by: person, at: time,
                              note: nil, evidence: [], waivedUntil: nil, previous: previous)
        switch self {
        case let .check(note, evidence):
            guard current.state != .done else {
                throw LedgerError(.conflict, "\(current.item) is already done (signed by \(current.by?.name ?? "unknown") at \(current.at ?? "?"))",
                                  hint: "a second sign-off would duplicate it; `readiness uncheck` first if it must be redone")
            }
            (next.signoffs, next.state) = PolicyJudge.signoffs(after: current, by: person, under: policy)
            next.note = note
            next.evidence = evidence
        case let .uncheck(reason):
            guard current.state != .open else {
                throw LedgerError(.conflict, "\(current.item) is open already; there is nothing to uncheck",
                                  hint: "see its state with `readiness status`")
            }
            next.state = .open
            next.note = reason
        case let .waive(reason, until):
            guard current.state != .done else {
                throw LedgerError(.conflict, "\(current.item) is done; a done item cannot be waived",
                                  hint: "`readiness uncheck` it first if the sign-off no longer holds")
            }
            next.state = policy?.waivers.approvalRequired == true ? .pending : .waived
            next.note = reason
            next.waivedUntil = until
        case .approve:
            guard current.isWaiverRequest else {
                throw LedgerError(.conflict, "\(current.item) has no waiver request waiting for approval (it is \(current.state.rawValue))",
                                  hint: "an owner requests a waiver with `readiness waive`; see its state with `readiness status`")
            }
            next.state = .waived
            next.note = current.note
            next.waivedUntil = current.waivedUntil
            next.requestedBy = current.by
        }
        return next
    }
}

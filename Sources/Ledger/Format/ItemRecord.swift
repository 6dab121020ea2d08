import FoundationEssentials

/// The state an item can be in.
public enum ItemState: String, Codable, Sendable, CaseIterable {
    /// Not yet signed off (or signed off and then unchecked).
    case open
    /// Signed off as done.
    case done
    /// Deliberately not done, with a reason, until a date.
    case waived
    /// Waiting for more under the policy: a sign-off that has fewer distinct signers than the
    /// policy requires (four-eyes), or a waiver request that another owner must approve.
    /// Counts as not done.
    case pending
}

/// What was done to an item in one event; the first word of the commit subject.
public enum ItemAction: String, Codable, Sendable, CaseIterable {
    /// The item was created by `init` or a definition change.
    case create
    /// Signed off as done.
    case check
    /// A sign-off withdrawn.
    case uncheck
    /// Waived until a date (or, where the policy requires approval, a waiver requested).
    case waive
    /// A requested waiver approved by another owner.
    case approve
}

/// The person who made an event, as recorded in the item file.
public struct Person: Codable, Equatable, Sendable {
    /// Name, as in git's `user.name`.
    public var name: String
    /// E-mail, as in git's `user.email`; also the allowed-signers principal.
    public var email: String
    /// The signing key's fingerprint (`SHA256:…` for SSH), absent for unsigned events.
    public var key: String?

    /// Creates a person record.
    public init(name: String, email: String, key: String?) {
        self.name = name
        self.email = email
        self.key = key
    }
}

/// One piece of evidence: a URL, or a file recorded by name and SHA-256 (never copied).
public struct Evidence: Codable, Equatable, Sendable {
    /// A link to the evidence.
    public var url: String?
    /// The evidence file's name, as given.
    public var file: String?
    /// Lowercase hex SHA-256 of the file's bytes.
    public var sha256: String?
    /// The file's size in bytes.
    public var size: Int?

    /// Evidence that is a link.
    public static func link(_ url: String) -> Evidence { Evidence(url: url, file: nil, sha256: nil, size: nil) }

    /// Evidence that is a file, identified by its digest.
    public static func file(name: String, sha256: String, size: Int) -> Evidence {
        Evidence(url: nil, file: name, sha256: sha256, size: size)
    }

    /// The person-readable labels (link and file name), which a pseudonymous ledger seals.
    var labels: [String] { [url, file].compactMap { $0 } }

    /// The same evidence with its link and file name passed through `transform` (sealing or
    /// opening them); the file's digest and size are no personal data and stay.
    public func replacingLabels(_ transform: (String) -> String) -> Evidence {
        Evidence(url: url.map(transform), file: file.map(transform), sha256: sha256, size: size)
    }

    /// The one-line form used in commit trailers and text output.
    public var summary: String {
        if let url { return url }
        return "sha256:\(sha256 ?? "?") \(file ?? "?")"
    }
}

/// The contents of `items/<section>/<item>.json`: one item's current state and how it got there.
public struct ItemRecord: Codable, Equatable, Sendable {
    /// The item's full id (`section/item`).
    public var item: String
    /// The current state.
    public var state: ItemState
    /// The event that produced this state.
    public var action: ItemAction
    /// Who made the event; absent for items as created.
    public var by: Person?
    /// When, as ISO 8601 UTC; equals the commit's committer time.
    public var at: String?
    /// The signer's note (check) or reason (uncheck, waive).
    public var note: String?
    /// Evidence given with a check.
    public var evidence: [Evidence]
    /// For a waiver: the last day it holds (YYYY-MM-DD).
    public var waivedUntil: String?
    /// Back-links: the commits that last changed this item before this event (two after a merge).
    public var previous: [String]
    /// Under a four-eyes policy: everyone who has signed the current sign-off so far, in order
    /// (the last is `by`). Absent when one signer suffices, so records made before policies
    /// existed keep their bytes.
    public var signoffs: [Person]?
    /// For an approved waiver (or a request waiting for approval, nil): who requested it.
    public var requestedBy: Person?

    /// Creates a record from its parts.
    public init(item: String, state: ItemState, action: ItemAction, by: Person?, at: String?, note: String?,
                evidence: [Evidence], waivedUntil: String?, previous: [String], signoffs: [Person]? = nil, requestedBy: Person? = nil) {
        self.item = item
        self.state = state
        self.action = action
        self.by = by
        self.at = at
        self.note = note
        self.evidence = evidence
        self.waivedUntil = waivedUntil
        self.previous = previous
        self.signoffs = signoffs
        self.requestedBy = requestedBy
    }

    /// True for a waiver request that waits for another owner's approval.
    public var isWaiverRequest: Bool { state == .pending && action == .waive }

    /// True for a sign-off that waits for more distinct signers.
    public var isPendingSignoff: Bool { state == .pending && action == .check }

    /// An item as created: open, no history.
    public static func created(_ fullID: String) -> ItemRecord {
        ItemRecord(item: fullID, state: .open, action: .create, by: nil, at: nil, note: nil,
                   evidence: [], waivedUntil: nil, previous: [])
    }

    /// Canonical bytes for the item file.
    public func encoded() -> Data { CanonicalJSON.encode(self) }

    /// Parses an item file read from the ledger (untrusted input): plain files in one pass
    /// (`ItemRecordScanner`), anything it declines by `JSONDecoder`. `path` names the file in
    /// the message when it is refused (built only then: 5 % of a 10,000-item `status`).
    public static func decode(_ data: Data, path: @autoclosure () -> String) throws -> ItemRecord {
        if let record = ItemRecordScanner.record(from: data) { return record }
        do {
            return try JSONDecoder().decode(ItemRecord.self, from: data)
        } catch {
            throw LedgerError(.invalidInput, "\(path()) in the ledger is not a valid item record: \(ErrorText.oneLine(error))",
                              hint: "run `readiness verify` to find the commit that wrote it")
        }
    }
}

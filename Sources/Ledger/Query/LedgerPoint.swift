import FoundationEssentials
import Git

/// A point in the ledger's history a person names: a commit (any revision git understands) or a
/// date. Dates select the newest commit on the branch's first-parent line at or before them.
public enum LedgerPoint {
    /// The commit for `text`: a revision if one matches, else a date.
    public static func commit(for text: String, in store: LedgerStore) throws -> ObjectID {
        if let date = DateParsing.parse(text), text.contains("-") {
            return try commit(atOrBefore: date, in: store, naming: text)
        }
        // Any commit of the ledger repository is a state the ledger was in; it need not be an
        // ancestor of the head (a rewritten branch's old commits stay readable for audits).
        if let commit = try store.commit(named: text) {
            _ = try store.snapshot(at: commit)
            return commit
        }
        throw LedgerError(.invalidInput, "'\(text)' is neither a date nor a commit of the ledger",
                          hint: "give YYYY-MM-DD, an ISO 8601 date-time, or a commit id")
    }

    /// The time bound `text` stands for: a date, or a commit's committer time.
    /// A date without a time, used as an upper bound, covers that whole day.
    public static func time(for text: String, in store: LedgerStore, upperBound: Bool) throws -> Int64 {
        if let date = DateParsing.parse(text), text.contains("-") {
            let seconds = Int64(date.timeIntervalSince1970)
            return upperBound && DateParsing.day(text) != nil ? seconds + 86_400 - 1 : seconds
        }
        return try store.repository.commit(commit(for: text, in: store)).committer.time
    }

    private static func commit(atOrBefore date: Date, in store: LedgerStore, naming text: String) throws -> ObjectID {
        let limit = Int64(date.timeIntervalSince1970) + (DateParsing.day(text) != nil ? 86_400 - 1 : 0)
        var current: ObjectID? = try store.head()
        while let id = current {
            let commit = try store.repository.commit(id)
            if commit.committer.time <= limit { return id }
            current = commit.parentIDs.first
        }
        throw LedgerError(.invalidInput, "the ledger did not exist yet at \(text)", hint: "give a later date")
    }
}

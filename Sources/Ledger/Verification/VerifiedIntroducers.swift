import FoundationEssentials
import Git

/// Commits the judge itself established as ancestors of one verified commit (its `key`), one per
/// ledger path: the commit that last changed the path in a walk the judge made, or a back-link
/// it confirmed by walking history. Kept in `<gitdir>/readiness/verified-introducers`:
///
///     readiness verified-introducers 1
///     <key commit>
///     <commit> <path>
///     …
///
/// Why it exists: confirming an item's back-link needs "the linked commit is an ancestor of the
/// new commit's parent", and `git_graph_descendant_of` answers that by walking every commit in
/// between (libgit2 1.5 reads a commit-graph file if one exists, but its generation numbers only
/// cut a walk that fails; a link N commits back is still N steps). A sign-off builds on the
/// verified head, so when this record is keyed by that very commit the answer is already known,
/// whatever N is. Ancestry is a fact about commit ids (commits never change), so the record
/// stays true for its key forever; it is consulted only for a back-link whose parent IS its key
/// (another history misses), and it vouches only for ancestry: the linked commit must still hold
/// the blob while none of its parents does, checked from the trees every time. Like
/// `verified-head` it is local derived state written only by the judge, after a clean check; a
/// missing, unreadable or garbled file, or one keyed by another commit, only means a walk.
struct VerifiedIntroducers: Equatable {
    static let fileName = "verified-introducers"
    static let header = "readiness verified-introducers 1"

    /// The verified commit every listed commit is an ancestor of (or equal to).
    let key: ObjectID
    /// For each path, a commit established as an ancestor of (or equal to) `key`.
    var commits: [String: ObjectID]

    /// Whether the record vouches that `candidate` is an ancestor of (or equal to) `parent`.
    func vouches(for candidate: ObjectID, below parent: ObjectID) -> Bool {
        parent == key && listed.contains(candidate)
    }

    private var listed: Set<ObjectID> { Set(commits.values) }

    /// The record in `store`, or nil when there is none or it is not exactly this format.
    static func read(_ store: LedgerStore) -> VerifiedIntroducers? {
        guard let path = try? store.cacheFile(fileName), let data = DerivedFile.load(path, limit: 1 << 26) else { return nil }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// The record `text` holds; nil for anything but a header, a key and `<commit> <path>` lines.
    static func parse(_ text: String) -> VerifiedIntroducers? {
        guard text.hasSuffix("\n") else { return nil } // a cut-off file
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()[...]
        guard lines.popFirst() == Substring(header), let keyLine = lines.popFirst(), let key = ObjectID(hex: String(keyLine)) else { return nil }
        var commits: [String: ObjectID] = [:]
        for line in lines {
            guard let space = line.firstIndex(of: " "), let commit = ObjectID(hex: String(line[..<space])) else { return nil }
            let path = String(line[line.index(after: space)...])
            guard !path.isEmpty, commits.updateValue(commit, forKey: path) == nil else { return nil }
        }
        return VerifiedIntroducers(key: key, commits: commits)
    }

    /// The file's text: header, key, then one line per path in path order.
    var text: String {
        var out = Self.header + "\n" + key.hex + "\n"
        for (path, commit) in commits.sorted(by: { $0.key < $1.key }) where !path.contains("\n") {
            out += commit.hex + " " + path + "\n"
        }
        return out
    }

    /// Writes the record (derived state: a failed write only means a walk next time).
    func write(to store: LedgerStore) {
        guard let path = try? store.cacheFile(Self.fileName) else { return }
        store.save(Data(text.utf8), to: path)
    }
}

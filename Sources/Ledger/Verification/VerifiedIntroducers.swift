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
        parent == key && commits.values.contains(candidate)
    }

    /// The record in `store`, or nil when there is none or it is not exactly this format.
    static func read(_ store: LedgerStore) -> VerifiedIntroducers? {
        guard let path = try? store.cacheFile(fileName), let bytes = DerivedFile.load(path, limit: 1 << 26) else { return nil }
        return parse(bytes)
    }

    /// The record in `bytes`; nil for anything but a header, a key and `<commit> <path>` lines,
    /// each ended by a newline. Read as bytes: splitting the text into Characters cost a sign-off
    /// more than all the rest of the record (callgrind).
    static func parse(_ bytes: [UInt8]) -> VerifiedIntroducers? {
        let newline = UInt8(ascii: "\n")
        guard bytes.last == newline else { return nil } // a cut-off file
        var lines = bytes.dropLast().split(separator: newline, omittingEmptySubsequences: false)[...]
        guard let first = lines.popFirst(), first.elementsEqual(header.utf8),
              let keyLine = lines.popFirst(), let key = ObjectID(hex: String(decoding: keyLine, as: UTF8.self)) else { return nil }
        var commits: [String: ObjectID] = [:]
        commits.reserveCapacity(lines.count)
        for line in lines {
            let hex = line.prefix(40)
            guard line.count > 41, line[line.startIndex + 40] == UInt8(ascii: " "),
                  let commit = ObjectID(hex: String(decoding: hex, as: UTF8.self)) else { return nil }
            let path = String(decoding: line.dropFirst(41), as: UTF8.self)
            guard commits.updateValue(commit, forKey: path) == nil else { return nil }
        }
        return VerifiedIntroducers(key: key, commits: commits)
    }

    /// The file's bytes: header, key, then one line per path in path order.
    var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + commits.count * 96)
        out += Self.header.utf8
        out.append(UInt8(ascii: "\n"))
        out += key.hex.utf8
        out.append(UInt8(ascii: "\n"))
        for (path, commit) in commits.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) where !path.utf8.contains(UInt8(ascii: "\n")) {
            out += commit.hex.utf8
            out.append(UInt8(ascii: " "))
            out += path.utf8
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Writes the record (derived state: a failed write only means a walk next time).
    func write(to store: LedgerStore) {
        guard let path = try? store.cacheFile(Self.fileName) else { return }
        store.save(Data(encoded), to: path)
    }
}

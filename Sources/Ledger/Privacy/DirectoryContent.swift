import Foundation
import Git

/// One person in the directory: the pseudonym the signed history names, and who it is.
public struct DirectoryEntry: Codable, Equatable, Sendable {
    /// `p-<hex>`.
    public var pseudonym: String
    /// The person's name (`user.name`).
    public var name: String
    /// The person's e-mail (`user.email`), by which the tool finds their pseudonym.
    public var email: String

    /// An entry for `pseudonym`.
    public init(pseudonym: Pseudonym, name: String, email: String) {
        self.pseudonym = pseudonym.name
        self.name = name
        self.email = email
    }
}

/// One sealed text in the directory: the text, its salt, and the pseudonym of who wrote it
/// (so `forget` finds every text of a person, also a note an approval copied).
public struct DirectoryText: Codable, Equatable, Sendable {
    /// `p-<hex>` of the writer.
    public var author: String
    /// 32 bytes as lowercase hex.
    public var salt: String
    /// The text.
    public var text: String
}

/// The tree of `refs/readiness/directory`: `people/<pseudonym>.json` and
/// `texts/<commitment>.json`. This is the only place a pseudonymous ledger keeps names,
/// e-mails and free text, and the only part of the repository `forget` rewrites.
public struct DirectoryContent: Equatable, Sendable {
    /// Folder of people files.
    static let peopleFolder = "people"
    /// Folder of text files.
    static let textsFolder = "texts"

    /// People by pseudonym name.
    public var people: [String: DirectoryEntry] = [:]
    /// Texts by commitment (lowercase hex).
    public var texts: [String: DirectoryText] = [:]

    /// An empty directory.
    public init() {}

    /// The entry whose e-mail is `email` (e-mails compare case-insensitively, as mail does).
    public func entry(email: String) -> DirectoryEntry? {
        people.values.sorted { $0.pseudonym < $1.pseudonym }.first { $0.email.lowercased() == email.lowercased() }
    }

    /// Adds a sealed text written by `author`.
    mutating func add(_ sealed: SealedText, by author: Pseudonym) {
        texts[sealed.commitment] = DirectoryText(author: author.name, salt: sealed.salt, text: sealed.text)
    }

    /// Removes `pseudonym`'s entry and every text they wrote; returns the commitments removed.
    @discardableResult
    mutating func erase(_ pseudonym: Pseudonym) -> [String] {
        people[pseudonym.name] = nil
        let removed = texts.filter { $0.value.author == pseudonym.name }.keys.sorted()
        for key in removed { texts[key] = nil }
        return removed
    }

    /// Both directories' entries and texts (a sync joins two clones' directories; entries are
    /// keyed by random pseudonyms and texts by their commitments, so the two never disagree on
    /// one key unless one was tampered with, which `verify` reports).
    func union(_ other: DirectoryContent) -> DirectoryContent {
        var joined = self
        joined.people.merge(other.people) { mine, _ in mine }
        joined.texts.merge(other.texts) { mine, _ in mine }
        return joined
    }

    /// The tree holding this content.
    func tree(in repository: Repository) throws -> ObjectID {
        var changes: [TreeChange] = []
        for (name, entry) in people { changes.append(.write(path: "\(Self.peopleFolder)/\(name).json", contents: CanonicalJSON.encode(entry))) }
        for (commitment, text) in texts { changes.append(.write(path: "\(Self.textsFolder)/\(commitment).json", contents: CanonicalJSON.encode(text))) }
        return try repository.updatedTree(repository.emptyTree(), applying: changes)
    }

    /// Reads the directory tree `tree` (untrusted input): what could be read, and a line for
    /// everything that could not (a file outside the layout, a malformed entry).
    static func read(tree: ObjectID, in repository: Repository) throws -> (content: DirectoryContent, flaws: [String]) {
        var content = DirectoryContent()
        var flaws: [String] = []
        for folder in try repository.treeEntries(tree) {
            guard folder.kind == .tree, folder.name == peopleFolder || folder.name == textsFolder else {
                flaws.append("\(folder.name) is not part of the directory's layout")
                continue
            }
            for file in try repository.treeEntries(folder.id) {
                let path = "\(folder.name)/\(file.name)"
                guard file.kind == .blob, file.name.hasSuffix(".json") else {
                    flaws.append("\(path) is not part of the directory's layout")
                    continue
                }
                let key = String(file.name.dropLast(5))
                let data = try repository.blob(file.id)
                if folder.name == peopleFolder {
                    guard let entry = try? JSONDecoder().decode(DirectoryEntry.self, from: data), entry.pseudonym == key,
                          Pseudonym(name: key) != nil, (try? FreeText.validateLine(entry.name, field: "name")) != nil,
                          (try? FreeText.validateLine(entry.email, field: "e-mail")) != nil else {
                        flaws.append("\(path) is not a directory entry for \(key)")
                        continue
                    }
                    content.people[key] = entry
                } else {
                    guard let text = try? JSONDecoder().decode(DirectoryText.self, from: data), Pseudonym(name: text.author) != nil else {
                        flaws.append("\(path) is not a sealed text")
                        continue
                    }
                    content.texts[key] = text
                }
            }
        }
        return (content, flaws)
    }
}

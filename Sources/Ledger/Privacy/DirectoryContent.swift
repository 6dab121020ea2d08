import FoundationEssentials
import Git

/// One person in the directory: the pseudonym the signed history names, and who it is.
public struct DirectoryEntry: Codable, Equatable, Sendable {
    /// `p-<hex>`.
    public var pseudonym: String
    /// The person's name (`user.name`).
    public var name: String
    /// The person's e-mail (`user.email`), by which the tool finds their pseudonym.
    public var email: String
    /// The admin who vouches for this entry (their pseudonym's address): they signed the
    /// entry's bytes, in `people/<pseudonym>.sig`. Nil until vouched for.
    public var vouchedBy: String?

    /// An entry for `pseudonym`.
    public init(pseudonym: Pseudonym, name: String, email: String, vouchedBy: String? = nil) {
        self.pseudonym = pseudonym.name
        self.name = name
        self.email = email
        self.vouchedBy = vouchedBy
    }
}

/// A directory entry with an admin's signature over its exact bytes: the form in which entries
/// are written, so that no one but an admin can map a pseudonym to a person.
struct VouchedEntry {
    let entry: DirectoryEntry
    /// `people/<pseudonym>.json` as written and signed.
    let bytes: Data
    /// The armored signature (`people/<pseudonym>.sig`); nil in a ledger that allows unsigned commits.
    let signature: String?
}

/// One sealed text in the directory: the text, its salt, and the pseudonym of who wrote it
/// (so `forget` finds every text of a person, also a note an approval copied). Stored as
/// `<author> <salt>\n<text>`: reports read thousands of them, and this needs no JSON parser.
public struct DirectoryText: Equatable, Sendable {
    /// `p-<hex>` of the writer.
    public var author: String
    /// 32 bytes as lowercase hex.
    public var salt: String
    /// The text.
    public var text: String

    /// The file's bytes.
    var encoded: Data { Data("\(author) \(salt)\n\(text)".utf8) }

    /// Parses a text file, or nil when it is not one.
    init?(_ data: Data) {
        guard let newline = data.firstIndex(of: 0x0a),
              let header = String(data: data[data.startIndex..<newline], encoding: .utf8),
              let text = String(data: data[(newline + 1)...], encoding: .utf8) else { return nil }
        let parts = header.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, Pseudonym(name: String(parts[0])) != nil else { return nil }
        author = String(parts[0])
        salt = String(parts[1])
        self.text = text
    }

    init(author: String, salt: String, text: String) {
        self.author = author
        self.salt = salt
        self.text = text
    }
}

/// One file of the directory, parsed (untrusted input).
enum DirectoryFile {
    case person(DirectoryEntry)
    /// An admin's signature over the entry of `pseudonym`.
    case vouch(pseudonym: String, signature: String)
    case text(commitment: String, DirectoryText)

    /// `people/<pseudonym>.json` and `texts/<commitment>`.
    static let peopleFolder = "people", textsFolder = "texts"

    static func personPath(_ name: String) -> String { "\(peopleFolder)/\(name).json" }
    static func vouchPath(_ name: String) -> String { "\(peopleFolder)/\(name).sig" }
    static func textPath(_ commitment: String) -> String { "\(textsFolder)/\(commitment)" }

    /// The file at `path` with `data`, or a line saying why it is not a directory file.
    static func parse(path: String, data: Data) -> Result<DirectoryFile, DirectoryFlaw> {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .failure(DirectoryFlaw("\(path) is not part of the directory's layout")) }
        let name = String(parts[1])
        switch parts[0] {
        case Substring(peopleFolder) where name.hasSuffix(".json"):
            let key = String(name.dropLast(5))
            guard let entry = try? JSONDecoder().decode(DirectoryEntry.self, from: data), entry.pseudonym == key, Pseudonym(name: key) != nil,
                  (try? FreeText.validateLine(entry.name, field: "name")) != nil,
                  (try? FreeText.validateLine(entry.email, field: "e-mail")) != nil else {
                return .failure(DirectoryFlaw("\(path) is not a directory entry for \(key)"))
            }
            return .success(.person(entry))
        case Substring(peopleFolder) where name.hasSuffix(".sig"):
            let key = String(name.dropLast(4))
            guard Pseudonym(name: key) != nil, let signature = String(validating: data, as: UTF8.self), !signature.isEmpty else {
                return .failure(DirectoryFlaw("\(path) is not a signature for the entry of \(key)"))
            }
            return .success(.vouch(pseudonym: key, signature: signature))
        case Substring(textsFolder):
            guard let text = DirectoryText(data) else { return .failure(DirectoryFlaw("\(path) is not a sealed text")) }
            return .success(.text(commitment: name, text))
        default:
            return .failure(DirectoryFlaw("\(path) is not part of the directory's layout"))
        }
    }
}

/// Why a directory file is not acceptable.
struct DirectoryFlaw: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The whole content of the directory (`refs/readiness/directory`): the only place a
/// pseudonymous ledger keeps names, e-mails and free text, and the only part of the repository
/// `forget` rewrites. Read whole only where the whole is needed (verify, subject, forget).
public struct DirectoryContent: Equatable, Sendable {
    /// People by pseudonym name.
    public var people: [String: DirectoryEntry] = [:]
    /// Texts by commitment (lowercase hex).
    public var texts: [String: DirectoryText] = [:]
    /// The signatures vouching for entries, by pseudonym name.
    var vouches: [String: String] = [:]

    /// An empty directory.
    public init() {}

    /// The entry whose e-mail is `email` (e-mails compare case-insensitively, as mail does).
    public func entry(email: String) -> DirectoryEntry? {
        Self.entry(email: email, in: people)
    }

    static func entry(email: String, in people: [String: DirectoryEntry]) -> DirectoryEntry? {
        people.values.sorted { $0.pseudonym < $1.pseudonym }.first { $0.email.lowercased() == email.lowercased() }
    }

    /// The pseudonym `query` names among `people`: `query` itself when it is a pseudonym or its
    /// address, else the entry's whose e-mail is `query`. Nil when unknown.
    static func pseudonym(for query: String, in people: [String: DirectoryEntry]) -> Pseudonym? {
        if let pseudonym = Pseudonym(name: query) ?? Pseudonym(address: query) { return pseudonym }
        return entry(email: query, in: people).flatMap { Pseudonym(name: $0.pseudonym) }
    }

    /// Reads the directory tree `tree`: what could be read, and a line for everything that
    /// could not. `folders` limits the read (the people alone are small; texts may be many).
    static func read(tree: ObjectID, in repository: Repository,
                     folders: Set<String> = [DirectoryFile.peopleFolder, DirectoryFile.textsFolder]) throws -> (content: DirectoryContent, flaws: [String]) {
        var content = DirectoryContent()
        var flaws: [String] = []
        for folder in try repository.treeEntries(tree) {
            guard folder.kind == .tree, folder.name == DirectoryFile.peopleFolder || folder.name == DirectoryFile.textsFolder else {
                flaws.append("\(folder.name) is not part of the directory's layout")
                continue
            }
            guard folders.contains(folder.name) else { continue }
            for file in try repository.treeEntries(folder.id) {
                let path = "\(folder.name)/\(file.name)"
                guard file.kind == .blob else {
                    flaws.append("\(path) is not part of the directory's layout")
                    continue
                }
                switch DirectoryFile.parse(path: path, data: try repository.blob(file.id)) {
                case let .success(.person(entry)): content.people[entry.pseudonym] = entry
                case let .success(.vouch(pseudonym, signature)): content.vouches[pseudonym] = signature
                case let .success(.text(commitment, text)): content.texts[commitment] = text
                case let .failure(flaw): flaws.append(flaw.message)
                }
            }
        }
        return (content, flaws)
    }
}

/// Changes to the directory, applied to its current tree: a write costs what it changes, not
/// what the directory holds.
struct DirectoryEdit {
    private(set) var changes: [String: TreeChange] = [:]
    /// The author of each text written, and the pseudonym of each entry written (erased people are refused).
    private(set) var writers: [String: String] = [:]

    /// Adds or replaces an entry, with the signature that vouches for it.
    mutating func setPerson(_ vouched: VouchedEntry) {
        copy(path: DirectoryFile.personPath(vouched.entry.pseudonym), contents: vouched.bytes, about: vouched.entry.pseudonym)
        let signature = DirectoryFile.vouchPath(vouched.entry.pseudonym)
        if let text = vouched.signature {
            copy(path: signature, contents: Data(text.utf8), about: vouched.entry.pseudonym)
        } else {
            changes[signature] = .remove(path: signature)
            writers[signature] = nil
        }
    }

    /// Writes a people file as it stands in another directory (an entry or its signature, byte
    /// for byte: a signature covers exact bytes).
    mutating func copy(path: String, contents: Data, about pseudonym: String) {
        changes[path] = .write(path: path, contents: contents)
        writers[path] = pseudonym
    }

    /// Removes `name`'s entry and its signature.
    mutating func removePerson(_ name: String) {
        for path in [DirectoryFile.personPath(name), DirectoryFile.vouchPath(name)] {
            changes[path] = .remove(path: path)
            writers[path] = nil
        }
    }

    /// Adds a sealed text written by `author`.
    mutating func add(_ sealed: SealedText, by author: Pseudonym) {
        add(commitment: sealed.commitment, DirectoryText(author: author.name, salt: sealed.salt, text: sealed.text))
    }

    /// Adds a text file as it stands in another directory.
    mutating func add(commitment: String, _ text: DirectoryText) {
        let path = DirectoryFile.textPath(commitment)
        changes[path] = .write(path: path, contents: text.encoded)
        writers[path] = text.author
    }

    /// Removes the text of `commitment`.
    mutating func removeText(_ commitment: String) {
        let path = DirectoryFile.textPath(commitment)
        changes[path] = .remove(path: path)
        writers[path] = nil
    }

    /// Drops writes by or about the pseudonyms in `erased`: nothing of an erased person returns.
    mutating func dropWrites(by erased: Set<String>) {
        for (path, writer) in writers where erased.contains(writer) {
            changes[path] = nil
            writers[path] = nil
        }
    }

    var isEmpty: Bool { changes.isEmpty }
    var treeChanges: [TreeChange] { changes.keys.sorted().compactMap { changes[$0] } }
}

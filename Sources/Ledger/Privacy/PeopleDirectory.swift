import FoundationEssentials
import Git

/// The one place that turns what the signed history says about people into what a person
/// reads: in a pseudonymous ledger a pseudonym becomes the name and e-mail the directory holds
/// for it (or "[erased]"), and a sealed text becomes its text (or "[erased]"). In any other
/// ledger everything passes through unchanged. Every report that shows people (history,
/// blame, timeline, status, subject) resolves through one of these. People are read once (a
/// handful of files); texts one by one as they are shown, so a report pays for what it prints.
public final class PeopleDirectory {
    /// What an erased name or text shows.
    public static let erasedMark = "[erased]"

    /// People by pseudonym name; nil for a ledger that is not pseudonymous.
    public let entries: [String: DirectoryEntry]?
    /// The pseudonyms the ledger's erasure records name.
    public let erased: Set<String>
    private let texts: (repository: Repository, folder: ObjectID)?
    /// The texts folder's listing, read once at the first text shown: libgit2 does not cache a
    /// tree that large, so looking each text up by path would parse the folder every time.
    private var listing: [String: ObjectID]?
    private var shown: [String: String] = [:]

    /// A directory that resolves nothing (a plain ledger).
    public static var plain: PeopleDirectory { PeopleDirectory(entries: nil, erased: [], texts: nil) }

    private init(entries: [String: DirectoryEntry]?, erased: Set<String>, texts: (Repository, ObjectID)?) {
        self.entries = entries
        self.erased = erased
        self.texts = texts
    }

    /// The directory of `store` as it stands, judged against the head's erasure records and
    /// the admin rule (`vouchedPeople`); plain for a ledger that is not pseudonymous. A missing or unreadable directory resolves
    /// nothing (`verify` reports why); its pseudonyms show as they are.
    public static func load(_ store: LedgerStore, programs: VerificationPrograms = VerificationPrograms()) throws -> PeopleDirectory {
        // Head settings this tool cannot read: every command refuses that ledger on its own terms.
        guard let snapshot = try? store.snapshot(), snapshot.settings.isPseudonymous else { return .plain }
        let tip = try? store.directoryTip()
        // Only entries an admin vouches for: an entry anyone else wrote names nobody.
        let people = (try? LedgerVerifier(store: store, programs: programs).vouchedPeople(in: store)) ?? [:]
        let folder = try? tip.flatMap { try store.repository.entry(atPath: DirectoryFile.textsFolder, inTree: $0.tree) }
        return PeopleDirectory(entries: people, erased: try snapshot.erasedPseudonyms(),
                               texts: folder.map { (store.repository, $0.id) })
    }

    /// True for a pseudonymous ledger.
    public var isPseudonymous: Bool { entries != nil }

    /// `person` as a reader sees it: the directory's name and e-mail for a pseudonym, or
    /// "[erased]" and the pseudonym's address where the person was erased.
    public func display(_ person: Person) -> Person {
        guard let entries, let pseudonym = Pseudonym(address: person.email) else { return person }
        if let entry = entries[pseudonym.name] { return Person(name: entry.name, email: entry.email, key: person.key) }
        if erased.contains(pseudonym.name) { return Person(name: Self.erasedMark, email: person.email, key: person.key) }
        return person
    }

    /// A stored text field as a reader sees it: a sealed commitment becomes its text, or
    /// "[erased]" when the directory no longer holds it; plain text passes through.
    public func text(_ field: String?) -> String? {
        guard isPseudonymous, let commitment = SealedText.commitment(in: field) else { return field }
        if let known = shown[commitment] { return known }
        var text = Self.erasedMark
        if let texts {
            if listing == nil {
                listing = Dictionary((try? texts.repository.treeEntries(texts.folder))?.map { ($0.name, $0.id) } ?? [],
                                     uniquingKeysWith: { first, _ in first })
            }
            if let blob = listing?[commitment], let data = try? texts.repository.blob(blob), let stored = DirectoryText(data) {
                text = stored.text
            }
        }
        shown[commitment] = text
        return text
    }

    /// The pseudonym a person is known by: `query` itself when it is a pseudonym or its
    /// address, else the directory entry's whose e-mail is `query`. Nil when unknown.
    public func pseudonym(for query: String) -> Pseudonym? {
        DirectoryContent.pseudonym(for: query, in: entries ?? [:])
    }

    /// The principal the signed history uses for the person `email` names: their pseudonym's
    /// address in a pseudonymous ledger (or `email` if it has none), `email` itself otherwise.
    public func principal(for email: String) -> String {
        guard isPseudonymous else { return email }
        return pseudonym(for: email)?.address ?? email
    }
}

extension LedgerSnapshot {
    /// The pseudonyms this commit's erasure records name.
    public func erasedPseudonyms() throws -> Set<String> {
        guard let folder = try repository.entry(atPath: ErasureRecord.folder, inTree: commit.treeID), folder.kind == .tree else { return [] }
        return Set(try repository.treeEntries(folder.id).compactMap { entry in
            ErasureRecord.pseudonym(atPath: "\(ErasureRecord.folder)/\(entry.name)")?.name
        })
    }

    /// The erasure records of this commit, by erased pseudonym (unreadable ones left out; `verify` reports them).
    func erasureRecords() throws -> [String: ErasureRecord] {
        var out: [String: ErasureRecord] = [:]
        for name in try erasedPseudonyms() {
            guard let pseudonym = Pseudonym(name: name),
                  let data = try repository.file(atPath: ErasureRecord.path(of: pseudonym), inTree: commit.treeID),
                  let record = try? JSONDecoder().decode(ErasureRecord.self, from: data) else { continue }
            out[name] = record
        }
        return out
    }
}

extension PeopleDirectory {
    /// The identity a writer commits as: in a pseudonymous ledger their pseudonym (name
    /// `p-<hex>`, e-mail `p-<hex>@pseudonym.invalid`), found by their `user.email`; refused when
    /// the directory has no entry for it. `identity` unchanged in any other ledger.
    public func writingIdentity(for identity: GitIdentity) throws -> GitIdentity {
        guard let entries else { return identity }
        return try Self.writingIdentity(for: identity, in: entries)
    }

    /// `identity` as the pseudonym whose entry in `entries` has its e-mail; refused when none has.
    static func writingIdentity(for identity: GitIdentity, in entries: [String: DirectoryEntry]) throws -> GitIdentity {
        guard let entry = DirectoryContent.entry(email: identity.email, in: entries), let pseudonym = Pseudonym(name: entry.pseudonym) else {
            throw LedgerError(.untrustedKey, "\(identity.email) has no pseudonym in this pseudonymous ledger's directory",
                              hint: "ask an admin to run `readiness trust add \(identity.email) KEYFILE --name \"Your Name\"`")
        }
        var mapped = identity
        mapped.name = pseudonym.name
        mapped.email = pseudonym.address
        return mapped
    }
}

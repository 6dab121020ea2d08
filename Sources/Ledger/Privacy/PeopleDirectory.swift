import Foundation
import Git

/// The one place that turns what the signed history says about people into what a person
/// reads: in a pseudonymous ledger a pseudonym becomes the name and e-mail the directory holds
/// for it (or "erased"), and a sealed text becomes its text (or "[erased]"). In any other
/// ledger everything passes through unchanged. Every report that shows people (history,
/// blame, timeline, status, subject, evidence) resolves through one of these.
public struct PeopleDirectory: Sendable {
    /// What an erased name or text shows.
    public static let erasedMark = "[erased]"

    /// The directory's content; nil for a ledger that is not pseudonymous.
    public let content: DirectoryContent?
    /// The pseudonyms the ledger's erasure records name.
    public let erased: Set<String>

    /// A directory that resolves nothing (a plain ledger).
    public static let plain = PeopleDirectory(content: nil, erased: [])

    /// A directory from its parts.
    public init(content: DirectoryContent?, erased: Set<String>) {
        self.content = content
        self.erased = erased
    }

    /// The directory of `store` as it stands, judged against the head's erasure records; plain
    /// for a ledger that is not pseudonymous. A missing or unreadable directory resolves
    /// nothing (`verify` reports why); its pseudonyms show as they are.
    public static func load(_ store: LedgerStore) throws -> PeopleDirectory {
        let snapshot = try store.snapshot()
        guard snapshot.settings.isPseudonymous else { return .plain }
        let content = (try? store.directory())?.content ?? DirectoryContent()
        return PeopleDirectory(content: content, erased: try snapshot.erasedPseudonyms())
    }

    /// True for a pseudonymous ledger.
    public var isPseudonymous: Bool { content != nil }

    /// `person` as a reader sees it: the directory's name and e-mail for a pseudonym, or
    /// "[erased]" and the pseudonym's address where the person was erased.
    public func display(_ person: Person) -> Person {
        guard let content, let pseudonym = Pseudonym(address: person.email) else { return person }
        if let entry = content.people[pseudonym.name] { return Person(name: entry.name, email: entry.email, key: person.key) }
        if erased.contains(pseudonym.name) { return Person(name: Self.erasedMark, email: person.email, key: person.key) }
        return person
    }

    /// A stored text field as a reader sees it: a sealed commitment becomes its text, or
    /// "[erased]" when the directory no longer holds it; plain text passes through.
    public func text(_ field: String?) -> String? {
        guard let content, let commitment = SealedText.commitment(in: field) else { return field }
        return content.texts[commitment]?.text ?? Self.erasedMark
    }

    /// The pseudonym a person is known by: `query` itself when it is a pseudonym or its
    /// address, else the directory entry's whose e-mail is `query`. Nil when unknown.
    public func pseudonym(for query: String) -> Pseudonym? {
        if let pseudonym = Pseudonym(name: query) ?? Pseudonym(address: query) { return pseudonym }
        return content?.entry(email: query).flatMap { Pseudonym(name: $0.pseudonym) }
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

extension LedgerStore {
    /// The directory's commit and content, or nil when the ledger has none.
    func directory() throws -> (commit: ObjectID, content: DirectoryContent)? {
        guard let commit = try repository.referenceTarget(LedgerLayout.directoryReference) else { return nil }
        return (commit, try DirectoryContent.read(tree: repository.commit(commit).treeID, in: repository).content)
    }
}

extension PeopleDirectory {
    /// The identity a writer commits as: in a pseudonymous ledger their pseudonym (name
    /// `p-<hex>`, e-mail `p-<hex>@pseudonym.invalid`), found by their `user.email`; refused when
    /// the directory has no entry for it. `identity` unchanged in any other ledger.
    public func writingIdentity(for identity: GitIdentity) throws -> GitIdentity {
        guard let content else { return identity }
        guard let entry = content.entry(email: identity.email), let pseudonym = Pseudonym(name: entry.pseudonym) else {
            throw LedgerError(.untrustedKey, "\(identity.email) has no pseudonym in this pseudonymous ledger's directory",
                              hint: "ask an admin to run `readiness trust add \(identity.email) KEYFILE --name \"Your Name\"`")
        }
        var mapped = identity
        mapped.name = pseudonym.name
        mapped.email = pseudonym.address
        return mapped
    }
}

import FoundationEssentials
import Git

/// The identities part of an evidence pack from a pseudonymous ledger (`--with-identities`):
/// the directory's entries for the pseudonyms that occur in the pack and the opened texts of
/// its events and item states, nothing more (data minimisation), with the directory commit they
/// come from and the objects that tie them to its signature. Without it (the default) a pack
/// from a pseudonymous ledger shows pseudonyms and sealed commitments only.
struct EvidenceIdentities {
    /// The directory commit the entries and texts come from.
    let directoryCommit: ObjectID
    /// Entries by pseudonym name: the pack's pseudonyms the directory knows.
    let people: [String: DirectoryEntry]
    /// The pack's pseudonyms the directory no longer knows (erased), sorted.
    let erased: [String]
    /// Opened texts by commitment.
    let texts: [String: DirectoryText]
    /// The pack's commitments whose text the directory no longer holds (erased), sorted.
    let erasedTexts: [String]
    /// What an auditor needs to check the above with stock git: the directory commit, its
    /// trees, and the blobs of the entries and texts above (no other person's data).
    let objects: [ObjectID]

    /// The identities of the pseudonyms and sealed texts `content` shows, read from the
    /// directory as it stands, which must pass the verifier's directory rules (signature by an
    /// trusted key, every entry vouched for by an admin, layout, every text against its commitment).
    init(content: EvidenceContent, store: LedgerStore, verifier: LedgerVerifier) throws {
        guard let tip = try store.directoryTip() else {
            throw LedgerError(.verificationFailed, "this pseudonymous ledger has no directory (\(LedgerLayout.directoryReference)), so it has no identities to include",
                              hint: "export without --with-identities, or pull the directory from a clone that has it")
        }
        if let problem = try verifier.checkDirectoryCommit(tip.commit, head: store.head()).first {
            throw LedgerError(.verificationFailed, "the directory does not verify (\(problem.kind.rawValue): \(problem.reason)), so its identities cannot go into an evidence pack",
                              hint: "run `readiness verify` to see the ledger's state, or export without --with-identities")
        }
        let repository = store.repository
        var pseudonyms = Set<String>()
        var commitments = Set<String>()
        func note(_ person: Person?) {
            if let person, let pseudonym = Pseudonym(address: person.email) { pseudonyms.insert(pseudonym.name) }
        }
        for event in content.rawEvents {
            note(event.person)
            for field in [event.note].compactMap({ $0 }) + event.evidence.flatMap(\.labels) {
                if let commitment = SealedText.commitment(in: field) { commitments.insert(commitment) }
            }
        }
        for line in content.lines {
            ([line.record.by, line.record.requestedBy] + (line.record.signoffs ?? [])).forEach(note)
            for field in [line.record.note].compactMap({ $0 }) + line.record.evidence.flatMap(\.labels) {
                if let commitment = SealedText.commitment(in: field) { commitments.insert(commitment) }
            }
        }
        var objects = [tip.commit, tip.tree]
        for folder in [DirectoryFile.peopleFolder, DirectoryFile.textsFolder] {
            if let entry = try repository.entry(atPath: folder, inTree: tip.tree), entry.kind == .tree { objects.append(entry.id) }
        }
        var people: [String: DirectoryEntry] = [:], texts: [String: DirectoryText] = [:]
        var erased: [String] = [], erasedTexts: [String] = []
        for name in pseudonyms.sorted() {
            let path = DirectoryFile.personPath(name)
            guard let file = try repository.entry(atPath: path, inTree: tip.tree), file.kind == .blob,
                  case let .success(.person(entry)) = DirectoryFile.parse(path: path, data: try repository.blob(file.id)) else {
                erased.append(name)
                continue
            }
            people[name] = entry
            objects.append(file.id)
            // The admin's signature that vouches for the entry, so an auditor can check it too.
            if let signature = try repository.entry(atPath: DirectoryFile.vouchPath(name), inTree: tip.tree) { objects.append(signature.id) }
        }
        for commitment in commitments.sorted() {
            let path = DirectoryFile.textPath(commitment)
            guard let file = try repository.entry(atPath: path, inTree: tip.tree), file.kind == .blob,
                  case let .success(.text(_, text)) = DirectoryFile.parse(path: path, data: try repository.blob(file.id)) else {
                erasedTexts.append(commitment)
                continue
            }
            texts[commitment] = text
            objects.append(file.id)
        }
        directoryCommit = tip.commit
        self.people = people
        self.erased = erased
        self.texts = texts
        self.erasedTexts = erasedTexts
        self.objects = objects
    }

    /// `person` as the reports show it: `Name <email> (p-…)`, or `[erased] (p-…)` where the
    /// directory no longer knows the pseudonym; nil for an address that is not a pseudonym.
    func label(_ person: Person) -> String? {
        guard let pseudonym = Pseudonym(address: person.email) else { return nil }
        guard let entry = people[pseudonym.name] else { return "\(PeopleDirectory.erasedMark) (\(pseudonym.name))" }
        return "\(entry.name) <\(entry.email)> (\(pseudonym.name))"
    }

    /// The opened text of a sealed field, `[erased]` where the directory no longer holds it;
    /// nil for a field that is not sealed.
    func opened(_ field: String?) -> String? {
        guard let commitment = SealedText.commitment(in: field) else { return nil }
        return texts[commitment]?.text ?? PeopleDirectory.erasedMark
    }

    /// identities.json: the directory commit, the entries and opened texts (with their salts,
    /// so each can be checked against its commitment), and what was erased. Sorted, so the
    /// same range gives the same bytes.
    var json: Data {
        var writer = JSONWriter()
        writer.write(.object([
            ("directoryCommit", .string(directoryCommit.hex)),
            ("erased", .array(erased.map { .string($0) })),
            ("erasedTexts", .array(erasedTexts.map { .string($0) })),
            ("people", .array(people.keys.sorted().map { name in
                let entry = people[name]!
                return .object([("email", .string(entry.email)), ("name", .string(entry.name)), ("pseudonym", .string(entry.pseudonym))])
            })),
            ("texts", .array(texts.keys.sorted().map { commitment in
                let text = texts[commitment]!
                return .object([("author", .string(text.author)), ("commitment", .string(commitment)),
                                ("salt", .string(text.salt)), ("text", .string(text.text))])
            })),
        ]))
        writer.raw("\n")
        return Data(writer.bytes)
    }
}

/// Whether and how a pack holds identities: what its README and reports say.
enum EvidenceIdentityMode: Equatable {
    /// A plain ledger: its signed history names every signer, so every pack holds identities.
    case plainLedger
    /// A pseudonymous ledger exported without `--with-identities`.
    case pseudonymsOnly
    /// A pseudonymous ledger exported with `--with-identities`.
    case included

    /// One line for the report headings.
    var line: String {
        switch self {
        case .plainLedger: return "Identities: included (this ledger is not pseudonymous; its signed history names every signer)"
        case .pseudonymsOnly: return "Identities: NOT included (pseudonyms and sealed texts only)"
        case .included: return "Identities: included (names, e-mails and opened texts of this pack, from the directory)"
        }
    }
}

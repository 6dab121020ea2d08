import FoundationEssentials
import Git

/// What `forget` did.
public struct ErasureOutcome: Sendable {
    /// The pseudonym erased.
    public let pseudonym: Pseudonym
    /// The signed erasure record's commit; nil when the record existed already (a second run
    /// only completes the directory's rewrite).
    public let record: ObjectID?
    /// How many of the person's texts the directory dropped.
    public let texts: Int
    /// The directory commit that no longer holds them.
    public let directory: ObjectID
    /// True when the head's trust file still trusts a key for the pseudonym: erasing a person
    /// does not revoke their key (`readiness trust revoke` does, as its own signed change).
    public let stillTrusted: Bool
}

extension LedgerStore {
    /// Erases the person `query` names (e-mail, pseudonym or its address) from a pseudonymous
    /// ledger: first a signed erasure record in the history (admins only; it names pseudonyms
    /// only, and seals `reason` like every text), then the directory rewritten without their
    /// entry and texts. The old directory commit is left unreferenced, so `git gc --prune=now`
    /// removes it; every clone drops them on its next sync, whose directory merge honours the
    /// record. Run again after an interruption, it completes the rewrite.
    public func forget(_ query: String, reason: String, by author: LedgerAuthor) throws -> ErasureOutcome {
        let head = try snapshot()
        guard head.settings.isPseudonymous else {
            throw LedgerError(.invalidInput, "this ledger is not pseudonymous: names and e-mails are inside its signed commits, trust file and item files, so erasing them would rewrite history and break every signature and every clone",
                              hint: "`readiness subject PERSON` reports what it holds about a person (Art. 15); a ledger made with `readiness init --pseudonymous` can forget")
        }
        _ = try FreeText.validateNote(reason, field: "reason")
        guard !reason.trimming(.whitespacesAndNewlines).isEmpty else {
            throw LedgerError(.invalidInput, "the reason is empty", hint: "say why, with --reason \"…\" (it is sealed, like every text)")
        }
        let people = try PeopleDirectory.load(self)
        guard let pseudonym = people.pseudonym(for: query),
              people.entries?[pseudonym.name] != nil || people.erased.contains(pseudonym.name) else {
            throw LedgerError(.invalidInput, "the directory has nobody called \(query)", hint: "give their e-mail or pseudonym as `readiness subject` shows it")
        }
        guard pseudonym.address != author.identity.email else {
            throw LedgerError(.conflict, "you cannot erase yourself: the erasure record is signed by, and its reason sealed under, the admin who orders it",
                              hint: "ask another admin to run `readiness forget`")
        }
        var record: ObjectID?
        if !people.erased.contains(pseudonym.name) {
            if let violation = PolicyJudge.judgeAdministrative(by: author.identity.email, changing: ErasureRecord.path(of: pseudonym), under: try head.policy()) {
                throw violation.refusal
            }
            let key = try author.signer?.keyIdentity()
            let sealedReason = try sealText(reason, by: author)
            let written = try writeSigned(by: author, action: "erase \(pseudonym.name)") { parent, snapshot, time -> PlannedCommit<Void> in
                let path = ErasureRecord.path(of: pseudonym)
                if let violation = PolicyJudge.judgeAdministrative(by: author.identity.email, changing: path, under: try snapshot.policy()) {
                    throw violation.refusal
                }
                let texts = try directoryContent().texts.filter { $0.value.author == pseudonym.name }.keys.sorted()
                let erasure = ErasureRecord(pseudonym: pseudonym.name,
                                            by: Person(name: author.identity.name, email: author.identity.email, key: key?.recordedForm),
                                            at: CommitTime.iso8601(time.seconds), reason: sealedReason.stored, texts: texts)
                let tree = try repository.updatedTree(snapshot.commit.treeID, applying: [.write(path: path, contents: CanonicalJSON.encode(erasure))])
                let message = LedgerCommitMessage(action: ErasureRecord.action, subjectID: pseudonym.name, title: "personal data erased",
                                                  body: "", trailers: [("Action", ErasureRecord.action), ("Erased", pseudonym.name)])
                return PlannedCommit(tree: tree, parents: [parent], message: message, value: ())
            }
            record = written.commit
        }
        var dropped = 0
        let rewritten = try writeDirectory(by: author, action: "erase \(pseudonym.name)") { edit, current in
            // Forget reads the whole directory: the person's texts are found by their author.
            let content = try current.map { try DirectoryContent.read(tree: $0.tree, in: repository).content } ?? DirectoryContent()
            let texts = content.texts.filter { $0.value.author == pseudonym.name }.keys.sorted()
            edit.removePerson(pseudonym.name)
            texts.forEach { edit.removeText($0) }
            dropped = texts.count
        }
        let trusted = try snapshot().allowedSigners().entries.contains { $0.matches(principal: pseudonym.address) }
        return ErasureOutcome(pseudonym: pseudonym, record: record, texts: dropped, directory: rewritten, stillTrusted: trusted)
    }
}

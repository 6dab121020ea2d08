import FoundationEssentials
import Git

extension LedgerStore {
    /// Trusts `key` for a person in a pseudonymous ledger: the person gets a pseudonym (their
    /// existing one when the directory knows their e-mail, for a second key), the directory
    /// maps it to `name` and `email`, and the signed trust change names only the pseudonym.
    /// The directory entry is written first, so a trusted pseudonym always resolves; a refused
    /// trust change takes a new entry out again. Only admins add people: the same rule that
    /// judges the trust change is asked before the directory is touched.
    public func addPseudonymousSigner(email: String, name: String, key: SSHPublicKey, validAfter: Date?, validBefore: Date?,
                                      by author: LedgerAuthor) throws -> (pseudonym: Pseudonym, change: RecordedTrustChange) {
        _ = try FreeText.validateLine(email, field: "e-mail")
        _ = try FreeText.validateLine(name, field: "name")
        guard !email.isEmpty, !email.contains(" "), Pseudonym(address: email) == nil else {
            throw LedgerError(.invalidInput, "'\(email)' is not a plain e-mail address", hint: "give the e-mail the person signs with (their user.email)")
        }
        if let violation = PolicyJudge.judgeAdministrative(by: author.identity.email, changing: LedgerLayout.allowedSignersPath, under: try snapshot().policy()) {
            throw violation.refusal
        }
        // Only an entry an admin vouches for names a person; anything else in the directory is not one.
        let vouched = try LedgerVerifier(store: self, programs: author.programs).vouchedPeople(in: self)
        let known = DirectoryContent.entry(email: email, in: vouched).flatMap { Pseudonym(name: $0.pseudonym) }
        let pseudonym = known ?? Pseudonym.random()
        if known == nil {
            let entry = try vouch(DirectoryEntry(pseudonym: pseudonym, name: name, email: email), by: author)
            try writeDirectory(by: author, action: "add \(pseudonym.name)") { edit, _ in edit.setPerson(entry) }
        }
        do {
            let change = try changeTrust(.add(principal: pseudonym.address, key: key, validAfter: validAfter, validBefore: validBefore), by: author)
            return (pseudonym, change)
        } catch {
            if known == nil { _ = try? writeDirectory(by: author, action: "withdraw \(pseudonym.name)") { edit, _ in edit.removePerson(pseudonym.name) } }
            throw error
        }
    }
}

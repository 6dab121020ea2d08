import FoundationEssentials
import Git

/// One directory entry `trust vouch` signed anew.
public struct VouchedPerson: Sendable {
    /// The entry's pseudonym.
    public let pseudonym: Pseudonym
    /// The name and e-mail the entry maps it to.
    public let name: String, email: String
    /// Why no admin vouched for it before (the verifier's words); nil for an entry that was
    /// validly vouched for and was named explicitly.
    public let problem: String?
}

/// What `trust vouch` did.
public struct VouchOutcome: Sendable {
    /// The entries signed anew, by pseudonym.
    public let people: [VouchedPerson]
    /// The new directory commit; nil when nothing was written.
    public let directory: ObjectID?
}

extension LedgerStore {
    /// Vouches anew, as the admin `author`, for the directory entries `queries` name (pseudonym,
    /// its address, e-mail or name) and, with `all`, for every entry whose vouch the verifier's
    /// rule (`vouchProblem`) no longer accepts under the head's trust and policy: the repair of
    /// a pseudonymous ledger made before entries were vouched for, or of entries whose admin
    /// lost the role or the key. The entries keep their bytes but `vouchedBy`; everything goes
    /// into one directory commit through `writeDirectory`. People an erasure record names are
    /// refused: nobody says who an erased person was.
    public func vouchDirectory(for queries: [String], all: Bool, by author: LedgerAuthor) throws -> VouchOutcome {
        guard try snapshot().settings.isPseudonymous else {
            throw LedgerError(.invalidInput, "this ledger is not pseudonymous: its signed commits name people directly, so there is no directory whose entries an admin vouches for",
                              hint: "`readiness trust add` and `trust revoke` change who may sign a plain ledger")
        }
        try requireVouchingAdmin(author)
        var outcome: [VouchedPerson] = []
        let previous = try directoryTip()
        let written = try writeDirectory(by: author, action: "vouch for directory entries") { edit, current in
            outcome = []
            guard let current else {
                if let query = queries.first { throw Self.nobody(query) }
                return
            }
            let head = try snapshot()
            let erased = try head.erasedPseudonyms()
            let people = try DirectoryContent.read(tree: current.tree, in: repository, folders: [DirectoryFile.peopleFolder]).content.people
            var chosen: [String: String?] = [:]
            for query in queries {
                guard let pseudonym = Self.pseudonym(for: query, in: people) else { throw Self.nobody(query) }
                if erased.contains(pseudonym.name) {
                    throw LedgerError(.conflict, "\(pseudonym.name) was erased (an erasure record names them): nobody can vouch for who they were",
                                      hint: "`readiness subject \(pseudonym.name)` shows what the ledger still holds")
                }
                guard people[pseudonym.name] != nil else { throw Self.nobody(query) }
                chosen[pseudonym.name] = .some(nil)
            }
            let verifier = LedgerVerifier(store: self, programs: author.programs)
            guard case let .success(context) = try verifier.trust.context(ofTree: head.commit.treeID) else {
                throw LedgerError(.verificationFailed, "the head's trust files cannot be read, so no vouch can be judged",
                                  hint: "run `readiness verify` to find the commit that damaged them")
            }
            // Judged at about the new directory commit's time, as `verify` will judge it.
            let time = Date(timeIntervalSince1970: TimeInterval(try CommitTime.now(environment: author.environment).seconds))
            for name in people.keys.sorted() where !erased.contains(name) {
                guard let problem = try verifier.vouchProblem(of: name, inTree: current.tree, context: context, time: time) else { continue }
                if all || chosen[name] != nil { chosen[name] = .some(problem) }
            }
            for (name, problem) in chosen.sorted(by: { $0.key < $1.key }) {
                guard let entry = people[name], let pseudonym = Pseudonym(name: name) else { continue }
                edit.setPerson(try vouch(entry, by: author))
                outcome.append(VouchedPerson(pseudonym: pseudonym, name: entry.name, email: entry.email, problem: problem))
            }
        }
        return VouchOutcome(people: outcome, directory: written == previous?.commit ? nil : written)
    }

    /// The pseudonym `query` names among all entries (`trust vouch` repairs entries no display
    /// resolves): the lookup of every command, then a name when exactly one entry has it.
    private static func pseudonym(for query: String, in people: [String: DirectoryEntry]) -> Pseudonym? {
        if let known = DirectoryContent.pseudonym(for: query, in: people) { return known }
        let named = people.values.filter { $0.name == query }
        return named.count == 1 ? Pseudonym(name: named[0].pseudonym) : nil
    }

    private static func nobody(_ query: String) -> LedgerError {
        LedgerError(.invalidInput, "the directory has nobody called \(query)", hint: "give their e-mail or pseudonym as `readiness subject` shows it")
    }
}

extension LedgerSession {
    /// The writer of `trust vouch`: as `writer()`, but when no admin vouches for the author's own
    /// entry (a ledger older than vouching, or after an admin change) their pseudonym is found
    /// by `user.email` among all entries. That names nobody to a reader; every directory write
    /// still requires a key the head trusts for that pseudonym, and `vouch` an admin.
    public func vouchingWriter() throws -> LedgerAuthor {
        do {
            return try writer()
        } catch let error as LedgerError where error.kind == .untrustedKey {
            var made = try LedgerAuthor(config: store.repository.config(), environment: environment)
            made.programs = programs
            guard try people().isPseudonymous else { throw error }
            let entries = try store.directoryContent(folders: [DirectoryFile.peopleFolder]).people
            made.identity = try PeopleDirectory.writingIdentity(for: made.identity, in: entries)
            return made
        }
    }
}

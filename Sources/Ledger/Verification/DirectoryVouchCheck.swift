import FoundationEssentials
import Git

/// The directory's admin rule: only an admin maps a pseudonym to a person. Each entry
/// `people/<p>.json` names in `vouchedBy` the admin who vouches for it, and `people/<p>.sig`
/// holds that admin's signature over the entry's exact bytes (namespace "git", so
/// `ssh-keygen -Y verify` checks it with the ledger's allowed signers). The signature is judged
/// as a commit's is, by the head's trust files at the directory commit's time, and the admin by
/// the head's policy through `PolicyJudge.judgeAdministrative`, the rule of every admin-only
/// change. The directory commit itself may be signed by any trusted signer: everyone seals their
/// own notes into it, and a text is held to its commitment in the signed history, as an entry
/// is held to its admin's signature.
extension LedgerVerifier {
    /// Why the entry of `pseudonym` in the directory tree `tree` is not vouched for by an admin
    /// under `context` (the head's trust files and policy) at `time`; nil when it is, or when
    /// the tree has no such entry.
    func vouchProblem(of pseudonym: String, inTree tree: ObjectID, context: TrustContext, time: Date) throws -> String? {
        let path = DirectoryFile.personPath(pseudonym)
        guard let file = try repository.entry(atPath: path, inTree: tree), file.kind == .blob else { return nil }
        let bytes = try repository.blob(file.id)
        guard case let .success(.person(entry)) = DirectoryFile.parse(path: path, data: bytes) else { return nil }
        guard let admin = entry.vouchedBy else { return "\(path) names no admin who vouches for it" }
        if let violation = PolicyJudge.judgeAdministrative(by: admin, changing: "the directory's people", under: context.policy) {
            return "\(path) is vouched for by \(admin), who is not an admin: \(violation.reason)"
        }
        let signaturePath = DirectoryFile.vouchPath(pseudonym)
        guard let signature = try repository.entry(atPath: signaturePath, inTree: tree).map({ try repository.blob($0.id) }) else {
            return context.allowUnsigned ? nil : "\(path) has no signature by \(admin) (\(signaturePath))"
        }
        let verdict = TrustJudge.judge(crypto.examine(String(decoding: signature, as: UTF8.self), payload: bytes), context: context, email: admin, time: time)
        return verdict.isGood ? nil : "\(signaturePath) does not vouch for \(path) as \(admin): \(verdict.reason)"
    }

    /// The entries of the directory as it stands that an admin vouches for, judged against the
    /// history's head: the only entries a display may show. Empty without a directory, or when
    /// the head's trust files cannot be read (`verify` says why).
    func vouchedPeople(in store: LedgerStore) throws -> [String: DirectoryEntry] {
        guard let tip = try store.directoryTip(),
              case let .success(context) = try trust.context(ofTree: try commit(store.head()).treeID) else { return [:] }
        let time = try commit(tip.commit).committer.date
        let people = try DirectoryContent.read(tree: tip.tree, in: repository, folders: [DirectoryFile.peopleFolder]).content.people
        return try people.filter { try vouchProblem(of: $0.key, inTree: tip.tree, context: context, time: time) == nil }
    }
}

extension LedgerStore {
    /// `entry` vouched for by `author`, who must be an admin under the head's policy (the rule
    /// the verifier applies to every entry): its bytes, and the author's signature over them.
    func vouch(_ entry: DirectoryEntry, by author: LedgerAuthor) throws -> VouchedEntry {
        try requireVouchingAdmin(author)
        var vouched = entry
        vouched.vouchedBy = author.identity.email
        let bytes = CanonicalJSON.encode(vouched)
        return VouchedEntry(entry: vouched, bytes: bytes, signature: try author.signer?.sign(bytes))
    }

    /// Refuses (exit 7) an author who is not an admin under the head's policy: only an admin
    /// says who a pseudonym is.
    func requireVouchingAdmin(_ author: LedgerAuthor) throws {
        if let violation = PolicyJudge.judgeAdministrative(by: author.identity.email, changing: "the directory's people (who a pseudonym is)",
                                                           under: try snapshot().policy()) {
            throw violation.refusal
        }
    }
}

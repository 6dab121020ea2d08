import FoundationEssentials
import Git

/// What the verifier found in a pseudonymous ledger's directory.
public struct DirectoryFindings: Sendable {
    /// Everything wrong with the directory, or with the history's texts against it.
    public var problems: [VerificationProblem]
    /// Sealed texts of the history that erasure records account for.
    public var erasedTexts: Int
}

/// The directory rules of the one verifier. The directory (`refs/readiness/directory`) is
/// outside the signed history so that it can be rewritten, so it is judged against the
/// history's head instead:
/// - it is one parentless commit (it keeps no history, which `forget` would have to rewrite),
///   signed by a key the head's trust files accept for its pseudonymous committer;
/// - it holds only `people/<pseudonym>.json` (with `.sig`) and `texts/<commitment>`, each text
///   matching its commitment, each entry vouched for by an admin (`DirectoryVouchCheck`), and
///   nothing of a pseudonym an erasure record names;
/// - every sealed text of the history is in it, unless an erasure record accounts for it.
extension LedgerVerifier {
    /// Judges the directory against the history at the branch head; nothing for a ledger that
    /// is not pseudonymous.
    public func checkDirectory() throws -> DirectoryFindings {
        let head = try store.head()
        guard let snapshot = try? store.snapshot(at: head), snapshot.settings.isPseudonymous else { return DirectoryFindings(problems: [], erasedTexts: 0) }
        guard let tip = try repository.referenceTarget(LedgerLayout.directoryReference) else {
            return DirectoryFindings(problems: [VerificationProblem(
                commit: head.hex, kind: .directory,
                reason: "this pseudonymous ledger has no \(LedgerLayout.directoryReference): its pseudonyms and texts cannot be resolved")], erasedTexts: 0)
        }
        var problems = try checkDirectoryCommit(tip, head: head)
        // Which texts exist is all this needs: their names, not their contents (checked above).
        let textsFolder = try repository.entry(atPath: DirectoryFile.textsFolder, inTree: repository.commit(tip).treeID)
        let present = try Set(textsFolder.map { try repository.treeEntries($0.id).map(\.name) } ?? [])
        let records = try snapshot.erasureRecords()
        let erasedTexts = Set(records.values.flatMap(\.texts))
        var erasedCount = 0
        func account(_ field: String?, by email: String, commit: String, what: String) {
            guard let commitment = SealedText.commitment(in: field), !present.contains(commitment) else { return }
            if erasedTexts.contains(commitment) || records[Pseudonym(address: email)?.name ?? ""] != nil {
                erasedCount += 1
            } else {
                problems.append(VerificationProblem(
                    commit: commit, kind: .textMissing,
                    reason: "the sealed text \(commitment.prefix(12)) of \(what) is missing from the directory, and no erasure record accounts for it"))
            }
        }
        for event in try store.eventIndex().index.events where event.itemID != nil {
            account(event.note, by: event.person.email, commit: event.commit.hex, what: event.itemID ?? event.path)
            for label in event.evidence.flatMap(\.labels) {
                account(label, by: event.person.email, commit: event.commit.hex, what: "the evidence of \(event.itemID ?? event.path)")
            }
        }
        for record in records.values.sorted(by: { $0.pseudonym < $1.pseudonym }) {
            account(record.reason, by: record.by.email, commit: head.hex, what: "the erasure record of \(record.pseudonym)")
        }
        return DirectoryFindings(problems: problems, erasedTexts: erasedCount)
    }

    /// Every problem of the directory commit `id` judged against the history at `head`: part of
    /// `checkDirectory`, and the writer's last check before moving the directory reference.
    /// `since` (a writer's or a pull's current directory, judged when it was written) limits the
    /// file checks to the files that differ from it; the signature is always checked.
    /// `incoming` (a directory fetched from a remote, which may not have seen an erasure yet)
    /// tolerates entries and texts of erased people: the join drops them.
    func checkDirectoryCommit(_ id: ObjectID, head: ObjectID, since: ObjectID? = nil, incoming: Bool = false) throws -> [VerificationProblem] {
        var problems: [VerificationProblem] = []
        func report(_ kind: VerificationProblem.Kind, _ reason: String) {
            problems.append(VerificationProblem(commit: id.hex, kind: kind, reason: kind == .directory ? reason : "directory: " + reason))
        }
        let directory = try commit(id)
        if !directory.parentIDs.isEmpty {
            report(.directory, "the directory commit has parents; it keeps no history, so that erasing a person leaves no copy behind")
        }
        if Pseudonym(address: directory.committer.email) == nil {
            report(.directory, "committed as \(directory.committer.email), not as a pseudonym")
        }
        var headContext: TrustContext?
        switch try trust.context(ofTree: try commit(head).treeID) {
        case let .failure(error):
            report(.unreadable, "the head's trust files cannot be read: \(error.message)")
        case let .success(context):
            headContext = context
            if let signed = try repository.signedPayload(of: id) {
                let verdict = Self.judge(crypto.examine(signed.signature, payload: signed.signedData), contexts: [context], commit: directory)
                if let kind = verdict.problem { report(kind, verdict.reason) }
            } else if !context.allowUnsigned {
                report(.unsigned, "the directory commit is not signed")
            }
        }
        let erased = incoming ? [] : try store.snapshot(at: head).erasedPseudonyms()
        var files: [(path: String, blob: ObjectID)] = []
        if let since {
            for change in try repository.changedFiles(tree: directory.treeID, parentTrees: [commit(since).treeID]) {
                if let blob = change.blob { files.append((change.path, blob)) }
            }
        } else {
            for folder in try repository.treeEntries(directory.treeID) {
                guard folder.kind == .tree else {
                    report(.directory, "\(folder.name) is not part of the directory's layout")
                    continue
                }
                for file in try repository.treeEntries(folder.id) { files.append(("\(folder.name)/\(file.name)", file.id)) }
            }
        }
        // Pseudonyms whose entry or signature is among the files checked: the admin rule judges the pair.
        var vouched = Set<String>()
        for (path, blob) in files {
            guard let data = try? repository.blob(blob) else {
                report(.directory, "\(path) is not part of the directory's layout")
                continue
            }
            switch DirectoryFile.parse(path: path, data: data) {
            case let .failure(flaw):
                report(.directory, flaw.message)
            case let .success(.person(entry)):
                if erased.contains(entry.pseudonym) { report(.directory, "still holds the entry of \(entry.pseudonym), whom an erasure record names") }
                vouched.insert(entry.pseudonym)
            case let .success(.vouch(pseudonym, _)):
                if erased.contains(pseudonym) { report(.directory, "still holds the signature on the entry of \(pseudonym), whom an erasure record names") }
                vouched.insert(pseudonym)
            case let .success(.text(commitment, text)):
                if SealedText(text: text.text, salt: text.salt)?.commitment != commitment {
                    report(.textMismatch, "\(path) does not match its commitment: its text or salt was changed")
                }
                if erased.contains(text.author) { report(.directory, "still holds a text of \(text.author), whom an erasure record names") }
            }
        }
        if let headContext {
            for pseudonym in vouched.sorted() {
                if let problem = try vouchProblem(of: pseudonym, inTree: directory.treeID, context: headContext, time: directory.committer.date) {
                    report(.directory, problem)
                }
            }
        }
        return problems
    }
}

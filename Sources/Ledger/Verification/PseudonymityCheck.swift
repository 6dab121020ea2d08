import FoundationEssentials
import Git

/// The rules of a pseudonymous ledger's signed history, judged under the settings of a
/// commit's parent (the root: its own): no direct identifier and no free text in it.
/// - author and committer are a pseudonym (`p-<hex> <p-<hex>@pseudonym.invalid>`);
/// - item records hold notes, reasons and evidence links and file names only as sealed commitments;
/// - trust entries name only pseudonyms; `pseudonymous` never changes once set;
/// - an erasure record (`erasures/<pseudonym>.json`) is written once, alone, by an `erase`
///   commit (admins only, as every administrative path), agrees with its commit, and seals its reason.
/// In a ledger that is not pseudonymous, an erasure record is a problem.
struct PseudonymityCheck {
    let repository: Repository
    let data: LedgerDataCache
    let contexts: TrustContextCache

    func check(_ commit: Commit, parents: [Commit], changes: [ChangedFile], action: String?,
               report: (VerificationProblem.Kind, String) -> Void) throws {
        let judgingTree = parents.first?.treeID ?? commit.treeID
        guard case let .success(judging) = try contexts.context(ofTree: judgingTree) else { return }
        let erasures = changes.filter { if case .erasure = LedgerPath($0.path) { return true } else { return false } }
        guard judging.pseudonymous else {
            if !erasures.isEmpty { report(.pathOutsideLayout, "writes \(erasures[0].path), but only a pseudonymous ledger holds erasure records") }
            if action == ErasureRecord.action { report(.trailerMismatch, "is an erasure, which only a pseudonymous ledger can record") }
            return
        }
        for (role, person) in [("author", commit.author), ("committer", commit.committer)] {
            if Pseudonym(address: person.email)?.name != person.name {
                report(.trailerMismatch, "its \(role) is \(person.name) <\(person.email)>, but a pseudonymous ledger's commits name only pseudonyms")
            }
        }
        // The commit's own settings, trust and policy matter only where it changes them (most
        // commits are sign-offs, and this runs for every commit of the history).
        let changesAdministration = changes.contains { [.settings, .allowedSigners, .policy].contains(LedgerPath($0.path)) }
        if changesAdministration, case let .success(own) = try contexts.context(ofTree: commit.treeID) {
            if !own.pseudonymous { report(.definitionRule, "turns off pseudonymity, which is fixed when the ledger is made") }
            if changes.contains(where: { LedgerPath($0.path) == .allowedSigners }),
               let principal = own.allowed.entries.flatMap(\.principals).first(where: { Pseudonym(address: $0) == nil }) {
                report(.trailerMismatch, "trusts \(principal), but a pseudonymous ledger's trust files name only pseudonyms")
            }
            if changes.contains(where: { LedgerPath($0.path) == .policy }), let policy = own.policy,
               let principal = (policy.admins + policy.owners.values.flatMap { $0 }).first(where: { $0.contains("@") && !$0.hasSuffix("@\(Pseudonym.domain)") }) {
                report(.trailerMismatch, "its policy names \(principal), but a pseudonymous ledger's policy names only pseudonyms")
            }
        }
        for change in changes {
            guard case .item = LedgerPath(change.path), let blob = change.blob,
                  case let .success(record) = try data.record(blob, path: change.path) else { continue }
            if record.note != nil, SealedText.commitment(in: record.note) == nil {
                report(.trailerMismatch, "the record of \(record.item) holds its note as plain text; a pseudonymous ledger stores only sealed commitments")
            }
            // A link or file name can name a person as well as a note can.
            if record.evidence.flatMap(\.labels).contains(where: { SealedText.commitment(in: $0) == nil }) {
                report(.trailerMismatch, "the record of \(record.item) holds an evidence link or file name as plain text; a pseudonymous ledger stores only sealed commitments")
            }
        }
        if action == ErasureRecord.action || !erasures.isEmpty {
            try checkErasure(commit, parents: parents, changes: changes, report: report)
        }
    }

    private func checkErasure(_ commit: Commit, parents: [Commit], changes: [ChangedFile], report: (VerificationProblem.Kind, String) -> Void) throws {
        guard changes.count == 1, case let .erasure(pseudonym) = LedgerPath(changes[0].path), let blob = changes[0].blob else {
            report(.trailerMismatch, "an erasure must add exactly one erasure record, but it changes \(changes.map(\.path).joined(separator: ", "))")
            return
        }
        if CommitTrailers(commit.message)["Action"] != [ErasureRecord.action] {
            report(.trailerMismatch, "writes \(changes[0].path) without Readiness-Action: \(ErasureRecord.action)")
        }
        if let parent = parents.first, try repository.entry(atPath: changes[0].path, inTree: parent.treeID) != nil {
            report(.trailerMismatch, "changes \(changes[0].path); an erasure record is written once and never changed")
        }
        guard let record = try? JSONDecoder().decode(ErasureRecord.self, from: repository.blob(blob)) else {
            report(.unreadable, "\(changes[0].path) is not an erasure record")
            return
        }
        if CommitTrailers(commit.message)["Erased"] != [pseudonym.name] {
            report(.trailerMismatch, "Readiness-Erased does not name \(pseudonym.name), whom the record erases")
        }
        if record.pseudonym != pseudonym.name { report(.trailerMismatch, "\(changes[0].path) erases \(record.pseudonym)") }
        if record.by.email != commit.committer.email {
            report(.trailerMismatch, "the erasure of \(pseudonym.name) is by \(record.by.email) but the committer is \(commit.committer.email)")
        }
        if record.at != UTCTimestamp.iso8601(commit.committer.time) {
            report(.trailerMismatch, "the erasure of \(pseudonym.name) is dated \(record.at) but the commit is dated \(UTCTimestamp.iso8601(commit.committer.time))")
        }
        if SealedText.commitment(in: record.reason) == nil {
            report(.trailerMismatch, "the erasure of \(pseudonym.name) holds its reason as plain text; it must be sealed")
        }
    }
}

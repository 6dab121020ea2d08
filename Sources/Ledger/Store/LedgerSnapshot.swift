import Foundation
import Git

/// The ledger as it stands in one commit: settings, definition, trust and item states,
/// read from that commit's tree alone.
public struct LedgerSnapshot {
    /// The commit read.
    public let commit: Commit
    /// `ledger.json`.
    public let settings: LedgerSettings
    /// `checklist.json`.
    public let checklist: Checklist
    let repository: Repository

    /// Reads settings and definition of `commitID`; item files are read on demand.
    public init(repository: Repository, commitID: ObjectID) throws {
        self.repository = repository
        commit = try repository.commit(commitID)
        guard let settingsData = try repository.file(atPath: LedgerLayout.settingsPath, inTree: commit.treeID) else {
            throw LedgerError(.notALedger, "commit \(commitID.abbreviated()) has no \(LedgerLayout.settingsPath)",
                              hint: "this repository is not a readiness ledger; create one with `readiness init`")
        }
        settings = try LedgerSettings.decode(settingsData)
        guard let checklistData = try repository.file(atPath: LedgerLayout.checklistPath, inTree: commit.treeID) else {
            throw LedgerError(.notALedger, "commit \(commitID.abbreviated()) has no \(LedgerLayout.checklistPath)",
                              hint: "run `readiness verify` to find out how the ledger was damaged")
        }
        checklist = try Checklist.decode(canonicalJSON: checklistData)
    }

    /// The record of one item and the blob holding it (which identifies the event that produced
    /// it), from one tree lookup. An item the definition lists but whose file is missing is an error.
    public func itemFile(of item: ChecklistItemRef) throws -> (record: ItemRecord, blob: ObjectID) {
        guard let entry = try repository.entry(atPath: item.path, inTree: commit.treeID), entry.kind == .blob else {
            throw LedgerError(.invalidInput, "the ledger lists \(item.fullID) but has no \(item.path)",
                              hint: "run `readiness verify` to find the commit that removed it")
        }
        return (try ItemRecord.decode(repository.blob(entry.id), path: item.path), entry.id)
    }

    /// The record of one item.
    public func record(of item: ChecklistItemRef) throws -> ItemRecord {
        try itemFile(of: item).record
    }

    /// The blob id of one item's file, which identifies the event that produced its state.
    public func recordBlobID(of item: ChecklistItemRef) throws -> ObjectID? {
        try repository.entry(atPath: item.path, inTree: commit.treeID)?.id
    }

    /// `policy.json`; nil in a ledger made before policies (every trusted signer is admin and owner).
    public func policy() throws -> LedgerPolicy? {
        try repository.file(atPath: LedgerLayout.policyPath, inTree: commit.treeID).map(LedgerPolicy.decode)
    }

    /// `trust/openpgp_signers`, empty when the file is absent.
    public func openPGPSigners() throws -> OpenPGPSigners {
        guard let data = try repository.file(atPath: LedgerLayout.openPGPSignersPath, inTree: commit.treeID) else {
            return OpenPGPSigners()
        }
        return try OpenPGPSigners.parse(trustText(data, path: LedgerLayout.openPGPSignersPath))
    }

    /// `trust/allowed_signers`, empty when the file is absent.
    public func allowedSigners() throws -> AllowedSigners {
        guard let data = try repository.file(atPath: LedgerLayout.allowedSignersPath, inTree: commit.treeID) else {
            return AllowedSigners(entries: [])
        }
        return try AllowedSigners.parse(trustText(data, path: LedgerLayout.allowedSignersPath))
    }

    /// A trust file's text; invalid UTF-8 is refused, never repaired, since it decides who may sign.
    private func trustText(_ data: Data, path: String) throws -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            throw LedgerError(.invalidInput, "\(path) in commit \(commit.id.abbreviated()) is not UTF-8",
                              hint: "run `readiness verify` to find the commit that wrote it")
        }
        return text
    }
}

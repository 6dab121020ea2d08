import Foundation
import Git

/// Ledger files decoded once per distinct blob: definitions and item records recur along
/// history (each sign-off's record is the next sign-off's "before"), so verification of a long
/// ledger decodes each blob only once.
final class LedgerDataCache {
    private let repository: Repository
    private var checklists: [ObjectID: Result<Set<String>, LedgerError>] = [:]
    private var records: [ObjectID: Result<ItemRecord, LedgerError>] = [:]

    init(repository: Repository) {
        self.repository = repository
    }

    /// The full ids of the items `tree`'s `checklist.json` defines.
    func itemIDs(ofTree tree: ObjectID) throws -> Result<Set<String>, LedgerError> {
        guard let blob = try repository.entry(atPath: LedgerLayout.checklistPath, inTree: tree)?.id else {
            return .failure(LedgerError(.invalidInput, "the tree has no \(LedgerLayout.checklistPath)"))
        }
        if let known = checklists[blob] { return known }
        let result: Result<Set<String>, LedgerError>
        do {
            result = .success(Set(try Checklist.decode(canonicalJSON: repository.blob(blob)).allItems.map(\.fullID)))
        } catch let error as LedgerError {
            result = .failure(error)
        }
        checklists[blob] = result
        return result
    }

    /// The item record stored in `blob`.
    func record(_ blob: ObjectID, path: String) throws -> Result<ItemRecord, LedgerError> {
        if let known = records[blob] { return known }
        let result: Result<ItemRecord, LedgerError>
        do {
            result = .success(try ItemRecord.decode(repository.blob(blob), path: path))
        } catch let error as LedgerError {
            result = .failure(error)
        }
        records[blob] = result
        return result
    }
}

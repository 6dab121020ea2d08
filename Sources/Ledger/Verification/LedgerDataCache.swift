import FoundationEssentials
import Git

/// Ledger files decoded once per distinct blob: definitions and item records recur along
/// history (each sign-off's record is the next sign-off's "before"), so verification of a long
/// ledger decodes each blob only once.
final class LedgerDataCache {
    private let repository: Repository
    /// A definition already decoded from a blob elsewhere in this process (the writer's
    /// snapshot), or nil; see `LedgerStore.decodedChecklist(inBlob:)`.
    private let decoded: (ObjectID) -> Checklist?
    private var checklists: [ObjectID: Result<DefinedItems, LedgerError>] = [:]
    private var records: [ObjectID: Result<ItemRecord, LedgerError>] = [:]

    init(repository: Repository, decoded: @escaping (ObjectID) -> Checklist? = { _ in nil }) {
        self.repository = repository
        self.decoded = decoded
    }

    /// The definition in `tree`'s `checklist.json` and the item files it names.
    func definition(ofTree tree: ObjectID) throws -> Result<DefinedItems, LedgerError> {
        guard let blob = try repository.entry(atPath: LedgerLayout.checklistPath, inTree: tree)?.id else {
            return .failure(LedgerError(.invalidInput, "the tree has no \(LedgerLayout.checklistPath)"))
        }
        if let known = checklists[blob] { return known }
        let result: Result<DefinedItems, LedgerError>
        do {
            result = .success(DefinedItems(try decoded(blob) ?? Checklist.decode(canonicalJSON: repository.blob(blob))))
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

/// A definition and the item files it names: which item each file holds now (active items, by
/// their current full id) and which files belong to retired items.
struct DefinedItems {
    let checklist: Checklist
    /// Item file path → the item's current full id, for active items.
    let active: [String: String]
    /// Item file path → the retired item's full id.
    let retired: [String: String]

    init(_ checklist: Checklist) {
        self.checklist = checklist
        var active: [String: String] = [:]
        for ref in checklist.allItems { active[ref.path] = ref.fullID }
        var retired: [String: String] = [:]
        for ref in checklist.retiredItems { retired[ref.path] = ref.fullID }
        self.active = active
        self.retired = retired
    }
}

import FoundationEssentials
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
    /// The blob `checklist` was decoded from, so the verifier's reading of the same blob can
    /// reuse it (`LedgerStore.decodedChecklist(inBlob:)`).
    let checklistBlob: ObjectID
    let repository: Repository
    private let tree: SnapshotTree

    /// Reads settings and definition of `commitID`; item files are read on demand.
    public init(repository: Repository, commitID: ObjectID) throws {
        self.repository = repository
        commit = try repository.commit(commitID)
        let tree = try SnapshotTree(repository: repository, root: commit.treeID)
        self.tree = tree
        guard let settingsData = try tree.file(atPath: LedgerLayout.settingsPath) else {
            throw LedgerError(.notALedger, "commit \(commitID.abbreviated()) has no \(LedgerLayout.settingsPath)",
                              hint: "this repository is not a readiness ledger; create one with `readiness init`")
        }
        settings = try LedgerSettings.decode(settingsData)
        guard let checklistEntry = try tree.entry(atPath: LedgerLayout.checklistPath), checklistEntry.kind == .blob else {
            throw LedgerError(.notALedger, "commit \(commitID.abbreviated()) has no \(LedgerLayout.checklistPath)",
                              hint: "run `readiness verify` to find out how the ledger was damaged")
        }
        checklistBlob = checklistEntry.id
        checklist = try Checklist.decode(canonicalJSON: repository.blob(checklistEntry.id))
    }

    /// The record of one item and the blob holding it (which identifies the event that produced
    /// it), from one tree lookup. An item the definition lists but whose file is missing is an error.
    public func itemFile(of item: ChecklistItemRef) throws -> (record: ItemRecord, blob: ObjectID) {
        let (folder, name) = item.fileLocation
        guard let blob = try tree.blobID(inFolder: folder, named: name) else {
            throw LedgerError(.invalidInput, "the ledger lists \(item.fullID) but has no \(item.path)",
                              hint: "run `readiness verify` to find the commit that removed it")
        }
        return (try ItemRecord.decode(repository.blob(blob), path: item.path), blob)
    }

    /// The record of one item.
    public func record(of item: ChecklistItemRef) throws -> ItemRecord {
        try itemFile(of: item).record
    }

    /// The blob id of one item's file, which identifies the event that produced its state.
    public func recordBlobID(of item: ChecklistItemRef) throws -> ObjectID? {
        try tree.entry(atPath: item.path)?.id
    }

    /// `policy.json`; nil in a ledger made before policies (every trusted signer is admin and owner).
    public func policy() throws -> LedgerPolicy? {
        try tree.file(atPath: LedgerLayout.policyPath).map(LedgerPolicy.decode)
    }

    /// `trust/openpgp_signers`, empty when the file is absent.
    public func openPGPSigners() throws -> OpenPGPSigners {
        guard let data = try tree.file(atPath: LedgerLayout.openPGPSignersPath) else {
            return OpenPGPSigners()
        }
        return try OpenPGPSigners.parse(trustText(data, path: LedgerLayout.openPGPSignersPath))
    }

    /// `trust/allowed_signers`, empty when the file is absent.
    public func allowedSigners() throws -> AllowedSigners {
        guard let data = try tree.file(atPath: LedgerLayout.allowedSignersPath) else {
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

/// One commit's tree, for reading many files of it: each directory is read once (held open
/// as a `Tree`), so reading every item of a section parses the section's tree once, not once
/// per item (per-item path lookups made `status` and `gate` quadratic in a section's size).
private final class SnapshotTree {
    private let repository: Repository
    /// The directories read so far, by slash-separated path ("" is the root).
    private var directories: [String: Tree]

    init(repository: Repository, root: ObjectID) throws {
        self.repository = repository
        directories = ["": try repository.tree(root)]
    }

    /// The entry at slash-separated `path`, or nil when there is none.
    func entry(atPath path: String) throws -> TreeEntry? {
        let (parent, name) = Self.split(path)
        return try directory(at: parent)?.entry(named: name)
    }

    /// The id of the file `name` in the directory at `folder` (a path as `entry(atPath:)`
    /// takes), or nil when there is no such file.
    func blobID(inFolder folder: String, named name: String) throws -> ObjectID? {
        try directory(at: folder)?.blobID(named: name)
    }

    /// The contents of the file at `path`, or nil when there is no such file.
    func file(atPath path: String) throws -> Data? {
        guard let entry = try entry(atPath: path), entry.kind == .blob else { return nil }
        return try repository.blob(entry.id)
    }

    /// The directory at `path`, or nil when the path names nothing or something that is not one.
    private func directory(at path: String) throws -> Tree? {
        if let tree = directories[path] { return tree }
        let (parent, name) = Self.split(path)
        guard let entry = try directory(at: parent)?.entry(named: name), entry.kind == .tree else { return nil }
        let tree = try repository.tree(entry.id)
        directories[path] = tree
        return tree
    }

    /// `a/b/c` → (`a/b`, `c`); `c` → (``, `c`).
    private static func split(_ path: String) -> (parent: String, name: String) {
        // Found in the bytes, as git splits paths: a search by Character cost 6 % of `status`.
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return ("", path) }
        return (String(path[..<slash]), String(path[path.utf8.index(after: slash)...]))
    }
}
